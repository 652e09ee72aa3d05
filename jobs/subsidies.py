"""Employers' subsidies (issue 18): for hiring someone of a monitored or lifted-out household once
the hire has lasted the county's months, and per month of on-the-job training (以工代训) of one
trainee; written by a scheduled task, exactly once each. And the skills learnt on the job,
recorded once a trainee has been in the job for the posting's training months.

Whose policy pays: the county's (the nearest area up from the person's village whose policy sets
the amount). A county's subsidies are for its own people, the households it monitors and the
people it trains, wherever they find work; the line keeps the area that paid it, and that
county's officers read it in their ledger.

Plain functions taking a session; they flush, the caller commits."""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core import audit
from core.errors import NotFound, ValidationFailed
from core.models import Role, User, china_today
from core.scoping import scope_clause, user_sees_area, within_clause
from core.spreadsheets import Spreadsheet
from core.validators import MAX_ID
from jobs.eligibility import same_skill
from jobs.models import Employer, EmployerSubsidy, Job, Referral, ReferralStatus, SubsidyKind
from registry.models import Area, AreaLevel, AreaPolicy, Household, MonitoringStatus, Worker, WorkerSkill
from registry.services import area_names, chain_of, officers_area

IN_THE_JOB = (ReferralStatus.hired, ReferralStatus.left)  # a hire, lasting or ended
SHORTEST_MONTH = timedelta(days=28)  # a hire younger than this has lasted no month yet
SETTINGS = {"amount": "hire_subsidy_amount", "months": "hire_subsidy_months", "on_the_job_monthly": "on_the_job_monthly"}


# --- the county's policy -----------------------------------------------------------------------

def set_hire_subsidy(session: Session, area_code: str, data: dict, actor: User) -> AreaPolicy:
    """A county officer (for its county) or an administrator sets the hiring subsidy: `amount`
    yuan once a hire has lasted `months`; and, when given, `on_the_job_monthly` yuan per trainee
    and month of on-the-job training (null: none). Set for a county: a township's policy row would
    otherwise shadow the county's months of monitoring (registry elimination_months)."""
    area = officers_area(session, area_code, actor)
    if area.level is not AreaLevel.county:
        raise ValidationFailed(_("The hiring subsidy is set for a county."), {"area_code": _("give a county's code")})
    policy = session.get(AreaPolicy, area.code) or AreaPolicy(area_code=area.code)
    changed = [name for name in SETTINGS if name in data and getattr(policy, SETTINGS[name]) != data[name]]
    for name in changed:
        setattr(policy, SETTINGS[name], data[name])
    session.add(policy)
    session.flush()
    if changed:
        audit.record(actor, "update", "area_policy", area.code, fields=["amount"], area_code=area.code,
                     detail="; ".join(f"{name}={data[name]}" for name in changed))
    return policy


def policy_of(session: Session, area_code: str | None) -> AreaPolicy | None:
    """The policy that pays for the people of this area: the nearest one up that sets a hiring or
    an on-the-job subsidy (what the pages tell employers and officers)."""
    return policies_of(session, [area_code])[area_code]


def policies_of(session: Session, area_codes) -> dict:
    """`policy_of` for several areas, the policies read once."""
    policies = _Policies(session)
    return {code: policies.nearest(code, "hire_subsidy_amount") or policies.nearest(code, "on_the_job_monthly")
            for code in area_codes}


class _Policies:
    """Every area's policy, read once per run, and the nearest one up from an area that sets a field."""

    def __init__(self, session: Session):
        self.session = session
        self.by_area = {p.area_code: p for p in session.scalars(select(AreaPolicy))}
        self.chains: dict[str, list[str]] = {}

    def nearest(self, area_code: str | None, field: str) -> AreaPolicy | None:
        if not area_code:
            return None
        if area_code not in self.chains:
            area = self.session.get(Area, area_code)
            self.chains[area_code] = chain_of(area) if area is not None else []
        return next((self.by_area[code] for code in self.chains[area_code]
                     if code in self.by_area and getattr(self.by_area[code], field) is not None), None)


# --- the scheduled tasks -----------------------------------------------------------------------

def _hires(today: date, *conditions):
    """Hires (lasting or ended) that may have lasted a month by `today`: nothing is due sooner."""
    return (select(Referral).join(Job, Job.id == Referral.job_id).join(Worker, Worker.id == Referral.worker_id)
            .join(Household, Household.id == Worker.household_id)
            .where(Referral.status.in_(IN_THE_JOB), Referral.hired_on.is_not(None),
                   Referral.hired_on <= today - SHORTEST_MONTH, *conditions))


