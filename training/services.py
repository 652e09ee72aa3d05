"""Training domain logic: courses and their sessions, enrolment with a waitlist, withdrawal.
Attendance, assessment and completion are in training/results.py.

Enrolment is one atomic step: a conditional UPDATE takes a seat if one is left, otherwise the
person joins the waitlist; a withdrawal gives the seat to the first on the waitlist the same way.

What the subsidy ledger pays from is guarded here too: a session falls within its course's dates,
and the subsidy per day is fixed once attendance is recorded. Each check that another request
could overturn runs under the course's row lock (PostgreSQL) and in or after the transaction's
first write (SQLite lets one writer through at a time), so it sees what that request committed.
"""
from datetime import date, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from core import audit
from core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from core.models import Role, User, china_today, utcnow
from core.scoping import user_sees_area, within_clause
from core.validators import MAX_ID
from registry.models import Education, Skill, Worker
from registry.services import area_point, can_read_worker, skill_values, skills_meant, text_key
from training import orders
from training.ledger import person_lines  # noqa: F401  (the subsidy ledger, for the household file)
from training.models import (
    DAYTIME,
    Attendance,
    Course,
    CourseMode,
    CourseSession,
    CourseSkill,
    Enrollment,
    EnrollmentStatus,
)
from training.schemas import course_problems, session_problems

ACTIVE = (EnrollmentStatus.enrolled, EnrollmentStatus.waitlisted)
EDUCATION_ORDER = list(Education)


def create_course(session: Session, data: dict, actor: User) -> Course:
    if not actor.manages_courses:
        raise Forbidden(_("Your role is not allowed to do this."))
    orders.check_references(session, data)  # the area, the employer's posting (订单式), the teacher
    skills = data.pop("skills_taught", [])
    course = Course(**data, provider_user_id=actor.id if actor.role is Role.provider else None)
    course.coords_derived = course.lat is None or course.lon is None
    _place(session, course)
    course.skills_taught = [CourseSkill(name=v["name"], skill_id=v["skill_id"])
                            for v in skill_values(session, skills, area_code=course.area_code)]
    session.add(course)
    session.flush()
    audit.record(actor, "create", "course", course.id)
    return course


def update_course(session: Session, course: Course, data: dict, actor: User) -> Course:
    """Changes a course; the capacity may not drop below the seats already taken, the dates must
    keep every session of the course, and the subsidy per day is fixed once attendance is recorded."""
    require_manager(actor, course)
    orders.check_references(session, data, course)
    if "capacity" in data and data["capacity"] < course.enrolled_count:
        raise ValidationFailed(_("The capacity is below the seats taken."), {
            "capacity": _("%(n)s people hold a seat already", n=course.enrolled_count)})
    _check_merged(course, data)
    changed = sorted(data)
    lock_course(session, course)
    if "subsidy_per_day" in data:
        _set_subsidy(session, course, data.pop("subsidy_per_day"))
    if "skills_taught" in data:
        course.skills_taught = [CourseSkill(name=v["name"], skill_id=v["skill_id"])
                                for v in skill_values(session, data.pop("skills_taught"),
                                                      area_code=data.get("area_code", course.area_code))]
    for key, value in data.items():
        setattr(course, key, value)
    if "lat" in data or "lon" in data:
        course.coords_derived = course.lat is None or course.lon is None
    _place(session, course)
    session.flush()
    if "starts_on" in data or "ends_on" in data:
        _check_sessions_within(session, course)
    if course.capacity > course.enrolled_count:
        promote_waitlist(session, course)
    audit.record(actor, "update", "course", course.id, fields=changed)
    return course


def _place(session: Session, course: Course) -> None:
    """A course's point: its own, else its area's (village, township or county)."""
    if course.coords_derived:
        course.lat, course.lon = area_point(session, course.area_code)


def lock_course(session: Session, course: Course) -> None:
    """Holds the course's row until the transaction ends (PostgreSQL; a no-op on SQLite, where
    the first write of a transaction holds the whole database). Statements after it see what a
    concurrent change of the same course committed: PostgreSQL's READ COMMITTED gives each
    statement a fresh snapshot, but a row lock taken inside an UPDATE would not refresh the
    snapshot of the UPDATE's own subqueries, hence a statement of its own, first."""
    session.execute(select(Course.id).where(Course.id == course.id).with_for_update())


def attendance_recorded(session: Session, course: Course) -> bool:
    """Whether attendance was taken at any session of the course (present or absent)."""
    return session.scalar(select(_attendance_of(course.id))) or False


