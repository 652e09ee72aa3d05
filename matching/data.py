"""From the database to the engine's columns: the skill space (every canonical skill, with its
occupational group), the people looking for work in an area, and the open postings. Normalisation
happens once, when skills are written (registry.skills resolves them to canonical ids); here they
only become sparse vectors."""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date
from operator import itemgetter

import numpy as np
from scipy import sparse
from sqlalchemy import false, func, or_, select
from sqlalchemy.orm import Session

from core.models import china_today
from core.scoping import area_prefix, within_clause
from jobs.models import Complaint, ComplaintKind, Employer, Job, JobSkill, WageUnit
from jobs.services import DEMAND_CODE, HEALTH_CODE, blocked_employers_clause, retention, rules
from matching import engine
from registry.models import (
    EmploymentStatus,
    Household,
    MonitoringStatus,
    Skill,
    Worker,
    WorkerSkill,
)
from registry.services import has_employed_member, is_below_line, latest_years, may_work

LOOKING = (EmploymentStatus.unemployed, EmploymentStatus.in_training)
WORKING_DAYS = 22  # a day wage times this is compared with a monthly expectation


@dataclass
class SkillSpace:
    """The engine's skill columns. Entries that share an occupation code are one skill (an
    occupation, its certificates, the village skills filed under it: 育婴员 and 育婴员证), so they
    share a column; an entry without a code has a column of its own."""
    ids: np.ndarray  # the skill id that names each column (the occupation itself where it is an entry)
    column: dict[int, int]  # skill id -> column
    group: np.ndarray  # group index per column
    names: list[str]

    def key(self, skill_id: int | None) -> int | None:
        """What makes two entries the same skill: their column (None for an unresolved one)."""
        return None if skill_id is None else self.column.get(skill_id)


def columns_by_occupation(entries) -> tuple[dict, list[int]]:
    """(key, occupation code or None) in order -> (the column of each key, the position of the
    entry that opens each column): entries sharing a code share a column, the first names it."""
    column, by_code, firsts = {}, {}, []
    for position, (key, code) in enumerate(entries):
        c = by_code.setdefault(code, len(firsts)) if code else len(firsts)
        if c == len(firsts):
            firsts.append(position)
        column[key] = c
    return column, firsts


def skill_space(session: Session) -> SkillSpace:
    rows = session.execute(select(Skill.id, Skill.group_code, Skill.name, Skill.code, Skill.kind)
                           .order_by(Skill.id)).all()
    # the occupation names its column; otherwise the entry first filed under the code
    rows.sort(key=lambda r: (r.code is None, r.code or "", r.kind != "occupation", r.id))
    column, firsts = columns_by_occupation([(r.id, r.code) for r in rows])
    named = [rows[i] for i in firsts]
    groups: dict[str, int] = {}
    group = np.array([groups.setdefault(r.group_code or "", len(groups)) for r in named], np.int32)
    return SkillSpace(np.array([r.id for r in named], np.int64), column, group, [r.name for r in named])


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


def looking_for_work(session: Session, area_code: str | None = None, worker_ids: list[int] | None = None,
                     space: SkillSpace | None = None, today: date | None = None,
                     area_codes: list[str] | None = None) -> People:
    """People of an area (or of several, or the given ones) without work who can work, read as
    plain columns: no ORM rows, enumerations as their stored names, arrays built by numpy."""
    space = space or skill_space(session)
    today = today or china_today()
    conditions = _looking_conditions(area_code, area_codes, worker_ids, today)
    (ids, lat, lon, birth, health, flexible, commute_km, migrate, wage, household, monitoring, relocated,
     lifted_out, employed, village_code) = _columns(session, select(
        Worker.id, Worker.lat, Worker.lon, Worker.birth_date, Worker.health,
        Worker.needs_flexible_hours, Worker.max_commute_km, Worker.willing_to_migrate, Worker.expected_wage,
        Household.id, Household.monitoring_status, Household.relocated, Household.lifted_out,
        has_employed_member(), Household.village_code)
        .join(Household, Household.id == Worker.household_id).where(*conditions).order_by(Worker.id))
    ids = np.array(ids, np.int64)
    monitored = np.array(monitoring, str) != MonitoringStatus.none.name
    migrate = np.array(migrate, bool)
    households, household_index = np.unique(np.array(household, np.int64), return_inverse=True)
    table = engine.Workers(
        ids=ids,
        lat=np.array(lat, np.float64),  # None becomes NaN
        lon=np.array(lon, np.float64),
        age=_ages(birth, today),
        health=_codes(health, HEALTH_CODE, np.int8),
        flexible=np.array(flexible, bool),
        commute_km=np.array(commute_km, np.float32),
        migrate=migrate,
        wage=_unknown_if_zero(np.array(wage, np.float32)),
        household=household_index.astype(np.int64),
        skills=_worker_skills(session, ids, space, conditions),
        welfare_ok=rules.may_hold_welfare_post(monitored | np.array(lifted_out, bool), migrate),
    )
    priority = _per_household(_household_priority(monitored, relocated), household_index, len(households))
    priority[_below_line(session, households, area_code, area_codes, worker_ids)] = MONITORED
    taken = _per_household(np.array(employed, bool), household_index, len(households))
    villages, village = np.unique(np.array(village_code, str), return_inverse=True)
    return People(table, households, priority, taken, village.astype(np.int64), villages)