def _lasted(referral: Referral, months: int, today: date) -> date | None:
    """The day the hire had lasted `months` in the same posting, if it has by `today` (a departure
    on that very day counts); None when it has not, or the person left before."""
    day = referral.hired_on + relativedelta(months=months)
    if day > today or (referral.left_on is not None and referral.left_on < day):
        return None
    return day


def _write_once(session: Session, line: EmployerSubsidy) -> bool:
    """Adds the line unless it is there already: the unique key (referral, kind, period) decides,
    also against another run writing it at this very moment (a savepoint, so the rest stays)."""
    try:
        with session.begin_nested():
            session.add(line)
    except IntegrityError:
        return False
    return True


def _monitored_or_lifted_out():
    """jobs.eligibility's definition (as for public-welfare posts): a household under monitoring
    or lifted out of poverty; or one whose monitoring ended during the hire (a job is how many
    leave monitoring: the employer keeps its subsidy)."""
    return or_(Household.monitoring_status != MonitoringStatus.none, Household.lifted_out.is_(True),
               Household.risk_eliminated_on >= Referral.hired_on)


def write_employer_subsidies(session: Session, today: date) -> dict:
    """The subsidy lines due by `today`, each written once: a hiring line for each hire of a person
    of a monitored or lifted-out household that lasted the policy's months in the same posting
    (earned that day); an on-the-job line for each training month completed in the job, up to the
    posting's training months. The hire's dates (Referral.hired_on, left_on) are the history
    read; a departure before the day means no line. Run again, it writes nothing new."""
    policies = _Policies(session)
    written = {"hiring": 0, "on the job": 0}
    already = select(EmployerSubsidy.id).where(EmployerSubsidy.referral_id == Referral.id,
                                               EmployerSubsidy.kind == SubsidyKind.hiring).exists()
    for referral in session.scalars(_hires(today, _monitored_or_lifted_out(), ~already)):
        policy = policies.nearest(referral.worker.household.village_code, "hire_subsidy_amount")
        if policy is None or not policy.hire_subsidy_amount or not policy.hire_subsidy_months:
            continue
        day = _lasted(referral, policy.hire_subsidy_months, today)
        if day is not None and _write_once(session, EmployerSubsidy(
                employer_id=referral.job.employer_id, referral_id=referral.id, worker_id=referral.worker_id,
                kind=SubsidyKind.hiring, period=0, amount=policy.hire_subsidy_amount, area_code=policy.area_code,
                earned_on=day)):
            written["hiring"] += 1
    months_paid = (select(func.count(EmployerSubsidy.id)).where(
        EmployerSubsidy.referral_id == Referral.id, EmployerSubsidy.kind == SubsidyKind.on_the_job)
        .correlate(Referral).scalar_subquery())
    trainees = list(session.scalars(_hires(today, Job.trains_on_job.is_(True), Job.training_months.is_not(None),
                                           months_paid < Job.training_months)))
    paid = _months_paid(session, [r.id for r in trainees])
    for referral in trainees:
        policy = policies.nearest(referral.worker.household.village_code, "on_the_job_monthly")
        if policy is None or not policy.on_the_job_monthly:
            continue
        for month in range(1, referral.job.training_months + 1):
            day = _lasted(referral, month, today)
            if day is None:
                break
            if (referral.id, month) not in paid and _write_once(session, EmployerSubsidy(
                    employer_id=referral.job.employer_id, referral_id=referral.id, worker_id=referral.worker_id,
                    kind=SubsidyKind.on_the_job, period=month, amount=policy.on_the_job_monthly,
                    area_code=policy.area_code, earned_on=day)):
                written["on the job"] += 1
    session.flush()
    return written


def _months_paid(session: Session, referral_ids: list[int], chunk: int = 1000) -> set[tuple[int, int]]:
    """(referral, month) of the on-the-job lines already written for these hires."""
    paid = set()
    for start in range(0, len(referral_ids), chunk):
        paid.update((referral_id, month) for referral_id, month in session.execute(
            select(EmployerSubsidy.referral_id, EmployerSubsidy.period).where(
                EmployerSubsidy.kind == SubsidyKind.on_the_job,
                EmployerSubsidy.referral_id.in_(referral_ids[start:start + chunk]))))
    return paid


