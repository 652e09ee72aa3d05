"""The figures of the station home and the county overview, read from every package. Each
figure is a count a page can link to the list behind it."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.models import User, china_today
from core.scoping import area_prefix, scope_clause, user_sees_area
from jobs.models import Referral
from jobs.services import stable_employment
from matching.models import PlanSummary
from monitoring.alerts import counts_by_rule
from monitoring.models import OPEN_ALERT, Alert
from registry.models import EMPLOYED, Area, AreaLevel, Household, Worker
from registry.services import household_counts, household_counts_by, households_in
from training.models import Enrollment, EnrollmentStatus

MONTHS_SHOWN = 12


def training_pipeline(session: Session, actor: User, area_code: str | None = None) -> dict[str, int]:
    """People enrolled or waiting now, and results and dropouts of the last twelve months."""
    since = china_today() - timedelta(days=365)
    status = Enrollment.status

    def counted(*conditions):
        return func.count(Enrollment.id).filter(*conditions)
    row = session.execute(
        select(counted(status == EnrollmentStatus.enrolled), counted(status == EnrollmentStatus.waitlisted),
               counted(status == EnrollmentStatus.completed, Enrollment.completed_on >= since),
               counted(status == EnrollmentStatus.failed, Enrollment.completed_on >= since),
               counted(status == EnrollmentStatus.withdrawn, Enrollment.withdrawn_on >= since))
        .join(Worker, Enrollment.worker_id == Worker.id).join(Household).where(*households_in(actor, area_code))).one()
    return dict(zip(("enrolled", "waitlisted", "completed", "failed", "dropped_out"), row))


def _month(day: date) -> str:
    return f"{day.year}-{day.month:02d}"


def placements_by_month(session: Session, actor: User, area_code: str | None = None) -> dict:
    """Hires and departures per month for the last twelve months, oldest first."""
    first = china_today().replace(day=1) - relativedelta(months=MONTHS_SHOWN - 1)
    months = [_month(first + relativedelta(months=n)) for n in range(MONTHS_SHOWN)]
    rows = session.execute(select(Referral.hired_on, Referral.left_on).join(Worker, Referral.worker_id == Worker.id)
                           .join(Household).where(*households_in(actor, area_code),
                                                  (Referral.hired_on >= first) | (Referral.left_on >= first))).all()
    hires = Counter(_month(h) for h, _ in rows if h and h >= first)
    departures = Counter(_month(left) for _, left in rows if left and left >= first)
    return {"months": months, "hires": [hires[m] for m in months], "departures": [departures[m] for m in months]}


def plan_summaries(session: Session, actor: User) -> list[PlanSummary]:
    """Last night's allocation figures for the user's areas."""
    return list(session.scalars(select(PlanSummary).where(scope_clause(actor, PlanSummary.area_code))
                                .order_by(PlanSummary.area_code)))


def station_home(session: Session, actor: User, area_code: str | None = None, counts: dict | None = None) -> dict:
    """Every figure of the station home (and of an overview's area), in seven queries (six when
    the household figures are given)."""
    by_rule = counts_by_rule(session, actor, area_code)
    counts = counts if counts is not None else household_counts(session, actor, area_code)
    return {"plans": plan_summaries(session, actor), "counts": counts,
            "open_alerts": sum(by_rule.values()), "alerts_by_rule": by_rule,
            "training": training_pipeline(session, actor, area_code),
            "placements": placements_by_month(session, actor, area_code),
            "stable": stable_employment(session, where=households_in(actor, area_code))}


def overview_area(session: Session, actor: User, code: str) -> Area | None:
    """The area an overview shows: the one asked for (`code`) when it is the user's, else the
    user's first area, else the first county on file."""
    asked = session.get(Area, code) if code else None
    if asked is not None and user_sees_area(actor, asked.code):
        return asked
    if actor.area_codes:
        return session.get(Area, actor.area_codes[0])
    return session.scalar(select(Area).where(Area.level == AreaLevel.county).order_by(Area.code))


@dataclass
class AreaRow:
    code: str
    name: str
    households: int = 0
    nobody_employed: int = 0
    monitored: int = 0
    workers: int = 0
    employed: int = 0
    open_alerts: int = 0
    completed: int = 0  # courses completed in the last twelve months
    completed_in_work: int = 0  # of them, in work now

    @property
    def employment_rate(self) -> float | None:
        return self.employed / self.workers if self.workers else None


def by_area(session: Session, actor: User, parent_code: str) -> tuple[list[AreaRow], dict]:
    """The same figures for each township of a county, or each village of a township, and the
    household figures of the whole (for `station_home`, which need not count them again)."""
    parent = session.get(Area, parent_code)
    child_level = AreaLevel.township if parent.level is AreaLevel.county else AreaLevel.village
    width = 9 if child_level is AreaLevel.township else 12
    children = session.scalars(select(Area).where(Area.parent_code == parent_code, Area.level == child_level)
                               .order_by(Area.code)).all()
    rows = {area_prefix(a.code)[:width]: AreaRow(a.code, a.name) for a in children}
    by_key = household_counts_by(session, actor, width, parent_code)
    for k, figures in by_key.items():
        if k in rows:
            row = rows[k]
            row.households, row.nobody_employed, row.monitored = (
                figures["households"], figures["nobody_employed"], figures["monitored"])
            row.workers, row.employed = figures["workers"], figures["employed"]
    key = func.substr(Household.village_code, 1, width)
    scope = households_in(actor, parent_code)
    for k, alerts in session.execute(select(key, func.count(Alert.id)).join(Household, Alert.household_id == Household.id)
                                     .where(*scope, Alert.status.in_(OPEN_ALERT)).group_by(key)):
        if k in rows:
            rows[k].open_alerts = alerts
    since = china_today() - timedelta(days=365)
    for k, completed, in_work in session.execute(
            select(key, func.count(Enrollment.id), func.count(Enrollment.id).filter(Worker.employment_status.in_(EMPLOYED)))
            .join(Worker, Enrollment.worker_id == Worker.id).join(Household, Worker.household_id == Household.id)
            .where(*scope, Enrollment.status == EnrollmentStatus.completed, Enrollment.completed_on >= since)
            .group_by(key)):
        if k in rows:
            rows[k].completed, rows[k].completed_in_work = completed, in_work
    return list(rows.values()), household_counts(session, actor, by_area=by_key)

