"""The API object (flask-smorest: OpenAPI generated from the code) and the token endpoint."""
from flask import current_app
from flask_babel import gettext as _
from flask_smorest import Api, Blueprint
from marshmallow import Schema, fields, validate

from core import errors
from core.auth import Unauthorized, authenticate, issue_token
from core.extensions import db, limiter
from core.schemas import Text


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


class TokenRequest(Schema):
    username = Text(required=True, validate=validate.Length(max=64))
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=200))


class TokenResponse(Schema):
    token = fields.String(required=True)
    role = fields.String()
    expires_in_days = fields.Integer()


def _failed_login(response) -> bool:
    return response.status_code == 401


@bp.post("/token")
@limiter.limit(lambda: current_app.config["LOGIN_THROTTLE"], deduct_when=_failed_login)
@bp.arguments(TokenRequest)
@bp.response(200, TokenResponse)
def token(data):
    """Exchange a username and password for a bearer token (throttled on repeated failures)."""
    user = authenticate(data["username"], data["password"])
    if user is None:
        raise Unauthorized(_("Wrong username or password."))
    result = {"token": issue_token(user), "role": user.role.value,
              "expires_in_days": current_app.config["TOKEN_TTL_DAYS"]}
    db.session.commit()
    return result