def record_on_the_job_skills(session: Session, today: date) -> int:
    """Trainees who have been `training_months` in an on-the-job posting (still there, or left
    after) learnt its required skills: each one they do not hold yet is added, as the employer's
    word (not certified). Returns how many skills were added; run again, it adds none."""
    added = 0
    trainees = _hires(today, Job.trains_on_job.is_(True), Job.training_months.is_not(None))
    for referral in session.scalars(trainees):
        if _lasted(referral, referral.job.training_months, today) is None:
            continue
        worker = referral.worker
        held = {same_skill(s.skill) for s in worker.skills if s.skill is not None}
        names = {s.name for s in worker.skills if s.skill is None}
        learnt = []
        for need in referral.job.required_skills:
            key = same_skill(need.skill)
            if (key in held) if key is not None else (need.name in names):
                continue
            worker.skills.append(WorkerSkill(name=need.name, skill_id=need.skill_id, certified=False))
            held.add(key)
            names.add(need.name)
            learnt.append(need.name)
        if learnt:
            added += len(learnt)
            audit.record(None, "update", "worker", worker.id, fields=["skills"], area_code=worker.village_code,
                         detail=f"learnt on the job {referral.job_id}: {'、'.join(learnt)}")
    session.flush()
    return added


# --- the ledger --------------------------------------------------------------------------------

@dataclass(frozen=True)
class LedgerLine:
    id: int
    kind: SubsidyKind
    period: int
    amount: int
    earned_on: date
    employer_id: int
    employer_name: str
    referral_id: int
    worker_id: int
    worker_name: str
    household_code: str
    village: str
    job_id: int
    job_title: str
    hired_on: date | None
    area_code: str | None
    area_name: str | None


@dataclass(frozen=True)
class EmployerTotal:
    employer_id: int
    employer_name: str
    lines: int
    hiring: int
    on_the_job: int

    @property
    def amount(self) -> int:
        return self.hiring + self.on_the_job


def may_read_ledger(session: Session, actor: User, employer: Employer) -> bool:
    """The employer itself, an administrator, and county officers of the employer's area or of an
    area whose policy paid it a line."""
    if actor.role is Role.admin:
        return True
    if actor.role is Role.employer:
        return actor.employer_id == employer.id
    if not actor.is_officer:
        return False
    if employer.area_code and user_sees_area(actor, employer.area_code):
        return True
    return session.scalar(select(EmployerSubsidy.id).where(EmployerSubsidy.employer_id == employer.id,
                                                           scope_clause(actor, EmployerSubsidy.area_code)).limit(1)) is not None


def ledger_employer(session: Session, employer_id: int, actor: User) -> Employer:
    """The employer whose ledger the actor reads; any other is not found."""
    employer = session.get(Employer, employer_id) if 0 < employer_id <= MAX_ID else None
    if employer is None or not may_read_ledger(session, actor, employer):
        raise NotFound(_("No employer %(id)s.", id=employer_id))
    return employer


def _areas_condition(actor: User, area_code: str | None) -> list:
    """Officers' lines: those their areas' policies paid, and those of employers in their areas."""
    conditions = [or_(scope_clause(actor, EmployerSubsidy.area_code), scope_clause(actor, Employer.area_code))]
    if area_code:
        conditions.append(or_(within_clause(area_code, EmployerSubsidy.area_code),
                              within_clause(area_code, Employer.area_code)))
    return conditions


def _lines(session: Session, conditions: list, limit: int | None = None, offset: int = 0) -> list[LedgerLine]:
    query = (select(EmployerSubsidy, Employer.name, Worker.name, Household.code, Household.village_code, Job.id,
                    Job.title, Referral.hired_on)
             .join(Employer, Employer.id == EmployerSubsidy.employer_id)
             .join(Referral, Referral.id == EmployerSubsidy.referral_id).join(Job, Job.id == Referral.job_id)
             .join(Worker, Worker.id == EmployerSubsidy.worker_id).join(Household, Household.id == Worker.household_id)
             .where(*conditions).order_by(EmployerSubsidy.earned_on.desc(), EmployerSubsidy.id.desc())
             .limit(limit).offset(offset))
    rows = session.execute(query).all()
    names = area_names(session, {r[0].area_code for r in rows if r[0].area_code} | {r[4] for r in rows})
    return [LedgerLine(s.id, s.kind, s.period, s.amount, s.earned_on, s.employer_id, employer, s.referral_id, s.worker_id,
                       worker, household, names.get(village, village), job_id, title, hired_on, s.area_code,
                       names.get(s.area_code) if s.area_code else None)
            for s, employer, worker, household, village, job_id, title, hired_on in rows]


