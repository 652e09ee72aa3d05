"""Training domain logic: courses, enrolment with a waitlist, withdrawal, completion.

Enrolment is one atomic step: a conditional UPDATE takes a seat if one is left, otherwise the
person joins the waitlist; a withdrawal gives the seat to the first on the waitlist the same way.
"""
from flask_babel import gettext as _
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from core.models import Role, User
from core.scoping import user_sees_area, within_clause
from core.validators import MAX_ID
from registry.models import Area, Worker, WorkerSkill
from registry.services import can_read_worker, skill_values
from training.models import DAYTIME, Course, CourseMode, CourseSkill, Enrollment, EnrollmentStatus

PUBLISHERS = {Role.admin, Role.county, Role.provider}
ACTIVE = (EnrollmentStatus.enrolled, EnrollmentStatus.waitlisted)


def create_course(session: Session, data: dict, actor: User) -> Course:
    if actor.role not in PUBLISHERS:
        raise Forbidden(_("Your role is not allowed to do this."))
    if data.get("area_code") and session.get(Area, data["area_code"]) is None:
        raise ValidationFailed(_("Unknown area."), {"area_code": _("no area has this code")})
    if data.get("employer_id") is not None:
        from jobs.models import Employer
        if session.get(Employer, data["employer_id"]) is None:
            raise ValidationFailed(_("Unknown employer."), {"employer_id": _("no employer has this id")})
    skills = data.pop("skills_taught", [])
    course = Course(**data, provider_user_id=actor.id if actor.role is Role.provider else None)
    course.skills_taught = [CourseSkill(name=v["name"], skill_id=v["skill_id"]) for v in skill_values(session, skills)]
    session.add(course)
    session.flush()
    return course


def get_course(session: Session, course_id: int) -> Course:
    course = session.get(Course, course_id) if 0 < course_id <= MAX_ID else None
    if course is None:
        raise NotFound(_("No course %(id)s.", id=course_id))
    return course


def list_courses(session: Session, skill: str | None = None, mode: CourseMode | None = None,
                 area_code: str | None = None, limit: int = 50, offset: int = 0):
    conditions = []
    if mode is not None:
        conditions.append(Course.mode == mode)
    if area_code:
        conditions.append(within_clause(area_code, Course.area_code))
    if skill:
        conditions.append(Course.skills_taught.any(or_(CourseSkill.name.contains(skill, autoescape=True),
                                                        CourseSkill.skill.has(name=skill))))
    total = session.scalar(select(func.count(Course.id)).where(*conditions))
    rows = session.scalars(select(Course).where(*conditions).order_by(Course.starts_on, Course.id)
                           .limit(limit).offset(offset)).all()
    return list(rows), total


def _worker_for_enrolment(session: Session, worker_id: int, actor: User) -> Worker:
    worker = session.get(Worker, worker_id) if 0 < worker_id <= MAX_ID else None
    if worker is None or not can_read_worker(actor, worker):
        raise ValidationFailed(_("Unknown worker."), {"worker_id": _("no worker has this id in your areas")})
    return worker


def _overlaps(session: Session, worker: Worker, course: Course) -> Course | None:
    """A daytime course whose dates overlap another daytime course the person is in."""
    if course.mode not in DAYTIME or course.starts_on is None or course.ends_on is None:
        return None
    return session.scalar(
        select(Course).join(Enrollment).where(
            Enrollment.worker_id == worker.id, Enrollment.status.in_(ACTIVE), Course.id != course.id,
            Course.mode.in_(DAYTIME), Course.starts_on <= course.ends_on, Course.ends_on >= course.starts_on))