def _looking_conditions(area_code: str | None, area_codes: list[str] | None, worker_ids: list[int] | None,
                        today: date) -> list:
    """Who `looking_for_work` reads: the given people, or those without work in the area (or
    areas) who may work: of working age, able to, not at school."""
    if worker_ids is not None:
        return [Worker.id.in_(worker_ids)]
    return [Worker.employment_status.in_(LOOKING), *may_work(today), *_households_of(area_code, area_codes)]


def _households_of(area_code: str | None, area_codes: list[str] | None) -> list:
    """WHERE conditions on Household: inside the area, or inside any of the areas."""
    conditions = []
    if area_code:
        conditions.append(within_clause(area_code, Household.village_code))
    if area_codes is not None:
        conditions.append(or_(false(), *(within_clause(code, Household.village_code) for code in area_codes)))
    return conditions


def _below_line(session: Session, households: np.ndarray, area_code: str | None, area_codes: list[str] | None,
                worker_ids: list[int] | None) -> np.ndarray:
    """Per household: its latest per-capita income is under its line (ranked like a monitored one)."""
    where = [Household.id.in_(households.tolist())] if worker_ids is not None else _households_of(area_code, area_codes)
    poor = [found.household_id for found in latest_years(session, where) if is_below_line(found)]
    return np.isin(households, np.array(poor, np.int64))


def _columns(session: Session, query) -> list[list]:
    """The values of a column query, one list per column, as the database driver gives them: no
    result rows or type conversions are made (enumerations are their stored names, booleans may be
    0/1 and dates ISO text on SQLite). The session flushes first, as `session.execute` would."""
    if session.autoflush:
        session.flush()
    result = session.connection().execute(query)
    rows = result.cursor.fetchall()
    result.close()
    return [list(map(itemgetter(k), rows)) for k in range(len(query.selected_columns))]


def _codes(names: list[str], codes: dict, dtype) -> np.ndarray:
    """The engine's code of each enumeration member name (`codes` is keyed by member)."""
    by_name = {member.name: code for member, code in codes.items()}
    return np.array([by_name[name] for name in names], dtype)


def _ages(births: list, today: date) -> np.ndarray:
    """Whole years on `today` of each birth date (dates, or the ISO text SQLite keeps them as)."""
    born = np.array(births, "datetime64[D]")
    month = born.astype("datetime64[M]")
    year = born.astype("datetime64[Y]").astype(np.int64) + 1970
    month_day = (month.astype(np.int64) % 12 + 1) * 100 + (born - month).astype(np.int64) + 1
    before_birthday = today.month * 100 + today.day < month_day
    return (today.year - year - before_birthday).astype(np.int16)


def _unknown_if_zero(wage: np.ndarray) -> np.ndarray:
    """An expected wage of 0 (or none) means it was not said."""
    wage[wage == 0] = np.nan
    return wage


MONITORED, RELOCATED = 2, 1  # a household's priority in plans; 0 for the others


def _household_priority(monitored: np.ndarray, relocated: list) -> np.ndarray:
    """Per row: 2 monitored, 1 relocated, 0 other."""
    return np.where(monitored, MONITORED, np.where(np.array(relocated, bool), RELOCATED, 0)).astype(np.int8)


def _per_household(values: np.ndarray, household_index: np.ndarray, households: int) -> np.ndarray:
    """A value every member's row repeats, once per household."""
    result = np.zeros(households, values.dtype)
    result[household_index] = values
    return result


def _worker_skills(session: Session, ids: np.ndarray, space: SkillSpace, conditions: list) -> sparse.csr_matrix:
    """The resolved skills of the people `conditions` choose (their rows in `ids`, which is
    sorted), read with the same conditions rather than thousands of ids: CERTIFIED where any entry
    of a skill is certified, else SELF_REPORTED."""
    worker, skill, certified = _columns(session, select(
        WorkerSkill.worker_id, WorkerSkill.skill_id, WorkerSkill.certified)
        .join(Worker, Worker.id == WorkerSkill.worker_id).join(Household, Household.id == Worker.household_id)
        .where(*conditions, WorkerSkill.skill_id.is_not(None)))
    worker = np.array(worker, np.int64)
    row = np.minimum(np.searchsorted(ids, worker), max(len(ids) - 1, 0))
    # not found: someone who began looking for work since the first query
    known = ids[row] == worker if len(ids) else np.zeros(len(worker), bool)
    column = np.array([space.column[s] for s in skill], np.int64)
    value = np.where(np.array(certified, bool), engine.CERTIFIED, engine.SELF_REPORTED).astype(np.float32)
    return _csr_max(row[known], column[known], value[known], (len(ids), len(space.ids)))


