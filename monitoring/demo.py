"""Demonstration history for the dashboards and the early warning, on top of the other demos: a
year of placements through the stations (hires made by the jobs services, then dated back, with
their follow-ups), and the events that worry a station: a relocated worker who left for want of
adapting, a follow-up left undone, a public-welfare post about to end, a trainee who dropped out.
The household files get what belongs to this package: the station's account as its village's
responsible helper, helping enterprises, the county's approvals of the risk eliminations in the
registry's history. Then the early-warning rules and the re-match run once, as the scheduler
would, and the station proposes ending the monitoring of households that pass every check."""
from __future__ import annotations

import random
from dataclasses import asdict
from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import crypto
from core.auth import system_actor
from core.models import CHINA, User, china_today
from core.validators import normalise_phone
from jobs import services as job_services
from jobs.models import Employer, Job, LeaveReason, Referral, ReferralStatus
from monitoring import elimination
from monitoring.models import EliminationStatus, RiskElimination
from monitoring.tasks import run_task
from registry import services as registry_services
from registry.demo import COUNTY, STATION_VILLAGE, date_last_change
from registry.models import (
    EmploymentStatus,
    HelperRole,
    Household,
    HouseholdHelper,
    HouseholdIncome,
    MonitoringEventKind,
    MonitoringLine,
    MonitoringStatus,
    Worker,
)
from training.models import Course, Enrollment, EnrollmentStatus
from training.services import withdraw

OFFICER = system_actor("demo-loader")
PLACEMENTS = 60  # hires over the last year in the demo county


def load_monitoring_demo(session: Session, seed: int = 2026) -> list[str]:
    """Idempotent: does nothing once a placement history exists."""
    if session.scalar(select(Referral.id).where(Referral.hired_on < china_today() - timedelta(days=20))) is not None:
        return ["monitoring demo: already loaded"]
    rng = random.Random(seed)
    _helpers(session)
    _enterprises(session, rng)
    approved = _eliminations(session)
    market = session.scalars(select(Job).where(Job.public_welfare.is_(False)).order_by(Job.id)).all()
    welfare = session.scalar(select(Job).where(Job.public_welfare.is_(True)))
    never_referred = ~select(Referral.id).where(Referral.worker_id == Worker.id).exists()
    idle = session.scalars(select(Worker).join(Household).where(
        Household.village_code.like("640422%"), Worker.employment_status == EmploymentStatus.unemployed,
        Worker.birth_date > china_today() - relativedelta(years=55), never_referred).order_by(Worker.id)).all()
    idle = [w for w in idle if w.may_work]  # not the children, pupils and students
    ours = [w for w in idle if w.household.village_code == STATION_VILLAGE]
    others = [w for w in idle if w.household.village_code != STATION_VILLAGE]
    rng.shuffle(others)
    today = china_today()

    # the station's own worries
    relocated = next((w for w in ours if w.household.relocated and _fitting(w, market)),
                     next(w for w in ours if _fitting(w, market)))
    left = placement(session, relocated, _fitting(relocated, market[4:] + market[:4])[0], today - timedelta(days=50))
    _leave(session, left, LeaveReason.adaptation, today - timedelta(days=4))
    overdue = next(w for w in ours if w is not relocated and w.household_id != relocated.household_id
                   and _fitting(w, market))
    placement(session, overdue, _fitting(overdue, market)[0], today - timedelta(days=45))  # its 1-month follow-up is not done
    eligible = [w for w in session.scalars(select(Worker).join(Household).where(  # any age the post takes
        Household.village_code == STATION_VILLAGE, Worker.employment_status == EmploymentStatus.unemployed,
        never_referred).order_by(Worker.id)) if w.may_work and w.household_id not in
        (relocated.household_id, overdue.household_id) and _fitting(w, [welfare])]  # monitored or lifted out, at home
    holder = next((w for w in eligible if w.household.monitoring_status is not MonitoringStatus.none),
                  next(iter(eligible), None))
    if holder is not None:
        held = placement(session, holder, welfare,  # its term ends in 16 days
                          today - relativedelta(months=job_services.WELFARE_TERM_MONTHS) + timedelta(days=16))
        for follow_up in held.follow_ups:  # followed up in time; the post's end is what worries
            follow_up.done_at = datetime.combine(follow_up.due_on + timedelta(days=1), time(10), CHINA)
            follow_up.still_employed, follow_up.wage = True, 900
    _drop_out(session)

    # a year of placements elsewhere in the county: most still in work, some left
    count = 0
    for worker in others:
        fitting = _fitting(worker, market)
        if count >= PLACEMENTS or not fitting:
            continue
        job = rng.choice(fitting)
        hired_on = today - timedelta(days=rng.randint(20, 360))
        referral = placement(session, worker, job, hired_on)
        for follow_up in referral.follow_ups:
            if follow_up.due_on <= today - timedelta(days=3):
                follow_up.done_at = datetime.combine(follow_up.due_on + timedelta(days=2), time(10), CHINA)
                follow_up.still_employed = rng.random() < 0.85
                follow_up.wage = rng.randint(28, 55) * 100
                if not follow_up.still_employed:
                    _leave(session, referral, rng.choice([LeaveReason.wages, LeaveReason.care_duties,
                                                          LeaveReason.adaptation, LeaveReason.contract_end]),
                           follow_up.due_on)
                    break
        count += 1
    session.flush()
    outcome = run_task(session, "early_warning", current_app.config, runner="demo")
    raised = sum(c.get("raised", 0) for c in outcome.summary.values()) if outcome.summary else 0
    run_task(session, "rematch", current_app.config, runner="demo")  # last night's plans, as the scheduler does
    proposed = _proposals(session)
    return [f"monitoring demo: {count + 3} placements over the last year, {raised} alerts raised, "
            f"{approved} risk eliminations approved, {proposed} awaiting the county"]