def _attendance_of(course_id: int):
    return select(Attendance.id).join(CourseSession, CourseSession.id == Attendance.session_id) \
        .where(CourseSession.course_id == course_id).exists()


def _set_subsidy(session: Session, course: Course, per_day: int) -> None:
    """The subsidy per day pays every day attended, past ones included, so it is fixed once
    attendance is recorded. One conditional UPDATE, after the course's row lock (see lock_course);
    results.take_attendance takes the same lock before its first mark, so a change and the first
    attendance at the same moment are done one after the other and the later one sees the earlier."""
    changed = session.execute(
        update(Course).where(Course.id == course.id,
                             or_(Course.subsidy_per_day == per_day, ~_attendance_of(course.id)))
        .values(subsidy_per_day=per_day).execution_options(synchronize_session=False)).rowcount
    session.refresh(course, ["subsidy_per_day"])
    if not changed:
        raise Conflict(_("The subsidy per day cannot change once attendance is recorded."), {
            "subsidy_per_day": _("fixed at %(n)s yuan since attendance was recorded", n=course.subsidy_per_day)})


def _check_sessions_within(session: Session, course: Course) -> None:
    """Run after the new dates are written (see the module's docstring): every session stays inside."""
    first, last = session.execute(select(func.min(CourseSession.day), func.max(CourseSession.day))
                                  .where(CourseSession.course_id == course.id)).one()
    if first is None:
        return
    problems = {}
    if course.starts_on is None or first < course.starts_on:
        problems["starts_on"] = _("the first session is on %(day)s", day=first.isoformat())
    if course.ends_on is None or last > course.ends_on:
        problems["ends_on"] = _("the last session is on %(day)s", day=last.isoformat())
    if problems:
        raise ValidationFailed(_("The course's sessions must stay within its dates."), problems)


def _check_merged(course: Course, data: dict) -> None:
    """A change must leave the whole course consistent, not only the fields it touches."""
    problems = course_problems(lambda name: data[name] if name in data else getattr(course, name), course)
    if problems:
        raise ValidationFailed(_("The course does not hold together."), problems)


def may_manage(actor: User | None, course: Course) -> bool:
    """The course's own provider, an admin, or a county officer of the course's area."""
    if actor is None:
        return False
    if actor.role is Role.admin:
        return True
    if actor.role is Role.provider:
        return course.provider_user_id == actor.id
    if actor.role is Role.county:
        return course.provider_user_id is None and course.area_code is not None \
            and user_sees_area(actor, course.area_code)
    return False


def require_manager(actor: User, course: Course) -> None:
    if not may_manage(actor, course):
        raise Forbidden(_("Only the course's provider may do this."))


def add_session(session: Session, course: Course, data: dict, actor: User) -> CourseSession:
    """A session falls within the course's dates, so a course gets its dates before its sessions.
    The dates are checked as they are once the session is written (see the module's docstring)."""
    require_manager(actor, course)
    if problems := session_problems(data, course.sessions):  # ends after it starts, overlaps no other session
        raise ValidationFailed(_("The session does not fit the course's timetable."), problems)
    lock_course(session, course)
    meeting = CourseSession(course=course, **data)
    session.add(meeting)
    session.flush()
    session.refresh(course, ["starts_on", "ends_on"])
    if course.starts_on is None or course.ends_on is None:
        raise ValidationFailed(_("Set the course's first and last day before adding sessions."), {
            "day": _("the course has no dates yet: set them first")})
    if not course.starts_on <= meeting.day <= course.ends_on:
        raise ValidationFailed(_("The session is outside the course's dates."), {
            "day": _("must be between %(start)s and %(end)s", start=course.starts_on.isoformat(),
                     end=course.ends_on.isoformat())})
    if meeting.day < earliest_register_day():
        raise ValidationFailed(_("A class register is kept at the time: a session cannot be added this long after."), {
            "day": _("at most %(n)s days ago", n=current_app.config["ATTENDANCE_GRACE_DAYS"])})
    return meeting


def earliest_register_day() -> date:
    """Sessions are added, and attendance taken, at the time or within ATTENDANCE_GRACE_DAYS after:
    a register written long afterwards (a course dated back to pay for days nobody checked) is not
    one the subsidy pays on."""
    return china_today() - timedelta(days=current_app.config["ATTENDANCE_GRACE_DAYS"])


def delete_session(session: Session, meeting: CourseSession, actor: User) -> None:
    require_manager(actor, meeting.course)
    if session.scalar(select(Attendance.id).where(Attendance.session_id == meeting.id).limit(1)) is not None:
        raise Conflict(_("Attendance was taken at this session; it stays on record."), {"session": str(meeting.id)})
    session.delete(meeting)
    session.flush()


