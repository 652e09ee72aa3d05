"""Marshmallow fields and schemas shared by every package's schemas."""
import re
import unicodedata

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate

from core.roles import Role
from core.validators import AREA_CODE, MAX_ID, normalise_phone

TRUE_WORDS = {True, 1, "1", "true", "True", "TRUE", "yes", "是", "y", "Y"}
FALSE_WORDS = {False, 0, "0", "false", "False", "FALSE", "no", "否", "n", "N", ""}


def _visible_edges(text: str) -> str:
    """Without surrounding spaces or invisible format characters (a name that is only a zero-width
    space is no name)."""
    start, end = 0, len(text)
    while start < end and (text[start].isspace() or unicodedata.category(text[start]) == "Cf"):
        start += 1
    while end > start and (text[end - 1].isspace() or unicodedata.category(text[end - 1]) == "Cf"):
        end -= 1
    return text[start:end]


class Text(fields.String):
    """Text as people type it: surrounding spaces and invisible characters dropped; control
    characters refused (they cannot be shown, printed or written to a spreadsheet), and so are
    invisible format characters inside, such as U+202E, which turns the text after it around so
    that a list shows something else than what is stored."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = _visible_edges(super()._deserialize(value, attr, data, **kwargs))
        if any(unicodedata.category(c) in ("Cc", "Cs") for c in text):
            raise ValidationError(_("Contains control characters."))
        if any(unicodedata.category(c) == "Cf" for c in text):
            raise ValidationError(_("Contains invisible formatting characters."))
        return text


class AreaCode(Text):
    """A 12-digit statistical division code (any level)."""

    def _deserialize(self, value, attr, data, **kwargs):
        code = super()._deserialize(value, attr, data, **kwargs)
        if not code and self.allow_none:
            return None
        if not AREA_CODE.match(code):
            raise ValidationError(_("Area codes have 12 digits."))
        return code


class Phone(Text):
    """A mobile or landline number, kept as typed once it is known to be one."""

    def _deserialize(self, value, attr, data, **kwargs):
        phone = super()._deserialize(value, attr, data, **kwargs)
        if not phone:
            return None
        try:
            normalise_phone(phone)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None
        return phone


def Latitude(**kwargs):
    return fields.Float(allow_none=True, validate=validate.Range(-90, 90), **kwargs)


def Longitude(**kwargs):
    return fields.Float(allow_none=True, validate=validate.Range(-180, 180), **kwargs)


class LabelledEnumField(fields.Field):
    """Accepts a code or its Chinese label; gives back the code."""

    def __init__(self, enum_cls, **kwargs):
        self.enum_cls = enum_cls
        codes = ", ".join(f"{m.name} ({m.zh})" for m in enum_cls)
        kwargs.setdefault("metadata", {}).update(
            {"type": "string", "enum": [m.name for m in enum_cls], "description": codes})
        super().__init__(**kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return value.name if value is not None else None

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return self.enum_cls.parse(value)
        except ValueError:
            allowed = "、".join(m.label for m in self.enum_cls)
            raise ValidationError(_("Unknown value; use one of: %(allowed)s", allowed=allowed)) from None


def Flag(**kwargs):
    """A yes/no that also takes the words people type in a form or a spreadsheet (是/否, y/n, 1/0 …)."""
    return fields.Boolean(truthy=TRUE_WORDS, falsy=FALSE_WORDS, **kwargs)


class Paging(Schema):
    """A list endpoint's `limit` and `offset`; the list arguments of every package extend it."""
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 500))
    offset = fields.Integer(load_default=0, validate=validate.Range(0, MAX_ID))


