"""From the database to the engine's columns: the skill space (every canonical skill, with its
occupational group), the people looking for work in an area, and the open postings. Normalisation
happens once, when skills are written (registry.skills resolves them to canonical ids); here they
only become sparse vectors."""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date

import numpy as np
from scipy import sparse
from sqlalchemy import false, func, or_, select
from sqlalchemy.orm import Session

from core.models import china_today
from core.scoping import area_prefix, within_clause
from jobs.models import Employer, Job, JobSkill, PhysicalDemand, WageUnit
from matching import engine
from registry.models import (
    EmploymentStatus,
    Health,
    Household,
    LabourAbility,
    MonitoringStatus,
    Skill,
    Worker,
    WorkerSkill,
)
from registry.services import has_employed_member

LOOKING = (EmploymentStatus.unemployed, EmploymentStatus.in_training)
WORKING_DAYS = 22  # a day wage times this is compared with a monthly expectation
HEALTH_CODE = {Health.healthy: engine.HEALTHY, Health.chronic: engine.CHRONIC,
               Health.serious_illness: engine.SERIOUS, Health.disabled: engine.DISABLED}
DEMAND_CODE = {PhysicalDemand.light: engine.LIGHT, PhysicalDemand.medium: engine.MEDIUM,
               PhysicalDemand.heavy: engine.HEAVY}


@dataclass
class SkillSpace:
    ids: np.ndarray  # skill id per column
    column: dict[int, int]  # skill id -> column
    group: np.ndarray  # group index per column
    names: list[str]


def skill_space(session: Session) -> SkillSpace:
    rows = session.execute(select(Skill.id, Skill.group_code, Skill.name).order_by(Skill.id)).all()
    groups: dict[str, int] = {}
    group = np.array([groups.setdefault(g or "", len(groups)) for _id, g, _n in rows], np.int32)
    ids = np.array([r[0] for r in rows], np.int64)
    return SkillSpace(ids, {int(i): c for c, i in enumerate(ids)}, group, [r[2] for r in rows])


@dataclass
class People:
    """The engine's columns plus what allocation and explanations need about each person."""
    table: engine.Workers
    households: np.ndarray  # household ids, indexed by table.household
    household_priority: np.ndarray  # per household: 2 monitored, 1 relocated, 0 other
    household_employed: np.ndarray  # per household: someone already in work
    village: np.ndarray  # village index of each person (for placing villagers together)
    village_codes: np.ndarray  # the code of each village index

    def inside(self, area_codes: list[str]) -> engine.Workers:
        """The engine's columns of the people living inside any of the given areas."""
        codes = self.village_codes.astype(str)
        wanted = np.zeros(len(codes), bool)
        for code in area_codes:
            wanted |= np.char.startswith(codes, area_prefix(code))
        mask = wanted[self.village]
        return engine.Workers(**{name: value[mask] for name, value in vars(self.table).items()})


def _household_priority(status: MonitoringStatus, relocated: bool) -> int:
    return 2 if status is not MonitoringStatus.none else (1 if relocated else 0)


def looking_for_work(session: Session, area_code: str | None = None, worker_ids: list[int] | None = None,
                     space: SkillSpace | None = None, today: date | None = None,
                     area_codes: list[str] | None = None) -> People:
    """People of an area (or of several, or the given ones) without work who can work."""
    space = space or skill_space(session)
    today = today or china_today()
    conditions = [Worker.employment_status.in_(LOOKING), Worker.labour_ability != LabourAbility.none]
    if area_code:
        conditions.append(within_clause(area_code, Household.village_code))
    if area_codes is not None:
        conditions.append(or_(false(), *(within_clause(code, Household.village_code) for code in area_codes)))
    if worker_ids is not None:
        conditions = [Worker.id.in_(worker_ids)]
    employed = has_employed_member()
    rows = session.execute(
        select(Worker.id, Worker.lat, Worker.lon, Worker.birth_date, Worker.health, Worker.needs_flexible_hours,
               Worker.max_commute_km, Worker.willing_to_migrate, Worker.expected_wage, Household.id,
               Household.monitoring_status, Household.relocated, Household.lifted_out, employed,
               Household.village_code)
        .join(Household, Household.id == Worker.household_id).where(*conditions).order_by(Worker.id)).all()
    ids = np.array([r[0] for r in rows], np.int64)
    households, household_index = np.unique(np.array([r[9] for r in rows], np.int64), return_inverse=True)
    priority = np.zeros(len(households), np.int8)
    taken = np.zeros(len(households), bool)
    for r, h in zip(rows, household_index):
        priority[h] = _household_priority(r[10], r[11])
        taken[h] = bool(r[13])
    table = engine.Workers(
        ids=ids,
        lat=np.array([r[1] if r[1] is not None else np.nan for r in rows], np.float64),
        lon=np.array([r[2] if r[2] is not None else np.nan for r in rows], np.float64),
        age=np.array([_age(r[3], today) for r in rows], np.int16),
        health=np.array([HEALTH_CODE[r[4]] for r in rows], np.int8),
        flexible=np.array([bool(r[5]) for r in rows], bool),
        commute_km=np.array([r[6] if r[6] is not None else np.nan for r in rows], np.float32),
        migrate=np.array([bool(r[7]) for r in rows], bool),
        wage=np.array([r[8] if r[8] else np.nan for r in rows], np.float32),
        household=household_index.astype(np.int64),
        skills=_worker_skills(session, ids, space, conditions),
        welfare_ok=np.array([(r[10] is not MonitoringStatus.none or bool(r[12])) and not r[7] for r in rows], bool),
    )
    villages, village = np.unique(np.array([r[14] for r in rows], dtype=object).astype(str), return_inverse=True)
    return People(table, households, priority, taken, village.astype(np.int64), villages)


