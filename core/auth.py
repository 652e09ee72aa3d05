"""Authentication: page sessions through Flask-Login, API calls through hashed bearer tokens;
sign-ins counted before they are checked; the password rules."""
import hashlib
import secrets
from datetime import timedelta
from functools import cache, wraps

from flask import current_app, g, request
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

from core import audit, roles
from core.errors import DomainError, Forbidden, ValidationFailed
from core.extensions import db, login_manager
from core.models import ApiToken, LoginSession, Role, User, password_method, utcnow

MIN_PASSWORD = 8
MIN_PASSWORD_SCORE = 2  # zxcvbn: at least about a million guesses (common passwords and patterns score 0-1)


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
    """The active account with this username and password, or None (for tests and scripts; sign-ins
    from outside go through `check_sign_in`, which counts and records them)."""
    if "\x00" in username:  # no account has one, and PostgreSQL cannot compare with it
        return None
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        check_password_hash(_stand_in_hash(password_method()), password)  # as long as a wrong password for a real account
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user


@cache
def _stand_in_hash(method: str) -> str:
    """A hash to check passwords of unknown usernames against, so they take as long as known ones."""
    return generate_password_hash(secrets.token_urlsafe(16), method=method)


def check_sign_in(session: Session, username: str, password: str) -> User | None:
    """A sign-in attempt, counted before it is checked: it is recorded as a failed sign-in first, and
    beyond LOGIN_THROTTLE failures for the username, or LOGIN_ADDRESS_THROTTLE for the client's
    address, it is refused unchecked (Throttled, 429), however many arrive at once. A good password
    turns the record into a sign-in. Unknown and known usernames get the same answer in the same
    time. The caller commits, also when None comes back: the failure must stay on record."""
    username = username[:64]
    event = audit.record(None, "login_failed", "user", username)
    message = _("Too many failed sign-ins; please wait a few minutes and try again.")
    audit.count_first(session, event, current_app.config["LOGIN_ADDRESS_THROTTLE"], message, by="ip")
    audit.count_first(session, event, current_app.config["LOGIN_THROTTLE"], message)
    user = authenticate(username, password)
    if user is not None:
        event.action, event.user_id = "login", user.id
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


def bearer_token() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized(_("A bearer token is required (Authorization: Bearer …)."))
    return token.strip()


def _bearer_user() -> User:
    user = user_for_token(bearer_token())
    if user is None:
        raise Unauthorized(_("The token is invalid or has expired."))
    return user


def api_roles(*roles: Role, initial_password: bool = False):
    """API handler guard: a valid bearer token (401) of one of `roles` (403; any role if none). An
    account that still has its initial password may only change it (`initial_password=True`): 403."""
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            user = _bearer_user()
            if user.must_change_password and not initial_password:
                raise Forbidden(_("Change the initial password first (POST /api/v1/auth/password)."),
                                code="must_change_password")
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


def system_actor(task: str) -> User:
    """The application acting on its own: a scheduled task, a command, the demo loader. It is never
    stored nor signed in, may do what an admin may in every area, and its audit events carry no
    user (the log shows them as the system's)."""
    return User(role=Role.admin, username=task)


def password_problem(password: str, username: str = "") -> str | None:
    """Why a password will not do, or None: too short, or too easy to guess (a common password, a
    keyboard or date pattern, the username)."""
    if len(password) < MIN_PASSWORD:
        return _("At least %(n)s characters.", n=MIN_PASSWORD)
    if zxcvbn(password[:100], user_inputs=[username])["score"] < MIN_PASSWORD_SCORE:
        return _("Too easy to guess: a common password or a simple pattern.")
    return None


def _check_password(password: str, username: str, field: str = "password") -> None:
    problem = password_problem(password, username)
    if problem:
        raise ValidationFailed(_("Choose another password."), {field: problem})


def change_password(session: Session, user: User, old: str, new: str, token: str | None = None) -> None:
    """Changes one's own password; every other sign-in and token of the account ends (the sign-in
    or the `token` the change came with goes on)."""
    if not user.check_password(old):
        raise ValidationFailed(_("The current password is wrong."), {"old": _("wrong password")})
    if new == old:
        raise ValidationFailed(_("Choose another password."), {"new": _("the same as the current one")})
    _check_password(new, user.username, "new")
    user.set_password(new)
    user.must_change_password = False  # an initial password is now the user's own
    end_every_session(session, user, keep=user.session_key, keep_token=token)
    audit.record(user, "password", "user", user.username)
    session.flush()


def end_every_session(session: Session, user: User, keep: str | None = None, keep_token: str | None = None) -> None:
    """Ends the account's sign-ins and deletes its API tokens, but the sign-in `keep` names (its
    "<user id>:<secret>") and the token `keep_token`."""
    _user_id, _sep, kept = (keep or "").partition(":")
    sign_ins = [LoginSession.user_id == user.id, LoginSession.ended_at.is_(None)]
    if kept:
        sign_ins.append(LoginSession.secret_hash != _digest(kept))
    session.execute(update(LoginSession).where(*sign_ins).values(ended_at=utcnow()))
    tokens = [ApiToken.user_id == user.id]
    if keep_token:
        tokens.append(ApiToken.token_hash != _digest(keep_token))
    session.execute(delete(ApiToken).where(*tokens))


def revoke_token(session: Session, user: User, token: str) -> None:
    session.execute(delete(ApiToken).where(ApiToken.user_id == user.id, ApiToken.token_hash == _digest(token)))
    audit.record(user, "revoke", "user", user.username)
    session.flush()


def set_active(session: Session, user: User, active: bool, actor: User) -> User:
    """Deactivates (every sign-in and token ends at once) or reactivates an account."""
    if user.id == actor.id and not active:
        raise ValidationFailed(_("You cannot deactivate your own account."), {"active": _("your own account")})
    if user.active != active:
        user.active = active
        if not active:
            end_every_session(session, user)
        audit.record(actor, "activate" if active else "deactivate", "user", user.username,
                     area_code=user.area_codes[0] if user.areas else None)
    session.flush()
    return user


def _known_areas(session, codes) -> set[str]:
    """Those of `codes` that name an area: asked of the table an account's area points at (the
    registry's, above core)."""
    from core.models import UserArea
    (key,) = UserArea.__table__.c.area_code.foreign_keys
    return set(session.scalars(select(key.column).where(key.column.in_(list(codes))))) if codes else set()


def create_user(session, username: str, password: str, role: Role, areas: list[str] = (),
                employer_id: int | None = None, worker_id: int | None = None,
                display_name: str | None = None) -> User:
    """A new account; station and county users must be bound to at least one existing area."""
    from core.errors import Conflict
    from core.models import UserArea
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(_("The username is taken."), {"username": _("already exists")})
    _check_password(password, username)
    if role in roles.AREA_STAFF and not areas:
        raise ValidationFailed(_("Station and county users need an area."), {"area": _("required")})
    unknown = set(areas) - _known_areas(session, areas)
    if unknown:
        raise ValidationFailed(_("No area has this code."), {"area": ", ".join(sorted(unknown))})
    user = User(username=username, role=role, display_name=display_name,
                employer_id=employer_id, worker_id=worker_id)
    user.set_password(password)
    user.areas = [UserArea(area_code=code) for code in areas]
    session.add(user)
    session.flush()
    return user
