"""Training on paper, each page fitting A4 portrait: a session's attendance sheet and a course's
class roster (for the course's managers), a certificate (for whoever may see the enrolment), and
the public page a certificate's QR code leads to, open without signing in.

Thin: parse, call training.printables, render."""
from flask import Blueprint, render_template, url_for

from core import roles
from core.auth import acting_user, page_roles
from core.errors import NotFound
from core.extensions import db
from core.models import china_today
from training import printables, services

bp = Blueprint("training_print", __name__)


@bp.get("/sessions/<int:session_id>/sheet")
@page_roles(*roles.COURSE_MANAGERS)
def sheet(session_id):
    """The sign-in sheet of one session: names and a column to sign, no ID numbers."""
    meeting = services.get_session(db.session, session_id)
    paper = printables.attendance_sheet(db.session, meeting, acting_user())
    return render_template("training/print/sheet.html", sheet=paper, course=paper.course, meeting=meeting,
                           today=china_today())


@bp.get("/courses/<int:course_id>/roster")
@page_roles(*roles.COURSE_MANAGERS)
def roster(course_id):
    course = services.get_course(db.session, course_id)
    lines = printables.class_roster(db.session, course, acting_user())
    return render_template("training/print/roster.html", course=course, lines=lines, today=china_today())


@bp.get("/enrollments/<int:enrollment_id>/certificate")
@page_roles()
def certificate(enrollment_id):
    paper = printables.certificate(db.session, enrollment_id, acting_user())
    url = url_for(".verify", code=paper.enrollment.certificate_no, _external=True)
    return render_template("training/print/certificate.html", paper=paper, course=paper.course,
                           enrollment=paper.enrollment, url=url, qr=printables.qr_code(url))


@bp.get("/certificates/<code>")
def verify(code):
    """Public: a certificate's number checked, with nothing of the person but a masked name."""
    try:
        found = printables.verify(db.session, code)
    except NotFound as refusal:
        return render_template("training/print/verify.html", found=None, code=code[:40], message=refusal.message), 404
    return render_template("training/print/verify.html", found=found, code=found.code)