def _csr_max(rows: np.ndarray, cols: np.ndarray, values: np.ndarray, shape) -> sparse.csr_matrix:
    """A sparse matrix with the largest of the values given for each cell."""
    key = rows * shape[1] + cols
    order = np.lexsort((values, key))  # by cell, the largest value last
    last = np.ones(len(order), bool)
    last[:-1] = key[order][1:] != key[order][:-1]
    keep = order[last]
    return sparse.csr_matrix((values[keep], (rows[keep], cols[keep])), shape=shape, dtype=np.float32)


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
    """The postings the matcher offers: open, verified, an opening left, and not of an employer with
    an open wage-arrears complaint (those are offered to nobody until it is resolved)."""
    today = today or china_today()
    return [Job.closed_at.is_(None), Employer.verified_at.is_not(None), Job.hired_count < Job.openings,
            or_(Job.expires_on.is_(None), Job.expires_on >= today), Job.employer_id.not_in(blocked_employers_clause())]


@dataclass
class Postings:
    """The engine's columns of the postings, with their ids and employers; the ORM objects are
    loaded only for the few a page or a plan shows (`load`)."""
    table: engine.Jobs
    employer: np.ndarray

    def __len__(self) -> int:
        return len(self.table.ids)

    def load(self, session: Session, cols) -> list[Job]:
        """The Job objects of some columns, in their order (a plan names a posting once per person
        placed in it: each is read once)."""
        ids = [int(self.table.ids[c]) for c in cols]
        distinct = list(dict.fromkeys(ids))
        found = {j.id: j for j in session.scalars(select(Job).where(Job.id.in_(distinct)))} if ids else {}
        return [found[i] for i in ids]


def open_postings(session: Session, space: SkillSpace | None = None, job_ids: list[int] | None = None) -> Postings:
    """Open postings with openings left (or the given ones, whatever their state: for "why not"),
    read as plain columns: a request that ranks two thousand postings builds no ORM objects. A
    posting asked for by id whose employer has an open wage-arrears complaint is not `listed`.
    Each employer's retention (jobs.services.retention) is read in one query for all of them."""
    space = space or skill_space(session)
    today = china_today()
    query = select(Job.id, Job.lat, Job.lon, Job.min_age, Job.max_age, Job.physical_demand, Job.flexible_hours,
                   Job.accommodation, Job.wage_max, Job.wage_unit, Job.openings, Job.hired_count,
                   Job.public_welfare, Job.employer_id, Job.closed_at, Job.expires_on, Employer.verified_at,
                   Job.trains_on_job, Job.employer_id.in_(blocked_employers_clause())
                   ).join(Employer, Employer.id == Job.employer_id)
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
        listed=np.array([r[14] is None and (r[15] is None or r[15] >= today) and r[16] is not None and not r[18]
                         for r in rows], bool),
        trains_on_job=np.array([bool(r[17]) for r in rows], bool),
    )
    employer = np.array([r[13] for r in rows], np.int64)
    kept = retention(session, np.unique(employer).tolist())
    table.retention = np.array([np.nan if kept.get(e) is None else kept[e] for e in employer.tolist()], np.float32)
    return Postings(table, employer)


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


def reused_or_read(session: Session, what: str, fingerprint: tuple, read):
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


def _complaints():
    """Wage-arrears complaints made (count, newest) and resolved (count, latest): any change of them
    changes these. Other kinds change nothing the matcher reads."""
    arrears = Complaint.kind == ComplaintKind.wage_arrears
    return (select(func.count(Complaint.id)).where(arrears).scalar_subquery(),
            select(func.max(Complaint.id)).where(arrears).scalar_subquery(),
            select(func.count(Complaint.resolved_at)).where(arrears).scalar_subquery(),
            select(func.max(Complaint.resolved_at)).where(arrears).scalar_subquery())


def _taxonomy():
    return (select(func.count(Skill.id)).scalar_subquery(), select(func.max(Skill.id)).scalar_subquery())


def current_postings(session: Session) -> tuple[SkillSpace, Postings]:
    """The skill space and the open postings. Their fingerprint: the day (expiry, retention's six
    months), every posting's last change (hires and departures included, which is what retention
    counts), their skills, employers' verification, complaints made and resolved (an open
    wage-arrears one withdraws an employer's postings at once), and the skill taxonomy."""
    fingerprint = (china_today(), *session.execute(select(
        func.count(Job.id), func.max(Job.id), func.max(Job.updated_at), func.coalesce(func.sum(Job.hired_count), 0),
        func.count(Job.closed_at),
        select(func.count(JobSkill.id)).scalar_subquery(), select(func.max(JobSkill.id)).scalar_subquery(),
        select(func.count(Employer.verified_at)).scalar_subquery(),
        select(func.max(Employer.verified_at)).scalar_subquery(), *_complaints(), *_taxonomy())).one())

    def read():
        space = skill_space(session)
        postings = open_postings(session, space)
        _read_only(postings.table, postings)
        return space, postings
    return reused_or_read(session, "postings", fingerprint, read)


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
    return reused_or_read(session, "people", fingerprint, read)