def get_session(session: Session, session_id: int) -> CourseSession:
    meeting = session.get(CourseSession, session_id) if 0 < session_id <= MAX_ID else None
    if meeting is None:
        raise NotFound(_("No session %(id)s.", id=session_id))
    return meeting


def get_course(session: Session, course_id: int) -> Course:
    course = session.get(Course, course_id) if 0 < course_id <= MAX_ID else None
    if course is None:
        raise NotFound(_("No course %(id)s.", id=course_id))
    return course


def list_courses(session: Session, skill: str | None = None, mode: CourseMode | None = None,
                 area_code: str | None = None, limit: int = 50, offset: int = 0,
                 upcoming: bool = False, provider_user_id: int | None = None):
    """Courses by skill, mode and area; `upcoming` leaves out those that have ended and those that
    started without rolling admission (nobody can join them). The skill is what people say ("电焊"):
    a course teaching the skill it resolves to (any entry of the same occupation) is found, and so
    is one whose skill as written contains the text."""
    conditions = []
    if upcoming:
        today = china_today()
        conditions.append(or_(Course.ends_on.is_(None), Course.ends_on >= today))
        conditions.append(or_(Course.rolling_admission, Course.starts_on.is_(None), Course.starts_on >= today))
    if provider_user_id is not None:
        conditions.append(Course.provider_user_id == provider_user_id)
    if mode is not None:
        conditions.append(Course.mode == mode)
    if area_code:
        conditions.append(within_clause(area_code, Course.area_code))
    if skill:
        meant = skills_meant(session, skill)
        conditions.append(Course.skills_taught.any(or_(CourseSkill.name.contains(skill, autoescape=True),
                                                        CourseSkill.skill.has(name=skill),
                                                        CourseSkill.skill_id.in_(meant or []))))
    total = session.scalar(select(func.count(Course.id)).where(*conditions))
    rows = session.scalars(select(Course).where(*conditions).order_by(Course.starts_on, Course.id)
                           .options(selectinload(Course.employer), selectinload(Course.job),
                                    selectinload(Course.teacher)).limit(limit).offset(offset)).all()
    return list(rows), total


def _worker_for_enrolment(session: Session, worker_id: int, actor: User) -> Worker:
    worker = session.get(Worker, worker_id) if 0 < worker_id <= MAX_ID else None
    if worker is None or not can_read_worker(actor, worker):
        raise ValidationFailed(_("Unknown worker."), {"worker_id": _("no worker has this id in your areas")})
    return worker


def clashing_course(session: Session, worker: Worker, course: Course) -> Course | None:
    """Another course the person is in (or waiting for) that meets at the same time. With
    sessions on both sides, sessions on the same day whose hours overlap; otherwise two daytime
    courses whose dates overlap (a night or online course fits beside a daytime one)."""
    others = session.scalars(
        select(Course).join(Enrollment).where(Enrollment.worker_id == worker.id, Enrollment.status.in_(ACTIVE),
                                              Course.id != course.id)).all()
    for other in others:
        if course.sessions and other.sessions:
            if any(a.clashes_with(b) for a in course.sessions for b in other.sessions):
                return other
        elif course.mode in DAYTIME and other.mode in DAYTIME and None not in (
                course.starts_on, course.ends_on, other.starts_on, other.ends_on):
            if course.starts_on <= other.ends_on and other.starts_on <= course.ends_on:
                return other
    return None


def unmet_prerequisites(course: Course, worker: Worker) -> list[str]:
    """What keeps this person out of the course, in words (empty when nothing does)."""
    problems = []
    age = worker.age_on(course.starts_on or china_today())
    if course.min_age is not None and age < course.min_age:
        problems.append(_("at least %(age)s years old", age=course.min_age))
    if course.max_age is not None and age > course.max_age:
        problems.append(_("at most %(age)s years old", age=course.max_age))
    if course.min_education is not None and (
            worker.education is None
            or EDUCATION_ORDER.index(worker.education) < EDUCATION_ORDER.index(course.min_education)):
        problems.append(_("education: %(level)s or above", level=course.min_education.zh))
    return problems


def admission_closed(course: Course) -> str | None:
    """Why nobody can join now, or None."""
    today = china_today()
    if course.ends_on is not None and course.ends_on < today:
        return _("This course has ended.")
    if course.starts_on is not None and course.starts_on < today and not course.rolling_admission:
        return _("This course has started and does not take people mid-course.")
    return None


