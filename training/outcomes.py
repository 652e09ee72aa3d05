"""What a course led to. For each course: the share of its completers in work 3 and 6 months
after completing, from the registry's employment history, shown only when the group is large
enough that nobody can be singled out; and the ratings that only completers can give."""
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from flask_babel import gettext as _
from sqlalchemy import func, select
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


def outcomes(session: Session, course: Course, today: date | None = None) -> list[Outcome]:
    """From the completers' employment histories, read in one query."""
    today = today or china_today()
    completers = session.execute(select(Enrollment.worker_id, Enrollment.completed_on).where(
        Enrollment.course_id == course.id, Enrollment.status == EnrollmentStatus.completed,
        Enrollment.completed_on.is_not(None))).all()
    spells: dict[int, list[tuple[date, date | None]]] = {}
    if completers:
        for worker_id, started, ended in session.execute(
                select(EmploymentSpell.worker_id, EmploymentSpell.started_on, EmploymentSpell.ended_on).where(
                    EmploymentSpell.worker_id.in_({w for w, _on in completers}),
                    EmploymentSpell.status.in_(EMPLOYED))):
            spells.setdefault(worker_id, []).append((started, ended))

    def in_work(worker_id: int, day: date) -> bool:
        return any(started <= day and (ended is None or ended > day) for started, ended in spells.get(worker_id, ()))

    result = []
    for months in OUTCOME_MONTHS:
        due = [(w, on + relativedelta(months=months)) for w, on in completers
               if on + relativedelta(months=months) <= today]
        employed = sum(1 for w, day in due if in_work(w, day)) if len(due) >= MIN_GROUP else None
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
