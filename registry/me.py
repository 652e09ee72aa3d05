"""One's own record (self-service): what a signed-in villager sees of themself and their household,
and the few things they change themselves. The rules of each field are the registry's own
(registry.schemas.WorkerPatch); the change is audited as the person's.

Plain functions taking a session and the signed-in user; they flush, the caller commits."""
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from core import audit
from core.errors import Conflict, Forbidden
from core.models import Role, User
from registry.models import Area, Household, Relation, Worker
from registry.schemas import WorkerPatch
from registry.services import apply_worker_fields

# what a worker changes about themself; everything else is the labour station's to keep
SELF_SERVICE_FIELDS = ("expected_wage", "max_commute_km", "willing_to_migrate", "needs_flexible_hours", "skills")
RELATION_ORDER = list(Relation)


class SelfServicePatch(WorkerPatch):
    """What a worker may send about themself, with the registry's own rules for each field
    (loaded with partial=True); any other field is refused as unknown."""

    class Meta:
        fields = SELF_SERVICE_FIELDS


def own_worker(session: Session, user: User) -> Worker | None:
    """The signed-in worker's own record; None for other roles and for an account not linked yet."""
    if user.role is not Role.worker or user.worker_id is None:
        return None
    return session.get(Worker, user.worker_id)


def require_own_worker(session: Session, user: User) -> Worker:
    if user.role is not Role.worker:
        raise Forbidden(_("Only a worker changes their own details here."))
    worker = own_worker(session, user)
    if worker is None:
        raise Conflict(_("Your account is not linked to a person in the registry yet: the labour station can link it."))
    return worker


def account_areas(session: Session, user: User) -> list[Area]:
    """The areas an account is bound to (station and county staff), by code."""
    found = [session.get(Area, code) for code in sorted(user.area_codes)]
    return [area for area in found if area is not None]


def update_own(session: Session, user: User, data: dict) -> Worker:
    """A worker changes their own wage, commute, migration, hours and skills (as they say them;
    certified skills from courses stay). Anything else is refused before this (the schema)."""
    worker = require_own_worker(session, user)
    unknown = set(data) - set(SELF_SERVICE_FIELDS)
    if unknown:
        raise Forbidden(_("The labour station keeps these details."), {name: _("kept by the station")
                                                                        for name in sorted(unknown)})
    changed = sorted(name for name, value in data.items() if name == "skills" or getattr(worker, name) != value)
    if "skills" in data and [s.name for s in worker.skills if not s.certified] == data["skills"]:
        changed.remove("skills")
    apply_worker_fields(session, worker, {name: data[name] for name in changed})
    session.flush()
    if changed:
        audit.record(user, "update", "worker", worker.id, fields=changed, detail="self-service",
                     area_code=worker.household.village_code)
    return worker


def own_household(session: Session, user: User) -> tuple[Household, list[Worker]] | None:
    """The worker's household and its members, head first (their relation to the head, nothing
    more is shown of the others); None when the account is not linked."""
    worker = own_worker(session, user)
    if worker is None:
        return None
    household = worker.household
    members = sorted(household.members, key=lambda m: (
        RELATION_ORDER.index(m.relation) if m.relation is not None else len(RELATION_ORDER), m.birth_date, m.id))
    return household, members


def missing_details(worker: Worker) -> list[str]:
    """What the matcher would like to know and the person has not said yet (field names)."""
    missing = [] if worker.skills else ["skills"]
    return missing + [name for name in ("expected_wage", "max_commute_km") if getattr(worker, name) is None]