def _helpers(session: Session) -> None:
    """The demo station's account is the responsible helper of its village's households: its alerts
    go to the station."""
    station = session.scalar(select(User).where(User.username == "station"))
    if station is None:
        return
    for helper in session.scalars(select(HouseholdHelper).join(Household, HouseholdHelper.household_id == Household.id)
                                  .where(Household.village_code == STATION_VILLAGE,
                                         HouseholdHelper.role == HelperRole.responsible)):
        helper.user_id = station.id
        session.get(Household, helper.household_id).helper_id = station.id


def _enterprises(session: Session, rng: random.Random) -> None:
    """Some monitored households have an employer of the demo among their helpers (帮扶企业)."""
    employers = session.scalars(select(Employer).order_by(Employer.id)).all()
    for household in session.scalars(select(Household).where(Household.monitoring_status != MonitoringStatus.none)
                                      .order_by(Household.id)):
        if employers and rng.random() < 0.25:
            employer = rng.choice(employers)
            phone = normalise_phone(employer.contact_phone) if employer.contact_phone else None
            household.helpers.append(HouseholdHelper(role=HelperRole.enterprise, name=employer.name,
                                                     phone_enc=crypto.encrypt(phone),
                                                     phone_masked=crypto.mask_phone(phone) if phone else None))


def _eliminations(session: Session) -> int:
    """The county's approvals behind the risk eliminations of the registry's history: proposed by
    the station (in its village), decided by the county's account, every check passed then."""
    county = session.scalar(select(User).where(User.username == "county"))
    station = session.scalar(select(User).where(User.username == "station"))
    count = 0
    for household in session.scalars(select(Household).where(Household.risk_eliminated_on.is_not(None))
                                      .order_by(Household.id)):
        steps = {e.kind: e for e in household.monitoring_history}
        began, asked, ended = (steps.get(kind) for kind in (MonitoringEventKind.identified, MonitoringEventKind.proposed,
                                                            MonitoringEventKind.eliminated))
        if None in (began, asked, ended) or session.scalar(select(RiskElimination.id).where(
                RiskElimination.household_id == household.id)) is not None:
            continue
        proposer = station if station is not None and household.village_code == STATION_VILLAGE else None
        asked.created_by_id = proposer.id if proposer else None
        ended.created_by_id = county.id if county else None
        session.add(RiskElimination(
            household_id=household.id, status=EliminationStatus.approved, reason=asked.reason,
            checks=[asdict(c) for c in _checks(session, household, began.day, asked.day)],
            proposed_by_id=asked.created_by_id, proposed_at=datetime.combine(asked.day, time(10), CHINA),
            decided_by_id=ended.created_by_id, decided_at=datetime.combine(ended.day, time(15), CHINA),
            decision_reason=ended.reason))
        count += 1
    session.flush()
    return count


