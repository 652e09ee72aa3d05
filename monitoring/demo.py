"""Demonstration history for the dashboards and the early warning, on top of the other demos: a
year of placements through the stations (hires made by the jobs services, then dated back, with
their follow-ups), and the events that worry a station: a relocated worker who left for want of
adapting, a follow-up left undone, a public-welfare post about to end, a trainee who dropped out.
Then the early-warning rules and the re-match run once, as the scheduler would."""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.auth import system_actor
from core.models import CHINA, User, china_today
from jobs import services as job_services
from jobs.models import Job, LeaveReason, Referral, ReferralStatus
from monitoring.tasks import run_task
from registry.demo import STATION_VILLAGE, date_last_change
from registry.models import EmploymentStatus, Household, MonitoringStatus, Worker
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
    market = session.scalars(select(Job).where(Job.public_welfare.is_(False)).order_by(Job.id)).all()
    welfare = session.scalar(select(Job).where(Job.public_welfare.is_(True)))
    never_referred = ~select(Referral.id).where(Referral.worker_id == Worker.id).exists()
    idle = session.scalars(select(Worker).join(Household).where(
        Household.village_code.like("640422%"), Worker.employment_status == EmploymentStatus.unemployed,
        Worker.birth_date > china_today() - relativedelta(years=55), never_referred).order_by(Worker.id)).all()
    ours = [w for w in idle if w.household.village_code == STATION_VILLAGE]
    others = [w for w in idle if w.household.village_code != STATION_VILLAGE]
    rng.shuffle(others)
    today = china_today()

    # the station's own worries
    relocated = next((w for w in ours if w.household.relocated and _fitting(w, market)), ours[0])
    left = _placement(session, relocated, _fitting(relocated, market[4:] + market[:4])[0], today - timedelta(days=50))
    _leave(session, left, LeaveReason.adaptation, today - timedelta(days=4))
    overdue = next(w for w in ours if w is not relocated and w.household_id != relocated.household_id
                   and _fitting(w, market))
    _placement(session, overdue, _fitting(overdue, market)[0], today - timedelta(days=45))  # its 1-month follow-up is not done
    holder = next(w for w in ours if w not in (relocated, overdue) and w.household.monitoring_status
                  is not MonitoringStatus.none and w.household_id != overdue.household_id and _fitting(w, [welfare]))
    held = _placement(session, holder, welfare,  # its term ends in 16 days
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
        referral = _placement(session, worker, job, hired_on)
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
    return [f"monitoring demo: {count + 3} placements over the last year, {raised} alerts raised"]


def _helpers(session: Session) -> None:
    """The demo station's account is the responsible helper of its village's monitored households."""
    station = session.scalar(select(User).where(User.username == "station"))
    if station is None:
        return
    for household in session.scalars(select(Household).where(
            Household.village_code == STATION_VILLAGE, Household.monitoring_status != MonitoringStatus.none)):
        household.helper_id = station.id
        household.helper_name = household.helper_name or station.display_name


def _fitting(worker: Worker, jobs: list[Job]) -> list[Job]:
    """The postings the person may take by the matcher's rules (a hire elsewhere would be refused)."""
    return [job for job in jobs if not job_services.blockers(worker, job)]


def _placement(session: Session, worker: Worker, job: Job, hired_on: date) -> Referral:
    """A hire through the services, dated back to `hired_on` with its follow-ups and history."""
    referral = job_services.create_referral(session, worker.id, job.id, OFFICER, note="劳保站推荐")
    job_services.change_referral(session, referral, ReferralStatus.hired, OFFICER)
    referral.created_at = datetime.combine(hired_on - timedelta(days=7), time(9), CHINA)
    referral.hired_on = hired_on
    for follow_up in referral.follow_ups:
        follow_up.due_on = hired_on + relativedelta(months=follow_up.months)
    if job.public_welfare:
        referral.term_ends_on = job_services.welfare_term_end(hired_on)
    date_last_change(session, worker, hired_on)
    return referral


def _leave(session: Session, referral: Referral, reason: LeaveReason, left_on: date) -> None:
    job_services.change_referral(session, referral, ReferralStatus.left, OFFICER, leave_reason=reason)
    referral.left_on = left_on
    date_last_change(session, referral.worker, left_on)


def _drop_out(session: Session) -> None:
    """Someone leaves the night class that is running now."""
    enrollment = session.scalar(select(Enrollment).join(Course).where(
        Enrollment.status == EnrollmentStatus.enrolled, Course.starts_on <= china_today(),
        Course.ends_on >= china_today()).order_by(Enrollment.id))
    if enrollment is not None:
        withdraw(session, enrollment, OFFICER)
