"""The API object (flask-smorest: OpenAPI generated from the code), sign-in and one's own account
(tokens, password), accounts (administrators, and county officers for their county) and the audit log."""
from flask import current_app
from flask_babel import gettext as _
from flask_smorest import Api, Blueprint
from marshmallow import Schema, fields, validate

from core import accounts, audit, errors, roles
from core.auth import (
    Unauthorized,
    acting_user,
    api_roles,
    bearer_token,
    change_password,
    check_sign_in,
    issue_token,
    revoke_token,
)
from core.extensions import db
from core.schemas import AccountIn, AccountListArgs, AccountPatch, AreaCode, Text


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
    must_change_password = fields.Boolean(metadata={
        "description": "the account still has its initial password: the token serves only POST "
                       "/api/v1/auth/password until it is changed"})


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
              "expires_in_days": current_app.config["TOKEN_TTL_DAYS"],
              "must_change_password": user.must_change_password} if user is not None else None
    db.session.commit()  # a failure stays on record: the next attempts count it
    if result is None:
        raise Unauthorized(_("Wrong username or password."))
    return result


@bp.delete("/token")
@api_roles(initial_password=True)
@bp.response(204)
def revoke():
    """Revoke the token this request carries; it is refused (401) from now on."""
    revoke_token(db.session, acting_user(), bearer_token())
    db.session.commit()


@bp.post("/password")
@api_roles(initial_password=True)
@bp.arguments(PasswordChange)
@bp.response(204)
def password(data):
    """Change one's own password (`old`, `new`); every other token and sign-in of the account ends,
    the token of this request goes on. An initial password must be changed before anything else."""
    change_password(db.session, acting_user(), data["old"], data["new"], token=bearer_token())
    db.session.commit()


class UserOut(Schema):
    id = fields.Integer()
    username = fields.String()
    role = fields.Function(lambda u: u.role.value)
    display_name = fields.String(allow_none=True)
    active = fields.Boolean()
    must_change_password = fields.Boolean(metadata={"description": "still has an initial password"})
    area_codes = fields.List(fields.String())
    employer_id = fields.Integer(allow_none=True)
    worker_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime()


class UserList(Schema):
    items = fields.List(fields.Nested(UserOut))
    total = fields.Integer()


class UserCreated(Schema):
    id = fields.Integer()
    username = fields.String()
    initial_password = fields.String(metadata={"description": "shown this once; changed at the first sign-in"})


def _created(user, password) -> dict:
    return {"id": user.id, "username": user.username, "initial_password": password}


@users.post("")
@api_roles(*roles.OFFICERS)
@users.arguments(AccountIn)
@users.response(201, UserCreated)
def create_user(data):
    """Make an account (admin: any; county officer: station, provider and employer accounts bound to
    areas of its county). An employer account names its `employer_id`, a worker account its
    `worker_id`. The answer carries the initial password, this once; the user must change it at
    the first sign-in."""
    user, password = accounts.create_account(db.session, data, acting_user())
    db.session.commit()
    return _created(user, password)


@users.get("")
@api_roles(*roles.OFFICERS)
@users.arguments(AccountListArgs, location="query")
@users.response(200, UserList)
def list_users(args):
    """The accounts the caller manages (admin: every one; county officer: the station, provider and
    employer accounts inside its county), by username; `role`, `q` (part of the username or display
    name) and `active` filter them."""
    items, total = accounts.list_accounts(db.session, acting_user(), **args)
    return {"items": items, "total": total}


@users.patch("/<int:user_id>")
@api_roles(*roles.OFFICERS)
@users.arguments(AccountPatch)
@users.response(200, UserOut)
def patch_user(data, user_id):
    """Deactivate (`active: false`: every sign-in and token of the account ends at once) or
    reactivate an account; change its areas (checked as when it is made) or display name."""
    user = accounts.update_account(db.session, user_id, data, acting_user())
    db.session.commit()
    return user


@users.post("/<int:user_id>/reset-password")
@api_roles(*roles.OFFICERS)
@users.response(200, UserCreated)
def reset_password(user_id):
    """A new initial password, shown this once: every sign-in and token of the account ends, and
    the user must change it at the next sign-in."""
    user, password = accounts.reset_password(db.session, user_id, acting_user())
    db.session.commit()
    return _created(user, password)


class AuditArgs(Schema):
    action = Text(validate=validate.Length(max=32))
    actor = Text(validate=validate.Length(max=64), metadata={"description": "the username who acted"})
    since = fields.Date(metadata={"description": "events on or after this day (China time)"})
    until = fields.Date(metadata={"description": "events on or before this day (China time)"})
    area_code = AreaCode()
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 500))
    offset = fields.Integer(load_default=0, validate=validate.Range(0, 10_000_000))


class AuditEventOut(Schema):
    id = fields.Integer()
    at = fields.DateTime()
    actor = fields.Function(lambda e: e.user.username if e.user is not None else None)
    action = fields.String()
    action_label = fields.Function(lambda e: audit.label(audit.ACTION_LABELS, e.action))
    entity = fields.String()
    entity_label = fields.Function(lambda e: audit.label(audit.ENTITY_LABELS, e.entity))
    entity_id = fields.String(allow_none=True)
    fields_ = fields.List(fields.String(), data_key="fields", attribute="fields", allow_none=True)
    field_labels = fields.Function(lambda e: [audit.label(audit.FIELD_LABELS, f) for f in e.fields or []])
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
