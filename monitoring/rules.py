"""The early-warning rules (返贫预警). Each is a small function that finds, for one day, the
households it worries about, each with the event that makes it worry: `event_key` names that
event (a placement, a follow-up, the day work was lost), so the same event never raises a second
alert and a new one is told apart from an old one.

Rules read the registry, jobs and training as they are; they change nothing. `alerts.raise_alerts`
turns what they find into alerts.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.orm import Session, aliased

from jobs.models import FollowUp, Job, LeaveReason, Referral, ReferralStatus
from monitoring.models import Severity
from registry.models import (
    EMPLOYED,
    EmploymentSpell,
    HelpMeasure,
    Household,
    MeasureKind,
    MonitoringStatus,
    Worker,
)
from registry.services import has_employed_member, is_below_line, latest_years, may_work
from training.models import Course, Enrollment, EnrollmentStatus


@dataclass(frozen=True)
class Settings:
    lookback_days: int = 30  # events older than this are history, not news
    follow_up_grace_days: int = 7  # a follow-up is overdue this long after it fell due
    welfare_notice_days: int = 30  # warn this long before a public-welfare post's term ends
    visit_days: int = 90  # a monitored household is visited at least this often


@dataclass(frozen=True)
class Finding:
    household_id: int
    event_key: str
    detail: str
    occurred_on: date | None = None
    severity: Severity | None = None  # when the rule's own severity depends on the household


@dataclass(frozen=True)
class Rule:
    name: str
    severity: Severity
    title: str
    find: Callable[[Session, date, Settings], Iterable[Finding]]


RULES: dict[str, Rule] = {}


def rule(name: str, severity: Severity, title):
    def register(find):
        RULES[name] = Rule(name, severity, title, find)
        return find
    return register


def _last_employment_ended():
    """Per household: the day its members' most recent job ended, and that spell of work (the
    highest id: spells are written in order)."""
    return (select(Worker.household_id, func.max(EmploymentSpell.ended_on).label("ended_on"),
                   func.max(EmploymentSpell.id).label("spell_id"))
            .join(EmploymentSpell, EmploymentSpell.worker_id == Worker.id)
            .where(EmploymentSpell.status.in_(EMPLOYED), EmploymentSpell.ended_on.is_not(None))
            .group_by(Worker.household_id).subquery())


@rule("employment_lost", Severity.high, _l("Nobody in the household is employed any more"))
def employment_lost(session: Session, today: date, settings: Settings) -> Iterable[Finding]:
    """Someone's job ended recently, and now nobody in the household is in work."""
    last = _last_employment_ended()
    since = today - timedelta(days=settings.lookback_days)
    rows = session.execute(select(Household.id, last.c.ended_on, last.c.spell_id)
                           .join(last, last.c.household_id == Household.id)
                           .where(last.c.ended_on >= since, ~has_employed_member()))
    for household_id, ended_on, spell_id in rows:
        yield Finding(household_id, f"lost:{spell_id}",
                      _("The last job in the household ended on %(day)s; nobody is employed now.",
                        day=ended_on.isoformat()), ended_on)


@rule("monitored_no_work", Severity.high, _l("Monitored household with nobody employed"))
def monitored_no_work(session: Session, today: date, settings: Settings) -> Iterable[Finding]:
    """A monitored household (脱贫不稳定户, 边缘易致贫户, 突发严重困难户) in which someone could
    work and nobody does, for longer than the look-back (a recent loss is `employment_lost`)."""
    last = _last_employment_ended()
    since = today - timedelta(days=settings.lookback_days)
    able = aliased(Worker)
    could_work = exists().where(able.household_id == Household.id, *may_work(today, able))
    rows = session.execute(select(Household.id, Household.monitoring_status, last.c.ended_on)
                           .outerjoin(last, last.c.household_id == Household.id)
                           .where(Household.monitoring_status != MonitoringStatus.none, could_work,
                                  ~has_employed_member(),
                                  (last.c.ended_on.is_(None)) | (last.c.ended_on < since)))
    for household_id, status, ended_on in rows:
        key = f"since:{ended_on.isoformat()}" if ended_on else "since:never"
        detail = (_("%(status)s; nobody has been employed since %(day)s.", status=status.label, day=ended_on.isoformat())
                  if ended_on else _("%(status)s; nobody is employed.", status=status.label))
        yield Finding(household_id, key, detail, ended_on)