def enrol(session: Session, course: Course, worker_id: int, actor: User) -> Enrollment:
    worker = _worker_for_enrolment(session, worker_id, actor)
    earlier = enrollment_for(session, course, worker.id)  # who withdrew may come back while admission is open
    if earlier is not None and not session.execute(update(Enrollment).where(  # taken back once, however many ask
            Enrollment.id == earlier.id, Enrollment.status == EnrollmentStatus.withdrawn)
            .values(status=EnrollmentStatus.waitlisted)).rowcount:
        raise Conflict(_("Already enrolled in this course."), {"worker_id": _("already enrolled")})
    closed = admission_closed(course)
    if closed:
        raise Conflict(closed, {"course_id": closed})
    problems = unmet_prerequisites(course, worker)
    if problems:
        raise ValidationFailed(_("%(name)s does not meet the course's requirements.", name=worker.name),
                               {"worker_id": _("requires %(what)s", what="；".join(problems))})
    clash = clashing_course(session, worker, course)
    if clash is not None:
        raise Conflict(_("The times overlap with %(title)s.", title=clash.title), {"worker_id": _("overlapping course")})
    seated = session.execute(update(Course).where(Course.id == course.id, Course.enrolled_count < Course.capacity)
                             .values(enrolled_count=Course.enrolled_count + 1)
                             .execution_options(synchronize_session=False)).rowcount
    enrollment = earlier or Enrollment(course=course, worker=worker)
    enrollment.status = EnrollmentStatus.enrolled if seated else EnrollmentStatus.waitlisted
    enrollment.withdrawn_on, enrollment.created_at = None, utcnow()  # who comes back waits behind the rest
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
    if actor.is_area_staff:
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
    enrollment.status, enrollment.withdrawn_on = EnrollmentStatus.withdrawn, china_today()
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


def promote_all_waitlists(session: Session) -> int:
    """Every course with free seats and people waiting seats them in order (scheduler). Returns
    how many people got a seat."""
    courses = session.scalars(select(Course).where(Course.enrolled_count < Course.capacity, select(Enrollment.id).where(
        Enrollment.course_id == Course.id, Enrollment.status == EnrollmentStatus.waitlisted).exists()))
    return sum(len(promote_waitlist(session, course)) for course in courses.all())


def waitlist_position(session: Session, enrollment: Enrollment) -> int | None:
    """1 for the first in line; None when the person is not waiting."""
    if enrollment.status is not EnrollmentStatus.waitlisted:
        return None
    ahead = session.scalar(select(func.count(Enrollment.id)).where(
        Enrollment.course_id == enrollment.course_id, Enrollment.status == EnrollmentStatus.waitlisted,
        or_(Enrollment.created_at < enrollment.created_at,
            (Enrollment.created_at == enrollment.created_at) & (Enrollment.id < enrollment.id))))
    return ahead + 1


def enrollments_of_worker(session: Session, worker_id: int) -> list[Enrollment]:
    return list(session.scalars(select(Enrollment).where(Enrollment.worker_id == worker_id)
                                .order_by(Enrollment.created_at.desc(), Enrollment.id.desc())))


def roster(session: Session, course: Course, statuses=None) -> list[Enrollment]:
    """The class list: enrolled and finished people by name, then the waitlist in order."""
    query = select(Enrollment).where(Enrollment.course_id == course.id)
    if statuses is not None:
        query = query.where(Enrollment.status.in_(statuses))
    rows = session.scalars(query.order_by(Enrollment.created_at, Enrollment.id)).all()
    waiting = [e for e in rows if e.status is EnrollmentStatus.waitlisted]
    return [e for e in rows if e.status is not EnrollmentStatus.waitlisted] + waiting


def enrollment_for(session: Session, course: Course, worker_id: int | None) -> Enrollment | None:
    if worker_id is None:
        return None
    return session.scalar(select(Enrollment).where(Enrollment.course_id == course.id,
                                                   Enrollment.worker_id == worker_id))


def status_counts(session: Session, course: Course) -> dict[EnrollmentStatus, int]:
    return dict(session.execute(select(Enrollment.status, func.count(Enrollment.id))
                                .where(Enrollment.course_id == course.id).group_by(Enrollment.status)).all())


def repoint_courses(session: Session, *, county: str, key: str, skill: Skill) -> tuple[str, int]:
    """Answers registry.corrections.skill_corrected: the county's courses that teach `key` now teach `skill`."""
    stale = [taught for course in session.scalars(select(Course).where(within_clause(county, Course.area_code)))
             for taught in course.skills_taught if text_key(taught.name) == key and taught.skill_id != skill.id]
    for taught in stale:
        taught.skill_id = skill.id
    session.flush()
    return "courses", len({taught.course_id for taught in stale})
