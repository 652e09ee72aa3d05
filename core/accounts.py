"""Accounts administered by others: an administrator makes and manages every account, a county officer
the station, provider and employer accounts inside its county. A new or reset account gets an
initial password, shown once to the one who made it and changed by its user at the first sign-in.
Plain functions taking a session and the acting user; they flush, the caller commits."""
import secrets

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, func, not_, or_, select
from sqlalchemy.orm import Session

from core import audit, roles
from core.auth import create_user, end_every_session, password_problem, set_active
from core.errors import Forbidden, NotFound, ValidationFailed
from core.extensions import db
from core.models import Role, User, UserArea
from core.scoping import scope_clause, user_sees_area
from core.validators import MAX_ID

ROLE_LABELS = {Role.admin: _l("Administrator"), Role.county: _l("County officer"),
               Role.station: _l("Labour station"), Role.provider: _l("Training provider"),
               Role.employer: _l("Employer"), Role.worker: _l("Worker")}
# no letters that read alike (0/O, 1/l/I): the password is handed over on paper or read out
ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def initial_password() -> str:
    """Three groups of four random characters (about 69 bits): strong, and easy to copy by hand."""
    while True:
        password = "-".join("".join(secrets.choice(ALPHABET) for _i in range(4)) for _j in range(3))
        if password_problem(password) is None:
            return password


def roles_made_by(actor: User) -> list[Role]:
    """The roles of the accounts this user may make."""
    if actor.role is Role.admin:
        return list(Role)
    if actor.role is Role.county:
        return [r for r in Role if r in roles.COUNTY_MANAGED_ACCOUNTS]
    return []


def may_manage(actor: User, user: User) -> bool:
    """An administrator every account; a county officer the station, provider and employer accounts
    bound to areas all inside its own."""
    if actor.role is Role.admin:
        return True
    codes = user.area_codes
    return (actor.role is Role.county and user.role in roles.COUNTY_MANAGED_ACCOUNTS and bool(codes)
            and all(user_sees_area(actor, code) for code in codes))


def _areas_table():
    """The areas table (the registry's, above core), reached through the key an account's area has."""
    (key,) = UserArea.__table__.c.area_code.foreign_keys
    return key.column.table


def _bound_row(session: Session, table: str, row_id: int | None):
    """The employer or worker an account is bound to, with its name (tables of packages above core,
    read by name from the shared metadata); None when there is none."""
    if not row_id or not 0 < row_id <= MAX_ID:
        return None
    found = db.metadata.tables[table]
    area = found.c.area_code if "area_code" in found.c else None
    columns = [found.c.id, found.c.name] + ([area] if area is not None else [])
    return session.execute(select(*columns).where(found.c.id == row_id)).first()


def employers_without_account(session: Session, actor: User) -> list[tuple[int, str]]:
    """The employers an account may be made for by this user (inside a county officer's county),
    that have none yet, by name: the choice on the new-account page."""
    table = db.metadata.tables["employers"]
    taken = select(User.id).where(User.employer_id == table.c.id).exists()
    query = select(table.c.id, table.c.name).where(not_(taken)).order_by(table.c.name, table.c.id)
    if actor.role is not Role.admin:
        query = query.where(scope_clause(actor, table.c.area_code))
    return [(row.id, row.name) for row in session.execute(query)]


def employers_with_account(session: Session, employer_ids) -> set[int]:
    """Those of the employers that have an active account of their own (they answer for themselves)."""
    ids = set(employer_ids)
    if not ids:
        return set()
    return set(session.scalars(select(User.employer_id).where(User.employer_id.in_(ids), User.active.is_(True))))


def has_worker_account(session: Session, worker_id: int) -> bool:
    return session.scalar(select(User.id).where(User.worker_id == worker_id).limit(1)) is not None


def bound_name(session: Session, table: str, row_id: int | None) -> str | None:
    """The name of the employer or worker an account is (to be) bound to, for the pages."""
    row = _bound_row(session, table, row_id)
    return row.name if row is not None else None