@rule("placement_ended_adaptation", Severity.medium, _l("A placement ended: could not adapt"))
def placement_ended_adaptation(session: Session, today: date, settings: Settings) -> Iterable[Finding]:
    """Someone left a job because they could not adapt; more urgent for relocated households."""
    since = today - timedelta(days=settings.lookback_days)
    rows = session.execute(select(Referral.id, Referral.left_on, Worker.name, Job.title, Household.id,
                                  Household.relocated)
                           .join(Worker, Referral.worker_id == Worker.id).join(Household)
                           .join(Job, Referral.job_id == Job.id)
                           .where(Referral.status == ReferralStatus.left,
                                  Referral.leave_reason == LeaveReason.adaptation, Referral.left_on >= since))
    for referral_id, left_on, name, title, household_id, relocated in rows:
        yield Finding(household_id, f"referral:{referral_id}",
                      _("%(name)s left %(job)s on %(day)s: could not adapt.", name=name, job=title,
                        day=left_on.isoformat()), left_on, Severity.high if relocated else None)


@rule("follow_up_overdue", Severity.medium, _l("A follow-up is overdue"))
def follow_up_overdue(session: Session, today: date, settings: Settings) -> Iterable[Finding]:
    """A 1-, 3- or 6-month follow-up of someone still in the job, not done a week after it fell due."""
    rows = session.execute(select(FollowUp.id, FollowUp.months, FollowUp.due_on, Worker.name, Worker.household_id)
                           .join(Referral, FollowUp.referral_id == Referral.id)
                           .join(Worker, Referral.worker_id == Worker.id)
                           .where(FollowUp.done_at.is_(None), Referral.status == ReferralStatus.hired,
                                  FollowUp.due_on < today - timedelta(days=settings.follow_up_grace_days)))
    for follow_up_id, months, due_on, name, household_id in rows:
        yield Finding(household_id, f"follow_up:{follow_up_id}",
                      _("The %(months)s-month follow-up of %(name)s was due on %(day)s.", months=months,
                        name=name, day=due_on.isoformat()), due_on)


@rule("trainee_dropped_out", Severity.medium, _l("A trainee dropped out"))
def trainee_dropped_out(session: Session, today: date, settings: Settings) -> Iterable[Finding]:
    """Someone withdrew from a course after it had begun."""
    since = today - timedelta(days=settings.lookback_days)
    rows = session.execute(select(Enrollment.id, Enrollment.withdrawn_on, Worker.name, Course.title, Worker.household_id)
                           .join(Worker, Enrollment.worker_id == Worker.id)
                           .join(Course, Enrollment.course_id == Course.id)
                           .where(Enrollment.status == EnrollmentStatus.withdrawn, Enrollment.withdrawn_on >= since,
                                  and_(Course.starts_on.is_not(None), Course.starts_on <= Enrollment.withdrawn_on)))
    for enrollment_id, withdrawn_on, name, title, household_id in rows:
        yield Finding(household_id, f"enrollment:{enrollment_id}",
                      _("%(name)s dropped out of %(course)s on %(day)s.", name=name, course=title,
                        day=withdrawn_on.isoformat()), withdrawn_on)