def _count_and_amount(session: Session, conditions: list) -> tuple[int, int]:
    count, amount = session.execute(
        select(func.count(EmployerSubsidy.id), func.coalesce(func.sum(EmployerSubsidy.amount), 0))
        .select_from(EmployerSubsidy).join(Employer, Employer.id == EmployerSubsidy.employer_id)
        .where(*conditions)).one()
    return count, int(amount)


def employer_ledger(session: Session, employer: Employer, limit: int | None = None,
                    offset: int = 0) -> tuple[list[LedgerLine], int, int]:
    """An employer's lines, newest first; how many in all, and the yuan in all."""
    conditions = [EmployerSubsidy.employer_id == employer.id]
    return (_lines(session, conditions, limit, offset), *_count_and_amount(session, conditions))


def area_ledger(session: Session, actor: User, area_code: str | None = None, limit: int | None = None,
                offset: int = 0) -> tuple[list[LedgerLine], int, int]:
    """The lines officers answer for (their areas': see _areas_condition), newest first."""
    conditions = _areas_condition(actor, area_code)
    return (_lines(session, conditions, limit, offset), *_count_and_amount(session, conditions))


def employer_totals(session: Session, actor: User, area_code: str | None = None) -> list[EmployerTotal]:
    """The officers' lines summed per employer, the most paid first."""
    rows = session.execute(
        select(Employer.id, Employer.name, EmployerSubsidy.kind, func.count(EmployerSubsidy.id),
               func.sum(EmployerSubsidy.amount))
        .select_from(EmployerSubsidy).join(Employer, Employer.id == EmployerSubsidy.employer_id)
        .where(*_areas_condition(actor, area_code)).group_by(Employer.id, Employer.name, EmployerSubsidy.kind)).all()
    totals: dict[int, dict] = {}
    for employer_id, name, kind, count, amount in rows:
        entry = totals.setdefault(employer_id, {"name": name, "lines": 0, SubsidyKind.hiring: 0,
                                                SubsidyKind.on_the_job: 0})
        entry["lines"] += count
        entry[kind] += int(amount or 0)
    found = [EmployerTotal(i, e["name"], e["lines"], e[SubsidyKind.hiring], e[SubsidyKind.on_the_job])
             for i, e in totals.items()]
    return sorted(found, key=lambda t: (-t.amount, t.employer_id))


def export(session: Session, actor: User, employer: Employer | None = None,
           area_code: str | None = None) -> tuple[io.BytesIO, str]:
    """The ledger as .xlsx: an employer's own (its hires by name), or the officers' (with each
    person's household and village, and a sheet per employer). Recorded in the audit log."""
    officers = employer is None
    lines = (area_ledger(session, actor, area_code) if officers else employer_ledger(session, employer))[0]
    book = Spreadsheet()
    who = ["姓名", "户编号", "村"] if officers else ["姓名"]
    sheet = book.sheet("补贴明细", ["企业", "岗位", *who, "补贴类型", "培训月份", "录用日期", "达到日期", "金额（元）",
                                "支付地区"])
    for x in lines:
        person = [x.worker_name, x.household_code, x.village] if officers else [x.worker_name]
        sheet.append([x.employer_name, x.job_title, *person, x.kind.zh, x.period or None,
                      x.hired_on.isoformat() if x.hired_on else None, x.earned_on.isoformat(), x.amount,
                      x.area_name or x.area_code])
    sheet.append(["合计", *[None] * (len(who) + 5), sum(x.amount for x in lines), None])
    if officers:
        per_employer = book.sheet("按企业", ["企业", "笔数", "吸纳就业补贴（元）", "以工代训补贴（元）", "合计（元）"])
        for t in employer_totals(session, actor, area_code):
            per_employer.append([t.employer_name, t.lines, t.hiring, t.on_the_job, t.amount])
    stream = book.save()
    audit.record(actor, "export", "subsidies", area_code if officers else employer.id,
                 detail=f"{len(lines)} employer subsidy lines", area_code=area_code if officers else employer.area_code)
    return stream, f"企业补贴台账-{china_today().isoformat()}.xlsx"