def _check_binding(session: Session, actor: User, role: Role, data: dict) -> list[str]:
    """An employer account names an existing employer (one inside a county officer's county), a
    worker account an existing worker, and no other account either. Returns the employer's area
    (where an employer account is bound when no area is given)."""
    for key, wanted, table in (("employer_id", Role.employer, "employers"), ("worker_id", Role.worker, "workers")):
        given = data.get(key)
        if role is wanted and not given:
            raise ValidationFailed(_("Choose what the account is bound to."), {key: _("required")})
        if role is not wanted and given:
            raise ValidationFailed(_("Only an %(role)s account is bound to this.", role=ROLE_LABELS[wanted]),
                                   {key: _("only for %(role)s accounts", role=ROLE_LABELS[wanted])})
    if role is Role.employer:
        row = _bound_row(session, "employers", data["employer_id"])
        if row is None:
            raise ValidationFailed(_("No employer %(id)s.", id=data["employer_id"]), {"employer_id": _("not found")})
        if actor.role is not Role.admin and not (row.area_code and user_sees_area(actor, row.area_code)):
            raise Forbidden(_("The employer lies outside your county."), {"employer_id": _("outside your county")})
        return [row.area_code] if row.area_code else []
    if role is Role.worker and _bound_row(session, "workers", data["worker_id"]) is None:
        raise ValidationFailed(_("No worker %(id)s.", id=data["worker_id"]), {"worker_id": _("not found")})
    return []


def _check_areas(session: Session, actor: User, role: Role, codes: list[str]) -> list[str]:
    """The areas an account of `role` is bound to: existing ones; one at least for station and county
    accounts, and for every account a county officer makes, all inside the officer's county."""
    codes = list(dict.fromkeys(codes))
    table = _areas_table()
    known = set(session.scalars(select(table.c.code).where(table.c.code.in_(codes)))) if codes else set()
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise ValidationFailed(_("No area has this code."), {"area_codes": ", ".join(unknown)})
    if actor.role is not Role.admin:
        if role not in roles.COUNTY_MANAGED_ACCOUNTS:
            raise Forbidden(_("A county officer manages station, provider and employer accounts only."),
                            {"role": _("not yours to manage")})
        if not codes:
            raise ValidationFailed(_("Bind the account to an area of your county."), {"area_codes": _("required")})
        outside = [code for code in codes if not user_sees_area(actor, code)]
        if outside:
            raise Forbidden(_("These areas lie outside your county."), {"area_codes": ", ".join(outside)})
    if role in roles.AREA_STAFF and not codes:
        raise ValidationFailed(_("Station and county accounts need an area."), {"area_codes": _("required")})
    return codes


def create_account(session: Session, data: dict, actor: User) -> tuple[User, str]:
    """A new account and its initial password (to be shown once; only its hash is kept)."""
    role = data["role"]
    if role not in roles_made_by(actor):
        raise Forbidden(_("Your role is not allowed to make this account."), {"role": _("not yours to manage")})
    employer_areas = _check_binding(session, actor, role, data)
    codes = _check_areas(session, actor, role, data.get("area_codes") or employer_areas)
    password = initial_password()
    user = create_user(session, data["username"], password, role, codes, employer_id=data.get("employer_id"),
                       worker_id=data.get("worker_id"), display_name=data.get("display_name") or None)
    user.must_change_password = True
    audit.record(actor, "create", "user", user.username, fields=sorted(k for k, v in data.items() if v),
                 area_code=codes[0] if codes else None)
    session.flush()
    return user, password


def get_account(session: Session, user_id: int, actor: User) -> User:
    user = session.get(User, user_id) if 0 < user_id <= MAX_ID else None
    if user is None:
        raise NotFound(_("No account %(id)s.", id=user_id))
    if not may_manage(actor, user):
        raise Forbidden(_("This account is not yours to manage."))
    return user


