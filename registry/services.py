"""Registry domain logic: households, workers, personal data (areas: registry/areas.py; searching
the labour force: registry/search.py; the skill resolver: registry/taxonomy.py).

The registry's entry: other packages use its logic through this module only. What they use of
its parts (areas, search, the resolver, corrections) is named just below.

Plain functions taking a session and the acting user; they flush, the caller commits.
"""
from functools import lru_cache

from flask_babel import gettext as _
from pypinyin import lazy_pinyin
from sqlalchemy import String, and_, cast, func, insert, or_, select
from sqlalchemy.orm import Session

from core import audit, crypto, roles
from core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from core.models import Role, User, UserArea, china_today, utcnow
from core.scoping import user_sees_area
from core.validators import MAX_ID, ResidentId, check_id_number, normalise_phone
from registry import corrections
from registry.areas import (  # noqa: F401
    area_names,
    area_point,
    areas_in_scope,
    chain_of,
    distance_km,
    first_point,
    list_areas,
    officers_area,
    own_areas,
)
from registry.corrections import corrected, text_key  # noqa: F401
from registry.household_file import (  # noqa: F401
    add_measure,
    check_status_change,
    elimination_months,
    end_monitoring,
    may_help,
    measures_of,
    monitoring_edited,
    opened_with_monitoring,
    record_step,
    responsible_changed,
    set_helpers,
    set_policy,
    start_monitoring,
)
from registry.incomes import (  # noqa: F401
    below_line_ids,
    income_history,
    is_below_line,
    latest_income,
    latest_years,
    record_income,
)
from registry.models import (
    EMPLOYED,
    Area,
    AreaLevel,
    EmploymentSpell,
    EmploymentStatus,
    Health,
    Household,
    LabourAbility,
    MonitoringStatus,
    RiskType,
    Sex,
    Worker,
    WorkerSkill,
    spell_rows,
)
from registry.search import WorkerQuery, has_employed_member, households_in, may_work, search_workers  # noqa: F401
from registry.skills import THRESHOLD  # noqa: F401
from registry.taxonomy import get_index, resolve_candidates, skills_meant  # noqa: F401

# --- households --------------------------------------------------------------------------------

def visible_village(session: Session, code: str, actor: User, field: str = "village_code") -> Area:
    area = session.get(Area, code)
    if area is None or area.level is not AreaLevel.village:
        raise ValidationFailed(_("Unknown village."), {field: _("no village has this code")})
    if not user_sees_area(actor, code):
        raise Forbidden(_("This village is outside your areas."), {field: _("outside your areas")})
    return area


def helper_accounts(session: Session, village_codes: list[str]) -> list[User]:
    """Active accounts that may be the responsible helper of a household in one of these villages."""
    staff = session.scalars(select(User).join(UserArea).where(User.role.in_(roles.AREA_STAFF), User.active.is_(True))
                            .distinct().order_by(User.id))
    return [u for u in staff if any(may_help(u, code) for code in village_codes)]


def _check_helper(session: Session, data: dict, village_code: str) -> None:
    helper_id = data.get("helper_id")
    if helper_id is None:
        return
    helper = session.get(User, helper_id)
    if helper is None or not may_help(helper, village_code):
        raise ValidationFailed(_("The helper must be station or county staff of the household's village."),
                               {"helper_id": _("not staff of this village")})


def check_site(session: Session, data: dict) -> None:
    """The resettlement site's area, when one is named, must exist."""
    code = data.get("resettlement_area_code")
    if code and session.get(Area, code) is None:
        raise ValidationFailed(_("Unknown area."), {"resettlement_area_code": _("no area has this code")})


def create_household(session: Session, data: dict, actor: User) -> Household:
    visible_village(session, data["village_code"], actor)
    _check_helper(session, data, data["village_code"])
    check_site(session, data)
    if session.scalar(select(Household.id).where(Household.code == data["code"])) is not None:
        raise Conflict(_("Household %(code)s already exists.", code=data["code"]), {"code": _("already exists")})
    household = new_household(session, data)
    session.flush()
    opened_with_monitoring(session, household, actor)
    if household.helper_name or household.helper_id:
        responsible_changed(household)
    audit.record(actor, "create", "household", household.code, fields=sorted(data), area_code=household.village_code)
    return household


def new_household(session: Session, data: dict) -> Household:
    """A household from checked data, added to the session (shared by the form, API, import)."""
    household = Household(**data)
    session.add(household)
    return household