def _checks(session: Session, household: Household, began: date, day: date) -> list[elimination.Check]:
    """The checks as the station's proposal found them on `day` (elimination.checks_for, back then)."""
    income = session.scalar(select(HouseholdIncome).where(HouseholdIncome.household_id == household.id,
                                                          HouseholdIncome.year <= day.year)
                            .order_by(HouseholdIncome.year.desc()).limit(1))
    line = session.get(MonitoringLine, (COUNTY, income.year)) if income is not None else None
    if income is None or line is None or not household.member_count:
        return elimination.checks_for(session, household, day)
    months = registry_services.elimination_months(session, household)
    return [elimination.Check(elimination.CHECKS[0], income.net_income / household.member_count >= line.amount,
                              _("Per-capita net income of %(year)s: %(amount)s yuan; the line is %(line)s.",
                                year=income.year, amount=f"{income.net_income / household.member_count:,.0f}",
                                line=f"{line.amount:,}")),
            elimination.Check(elimination.CHECKS[1], True, _("No alert open.")),
            elimination.Check(elimination.CHECKS[2], began + relativedelta(months=months) <= day,
                              _("Monitored since %(day)s; at least %(months)s months are needed.",
                                day=began.isoformat(), months=months))]


def _proposals(session: Session, most: int = 2) -> int:
    """After the rules ran: the station proposes ending the monitoring of its village's households
    that pass every check (income above the line, no open alert, monitored long enough), a few days
    ago, for the county to decide."""
    station = session.scalar(select(User).where(User.username == "station"))
    if station is None:
        return 0
    made = 0
    for household in session.scalars(select(Household).where(
            Household.village_code == STATION_VILLAGE, Household.monitoring_status != MonitoringStatus.none)
            .order_by(Household.id)):
        if made >= most or not all(c.passed for c in elimination.checks_for(session, household)):
            continue
        income = registry_services.latest_income(session, household)
        working = next((m for m in household.members if m.employed), None)
        reason = (f"{working.name}稳定就业，" if working else "") + (
            f"{income.year}年家庭人均纯收入{income.per_capita:,.0f}元，高于监测线{income.line:,}元，帮扶措施已落实，申请风险消除")
        proposal = elimination.propose(session, household, reason, station)
        days_ago = 2 + 3 * made
        proposal.proposed_at -= timedelta(days=days_ago)
        household.monitoring_history[-1].day -= timedelta(days=days_ago)
        made += 1
    session.flush()
    return made


def _fitting(worker: Worker, jobs: list[Job]) -> list[Job]:
    """The postings the person may take by the matcher's rules (a hire elsewhere would be refused)."""
    return [job for job in jobs if not job_services.blockers(worker, job)]


def placement(session: Session, worker: Worker, job: Job, hired_on: date) -> Referral:
    """A hire through the services, dated back to `hired_on` with its follow-ups and history."""
    referral = job_services.create_referral(session, worker.id, job.id, OFFICER, note="劳保站推荐")
    job_services.change_referral(session, referral, ReferralStatus.hired, OFFICER)
    referral.created_at = datetime.combine(hired_on - timedelta(days=7), time(9), CHINA)
    referral.hired_on = hired_on
    referral.status_changed_at = datetime.combine(hired_on, time(10), CHINA)  # long past: not to be undone
    for follow_up in referral.follow_ups:
        follow_up.due_on = hired_on + relativedelta(months=follow_up.months)
    if job.public_welfare:
        referral.term_ends_on = job_services.welfare_term_end(hired_on)
    date_last_change(session, worker, hired_on)
    return referral


def _leave(session: Session, referral: Referral, reason: LeaveReason, left_on: date) -> None:
    job_services.change_referral(session, referral, ReferralStatus.left, OFFICER, leave_reason=reason)
    referral.left_on = left_on
    referral.status_changed_at = datetime.combine(left_on, time(10), CHINA)
    date_last_change(session, referral.worker, left_on)


def _drop_out(session: Session) -> None:
    """Someone leaves the night class that is running now."""
    enrollment = session.scalar(select(Enrollment).join(Course).where(
        Enrollment.status == EnrollmentStatus.enrolled, Course.starts_on <= china_today(),
        Course.ends_on >= china_today()).order_by(Enrollment.id))
    if enrollment is not None:
        withdraw(session, enrollment, OFFICER)
