"""The API object (flask-smorest: OpenAPI generated from the code), sign-in and one's own account
(tokens, password), accounts (administrators) and the audit log."""
from flask import current_app
from flask_babel import gettext as _
from flask_smorest import Api, Blueprint
from marshmallow import Schema, fields, validate

from core import audit, errors, roles
from core.auth import (
    Unauthorized,
    acting_user,
    api_roles,
    bearer_token,
    change_password,
    check_sign_in,
    issue_token,
    revoke_token,
    update_account,
)
from core.extensions import db
from core.models import Role
from core.schemas import AreaCode, Text


class ErrorDetail(Schema):
    code = fields.String(required=True, metadata={"example": "invalid"})
    message = fields.String(required=True)
    field_errors = fields.Dict(keys=fields.String(), values=fields.String(), required=True,
                               data_key="fields", metadata={"description": "why each invalid field was refused"})


class ApiError(Schema):
    """The error body of every 4xx/5xx answer under /api/."""
    error = fields.Nested(ErrorDetail, required=True)


class LabourApi(Api):
    """flask-smorest with the error body of API.md instead of its own."""

    ERROR_SCHEMA = ApiError

    def handle_http_exception(self, error):
        return errors.handle_http_exception(error)


api = LabourApi()

bp = Blueprint("auth_api", __name__, url_prefix="/api/v1/auth", description="Sign in for API access")
users = Blueprint("users_api", __name__, url_prefix="/api/v1/users", description="Accounts")
audit_log = Blueprint("audit_api", __name__, url_prefix="/api/v1/audit", description="The audit log")
blueprints = (bp, users, audit_log)


class TokenRequest(Schema):
    username = Text(required=True, validate=validate.Length(max=64))
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=200))


class TokenResponse(Schema):
    token = fields.String(required=True)
    role = fields.String()
    expires_in_days = fields.Integer()


class PasswordChange(Schema):
    old = fields.String(required=True, load_only=True, validate=validate.Length(max=200))
    new = fields.String(required=True, load_only=True, validate=validate.Length(max=200))


@bp.post("/token")
@bp.arguments(TokenRequest)
@bp.response(200, TokenResponse)
def token(data):
    """Exchange a username and password for a bearer token. Failed attempts are counted before they
    are checked: beyond 5 in 5 minutes for a username (or 20 for an address) the answer is 429."""
    user = check_sign_in(db.session, data["username"], data["password"])
    result = {"token": issue_token(user), "role": user.role.value,
              "expires_in_days": current_app.config["TOKEN_TTL_DAYS"]} if user is not None else None
    db.session.commit()  # a failure stays on record: the next attempts count it
    if result is None:
        raise Unauthorized(_("Wrong username or password."))
    return result


@bp.delete("/token")
@api_roles()
@bp.response(204)
def revoke():
    """Revoke the token this request carries; it is refused (401) from now on."""
    revoke_token(db.session, acting_user(), bearer_token())
    db.session.commit()


@bp.post("/password")
@api_roles()
@bp.arguments(PasswordChange)
@bp.response(204)
def password(data):
    """Change one's own password (`old`, `new`); every other token and sign-in of the account ends,
    the token of this request goes on."""
    change_password(db.session, acting_user(), data["old"], data["new"], token=bearer_token())
    db.session.commit()


class UserOut(Schema):
    id = fields.Integer()
    username = fields.String()
    role = fields.Function(lambda u: u.role.value)
    display_name = fields.String(allow_none=True)
    active = fields.Boolean()
    area_codes = fields.List(fields.String())
    employer_id = fields.Integer(allow_none=True)
    worker_id = fields.Integer(allow_none=True)


class UserPatch(Schema):
    active = fields.Boolean()
    display_name = Text(allow_none=True, validate=validate.Length(max=64))


@users.patch("/<int:user_id>")
@api_roles(Role.admin)
@users.arguments(UserPatch)
@users.response(200, UserOut)
def patch_user(data, user_id):
    """Deactivate (`active: false`: every sign-in and token of the account ends at once) or
    reactivate an account; change its display name."""
    user = update_account(db.session, user_id, data, acting_user())
    db.session.commit()
    return user


class AuditArgs(Schema):
    action = Text(validate=validate.Length(max=32))
    actor = Text(validate=validate.Length(max=64), metadata={"description": "the username who acted"})
    since = fields.Date(metadata={"description": "events on or after this day (China time)"})
    area_code = AreaCode()
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 500))
    offset = fields.Integer(load_default=0, validate=validate.Range(0, 10_000_000))


class AuditEventOut(Schema):
    id = fields.Integer()
    at = fields.DateTime()
    actor = fields.Function(lambda e: e.user.username if e.user is not None else None)
    action = fields.String()
    entity = fields.String()
    entity_id = fields.String(allow_none=True)
    fields_ = fields.List(fields.String(), data_key="fields", attribute="fields", allow_none=True)
    detail = fields.String(allow_none=True)
    ip = fields.String(allow_none=True)
    area_code = fields.String(allow_none=True)


class AuditList(Schema):
    items = fields.List(fields.Nested(AuditEventOut))
    total = fields.Integer()


@audit_log.get("")
@api_roles(*roles.OFFICERS)
@audit_log.arguments(AuditArgs, location="query")
@audit_log.response(200, AuditList)
def list_events(args):
    """Sign-ins and failed sign-ins, changes to households, workers and referrals, reveals, exports
    and exact searches, newest first. A county officer reads the events about its county's records."""
    items, total = audit.list_events(db.session, acting_user(), **args)
    return {"items": items, "total": total}
