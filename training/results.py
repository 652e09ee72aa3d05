"""What happens in class and at the end of it: attendance per session, the assessment before and
after, and completion. The completion rule: results are recorded once the last session has taken
place, and a course with sessions is passed only by someone who attended at least the course's
threshold of them; a pass issues a certificate number and adds the
course's skills to the person as certified (and refers them to the posting an employer ordered the
course for, 订单式); a fail adds nothing."""
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from core import audit
from core.crypto import check_code
from core.errors import Conflict, DomainError, ValidationFailed, flatten_fields
from core.models import User, china_today
from jobs import services as job_services
from registry.models import WorkerSkill
from training.models import Attendance, Course, CourseSession, Enrollment, EnrollmentStatus
from training.schemas import ScoresIn
from training.services import earliest_register_day, lock_course, require_manager

IN_CLASS = (EnrollmentStatus.enrolled, EnrollmentStatus.completed, EnrollmentStatus.failed)
SCORES = ("pre_score", "post_score")
OUTCOMES = {"pass": True, "fail": False}


def take_attendance(session: Session, meeting: CourseSession, present_ids: set[int], actor: User) -> int:
    """The whole class at once: everyone enrolled is marked present if their enrolment id is in
    `present_ids`, absent otherwise. Taking it again corrects it. Returns how many were present.
    The course's row lock comes first: a change of the subsidy per day at the same moment is then
    done wholly before this (and pays these days at the new rate) or sees these marks and is
    refused (training.services._set_subsidy)."""
    course = meeting.course
    require_manager(actor, course)
    lock_course(session, course)
    if meeting.day > china_today():
        raise Conflict(_("Attendance is taken on the day of the session or after."), {"day": meeting.day.isoformat()})
    if meeting.day < earliest_register_day():
        raise Conflict(_("Attendance is taken at the time, not this long after the session."),
                       {"day": meeting.day.isoformat()})
    enrolled = session.scalars(select(Enrollment).where(Enrollment.course_id == course.id,
                                                       Enrollment.status == EnrollmentStatus.enrolled)).all()
    strangers = present_ids - {e.id for e in enrolled}
    if strangers:
        raise ValidationFailed(_("Someone marked present is not enrolled in this course."),
                               {"present": _("not in this class: %(ids)s", ids=", ".join(map(str, sorted(strangers))))})
    marks = {a.enrollment_id: a for a in session.scalars(select(Attendance).where(Attendance.session_id == meeting.id))}
    for enrollment in enrolled:
        mark = marks.get(enrollment.id)
        if mark is None:
            mark = Attendance(session_id=meeting.id, enrollment_id=enrollment.id)
            session.add(mark)
        mark.present, mark.recorded_by_id = enrollment.id in present_ids, actor.id
    session.flush()
    audit.record(actor, "update", "attendance", meeting.id, fields=["present"])
    return len(present_ids)


def attendance_by_enrollment(session: Session, course: Course) -> dict[int, int]:
    """Sessions attended, per enrolment of the course."""
    rows = session.execute(
        select(Attendance.enrollment_id, func.count(Attendance.id))
        .join(CourseSession, CourseSession.id == Attendance.session_id)
        .where(CourseSession.course_id == course.id, Attendance.present)
        .group_by(Attendance.enrollment_id)).all()
    return dict(rows)


def present_by_session(session: Session, course: Course) -> dict[int, int]:
    """The sessions of the course where attendance was taken, with how many were present."""
    rows = session.execute(
        select(Attendance.session_id, func.sum(case((Attendance.present, 1), else_=0)))
        .join(CourseSession, CourseSession.id == Attendance.session_id)
        .where(CourseSession.course_id == course.id)
        .group_by(Attendance.session_id)).all()
    return {session_id: int(present or 0) for session_id, present in rows}


def marks_of(session: Session, meeting: CourseSession) -> dict[int, bool]:
    return dict(session.execute(select(Attendance.enrollment_id, Attendance.present)
                                .where(Attendance.session_id == meeting.id)).all())


def attended(session: Session, enrollment: Enrollment) -> int:
    return session.scalar(select(func.count(Attendance.id)).where(
        Attendance.enrollment_id == enrollment.id, Attendance.present)) or 0


