"""Users, roles, API tokens, area bindings and the audit log; the enum column every package's models use."""
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import JSON, Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from core import roles
from core.extensions import db
from core.roles import Role

CHINA = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def china_today() -> date:
    """Dates are shown, and calendar rules count, in China time."""
    return datetime.now(CHINA).date()


def china_day(moment: datetime) -> date:
    """The day in China of a stored timestamp (UTC; naive ones, as SQLite gives them back, are UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(CHINA).date()


def enum_column(cls):
    """Enumerations are stored by member name, as text, on every database."""
    return Enum(cls, native_enum=False, length=32, validate_strings=True)


def password_method() -> str:
    """werkzeug's method for new password hashes (the app's PASSWORD_HASH_METHOD, scrypt by default)."""
    return current_app.config["PASSWORD_HASH_METHOD"] if has_app_context() else "scrypt"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=16))
    display_name: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(default=True)
    # made with an initial password (by an administrator, or reset): changed at the first sign-in
    must_change_password: Mapped[bool] = mapped_column(default=False)
    employer_id: Mapped[int | None] = mapped_column(index=True)
    worker_id: Mapped[int | None] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    areas: Mapped[list["UserArea"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin")

    # the signed-in session this object was loaded for ("<user id>:<secret>", see core.auth)
    session_key = None

    def get_id(self) -> str:
        """What Flask-Login keeps in the session cookie: the user and their sign-in's secret, so
        that signing out (which ends that sign-in in the database) ends every copy of the cookie."""
        return self.session_key or ""

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=password_method())

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:
        return self.active

    # what the user may do, by role (core.roles); areas and ownership are checked where the data is
    @property
    def is_staff(self) -> bool:
        return self.role in roles.STAFF

    @property
    def is_officer(self) -> bool:
        return self.role in roles.OFFICERS

    @property
    def keeps_registry(self) -> bool:
        return self.role in roles.REGISTRY_KEEPERS

    @property
    def is_area_staff(self) -> bool:
        return self.role in roles.AREA_STAFF

    @property
    def sees_every_area(self) -> bool:
        return self.role in roles.UNSCOPED

    @property
    def manages_courses(self) -> bool:
        return self.role in roles.COURSE_MANAGERS

    @property
    def posts_jobs(self) -> bool:
        return self.role in roles.JOB_POSTERS

    @property
    def takes_part_in_hiring(self) -> bool:
        return self.role in roles.HIRING

    @property
    def opens_worker_files(self) -> bool:
        return self.role in roles.WORKER_FILE

    @property
    def area_codes(self) -> list[str]:
        return sorted(a.area_code for a in self.areas)


class UserArea(db.Model):
    """Binds a station or county user to an area; they see only what lies inside it."""
    __tablename__ = "user_areas"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    area_code: Mapped[str] = mapped_column(ForeignKey("areas.code"), primary_key=True)

    user: Mapped[User] = relationship(back_populates="areas")


class ApiToken(db.Model):
    """Bearer tokens are stored as SHA-256 digests; the token itself is shown once."""
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]

    user: Mapped[User] = relationship(lazy="joined")


class AuditEvent(db.Model):
    """Who read or changed personal data, when, and what; sign-ins and failed sign-ins too."""
    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_action_entity_id_at", "action", "entity_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str | None] = mapped_column(String(64), index=True)
    fields: Mapped[list | None] = mapped_column(JSON)
    detail: Mapped[str | None] = mapped_column(Text)
    ip: Mapped[str | None] = mapped_column(String(64))
    # the village (or other area) of the record the event is about: officers read their county's
    area_code: Mapped[str | None] = mapped_column(String(12), index=True)

    user: Mapped[User | None] = relationship()


class LoginSession(db.Model):
    """One sign-in through the pages. The cookie carries its secret; the table keeps only a hash.
    Signing out, deactivating the account or the end of `expires_at` ends it."""
    __tablename__ = "login_sessions"

    secret_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