def update_account(session: Session, user_id: int, data: dict, actor: User) -> User:
    """`active` (deactivating ends every sign-in and token at once), `area_codes` (checked as when the
    account is made), `display_name`."""
    user = get_account(session, user_id, actor)
    changed = []
    if "area_codes" in data:
        codes = _check_areas(session, actor, user.role, data["area_codes"])
        if codes != user.area_codes:
            user.areas = [UserArea(area_code=code) for code in codes]
            changed.append("area_codes")
    if "display_name" in data and data["display_name"] != user.display_name:
        user.display_name = data["display_name"] or None
        changed.append("display_name")
    if "active" in data:
        set_active(session, user, data["active"], actor)
    if changed:
        audit.record(actor, "update", "user", user.username, fields=changed, area_code=_area_of(user))
    session.flush()
    return user


def reset_password(session: Session, user_id: int, actor: User) -> tuple[User, str]:
    """A new initial password for someone who forgot theirs: every sign-in and token of the account
    ends, and the user chooses a password of their own at the next sign-in."""
    user = get_account(session, user_id, actor)
    if user.id == actor.id:
        raise ValidationFailed(_("Change your own password on the password page."), {"user": _("your own account")})
    password = initial_password()
    user.set_password(password)
    user.must_change_password = True
    end_every_session(session, user)
    audit.record(actor, "reset_password", "user", user.username, area_code=_area_of(user))
    session.flush()
    return user, password


def _area_of(user: User) -> str | None:
    codes = user.area_codes
    return codes[0] if codes else None


def list_accounts(session: Session, actor: User, role: Role | None = None, q: str | None = None,
                  active: bool | None = None, limit: int = 50, offset: int = 0) -> tuple[list[User], int]:
    """The accounts the user manages, by username, with the total."""
    conditions = []
    if actor.role is not Role.admin:
        mine = UserArea.user_id == User.id
        conditions += [User.role.in_(roles.COUNTY_MANAGED_ACCOUNTS),
                       exists().where(and_(mine, scope_clause(actor, UserArea.area_code))),
                       not_(exists().where(and_(mine, not_(scope_clause(actor, UserArea.area_code)))))]
    if role is not None:
        conditions.append(User.role == role)
    if q:
        conditions.append(or_(User.username.contains(q, autoescape=True),
                              User.display_name.contains(q, autoescape=True)))
    if active is not None:
        conditions.append(User.active.is_(active))
    total = session.scalar(select(func.count(User.id)).where(*conditions))
    users = session.scalars(select(User).where(*conditions).order_by(User.username).limit(limit).offset(offset))
    return list(users), total


def area_groups(session: Session, actor: User) -> list[tuple[str, list[tuple[str, str]]]]:
    """The areas an account may be bound to by this user (every one for an administrator, those of its
    county for a county officer), grouped for the page: a county with its townships, then each
    township's villages; as (group name, [(code, name)]) in code order."""
    table = _areas_table()
    rows = session.execute(select(table.c.code, table.c.name, table.c.parent_code)
                           .where(scope_clause(actor, table.c.code)).order_by(table.c.code)).all()
    names = {row.code: row.name for row in rows}
    groups: dict[str, list[tuple[str, str]]] = {}
    for row in rows:
        village = not row.code.endswith("000")
        key = (row.parent_code or row.code) if village else row.code[:6] + "000000"
        groups.setdefault(key, []).append((row.code, row.name))
    parents = {row.code: row.parent_code for row in rows}
    return [(" ".join(n for n in (names.get(parents.get(key) or ""), names.get(key, key)) if n), items)
            for key, items in groups.items()]


def area_names(session: Session, codes) -> dict[str, str]:
    """Code → name of these areas."""
    table = _areas_table()
    codes = set(codes)
    return dict(session.execute(select(table.c.code, table.c.name).where(table.c.code.in_(codes))).all()) \
        if codes else {}