def sessions_needed(course: Course) -> int:
    """Sessions to attend for a pass (rounded up): 80% of 10 is 8, 80% of 6 is 5."""
    return -(-len(course.sessions) * course.completion_threshold // 100)


def record_scores(session: Session, enrollment: Enrollment, data: dict, actor: User) -> Enrollment:
    """The assessment before the course (`pre_score`) and after it (`post_score`), 0–100."""
    require_manager(actor, enrollment.course)
    if enrollment.status not in IN_CLASS:
        raise Conflict(_("Only people in the class are assessed."), {"status": enrollment.status.name})
    for key in ("pre_score", "post_score"):
        if key in data:
            setattr(enrollment, key, data[key])
    session.flush()
    return enrollment


def record_class_results(session: Session, rows: list[Enrollment], entered: dict[int, dict[str, str]],
                         actor: User) -> dict[int, dict[str, str]]:
    """The results page of a class: for each enrolment of `rows` in `entered` (its `pre_score` and
    `post_score` as typed, blank for none, and `outcome`: "pass", "fail" or blank), the scores
    checked as the API checks them (ScoresIn) and recorded where changed, then the outcome. Each
    person in a savepoint: a refusal for one (a score out of range, a pass below the attendance
    threshold) leaves that person as they were and the others recorded. Returns the problems, by
    field, per enrolment id."""
    problems = {}
    for e in rows:
        if e.id not in entered:
            continue  # not on the page that was sent (joined since)
        typed = entered[e.id]
        try:
            scores = ScoresIn().load({k: typed.get(k) or None for k in SCORES})
        except ValidationError as exc:
            problems[e.id] = flatten_fields(exc.messages)
            continue
        changed = {k: v for k, v in scores.items() if getattr(e, k) != v}
        passed = OUTCOMES.get(typed.get("outcome", ""))
        try:
            with session.begin_nested():
                if changed:
                    record_scores(session, e, changed, actor)
                if passed is not None and e.status is EnrollmentStatus.enrolled:
                    complete(session, e, passed, actor)
        except DomainError as exc:
            problems[e.id] = {"outcome": exc.message}
    return problems


def complete(session: Session, enrollment: Enrollment, passed: bool, actor: User,
             post_score: int | None = None) -> Enrollment:
    """Passing adds the course's skills to the person as certified and, for a course ordered for a
    posting, puts the person forward for it at once (`enrollment.order_referral` says what came of
    it); failing adds nothing."""
    course = enrollment.course
    require_manager(actor, course)
    if enrollment.status is not EnrollmentStatus.enrolled:
        raise Conflict(_("Only enrolled people can complete a course."), {"status": enrollment.status.name})
    last = course.sessions[-1].day if course.sessions else None
    if last is not None and last > china_today():
        raise Conflict(_("Results are recorded after the last session, on %(day)s.", day=last.isoformat()),
                       {"passed": _("the course has sessions to come")})
    if post_score is not None:
        enrollment.post_score = post_score
    if passed and course.sessions:
        needed, came = sessions_needed(course), attended(session, enrollment)
        if came < needed:
            raise Conflict(_("%(name)s attended %(came)s of %(total)s sessions; %(needed)s are needed to pass.",
                             name=enrollment.worker.name, came=came, total=len(course.sessions), needed=needed),
                           {"passed": _("attendance below %(pct)s%%", pct=course.completion_threshold)})
    enrollment.status = EnrollmentStatus.completed if passed else EnrollmentStatus.failed
    enrollment.completed_on = china_today()
    if passed:
        enrollment.certificate_no = certificate_number(enrollment)
        _certify(enrollment)
    session.flush()
    audit.record(actor, "update", "enrollment", enrollment.id, fields=["status"])
    if passed and course.job is not None:  # 订单式: the ordered posting takes its graduates, while it has openings
        enrollment.order_referral = job_services.refer_graduate(session, enrollment.worker, course.job, actor,
                                                                course.title)
    return enrollment


def certificate_number(enrollment: Enrollment) -> str:
    """Unique by construction (year of completion, course and enrolment) and not guessable from
    another (a keyed check code), e.g. PX2026-00012-000345-K7Q2MX9D. The public check looks the
    number up as stored, so a change of key leaves issued certificates genuine."""
    base = f"PX{enrollment.completed_on.year}-{enrollment.course_id:05d}-{enrollment.id:06d}"
    return f"{base}-{check_code(base)}"


def _certify(enrollment: Enrollment) -> None:
    worker = enrollment.worker
    held = {s.skill_id: s for s in worker.skills if s.skill_id is not None}
    for taught in enrollment.course.skills_taught:
        mine = held.get(taught.skill_id) if taught.skill_id is not None else None
        if mine is None and taught.skill_id is None:
            mine = next((s for s in worker.skills if s.skill_id is None and s.name == taught.name), None)
        if mine is not None:
            mine.certified = True
        else:
            worker.skills.append(WorkerSkill(name=taught.name, skill_id=taught.skill_id, certified=True))