@rule("welfare_post_not_renewed", Severity.medium, _l("A public-welfare post ends without renewal"))
def welfare_post_not_renewed(session: Session, today: date, settings: Settings) -> Iterable[Finding]:
    """Someone holds a public-welfare post (公益性岗位) whose term ends within the notice period
    (or has ended) and nobody has renewed it; the household's income stops with it."""
    until = today + timedelta(days=settings.welfare_notice_days)
    rows = session.execute(select(Referral.id, Referral.term_ends_on, Worker.name, Job.title, Worker.household_id,
                                  Household.monitoring_status)
                           .join(Worker, Referral.worker_id == Worker.id).join(Household)
                           .join(Job, Referral.job_id == Job.id)
                           .where(Referral.status == ReferralStatus.hired, Job.public_welfare.is_(True),
                                  Referral.term_ends_on.is_not(None), Referral.term_ends_on <= until))
    for referral_id, ends_on, name, title, household_id, status in rows:
        yield Finding(household_id, f"welfare:{referral_id}:{ends_on.isoformat()}",
                      _("The public-welfare post of %(name)s (%(job)s) ends on %(day)s and has not been renewed.",
                        name=name, job=title, day=ends_on.isoformat()), ends_on,
                      Severity.high if status is not MonitoringStatus.none else None)


DROP = 0.7  # a fall of 30% or more from the year before


@rule("income_below_line", Severity.high, _l("Per-capita income below the monitoring line"))
def income_below_line(session: Session, today: date, settings: Settings, where=()) -> Iterable[Finding]:
    """The household's latest income check: per-capita net income under that year's line. The
    event is the year's check: correcting it does not warn again. (`where`: conditions on
    Household, for the households whose incomes were just recorded.)"""
    for found in latest_years(session, where):
        if is_below_line(found):
            yield Finding(found.household_id, f"year:{found.year}",
                          _("Per-capita net income of %(year)s: %(amount)s yuan, under the line of %(line)s.",
                            year=found.year, amount=f"{found.per_capita:,.0f}", line=f"{found.line:,}"))


@rule("income_drop", Severity.medium, _l("Per-capita income fell by 30 percent or more"))
def income_drop(session: Session, today: date, settings: Settings, where=()) -> Iterable[Finding]:
    """The household's latest income check against the year before: a fall of 30% or more."""
    for found in latest_years(session, where):
        if found.per_capita is not None and found.before and found.per_capita <= found.before * DROP:
            yield Finding(found.household_id, f"year:{found.year}",
                          _("Per-capita net income fell from %(before)s yuan in %(last)s to %(now)s in %(year)s.",
                            before=f"{found.before:,.0f}", last=found.year - 1, now=f"{found.per_capita:,.0f}",
                            year=found.year))


@rule("not_visited", Severity.medium, _l("Monitored household not visited for 90 days"))
def not_visited(session: Session, today: date, settings: Settings) -> Iterable[Finding]:
    """A monitored household whose last recorded visit (走访), or the start of its monitoring when
    it has had none since, is `visit_days` or more ago. The event is that last visit: a new visit
    ends the gap, and the next gap is a new event."""
    last_visit = (select(HelpMeasure.household_id, func.max(HelpMeasure.day).label("day"))
                  .where(HelpMeasure.kind == MeasureKind.visit).group_by(HelpMeasure.household_id).subquery())
    # counted from the later of the last visit and the start of monitoring
    since = case((last_visit.c.day > Household.monitoring_since, last_visit.c.day),
                 else_=func.coalesce(Household.monitoring_since, last_visit.c.day))
    rows = session.execute(select(Household.id, last_visit.c.day, Household.monitoring_since)
                           .outerjoin(last_visit, last_visit.c.household_id == Household.id)
                           .where(Household.monitoring_status != MonitoringStatus.none,
                                  since.is_(None) | (since <= today - timedelta(days=settings.visit_days))))
    for household_id, visited, monitored_since in rows:
        if visited is not None and (monitored_since is None or visited > monitored_since):
            yield Finding(household_id, f"visit:{visited.isoformat()}",
                          _("Last visited on %(day)s, %(n)s days ago.", day=visited.isoformat(),
                            n=(today - visited).days), visited)
        else:
            start = monitored_since.isoformat() if monitored_since else "—"
            yield Finding(household_id, f"monitored:{start}",
                          _("Not visited since monitoring began (%(day)s).", day=start), monitored_since)