# marshmallow's own messages are English; these are the ones our users meet, translated where the
# messages reach them (core.errors.flatten_fields), so a Chinese page never shows "Not a valid integer."
LIBRARY_MESSAGES = {
    "Invalid JSON body.": _l("The request body is not valid JSON."),
    "Missing data for required field.": _l("Required."),
    "Field may not be null.": _l("May not be empty."),
    "Invalid value.": _l("Invalid value."),
    "Not a valid string.": _l("Must be text."),
    "Not a valid integer.": _l("Must be a whole number."),
    "Not a valid number.": _l("Must be a number."),
    "Number too large.": _l("The number is too large."),
    "Special numeric values (nan or infinity) are not permitted.": _l("Must be a number."),
    "Not a valid boolean.": _l("Must be yes or no (true/false, 1/0, 是/否)."),
    "Not a valid date.": _l("Must be a date (YYYY-MM-DD)."),
    "Not a valid list.": _l("Must be a list."),
    "Not a valid mapping type.": _l("Must be an object."),
    "Unknown field.": _l("Unknown field."),
    "Invalid input type.": _l("Invalid input type."),
}
LIBRARY_PATTERNS = [
    (re.compile(r"^Must be greater than or equal to (\S+) and less than or equal to (\S+)\.$"),
     lambda m: _l("Must be between %(low)s and %(high)s.", low=m[1], high=m[2])),
    (re.compile(r"^Must be greater than or equal to (\S+)\.$"), lambda m: _l("Must be at least %(low)s.", low=m[1])),
    (re.compile(r"^Must be less than or equal to (\S+)\.$"), lambda m: _l("Must be at most %(high)s.", high=m[1])),
    (re.compile(r"^Longer than maximum length (\d+)\.$"), lambda m: _l("At most %(n)s characters.", n=m[1])),
    (re.compile(r"^Shorter than minimum length (\d+)\.$"), lambda m: _l("At least %(n)s characters.", n=m[1])),
    (re.compile(r"^Length must be between (\d+) and (\d+)\.$"),
     lambda m: _l("Between %(low)s and %(high)s characters.", low=m[1], high=m[2])),
]


def translate_library_message(message: str) -> str:
    if message in LIBRARY_MESSAGES:
        return str(LIBRARY_MESSAGES[message])
    for pattern, make in LIBRARY_PATTERNS:
        if match := pattern.match(message):
            return str(make(match))
    return message


# --- accounts (core.accounts) --------------------------------------------------------------------

USERNAME = re.compile(r"^[\w.@-]{2,64}$")


def _username(value: str) -> None:
    if not USERNAME.match(value):
        raise ValidationError(_("2 to 64 letters, digits or . _ @ -, without spaces."))


class RoleField(fields.String):
    """A role by its code (admin, county, station, provider, employer, worker)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("metadata", {}).update({"enum": [r.value for r in Role]})
        super().__init__(**kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return value.value if isinstance(value, Role) else value

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return Role(super()._deserialize(value, attr, data, **kwargs).strip())
        except ValueError:
            allowed = ", ".join(r.value for r in Role)
            raise ValidationError(_("Unknown role; use one of: %(allowed)s", allowed=allowed)) from None


def AccountId(**kwargs):
    return fields.Integer(allow_none=True, validate=validate.Range(1, MAX_ID), **kwargs)


class AccountIn(Schema):
    """A new account: an initial password is made for it, shown once, changed at first sign-in."""
    username = Text(required=True, validate=[validate.Length(max=64), _username])
    role = RoleField(required=True)
    area_codes = fields.List(AreaCode(), load_default=list, validate=validate.Length(max=50), metadata={
        "description": "the areas the account is bound to (station and county accounts need one)"})
    employer_id = AccountId(metadata={"description": "the employer of an employer account"})
    worker_id = AccountId(metadata={"description": "the worker of a worker account"})
    display_name = Text(allow_none=True, validate=validate.Length(max=64))


class AccountPatch(Schema):
    active = fields.Boolean(metadata={"description": "false ends every sign-in and token of the account at once"})
    area_codes = fields.List(AreaCode(), validate=validate.Length(max=50))
    display_name = Text(allow_none=True, validate=validate.Length(max=64))


class AccountListArgs(Paging):
    role = RoleField()
    q = Text(validate=validate.Length(max=64), metadata={"description": "part of the username or display name"})
    active = Flag()
