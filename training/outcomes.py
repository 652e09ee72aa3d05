"""What a course led to. For each course: the share of its completers in work 3 and 6 months
after completing, from the registry's employment history, shown only when the group is large
enough that nobody can be singled out; and the ratings that only completers can give."""
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from flask_babel import gettext as _
from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session

from core.errors import Conflict, Forbidden, ValidationFailed
from core.models import Role, User, china_today, utcnow
from registry.models import EMPLOYED, EmploymentSpell
from training.models import Course, Enrollment, EnrollmentStatus

MIN_GROUP = 5  # below this many completers a share is not shown
OUTCOME_MONTHS = (3, 6)


@dataclass(frozen=True)
class Outcome:
    months: int
    eligible: int  # completers whose 3 (6) months have passed
    employed: int | None  # None when suppressed

    @property
    def suppressed(self) -> bool:
        return self.employed is None

    @property
    def share(self) -> float | None:
        return None if self.employed is None or not self.eligible else self.employed / self.eligible


def in_work_on(worker_id: int, day: date):
    """Whether the registry's employment history has the worker in work on `day`."""
    return select(exists().where(
        EmploymentSpell.worker_id == worker_id, EmploymentSpell.status.in_(EMPLOYED), EmploymentSpell.started_on <= day,
        or_(EmploymentSpell.ended_on.is_(None), EmploymentSpell.ended_on > day)))


def outcomes(session: Session, course: Course, today: date | None = None) -> list[Outcome]:
    today = today or china_today()
    completers = session.scalars(select(Enrollment).where(
        Enrollment.course_id == course.id, Enrollment.status == EnrollmentStatus.completed)).all()
    result = []
    for months in OUTCOME_MONTHS:
        due = [e for e in completers if e.completed_on and e.completed_on + relativedelta(months=months) <= today]
        if len(due) < MIN_GROUP:
            result.append(Outcome(months, len(due), None))
            continue
        employed = sum(1 for e in due
                       if session.scalar(in_work_on(e.worker_id, e.completed_on + relativedelta(months=months))))
        result.append(Outcome(months, len(due), employed))
    return result


@dataclass(frozen=True)
class Ratings:
    count: int
    average: float | None
    comments: list[tuple[int, str]]


def ratings(session: Session, course: Course, limit: int = 20) -> Ratings:
    count, average = session.execute(select(func.count(Enrollment.rating), func.avg(Enrollment.rating)).where(
        Enrollment.course_id == course.id, Enrollment.rating.is_not(None))).one()
    comments = session.execute(select(Enrollment.rating, Enrollment.rating_comment).where(
        Enrollment.course_id == course.id, Enrollment.rating_comment.is_not(None))
        .order_by(Enrollment.rated_at.desc()).limit(limit)).all()
    return Ratings(count, float(average) if average is not None else None, [tuple(c) for c in comments])


def rate(session: Session, enrollment: Enrollment, stars: int, comment: str | None, actor: User) -> Enrollment:
    """Only the person who completed the course rates it, once (a second rating replaces the first)."""
    if actor.role is not Role.worker or actor.worker_id != enrollment.worker_id:
        raise Forbidden(_("Only the trainee rates a course."))
    if not 1 <= stars <= 5:
        raise ValidationFailed(_("A rating is 1 to 5 stars."), {"rating": _("1 to 5")})
    if enrollment.status is not EnrollmentStatus.completed:
        raise Conflict(_("Only people who completed the course can rate it."), {"rating": _("not completed")})
    enrollment.rating, enrollment.rating_comment, enrollment.rated_at = stars, comment or None, utcnow()
    session.flush()
    return enrollment
