"""订单式培训 and who teaches. An employer may order a course for one of its postings: the posting
takes the course's graduates (training.results refers each at once on passing, while it has
openings). A course names its teacher: a local expert (乡村能手) or leader (致富带头人) on file,
or a name.

The checks of what a new or changed course refers to live here, for training.services."""
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.errors import Conflict, ValidationFailed
from core.validators import MAX_ID
from jobs.models import Employer, Job
from registry.models import Area, Exemplar, ExemplarKind
from training.models import Course, Enrollment, EnrollmentStatus

TEACHERS = (ExemplarKind.expert, ExemplarKind.leader)
TEACHER_LIMIT = 500  # choices of a course form


def check_references(session: Session, data: dict, course: Course | None = None) -> None:
    """What a course names exists and holds together; `course` is the course being changed (None
    for a new one). `data` is completed where a value follows from another: the employer from
    the posting, the completers to hire from the posting's openings, a teacher on file or a name."""
    if data.get("area_code") and session.get(Area, data["area_code"]) is None:
        raise ValidationFailed(_("Unknown area."), {"area_code": _("no area has this code")})
    if data.get("employer_id") is not None and session.get(Employer, data["employer_id"]) is None:
        raise ValidationFailed(_("Unknown employer."), {"employer_id": _("no employer has this id")})
    _check_order(session, data, course)
    _check_teacher(session, data, course)


def _value(data: dict, course: Course | None, name: str):
    """A field as the course will have it: sent, else stored."""
    return data[name] if name in data else getattr(course, name, None)


def _check_order(session: Session, data: dict, course: Course | None) -> None:
    """The posting is one of the ordering employer's (who is the posting's employer when none is
    named); a posting newly named takes people; the completers it will hire are at most its
    openings left, and as many when not said."""
    job_id = _value(data, course, "job_id")
    if job_id is None:
        return
    job = session.get(Job, job_id) if 0 < job_id <= MAX_ID else None
    if job is None:
        raise ValidationFailed(_("Unknown posting."), {"job_id": _("no posting has this id")})
    employer_id = _value(data, course, "employer_id")
    if employer_id is None:
        data["employer_id"] = job.employer_id
    elif employer_id != job.employer_id:
        raise ValidationFailed(_("The posting is not one of the ordering employer's."),
                               {"job_id": _("not a posting of this employer")})
    new = course is None or course.job_id != job.id
    if new and not job.is_open:
        raise Conflict(_("This posting is closed, expired or not yet verified."), {"job_id": _("not open")})
    if new and job.openings_left == 0:
        raise Conflict(_("Every opening of this posting is filled."), {"job_id": _("no openings left")})
    commitment = _value(data, course, "hire_commitment")
    if commitment is None and (new or "hire_commitment" in data) and job.openings_left:
        data["hire_commitment"] = job.openings_left
    elif commitment is not None and (new or commitment != course.hire_commitment) \
            and commitment > job.openings_left:
        raise ValidationFailed(_("The posting has fewer openings left than the completers to hire."), {
            "hire_commitment": _("at most %(n)s, the openings left on the posting", n=job.openings_left)})


def _check_teacher(session: Session, data: dict, course: Course | None) -> None:
    """A teacher on file is a local expert or leader. A change names one or the other: choosing a
    teacher on file clears a name typed before, and a name typed clears the teacher on file."""
    if course is not None:
        if data.get("teacher_id") is not None and "teacher_name" not in data:
            data["teacher_name"] = None
        elif data.get("teacher_name") and "teacher_id" not in data:
            data["teacher_id"] = None
    teacher_id = data.get("teacher_id")
    if teacher_id is None:
        return
    teacher = session.get(Exemplar, teacher_id) if 0 < teacher_id <= MAX_ID else None
    if teacher is None or teacher.kind not in TEACHERS:
        raise ValidationFailed(_("Unknown teacher."), {"teacher_id": _("no local expert or leader has this id")})


# --- for the pages -----------------------------------------------------------------------------

def teachers(session: Session, area_code: str | None = None, current: Exemplar | None = None) -> list[Exemplar]:
    """Local experts and leaders who may teach: those of the course's county when it has an
    area (all otherwise), with the course's own teacher."""
    query = select(Exemplar).where(Exemplar.kind.in_(TEACHERS))
    if area_code:
        query = query.where(Exemplar.area_code.startswith(area_code[:6]))
    found = list(session.scalars(query.order_by(Exemplar.area_code, Exemplar.name, Exemplar.id).limit(TEACHER_LIMIT)))
    if current is not None and current not in found:
        found.insert(0, current)
    return found


@dataclass
class OrderCourse:
    """A course ordered for a posting, with its class: those in it now and those who passed."""
    course: Course
    in_class: int
    passed: int


def courses_for_posting(session: Session, job_id: int) -> list[OrderCourse]:
    """The courses ordered for a posting, the latest start first, with how many are in each class
    and how many passed (each put forward for the posting on passing while it had openings): the
    graduates the employer has coming."""
    courses = list(session.scalars(select(Course).where(Course.job_id == job_id)
                                   .order_by(Course.starts_on.desc(), Course.id.desc())))
    counts = {course_id: (in_class, passed) for course_id, in_class, passed in session.execute(
        select(Enrollment.course_id, func.count(Enrollment.id).filter(Enrollment.status == EnrollmentStatus.enrolled),
               func.count(Enrollment.id).filter(Enrollment.status == EnrollmentStatus.completed))
        .where(Enrollment.course_id.in_([c.id for c in courses]))
        .group_by(Enrollment.course_id))} if courses else {}
    return [OrderCourse(c, *counts.get(c.id, (0, 0))) for c in courses]
