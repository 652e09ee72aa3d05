"""Authentication: page sessions through Flask-Login, API calls through hashed bearer tokens."""
import hashlib
import secrets
from datetime import timedelta
from functools import wraps

from flask import current_app, g, request
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user
from sqlalchemy import select

from core.errors import DomainError, Forbidden
from core.extensions import db, login_manager
from core.models import ApiToken, LoginSession, Role, User, utcnow


class Unauthorized(DomainError):
    status = 401


def start_session(user: User) -> None:
    """A new sign-in: its secret goes into the cookie (through `User.get_id`), its hash into the
    database. The caller commits."""
    secret = secrets.token_urlsafe(32)
    days = current_app.config["SESSION_DAYS"]
    db.session.flush()  # a user registered in this same request has its id now
    db.session.add(LoginSession(secret_hash=_digest(secret), user_id=user.id,
                                expires_at=utcnow() + timedelta(days=days)))
    user.session_key = f"{user.id}:{secret}"


def sign_in(user: User, remember: bool = False) -> None:
    """Signs the user in through the pages with a new sign-in of their own; the caller commits."""
    start_session(user)
    login_user(user, remember=remember)


def end_session(user: User) -> None:
    """Signing out ends the sign-in in the database: a copied cookie is worth nothing afterwards."""
    _user_id, _sep, secret = (user.session_key or "").partition(":")
    row = db.session.get(LoginSession, _digest(secret)) if secret else None
    if row is not None and row.ended_at is None:
        row.ended_at = utcnow()


@login_manager.user_loader
def load_user(key: str):
    """The user of a live sign-in, from the cookie's "<user id>:<secret>"; None otherwise."""
    user_id, _sep, secret = key.partition(":")
    if not user_id.isdigit() or not secret:
        return None
    row = db.session.get(LoginSession, _digest(secret))
    if row is None or row.user_id != int(user_id) or row.ended_at is not None or row.expires_at < utcnow():
        return None
    user = db.session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    user.session_key = key
    return user


def authenticate(username: str, password: str) -> User | None:
    if "\x00" in username:  # no account has one, and PostgreSQL cannot compare with it
        return None
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None or not user.active or not user.check_password(password):
        return None
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User) -> str:
    token = secrets.token_urlsafe(32)
    ttl = timedelta(days=current_app.config["TOKEN_TTL_DAYS"])
    db.session.add(ApiToken(user=user, token_hash=_digest(token), expires_at=utcnow() + ttl))
    db.session.flush()
    return token


def user_for_token(token: str) -> User | None:
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if row is None or row.expires_at < utcnow() or not row.user.active:
        return None
    return row.user


def _bearer_user() -> User:
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized(_("A bearer token is required (Authorization: Bearer …)."))
    user = user_for_token(token.strip())
    if user is None:
        raise Unauthorized(_("The token is invalid or has expired."))
    return user


def api_roles(*roles: Role):
    """API handler guard: a valid bearer token (401) of one of `roles` (403; any role if none)."""
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            user = _bearer_user()
            if roles and user.role not in roles:
                raise Forbidden(_("Your role is not allowed to do this."))
            g.user = user
            return view(*args, **kwargs)
        return wrapped
    return decorator


def page_roles(*roles: Role):
    """Page guard: signed in (redirect to /login), of one of `roles` (403)."""
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if roles and current_user.role not in roles:
                raise Forbidden(_("Your role is not allowed to open this page."))
            g.user = current_user._get_current_object()
            return view(*args, **kwargs)
        return wrapped
    return decorator


def acting_user() -> User:
    return g.user


def set_role_home(app, role: Role, endpoint: str) -> None:
    """A package names the page a role starts on (the employer's inbox lives in jobs/, which the
    registry's home page cannot import)."""
    app.extensions.setdefault("role_homes", {})[role] = endpoint


def role_home(app, role: Role) -> str | None:
    return app.extensions.get("role_homes", {}).get(role)


def create_user(session, username: str, password: str, role: Role, areas: list[str] = (),
                employer_id: int | None = None, worker_id: int | None = None,
                display_name: str | None = None) -> User:
    """A new account; station and county users must be bound to at least one existing area."""
    from core.errors import Conflict, ValidationFailed
    from core.models import UserArea
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(_("The username is taken."), {"username": _("already exists")})
    if len(password) < 8:
        raise ValidationFailed(_("A password must have at least 8 characters."), {"password": _("too short")})
    if role in (Role.station, Role.county) and not areas:
        raise ValidationFailed(_("Station and county users need an area."), {"area": _("required")})
    user = User(username=username, role=role, display_name=display_name,
                employer_id=employer_id, worker_id=worker_id)
    user.set_password(password)
    user.areas = [UserArea(area_code=code) for code in areas]
    session.add(user)
    session.flush()
    return user
