"""Chinese first; English on request (a switch in the page header, remembered in the session)."""
from flask import (
    Blueprint,
    current_app,
    has_request_context,
    redirect,
    request,
    session,
)

from core.pages import safe_target

bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    if not has_request_context():  # commands and timed work: the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    if request.path.startswith("/api/"):
        return request.accept_languages.best_match(list(languages)) or "zh"
    return current_app.config["BABEL_DEFAULT_LOCALE"]


@bp.post("/lang/<code>")
def switch(code: str):
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    return redirect(safe_target(request.form.get("next")))
