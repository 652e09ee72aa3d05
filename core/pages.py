"""What every package's page views share: running a form through the API's schema and a service,
putting the refusals where the user sees them, paging, and safe redirect targets."""
from datetime import date
from urllib.parse import urlsplit

from flask import flash, request, url_for
from marshmallow import ValidationError

from core.errors import DomainError, flatten_fields
from core.extensions import db

PAGE_SIZE = 30


def submit(form, action, schema=None, data=None, shown=None):
    """The one way a page's form reaches a service.

    1. Nothing happens unless the form was posted, its CSRF token holds and its widgets parsed what
       they show (a date box gives a date): `form.validate_on_submit()`. A form whose data go
       through a schema carries no rules of its own (at most `render_kw` hints for the browser).
    2. With a `schema` (the API's own), the data (`data`, else the form's fields the schema names,
       blanks left out) are checked exactly as an API request is, and `action(loaded)` calls the
       service. Without one (a confirmation button, a page-only form whose validators are its
       rules), `action()` does.
    3. A refusal (the schema's or the service's) is rolled back and its complaints go on the form
       field each names when that field is shown (`shown`: names; default every visible field),
       otherwise into a flash, with the service's whole sentence when there is one. The service's
       refusal stays on `form.refusal` (its status, and whatever it carries, for the page).

    Returns the action's result (True when it returns nothing), or None when the form was not
    posted or something was refused. It never commits: the request handler commits, once, when
    it has a result."""
    form.refusal = None
    if not form.validate_on_submit():
        return None
    try:
        if schema is None:
            result = action()
        else:
            loaded = schema.load(form_data(form, schema.fields) if data is None else data)
            result = action(loaded)
    except ValidationError as exc:
        show_problems(form, flatten_fields(exc.messages), None, shown)
        return None
    except DomainError as exc:
        db.session.rollback()
        form.refusal = exc
        show_problems(form, exc.fields, exc.message, shown)
        return None
    return True if result is None else result


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