def _age(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def _worker_skills(session: Session, ids: np.ndarray, space: SkillSpace, conditions: list) -> sparse.csr_matrix:
    """The resolved skills of the people `conditions` choose (their rows in `ids`), read with the
    same conditions rather than thousands of ids."""
    position = {int(w): i for i, w in enumerate(ids)}
    values: dict[tuple[int, int], float] = {}
    for worker_id, skill_id, certified in session.execute(
            select(WorkerSkill.worker_id, WorkerSkill.skill_id, WorkerSkill.certified)
            .join(Worker, Worker.id == WorkerSkill.worker_id).join(Household, Household.id == Worker.household_id)
            .where(*conditions, WorkerSkill.skill_id.is_not(None))):
        row = position.get(worker_id)  # None: someone who began looking for work since the first query
        if row is not None:
            key = (row, space.column[skill_id])
            values[key] = max(values.get(key, 0.0), engine.CERTIFIED if certified else engine.SELF_REPORTED)
    return _csr(values, (len(ids), len(space.ids)))


def _csr(values: dict[tuple[int, int], float], shape) -> sparse.csr_matrix:
    if not values:
        return sparse.csr_matrix(shape, dtype=np.float32)
    keys = np.array(list(values), np.int64)
    return sparse.csr_matrix((np.array(list(values.values()), np.float32), (keys[:, 0], keys[:, 1])), shape=shape)


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def monthly(wage: int | None, unit: WageUnit) -> float:
    if wage is None or unit is WageUnit.piece:
        return np.nan
    return float(wage * WORKING_DAYS if unit is WageUnit.day else wage)


def open_jobs_conditions(today: date | None = None) -> list:
    today = today or china_today()
    return [Job.closed_at.is_(None), Employer.verified_at.is_not(None), Job.hired_count < Job.openings,
            or_(Job.expires_on.is_(None), Job.expires_on >= today)]


@dataclass
class Postings:
    """The engine's columns of the postings, with their ids and employers; the ORM objects are
    loaded only for the few a page or a plan shows (`load`)."""
    table: engine.Jobs
    employer: np.ndarray

    def __len__(self) -> int:
        return len(self.table.ids)

    def load(self, session: Session, cols) -> list[Job]:
        """The Job objects of some columns, in their order."""
        ids = [int(self.table.ids[c]) for c in cols]
        found = {j.id: j for j in session.scalars(select(Job).where(Job.id.in_(ids)))} if ids else {}
        return [found[i] for i in ids]


def open_postings(session: Session, space: SkillSpace | None = None, job_ids: list[int] | None = None) -> Postings:
    """Open postings with openings left (or the given ones, whatever their state: for "why not"),
    read as plain columns: a request that ranks two thousand postings builds no ORM objects."""
    space = space or skill_space(session)
    query = select(Job.id, Job.lat, Job.lon, Job.min_age, Job.max_age, Job.physical_demand, Job.flexible_hours,
                   Job.accommodation, Job.wage_max, Job.wage_unit, Job.openings, Job.hired_count,
                   Job.public_welfare, Job.employer_id).join(Employer, Employer.id == Job.employer_id)
    query = query.where(Job.id.in_(job_ids)) if job_ids is not None else query.where(*open_jobs_conditions())
    rows = session.execute(query.order_by(Job.id)).all()
    position = {r[0]: i for i, r in enumerate(rows)}
    values, unresolved = {}, np.zeros(len(rows), np.int16)
    for chunk in _chunks(list(position), 5000):
        for job_id, skill_id in session.execute(select(JobSkill.job_id, JobSkill.skill_id)
                                                .where(JobSkill.job_id.in_(chunk))):
            if skill_id is None:
                unresolved[position[job_id]] += 1
            else:
                values[(position[job_id], space.column[skill_id])] = 1.0
    table = engine.Jobs(
        ids=np.array([r[0] for r in rows], np.int64),
        lat=np.array([r[1] if r[1] is not None else np.nan for r in rows], np.float64),
        lon=np.array([r[2] if r[2] is not None else np.nan for r in rows], np.float64),
        min_age=np.array([r[3] if r[3] is not None else np.nan for r in rows], np.float32),
        max_age=np.array([r[4] if r[4] is not None else np.nan for r in rows], np.float32),
        demand=np.array([DEMAND_CODE[r[5]] for r in rows], np.int8),
        flexible=np.array([bool(r[6]) for r in rows], bool),
        accommodation=np.array([bool(r[7]) for r in rows], bool),
        wage=np.array([monthly(r[8], r[9]) for r in rows], np.float32),
        openings=np.array([max(r[10] - r[11], 0) for r in rows], np.int32),
        required=_csr(values, (len(rows), len(space.ids))),
        unresolved=unresolved,
        public_welfare=np.array([bool(r[12]) for r in rows], bool),
    )
    return Postings(table, np.array([r[13] for r in rows], np.int64))


# --- what is kept between requests ---------------------------------------------------------------
#
# A recommendation ranks every open posting, and an employer's candidates are everyone looking for
# work: reading those columns on each request was most of its cost (bench/README.md, "Load"). So
# each process keeps them and reads them again when a cheap fingerprint of what they depend on
# changes. Timestamps in a fingerprint come from the writers' clocks at flush time: a transaction
# that commits after a later one would leave the maximum unchanged, so nothing is kept longer than
# KEEP_SECONDS either.

KEEP_SECONDS = 600.0
_kept: dict[tuple[str, str], tuple[tuple, float, object]] = {}  # (database, what): (fingerprint, read at, value)


def kept(session: Session, what: str, fingerprint: tuple, read):
    """`read()`, or the value it gave for this database and fingerprint less than KEEP_SECONDS ago."""
    key, now = (str(session.get_bind().url), what), time.monotonic()
    entry = _kept.get(key)
    if entry is None or entry[0] != fingerprint or now - entry[1] > KEEP_SECONDS:
        entry = _kept[key] = (fingerprint, now, read())
    return entry[2]


def _read_only(*tables) -> None:
    """Shared between requests (and threads): nobody may change them in place."""
    for table in tables:
        for value in vars(table).values():
            arrays = [value.data, value.indices, value.indptr] if sparse.issparse(value) else [value]
            for array in arrays:
                if isinstance(array, np.ndarray):
                    array.flags.writeable = False


def _taxonomy():
    return (select(func.count(Skill.id)).scalar_subquery(), select(func.max(Skill.id)).scalar_subquery())


def current_postings(session: Session) -> tuple[SkillSpace, Postings]:
    """The skill space and the open postings. Their fingerprint: the day (expiry), every
    posting's last change (hires and departures included), their skills, employers'
    verification, and the skill taxonomy."""
    fingerprint = (china_today(), *session.execute(select(
        func.count(Job.id), func.max(Job.id), func.max(Job.updated_at), func.coalesce(func.sum(Job.hired_count), 0),
        func.count(Job.closed_at),
        select(func.count(JobSkill.id)).scalar_subquery(), select(func.max(JobSkill.id)).scalar_subquery(),
        select(func.count(Employer.verified_at)).scalar_subquery(),
        select(func.max(Employer.verified_at)).scalar_subquery(), *_taxonomy())).one())

    def read():
        space = skill_space(session)
        postings = open_postings(session, space)
        _read_only(postings.table, postings)
        return space, postings
    return kept(session, "postings", fingerprint, read)


def current_people(session: Session) -> tuple[SkillSpace, People]:
    """The skill space and everyone looking for work. Their fingerprint: the day (ages), every
    worker's and household's last change (employment and monitoring included), the workers'
    skills and certificates, and the skill taxonomy."""
    fingerprint = (china_today(), *session.execute(select(
        func.count(Worker.id), func.max(Worker.id), func.max(Worker.updated_at),
        select(func.count(WorkerSkill.id)).scalar_subquery(), select(func.max(WorkerSkill.id)).scalar_subquery(),
        select(func.count(WorkerSkill.id).filter(WorkerSkill.certified.is_(True))).scalar_subquery(),
        select(func.count(Household.id)).scalar_subquery(), select(func.max(Household.updated_at)).scalar_subquery(),
        *_taxonomy())).one())

    def read():
        space = skill_space(session)
        people = looking_for_work(session, space=space)
        _read_only(people.table, people)
        return space, people
    return kept(session, "people", fingerprint, read)
