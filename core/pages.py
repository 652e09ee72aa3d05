"""What every package's page views share: running a form through the API's schema and a service,
putting the refusals where the user sees them, paging, and safe redirect targets."""
from datetime import date
from urllib.parse import urlsplit

from flask import flash, request, url_for
from marshmallow import ValidationError

from core.errors import DomainError, flatten_fields
from core.extensions import db

PAGE_SIZE = 30


def submit(form, schema, data: dict, action, shown=None):
    """Checks `data` with the API's schema, then runs `action(loaded)`. Every complaint goes on the
    form field it names when that field is shown (`shown`: names; default every visible field),
    otherwise into a flash, with the service's whole sentence when there is one. Returns the
    action's result, or None when something was refused."""
    try:
        loaded = schema.load(data)
        return action(loaded)
    except ValidationError as exc:
        show_problems(form, flatten_fields(exc.messages), None, shown)
    except DomainError as exc:
        db.session.rollback()
        show_problems(form, exc.fields, exc.message, shown)
    return None


def attempt(form, action) -> bool:
    """Runs `action()`, a service call on data the form has checked itself; a refusal's complaints
    go on the form as `submit` puts them. Whether it went through."""
    try:
        action()
        return True
    except DomainError as exc:
        db.session.rollback()
        show_problems(form, exc.fields, exc.message)
        return False


def show_problems(form, problems: dict[str, str], message: str | None, shown=None) -> None:
    unplaced = []
    for name, text in problems.items():
        field = getattr(form, name.split(".")[0], None)
        visible = field is not None and field.type not in ("HiddenField", "CSRFTokenField") and \
            (shown is None or field.name in shown)
        if visible:
            field.errors = list(field.errors) + [text]
        else:
            unplaced.append(text)
    if message and (unplaced or not problems):
        flash(message, "error")
    else:
        for text in unplaced:
            flash(text, "error")


def form_data(form, names) -> dict:
    """The filled-in fields: text stripped, blanks left out (the schema's defaults apply), dates
    as ISO strings, flags and numbers as they are."""
    data = {}
    for name in names:
        field = getattr(form, name, None)
        if field is None:
            continue
        value = field.data
        if isinstance(value, str):
            value = value.strip()
            if value == "":
                continue
        if value is None:
            continue
        data[name] = value.isoformat() if isinstance(value, date) else value
    return data


def form_status() -> int:
    """A form page shown again after a POST was refused (the reasons are on it): 422."""
    return 422 if request.method == "POST" else 200


MAX_PAGE = 100_000  # beyond any list here; a larger number would overflow the database's OFFSET


def page_number() -> int:
    return min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)


def page_count(total: int, size: int = PAGE_SIZE) -> int:
    return max((total + size - 1) // size, 1)


def safe_target(target: str | None, default: str | None = None) -> str:
    """Only a path on this site: never an open redirect to another host. Browsers drop tabs and
    line breaks and read a backslash as a slash, so "/\t/evil.example" would leave the site."""
    if target and target.startswith("/") and target.isprintable() and " " not in target and "\\" not in target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and not target.startswith("//"):
            return target
    return default or url_for("home.index")
