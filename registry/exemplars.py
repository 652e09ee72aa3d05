"""Those who show the way (扶志): stations record, with the person's written consent, short stories of
people who found stable work or a trade, and local experts (乡村能手, 致富带头人) who teach. A record
is shown on the public board only once published, and only with a day of consent on file.

Staff (station, county, admin) keep the records of their own areas; another area's record is 404 to
them. Plain functions taking a session and the acting user; they flush, the caller commits."""
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import audit
from core.errors import DomainError, Forbidden, NotFound, ValidationFailed
from core.models import User, utcnow
from core.scoping import scope_clause, user_sees_area, within_clause
from core.validators import MAX_ID
from registry.models import Area, AreaLevel, Exemplar, ExemplarKind
from registry.services import areas_in_scope, get_worker

PLACES = (AreaLevel.village, AreaLevel.township)  # where a person recorded here lives


def _require_staff(actor: User) -> None:
    if not actor.is_staff:
        raise Forbidden(_("Your role is not allowed to do this."))


def _check_place(session: Session, actor: User, code: str) -> Area:
    area = session.get(Area, code)
    if area is None or area.level not in PLACES:
        raise ValidationFailed(_("Choose the village or township of the person."),
                               {"area_code": _("no village or township has this code")})
    if not user_sees_area(actor, code):
        raise ValidationFailed(_("This place is outside your areas."), {"area_code": _("outside your areas")})
    return area


def _check_worker(session: Session, actor: User, worker_id: int | None) -> None:
    if worker_id is None:
        return
    try:
        get_worker(session, worker_id, actor)
    except DomainError:
        raise ValidationFailed(_("The person must be in the registry of your areas."),
                               {"worker_id": _("no worker of your areas has this number")}) from None


def _clean(data: dict) -> dict:
    """A trade left blank is no trade."""
    return {name: (None if name == "trade" and not value else value) for name, value in data.items()}


def create_exemplar(session: Session, data: dict, actor: User) -> Exemplar:
    """A new record, not published yet: its place inside the user's areas, the person (if named) a
    worker of those areas (the day of written consent is the schema's to check)."""
    _require_staff(actor)
    data = _clean(data)
    _check_place(session, actor, data["area_code"])
    _check_worker(session, actor, data.get("worker_id"))
    exemplar = Exemplar(kind=data["kind"], name=data["name"], worker_id=data.get("worker_id"),
                        area_code=data["area_code"], title=data["title"], story=data["story"],
                        trade=data.get("trade"), consent_on=data["consent_on"], created_by_id=actor.id)
    session.add(exemplar)
    session.flush()
    audit.record(actor, "create", "exemplar", exemplar.id, area_code=exemplar.area_code)
    return exemplar


def get_exemplar(session: Session, exemplar_id: int, actor: User) -> Exemplar:
    _require_staff(actor)
    exemplar = session.get(Exemplar, exemplar_id) if 0 < exemplar_id <= MAX_ID else None
    if exemplar is None or not user_sees_area(actor, exemplar.area_code):
        raise NotFound(_("No record %(id)s.", id=exemplar_id))
    return exemplar


EDITABLE = ("kind", "name", "worker_id", "area_code", "title", "story", "trade", "consent_on")


def update_exemplar(session: Session, exemplar: Exemplar, data: dict, actor: User) -> Exemplar:
    """Changes what is given, with the rules of a new record; a published record stays published."""
    _require_staff(actor)
    data = _clean({name: value for name, value in data.items() if name in EDITABLE})
    if "area_code" in data:
        _check_place(session, actor, data["area_code"])
    if data.get("worker_id") is not None and data["worker_id"] != exemplar.worker_id:
        _check_worker(session, actor, data["worker_id"])
    changed = sorted(name for name, value in data.items() if getattr(exemplar, name) != value)
    for name in changed:
        setattr(exemplar, name, data[name])
    session.flush()
    if changed:
        audit.record(actor, "update", "exemplar", exemplar.id, fields=changed, area_code=exemplar.area_code)
    return exemplar


def publish(session: Session, exemplar: Exemplar, actor: User) -> Exemplar:
    """Shown on the public board from now on; only with the day of written consent on file."""
    _require_staff(actor)
    if exemplar.published_at is None:  # the day of written consent is on every record (registry.exemplar_schemas)
        exemplar.published_at = utcnow()
        session.flush()
        audit.record(actor, "update", "exemplar", exemplar.id, detail="published", area_code=exemplar.area_code)
    return exemplar


def unpublish(session: Session, exemplar: Exemplar, actor: User) -> Exemplar:
    """Taken off the public board (the person changed their mind, or the story is out of date)."""
    _require_staff(actor)
    if exemplar.published_at is not None:
        exemplar.published_at = None
        session.flush()
        audit.record(actor, "update", "exemplar", exemplar.id, detail="unpublished", area_code=exemplar.area_code)
    return exemplar


def list_exemplars(session: Session, actor: User, area_code: str | None = None, kind: ExemplarKind | None = None,
                   published: bool | None = None, limit: int = 50, offset: int = 0) -> tuple[list[Exemplar], int]:
    """The records of the user's areas, newest first."""
    _require_staff(actor)
    conditions = [scope_clause(actor, Exemplar.area_code)]
    if area_code:
        conditions.append(within_clause(area_code, Exemplar.area_code))
    if kind is not None:
        conditions.append(Exemplar.kind == kind)
    if published is not None:
        conditions.append(Exemplar.published_at.is_not(None) if published else Exemplar.published_at.is_(None))
    base = select(Exemplar).where(*conditions)
    total = session.scalar(select(func.count()).select_from(base.subquery()))
    items = session.scalars(base.order_by(Exemplar.created_at.desc(), Exemplar.id.desc()).limit(limit).offset(offset))
    return list(items), total


def place_choices(session: Session, actor: User) -> list[Area]:
    """The townships and villages the user may record a person in, in code order."""
    return areas_in_scope(session, actor, *PLACES)


def place_names(session: Session, codes) -> dict[str, str]:
    """Code → full name of the places of these records."""
    codes = set(codes)
    return {a.code: a.full_name for a in session.scalars(select(Area).where(Area.code.in_(codes)))} if codes else {}