def update_household(session: Session, household: Household, data: dict, actor: User) -> Household:
    if "village_code" in data:
        visible_village(session, data["village_code"], actor)
    _check_helper(session, data, data.get("village_code", household.village_code))
    check_site(session, data)
    check_status_change(household, data)
    data = dict(data)
    since = data.pop("monitoring_since", None)  # only where monitoring begins: `monitoring_edited`
    changed = sorted(key for key, value in data.items() if getattr(household, key) != value)
    before = household.monitoring_status, list(household.risk_types or [])
    for key, value in data.items():
        setattr(household, key, value)
    monitoring_edited(session, household, *before, since, actor)
    if {"helper_name", "helper_id"} & set(changed):
        responsible_changed(household)
    if changed:
        audit.record(actor, "update", "household", household.code, fields=changed, area_code=household.village_code)
    if {"village_code", "village", "relocated", "resettlement_area_code"} & set(changed):
        point = home_point(session, household)
        for member in household.members:
            if member.coords_from_village:  # the members live where the household does now
                member.lat, member.lon = point
    return household


def get_household(session: Session, code: str, actor: User) -> Household:
    household = session.scalar(select(Household).where(Household.code == code))
    if household is None or not user_sees_area(actor, household.village_code):
        raise NotFound(_("No household %(code)s.", code=code))
    return household


def list_households(session: Session, actor: User, area_code: str | None = None, q: str | None = None,
                    monitoring_status: MonitoringStatus | None = None, monitored: bool | None = None,
                    nobody_employed: bool | None = None, risk_type: RiskType | None = None,
                    below_line: bool | None = None, limit: int = 50,
                    offset: int = 0) -> tuple[list[Household], int]:
    conditions = households_in(actor, area_code)
    if below_line:
        conditions.append(Household.id.in_(below_line_ids(session, list(conditions))))
    if risk_type is not None:  # risk types are a JSON list of codes: '["illness", "lack_of_skills"]'
        conditions.append(cast(Household.risk_types, String).contains(f'"{risk_type.name}"'))
    if q:
        conditions.append(or_(Household.code.contains(q.strip(), autoescape=True),
                              Household.members.any(Worker.name.contains(q.strip(), autoescape=True))))
    if monitoring_status is not None:
        conditions.append(Household.monitoring_status == monitoring_status)
    if monitored:
        conditions.append(Household.monitoring_status != MonitoringStatus.none)
    if nobody_employed:
        conditions.append(~has_employed_member())
    total = session.scalar(select(func.count(Household.id)).where(*conditions))
    rows = session.scalars(select(Household).where(*conditions)
                           .order_by(Household.village_code, Household.code).limit(limit).offset(offset)).all()
    return list(rows), total


HOUSEHOLD_FIGURES = ("households", "monitored", "relocated", "nobody_employed", "workers", "employed")


def household_counts_by(session: Session, actor: User, width: int, area_code: str | None = None) -> dict[str, dict]:
    """The household and worker figures of every area, keyed by the first `width` digits of the
    village code (9: by township, 12: by village), in one query: each household with its workers
    counted once, then the households summed by area. `workers` is the labour force: members who
    are in work or may work (of working age, able, not at school); children, pupils and the
    elderly count for their households only."""
    labour_force = or_(and_(*may_work(china_today())), Worker.employment_status.in_(EMPLOYED))
    per_household = (
        select(Household.village_code, Household.monitoring_status, Household.relocated,
               func.count(Worker.id).filter(labour_force).label("workers"),
               func.count(Worker.id).filter(Worker.employment_status.in_(EMPLOYED)).label("employed"))
        .outerjoin(Worker, Worker.household_id == Household.id).where(*households_in(actor, area_code))
        .group_by(Household.id).subquery())
    h = per_household.c
    key = func.substr(h.village_code, 1, width)
    rows = session.execute(select(
        key, func.count(), func.count().filter(h.monitoring_status != MonitoringStatus.none),
        func.count().filter(h.relocated.is_(True)), func.count().filter(h.employed == 0),
        func.sum(h.workers), func.sum(h.employed)).group_by(key))
    return {k: dict(zip(HOUSEHOLD_FIGURES, map(int, values))) for k, *values in rows}


def household_counts(session: Session, actor: User, area_code: str | None = None,
                     by_area: dict[str, dict] | None = None) -> dict[str, int]:
    """The figures of the station home and the overviews, summed over the areas of
    `household_counts_by` (read here when the caller has not read them already)."""
    if by_area is None:
        by_area = household_counts_by(session, actor, 12, area_code)
    return {name: sum(figures[name] for figures in by_area.values()) for name in HOUSEHOLD_FIGURES}


# --- workers -----------------------------------------------------------------------------------

@lru_cache(maxsize=20_000)
def name_keys(name: str) -> tuple[str, str]:
    """Full pinyin and initials, lower case without spaces: 马成 -> ("macheng", "mc")."""
    syllables = [s.lower() for s in lazy_pinyin(name, errors="ignore") if s]
    return "".join(syllables), "".join(s[0] for s in syllables)


