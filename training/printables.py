"""What goes on paper: the attendance sheet of a session, the class roster of a course and the
certificate of a completed enrolment, each for the course's managers (the certificate also for the
trainee and the staff of the trainee's area); and the public check of a certificate by its number.

No ID number is on any of them: the sheet has names and a column to sign, the roster a masked
phone, and the public check shows a masked name and nothing else of the person."""
from dataclasses import dataclass
from datetime import date, datetime

import segno
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.crypto import mask_name
from core.errors import NotFound
from core.models import User
from registry.services import area_names
from training import services
from training.models import Attendance, Course, CourseSession, Enrollment, EnrollmentStatus
from training.results import IN_CLASS, sessions_needed

CODE_LENGTH = 32  # as long as a certificate number is stored


@dataclass(frozen=True)
class SheetLine:
    enrollment_id: int
    name: str


@dataclass(frozen=True)
class AttendanceSheet:
    course: Course
    meeting: CourseSession
    lines: list[SheetLine]


def attendance_sheet(session: Session, meeting: CourseSession, actor: User) -> AttendanceSheet:
    """The class of the session's course, a line each, to sign on the day."""
    services.require_manager(actor, meeting.course)
    people = services.roster(session, meeting.course, statuses=IN_CLASS)
    return AttendanceSheet(meeting.course, meeting, [SheetLine(e.id, e.worker.name) for e in people])


@dataclass(frozen=True)
class RosterLine:
    enrollment_id: int
    name: str
    village: str
    phone_masked: str | None
    status: EnrollmentStatus
    position: int | None  # on the waitlist


def class_roster(session: Session, course: Course, actor: User) -> list[RosterLine]:
    """Everyone in the class and on the waitlist (in order), with the village and a masked phone."""
    services.require_manager(actor, course)
    people = services.roster(session, course, statuses=(*IN_CLASS, EnrollmentStatus.waitlisted))
    names = area_names(session, {e.worker.household.village_code for e in people})
    return [RosterLine(e.id, e.worker.name, names.get(e.worker.household.village_code, e.worker.household.village_code),
                       e.worker.phone_masked, e.status, services.waitlist_position(session, e)) for e in people]


@dataclass(frozen=True)
class Certificate:
    enrollment: Enrollment
    course: Course
    sessions: int  # held in the course
    attended: int
    days: int  # calendar days with a session attended
    hours: float
    needed: int  # sessions to attend for a pass


def certificate(session: Session, enrollment_id: int, actor: User) -> Certificate:
    """The certificate of a completed enrolment the user may see (services.get_enrollment); any
    other enrolment has none (404)."""
    enrollment = services.get_enrollment(session, enrollment_id, actor)
    if enrollment.status is not EnrollmentStatus.completed or not enrollment.certificate_no:
        raise NotFound(_("This enrolment has no certificate: only a completed course gives one."))
    course = enrollment.course
    came = session.scalars(select(CourseSession).join(Attendance, Attendance.session_id == CourseSession.id)
                           .where(Attendance.enrollment_id == enrollment.id, Attendance.present,
                                  CourseSession.course_id == course.id)).all()
    minutes = sum(_minutes(s) for s in came)
    return Certificate(enrollment, course, len(course.sessions), len(came), len({s.day for s in came}),
                       round(minutes / 60, 1), sessions_needed(course))


def _minutes(meeting: CourseSession) -> int:
    start, end = (datetime.combine(date.min, t) for t in (meeting.starts_at, meeting.ends_at))
    return int((end - start).total_seconds() // 60)


@dataclass(frozen=True)
class Verification:
    code: str
    name_masked: str
    course_title: str
    provider: str
    completed_on: date | None
    valid: bool


def verify(session: Session, code: str) -> Verification:
    """The public check of a certificate number: who (masked), which course, by whom, when, and
    whether it stands. A number not on record is not a genuine certificate (404)."""
    code = code.strip().upper()
    enrollment = session.scalar(select(Enrollment).where(Enrollment.certificate_no == code)) \
        if 0 < len(code) <= CODE_LENGTH else None
    if enrollment is None:
        raise NotFound(_("No certificate has this number: it is not genuine."))
    return Verification(code, mask_name(enrollment.worker.name), enrollment.course.title, enrollment.course.provider,
                        enrollment.completed_on, enrollment.status is EnrollmentStatus.completed)




def qr_code(url: str) -> Markup:
    """An address as a QR code, an inline SVG: no file, no script, no style attribute (the CSP)."""
    svg = segno.make(url, error="m").svg_inline(scale=1, border=2, omitsize=True, svgclass="qr", title=url)
    return Markup(svg)  # segno's own markup; it escapes the title
