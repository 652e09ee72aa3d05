"""One error shape for the API (API.md) and friendly pages elsewhere; never a 500 for bad input."""
import logging

from flask import g, jsonify, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import DisconnectionError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from core.extensions import db, login_manager
from core.schemas import translate_library_message

log = logging.getLogger(__name__)

API_PREFIX = "/api/"

_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
          405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_media_type",
          422: "invalid", 429: "too_many_requests", 500: "server_error", 503: "unavailable"}


class DomainError(Exception):
    """Raised by services; the boundary turns it into a 4xx answer or a form message."""
    status = 422

    def __init__(self, message: str, fields: dict | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        self.code = code or _CODES[self.status]


class ValidationFailed(DomainError):
    status = 422


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    status = 409


class Forbidden(DomainError):
    status = 403


class Throttled(DomainError):
    """Too many attempts of something counted per person or per address (sign-ins, exact searches)."""
    status = 429


def _messages() -> dict[int, str]:
    return {400: _("The request could not be understood."), 401: _("Please sign in."),
            403: _("You are not allowed to do this."), 404: _("Not found."),
            405: _("This method is not allowed here."), 409: _("This conflicts with existing data."),
            413: _("The upload is too large."), 415: _("Unsupported content type."),
            422: _("Some fields are invalid."), 429: _("Too many attempts; please wait and try again."),
            500: _("Something went wrong on our side."), 503: _("The service is unavailable for a moment.")}


def flatten_fields(messages, prefix: str = "") -> dict[str, str]:
    """webargs/marshmallow nest messages by location and field; API.md wants `field: why`."""
    out: dict[str, str] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            if key in ("json", "query", "form", "files", "headers", "path") and not prefix:
                out.update(flatten_fields(value))
            else:
                out.update(flatten_fields(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(messages, (list, tuple)):
        if all(isinstance(m, str) for m in messages):
            out[prefix or "_schema"] = " ".join(translate_library_message(m) for m in messages)
        else:
            for i, m in enumerate(messages):
                out.update(flatten_fields(m, f"{prefix}.{i}"))
    else:
        out[prefix or "_schema"] = str(messages)
    return out


def error_body(status: int, message: str | None = None, fields: dict | None = None, code: str | None = None):
    body = {"error": {"code": code or _CODES.get(status, "error"),
                      "message": message or _messages().get(status, ""),
                      "fields": fields or {}}}
    return jsonify(body), status


def wants_json() -> bool:
    return request.path.startswith(API_PREFIX)


def handle_domain_error(exc: DomainError):
    db.session.rollback()
    if wants_json():
        return error_body(exc.status, exc.message, exc.fields, exc.code)
    return render_template("errors/error.html", status=exc.status, message=exc.message), exc.status


def handle_http_exception(exc: HTTPException):
    db.session.rollback()
    status = exc.code or 500
    if wants_json():
        fields = {}
        data = getattr(exc, "data", None) or {}
        if "messages" in data:
            fields = flatten_fields(data["messages"])
        return error_body(status, _messages().get(status, exc.description), fields)
    return render_template("errors/error.html", status=status, message=_messages().get(status, exc.description)), status


UNAVAILABLE = (OperationalError, DisconnectionError, PoolTimeout)
RETRY_AFTER_SECONDS = 30


def _rollback_quietly() -> None:
    try:
        db.session.rollback()
    except Exception:  # the database is what failed; there is nothing to undo there
        log.debug("rollback after a database failure failed too", exc_info=True)


def handle_unavailable(exc: Exception):
    """The database cannot be reached (down, restarting, locked): 503 with Retry-After, not a
    500. Nothing was written: the transaction never committed. The pool checks connections
    before use (pool_pre_ping), so requests succeed again as soon as the database is back."""
    _rollback_quietly()
    log.error("database unavailable: %s", exc.__class__.__name__, exc_info=exc)
    if wants_json():
        response, status = error_body(503)
    else:
        g._login_user = login_manager.anonymous_user()  # nobody can be looked up: render as signed out
        response, status = render_template("errors/unavailable.html", message=_messages()[503]), 503
    return response, status, {"Retry-After": str(RETRY_AFTER_SECONDS)}


def handle_unexpected(exc: Exception):
    _rollback_quietly()
    if isinstance(exc, HTTPException):
        return handle_http_exception(exc)
    log.exception("unhandled error")
    if wants_json():
        return error_body(500)
    return render_template("errors/error.html", status=500, message=_messages()[500]), 500


def register_errorhandlers(app) -> None:
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    for error in UNAVAILABLE:
        app.register_error_handler(error, handle_unavailable)
    app.register_error_handler(Exception, handle_unexpected)