def find_worker_by_id_number(session: Session, id_number: str) -> Worker | None:
    return session.scalar(select(Worker).where(Worker.id_number_hash == crypto.lookup_hash(id_number)))


def _household_for(session: Session, code: str, actor: User) -> Household:
    household = session.scalar(select(Household).where(Household.code == code))
    if household is None or not user_sees_area(actor, household.village_code):
        raise ValidationFailed(_("Unknown household."), {"household_code": _("no household has this code in your areas")})
    return household


def phone_columns(phone: str | None) -> dict:
    """The stored form of a phone: encrypted, keyed hash, masked, last four digits."""
    if not phone:
        return {"phone_enc": None, "phone_hash": None, "phone_masked": None, "phone_tail": None}
    phone = normalise_phone(phone)
    return {"phone_enc": crypto.encrypt(phone), "phone_hash": crypto.lookup_hash(phone),
            "phone_masked": crypto.mask_phone(phone), "phone_tail": phone[-4:]}


def name_columns(name: str) -> dict:
    name = name.strip()
    pinyin, initials = name_keys(name)
    return {"name": name, "name_pinyin": pinyin, "name_initials": initials}


def skill_values(session: Session, names: list[str], certified: bool = False,
                 area_code: str | None = None) -> list[dict]:
    """Skills as written, each with the entry it resolves to: the correction of the area's county
    where staff made one (registry.corrections), else the resolver's answer."""
    resolver = get_index(session)
    fixed = corrections.corrected(session, area_code, names)
    return [{"name": name, "skill_id": fixed.get(corrections.text_key(name)) or resolver.skill_id(name),
             "certified": certified} for name in names]


def set_skills(session: Session, worker: Worker, names: list[str], certified: bool = False) -> None:
    """Replaces the self-reported skills with `names`; certified skills (from courses) stay."""
    kept = [s for s in worker.skills if s.certified]
    kept_names = {s.name for s in kept}
    worker.skills = kept + [WorkerSkill(**v) for v in skill_values(
        session, [n for n in names if n not in kept_names], certified, area_code=worker.household.village_code)]


def create_worker(session: Session, data: dict, actor: User) -> Worker:
    if not actor.keeps_registry:
        raise Forbidden(_("Your role is not allowed to do this."))
    resident = check_id_number(data["id_number"])
    household = _household_for(session, data["household_code"], actor)
    if find_worker_by_id_number(session, resident.number) is not None:
        raise Conflict(_("A worker with this ID number is already registered."), {"id_number": _("already registered")})
    worker = new_worker(session, household, resident, data)
    session.flush()
    audit.record(actor, "create", "worker", worker.id, fields=sorted(data), area_code=household.village_code)
    return worker


WORKER_DEFAULTS = {"health": Health.healthy, "labour_ability": LabourAbility.full,
                   "employment_status": EmploymentStatus.unemployed, "willing_to_migrate": False,
                   "needs_flexible_hours": False, "desired_occupations": []}


def worker_values(session: Session, household: Household, resident: ResidentId,
                  data: dict) -> tuple[dict, list[dict]]:
    """The stored columns of a new worker, and its skills, from checked data. The one place that
    says how a worker is stored: the form, the API and the bulk import all go through it."""
    values = {c.key: None for c in Worker.__table__.columns if c.key != "id"}
    values.update(WORKER_DEFAULTS)
    values.update({k: v for k, v in data.items()
                   if k not in ("id_number", "household_code", "phone", "skills", "name")})
    values.update(household_id=household.id, birth_date=resident.birth_date, sex=Sex[resident.sex],
                  id_number_enc=crypto.encrypt(resident.number),
                  id_number_hash=crypto.lookup_hash(resident.number),
                  id_number_masked=crypto.mask_id_number(resident.number),
                  created_at=utcnow(), updated_at=utcnow(),
                  **phone_columns(data.get("phone")), **name_columns(data["name"]))
    values["coords_from_village"] = values["lat"] is None or values["lon"] is None
    if values["coords_from_village"]:
        values["lat"], values["lon"] = home_point(session, household)
    return values, skill_values(session, data.get("skills") or [], area_code=household.village_code)


def new_worker(session: Session, household: Household, resident: ResidentId, data: dict) -> Worker:
    """A worker built from checked data, added to the session."""
    values, skills = worker_values(session, household, resident, data)
    del values["household_id"]  # set through the relationship: the household may be new
    worker = Worker(household=household, skills=[WorkerSkill(**s) for s in skills], **values)
    session.add(worker)
    return worker


