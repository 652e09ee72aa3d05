"""The household file (户档案) as a cadre reads it: the household with its latest income against the
line, its open alerts, and one timeline of the help it has had, the measures recorded for it
together with its members' referrals, hires and enrolments, newest first."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.auth import system_actor
from core.models import china_day
from jobs.models import Referral, ReferralStatus
from monitoring.models import OPEN_ALERT, SEVERITY_ORDER, Alert
from registry import services as registry_services
from registry.models import Household, Worker
from training import services as training_services
from training.models import Enrollment, EnrollmentStatus


@dataclass(frozen=True)
class TimelineItem:
    source: str  # measure, referral, hire, left, enrolment, completion, subsidy
    kind: str  # a measure's kind, else the same as source
    kind_label: str
    date: date
    description: str
    helper_name: str | None = None


def household_file(session: Session, code: str, actor) -> Household:
    """The household as `registry.services.get_household` checks it, with `income` (the latest
    year against its line, None before the first check) and `open_alerts`, most urgent first."""
    household = registry_services.get_household(session, code, actor)
    household.income = registry_services.latest_income(session, household)
    household.open_alerts = open_alerts_of(session, household)
    return household


def open_alerts_of(session: Session, household: Household) -> list[Alert]:
    found = session.scalars(select(Alert).where(Alert.household_id == household.id, Alert.status.in_(OPEN_ALERT)))
    return sorted(found, key=lambda a: (SEVERITY_ORDER[a.severity], -a.opened_at.timestamp()))


def timeline(session: Session, household: Household) -> list[TimelineItem]:
    """Every measure of the household and every step its members took towards work (referrals,
    hires, departures, enrolments, completions, training subsidies paid), newest first. The caller
    has checked that the user may see the household."""
    items = [TimelineItem("measure", m.kind.name, m.kind.label, m.day, m.description, m.helper_name)
             for m in registry_services.measures_of(session, household)]
    members = select(Worker.id).where(Worker.household_id == household.id)
    for referral in session.scalars(select(Referral).where(Referral.worker_id.in_(members))):
        where = f"{referral.worker.name} · {referral.job.title}（{referral.job.employer.name}）"
        items.append(TimelineItem("referral", "referral", _("Referred to a job"), china_day(referral.created_at),
                                  where))
        if referral.hired_on is not None:
            items.append(TimelineItem("hire", "hire", _("Hired"), referral.hired_on, where))
        if referral.status is ReferralStatus.left and referral.left_on is not None:
            reason = referral.leave_reason.label if referral.leave_reason else ""
            items.append(TimelineItem("left", "left", _("Left the job"), referral.left_on,
                                      f"{where} {reason}".strip()))
    for enrolment in session.scalars(select(Enrollment).where(Enrollment.worker_id.in_(members))):
        course = f"{enrolment.worker.name} · {enrolment.course.title}"
        items.append(TimelineItem("enrolment", "enrolment", _("Enrolled in a course"),
                                  china_day(enrolment.created_at), course))
        if enrolment.status is EnrollmentStatus.completed and enrolment.completed_on is not None:
            items.append(TimelineItem("completion", "completion", _("Completed a course"), enrolment.completed_on,
                                      course))
    for line in training_services.person_lines(session, system_actor("household-file"), household.village_code,
                                               household_code=household.code):
        if line.amount:
            items.append(TimelineItem("subsidy", "subsidy", _("Training subsidy"), line.last_day,
                                      _("%(name)s · %(course)s: %(days)s days, %(amount)s yuan", name=line.worker_name,
                                        course=line.course_title, days=line.days, amount=f"{line.amount:,}")))
    order = {"subsidy": 0, "completion": 0, "hire": 0, "left": 0, "measure": 1, "enrolment": 2, "referral": 2}
    return sorted(items, key=lambda i: (i.date, -order[i.source]), reverse=True)
