"""Page forms of core (sign-in, password, audit log) and the form pieces every package's pages use."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Keep me signed in on this device"))


class PasswordForm(FlaskForm):
    old = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)])
    new = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)],
                        description=_l("At least 8 characters, not a common password or a simple pattern."))
    repeat = PasswordField(_l("New password again"),
                           validators=[DataRequired(), EqualTo("new", message=_l("The two do not match."))])


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a filter (GET) that changes nothing

    user = StringField(_l("Username"), validators=[Optional(), Length(max=64)])
    action = SelectField(_l("Action"), validators=[Optional()])
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("To"), validators=[Optional()])


def _choices(enum_cls, blank: bool = False) -> list[SelectChoice]:
    """Options in the interface language, computed when the form is rendered."""
    return ([SelectChoice("", "—")] if blank else []) + [SelectChoice(m.name, m.label) for m in enum_cls]


class LocalisedChoices(SelectField):
    """A select whose labels follow the interface language at render time."""

    def __init__(self, label, enum_cls, blank=False, **kwargs):
        self.enum_cls, self.blank = enum_cls, blank
        # The API schema checks the value (with a clearer message), so WTForms need not.
        super().__init__(label, choices=_choices(enum_cls, blank), validate_choice=False, **kwargs)

    def iter_choices(self):
        self.choices = _choices(self.enum_cls, self.blank)
        return super().iter_choices()


class MultiCheckboxField(SelectMultipleField):
    """Several choices as a list of checkboxes (better on a phone than a multiple select)."""
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class LocalisedCheckboxes(MultiCheckboxField):
    """Checkboxes for the members of an enumeration, labelled in the interface language."""

    def __init__(self, label, enum_cls, **kwargs):
        self.enum_cls = enum_cls
        super().__init__(label, choices=_choices(enum_cls, False), validate_choice=False, **kwargs)

    def iter_choices(self):
        self.choices = _choices(self.enum_cls, False)
        return super().iter_choices()


def id_or_none(value) -> int | None:
    """A chosen record's number from a drop-down list: blank, or not a number, is none (the service
    then says what is missing)."""
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class ConfirmForm(FlaskForm):
    """An empty form: a POST button with its CSRF token (reveal, sign out)."""


# --- accounts (core.accounts): the rules are core.schemas.AccountIn / AccountPatch --------------

class AccountForm(FlaskForm):
    username = StringField(_l("Username"), render_kw={"required": True, "autocomplete": "off",
                                                      "autocapitalize": "none"},
                           description=_l("Employers sign in with their unified social credit code."))
    display_name = StringField(_l("Display name"), description=_l("How the account is shown, e.g. 团结村劳保站."))
    role = SelectField(_l("Role"), choices=[], validate_choice=False)
    area_codes = MultiCheckboxField(_l("Areas"), choices=[], validate_choice=False)
    # the employers without an account, by name (the view sets them); the service checks the choice
    employer_id = SelectField(_l("Employer (employer accounts)"), coerce=id_or_none, choices=[],
                              validate_choice=False,
                              description=_l("Employers inside your area that have no account yet."))
    # a worker account is opened from the person's page, which fills this in
    worker_id = IntegerField(_l("Worker number (worker accounts)"), validators=[Optional()],
                             description=_l("Open the person's page and choose 开通账号 there: it fills this in."))


class AccountEditForm(FlaskForm):
    display_name = StringField(_l("Display name"))
    area_codes = MultiCheckboxField(_l("Areas"), choices=[], validate_choice=False)


class AccountFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a filter (GET) that changes nothing

    q = StringField(_l("Username or name"), validators=[Optional(), Length(max=64)])
    role = SelectField(_l("Role"), choices=[], validate_choice=False)
    active = SelectField(_l("Active"), choices=[], validate_choice=False)