def insert_workers(session: Session, prepared: list[tuple[dict, list[dict]]]) -> None:
    """Many new workers at once (from `worker_values`), as two multi-row INSERTs instead of the
    unit of work's row-by-row ones: a 20,000-row ledger imports in seconds."""
    if not prepared:
        return
    session.flush()
    ids = dict(session.execute(insert(Worker).returning(Worker.id_number_hash, Worker.id),
                               [values for values, _skills in prepared]).all())
    skills = [{**skill, "worker_id": ids[values["id_number_hash"]], "level": None}
              for values, worker_skills in prepared for skill in worker_skills]
    if skills:
        session.execute(insert(WorkerSkill), skills)
    session.execute(insert(EmploymentSpell), spell_rows(
        ((ids[values["id_number_hash"]], values.get("employment_status") or EmploymentStatus.unemployed)
         for values, _skills in prepared), china_today()))


def update_worker(session: Session, worker: Worker, data: dict, actor: User) -> Worker:
    if not actor.keeps_registry:
        raise Forbidden(_("Your role is not allowed to do this."))
    if "household_code" in data:
        worker.household = _household_for(session, data["household_code"], actor)
    apply_worker_fields(session, worker, {k: v for k, v in data.items() if k != "household_code"})
    session.flush()
    audit.record(actor, "update", "worker", worker.id, fields=sorted(data), area_code=worker.household.village_code)
    return worker


def apply_worker_fields(session: Session, worker: Worker, data: dict) -> None:
    """Changes an existing worker (PATCH, the edit form, an import row for someone known)."""
    for key, value in data.items():
        if key == "phone":
            columns = phone_columns(value)
        elif key == "name":
            columns = name_columns(value)
        elif key == "skills":
            set_skills(session, worker, value)
            continue
        else:
            columns = {key: value}
        for column, column_value in columns.items():
            setattr(worker, column, column_value)
    if "lat" in data or "lon" in data:
        worker.coords_from_village = worker.lat is None or worker.lon is None
    if worker.coords_from_village:
        worker.lat, worker.lon = home_point(session, worker.household)


def home_point(session: Session, household: Household) -> tuple[float | None, float | None]:
    """Where a household's members live: the resettlement site of a relocated household that names
    its area (people moved there, away from the village), else the village."""
    if household.relocated and household.resettlement_area_code:
        return first_point(area_point(session, household.resettlement_area_code),
                           area_point(session, household.village_code))
    return area_point(session, household.village_code)


def get_worker(session: Session, worker_id: int, actor: User) -> Worker:
    worker = session.get(Worker, worker_id) if 0 < worker_id <= MAX_ID else None
    if worker is None or not can_read_worker(actor, worker):
        raise NotFound(_("No worker %(id)s.", id=worker_id))
    return worker


def can_read_worker(actor: User, worker: Worker) -> bool:
    if actor.role is Role.worker:
        return actor.worker_id == worker.id
    return actor.is_staff and user_sees_area(actor, worker.household.village_code)


def may_reveal(actor: User, worker: Worker) -> bool:
    """Station staff of the worker's own village may see the full ID number and phone (audited)."""
    return actor.role is Role.station and user_sees_area(actor, worker.household.village_code)


def shown_birth_date(actor: User, worker: Worker):
    """The birth date, for those who may reveal the ID number and for the person themself; everyone
    else sees the age: with the birth date, a masked ID number would leave too few possibilities."""
    if may_reveal(actor, worker) or (actor.role is Role.worker and actor.worker_id == worker.id):
        return worker.birth_date
    return None


def reveal_personal_data(session: Session, worker: Worker, actor: User) -> dict:
    """The full ID number and phone, for staff of the worker's own village only; audited."""
    if not may_reveal(actor, worker):
        raise Forbidden(_("Only staff of the worker's own village may reveal personal data."))
    audit.record(actor, "reveal", "worker", worker.id, fields=["id_number", "phone"],
                 area_code=worker.household.village_code)
    session.flush()
    return {"id": worker.id, "id_number": crypto.decrypt(worker.id_number_enc),
            "phone": crypto.decrypt(worker.phone_enc)}


def unresolved_skills(session: Session, actor: User, area_code: str | None = None, limit: int = 200):
    """Skills written as text that did not resolve, for staff to review."""
    conditions = [*households_in(actor, area_code), WorkerSkill.skill_id.is_(None)]
    return session.execute(
        select(WorkerSkill.name, func.count(WorkerSkill.id)).join(Worker).join(Household)
        .where(and_(*conditions)).group_by(WorkerSkill.name)
        .order_by(func.count(WorkerSkill.id).desc()).limit(limit)).all()