def enrol(session: Session, course: Course, worker_id: int, actor: User) -> Enrollment:
    worker = _worker_for_enrolment(session, worker_id, actor)
    if session.scalar(select(Enrollment.id).where(Enrollment.course_id == course.id,
                                                  Enrollment.worker_id == worker.id)) is not None:
        raise Conflict(_("Already enrolled in this course."), {"worker_id": _("already enrolled")})
    clash = _overlaps(session, worker, course)
    if clash is not None:
        raise Conflict(_("The dates overlap with %(title)s.", title=clash.title), {"worker_id": _("overlapping course")})
    seated = session.execute(update(Course).where(Course.id == course.id, Course.enrolled_count < Course.capacity)
                             .values(enrolled_count=Course.enrolled_count + 1)
                             .execution_options(synchronize_session=False)).rowcount
    enrollment = Enrollment(course=course, worker=worker,
                            status=EnrollmentStatus.enrolled if seated else EnrollmentStatus.waitlisted)
    session.add(enrollment)
    try:
        session.flush()
    except IntegrityError:  # the same person at the same moment; the boundary rolls back
        raise Conflict(_("Already enrolled in this course."), {"worker_id": _("already enrolled")}) from None
    session.refresh(course, ["enrolled_count"])
    return enrollment


def can_see_enrollment(actor: User, enrollment: Enrollment) -> bool:
    if actor.role is Role.admin:
        return True
    if actor.role is Role.worker:
        return actor.worker_id == enrollment.worker_id
    if actor.role is Role.provider:
        return enrollment.course.provider_user_id == actor.id
    if actor.role in (Role.station, Role.county):
        return user_sees_area(actor, enrollment.worker.household.village_code)
    return False


def get_enrollment(session: Session, enrollment_id: int, actor: User) -> Enrollment:
    enrollment = session.get(Enrollment, enrollment_id) if 0 < enrollment_id <= MAX_ID else None
    if enrollment is None or not can_see_enrollment(actor, enrollment):
        raise NotFound(_("No enrolment %(id)s.", id=enrollment_id))
    return enrollment


def withdraw(session: Session, enrollment: Enrollment, actor: User) -> Enrollment:
    """The seat goes to the first on the waitlist."""
    if enrollment.status not in ACTIVE:
        raise Conflict(_("This enrolment is already closed."), {"status": enrollment.status.name})
    had_seat = enrollment.status is EnrollmentStatus.enrolled
    enrollment.status = EnrollmentStatus.withdrawn
    session.flush()
    if had_seat:
        course = enrollment.course
        session.execute(update(Course).where(Course.id == course.id, Course.enrolled_count > 0)
                        .values(enrolled_count=Course.enrolled_count - 1).execution_options(synchronize_session=False))
        promote_waitlist(session, course)
    return enrollment


def promote_waitlist(session: Session, course: Course) -> list[Enrollment]:
    """Seats left go to the waitlist in order of arrival (also run by the scheduler)."""
    promoted = []
    waiting = session.scalars(select(Enrollment).where(Enrollment.course_id == course.id,
                                                       Enrollment.status == EnrollmentStatus.waitlisted)
                              .order_by(Enrollment.created_at, Enrollment.id)).all()
    for enrollment in waiting:
        seated = session.execute(update(Course).where(Course.id == course.id, Course.enrolled_count < Course.capacity)
                                 .values(enrolled_count=Course.enrolled_count + 1)
                                 .execution_options(synchronize_session=False)).rowcount
        if not seated:
            break
        enrollment.status = EnrollmentStatus.enrolled
        promoted.append(enrollment)
    session.flush()
    session.refresh(course, ["enrolled_count"])
    return promoted


def complete(session: Session, enrollment: Enrollment, passed: bool, actor: User) -> Enrollment:
    """Passing adds the course's skills to the person as certified; failing adds nothing."""
    course = enrollment.course
    if not (actor.role is Role.admin or (actor.role is Role.provider and course.provider_user_id == actor.id)):
        raise Forbidden(_("Only the course's provider records results."))
    if enrollment.status is not EnrollmentStatus.enrolled:
        raise Conflict(_("Only enrolled people can complete a course."), {"status": enrollment.status.name})
    enrollment.status = EnrollmentStatus.completed if passed else EnrollmentStatus.failed
    if passed:
        worker = enrollment.worker
        held = {s.skill_id: s for s in worker.skills if s.skill_id is not None}
        for taught in course.skills_taught:
            mine = held.get(taught.skill_id) if taught.skill_id is not None else None
            if mine is not None:
                mine.certified = True
            else:
                worker.skills.append(WorkerSkill(name=taught.name, skill_id=taught.skill_id, certified=True))
    session.flush()
    return enrollment
