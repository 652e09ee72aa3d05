"""Trainee pages (phone first): courses near me, by skill and mode, a course page with seats
left, enrolment or the waitlist with its position, my courses and certificates, ratings, and what
I want to learn (the needs survey).

Thin: parse, call a service (training.services, catalogue, results, outcomes, survey), commit
once, render."""
from dataclasses import dataclass
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.auth import acting_user, page_roles
from core.errors import DomainError, ValidationFailed
from core.extensions import db
from core.forms import ConfirmForm
from core.models import Role, china_today
from core.pages import PAGE_SIZE, form_status, page_count, page_number, safe_target, submit
from training import catalogue, orders, outcomes, results, services, survey
from training.forms import RatingForm, WishForm, WithdrawForm
from training.models import Course, CourseMode, Enrollment, EnrollmentStatus
from training.schemas import RatingIn, WishIn

bp = Blueprint("training", __name__)

AFTER_WORK = "after_work"  # the quick filter for people who work: night classes and online courses
AFTER_WORK_MODES = (CourseMode.night, CourseMode.online)


# --- helpers -----------------------------------------------------------------------------------

def _viewer():
    """The signed-in user, or None on the public pages."""
    return current_user._get_current_object() if current_user.is_authenticated else None


def _modes(value: str) -> tuple[CourseMode, ...]:
    """The modes asked for: one mode (code or label), the after-work pair, or all (empty)."""
    if value == AFTER_WORK:
        return AFTER_WORK_MODES
    try:
        return (CourseMode.parse(value),) if value else ()
    except ValueError:
        return ()


def _explain(exc: DomainError) -> str:
    """The service's sentence, with the field's reason when it adds something (what is unmet)."""
    extra = [v for v in exc.fields.values() if isinstance(v, str) and v != exc.message] \
        if isinstance(exc, ValidationFailed) else []
    return " ".join([exc.message, *extra])


# --- the course finder and a course ------------------------------------------------------------

@bp.get("/courses")
def courses():
    """Courses one can still join, by skill, mode and free seats; nearest first for a trainee."""
    viewer, page, args = _viewer(), page_number(), request.args
    skill = (args.get("skill") or "").strip()[:64] or None
    modes = _modes(args.get("mode") or "")
    mode = AFTER_WORK if len(modes) > 1 else (modes[0].name if modes else "")  # as the filters name it
    seats_only = args.get("seats") == "1"
    worker = catalogue.own_worker(db.session, viewer)
    located = worker is not None and worker.lat is not None and worker.lon is not None
    near = located and args.get("sort") != "date"
    found, km = catalogue.open_courses(db.session, skill, modes, seats_only, home=worker if located else None,
                                       nearest=near)
    total = len(found)
    items = found[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]
    return render_template("training/courses.html", items=items, total=total, page=page, pages=page_count(total),
                           args=args, skill=skill or "", mode=mode, seats_only=seats_only,
                           modes=CourseMode, after_work=AFTER_WORK, located=located, near=near, km=km,
                           worker=worker, signed_in=viewer is not None)


@dataclass
class Standing:
    """Where the signed-in trainee stands with one course, for its page."""
    enrollment: Enrollment | None
    position: int | None  # on the waitlist, 1 for the first
    unmet: list[str]
    closed: str | None


def _standing(worker, course: Course) -> Standing | None:
    if worker is None:
        return None
    enrollment = services.enrollment_for(db.session, course, worker.id)
    if enrollment is not None and enrollment.status is not EnrollmentStatus.withdrawn:
        return Standing(enrollment, services.waitlist_position(db.session, enrollment), [], None)
    # nobody in yet, or someone who withdrew and may enrol again like anyone else
    return Standing(enrollment, None, services.unmet_prerequisites(course, worker), services.admission_closed(course))


@bp.get("/courses/<int:course_id>")
def course(course_id):
    viewer = _viewer()
    course = services.get_course(db.session, course_id)
    worker = catalogue.own_worker(db.session, viewer)
    closed = services.admission_closed(course)
    enrol_link = viewer is not None and viewer.is_staff and not closed
    manage_link = services.may_manage(viewer, course)
    unlinked = catalogue.unlinked_trainee(viewer)  # no record to enrol
    # What a course led to means something once someone finished it, or it is over.
    show_outcomes = bool(services.status_counts(db.session, course).get(EnrollmentStatus.completed)) \
        or (course.ends_on is not None and course.ends_on < china_today())
    return render_template("training/course.html", course=course, worker=worker,
                           standing=_standing(worker, course), signed_in=viewer is not None, closed=closed,
                           outcomes=outcomes.outcomes(db.session, course), ratings=outcomes.ratings(db.session, course),
                           enrol_link=enrol_link, manage_link=manage_link, show_outcomes=show_outcomes,
                           unlinked=unlinked,
                           posting_visible=course.job is not None and course.job.visible_to(viewer),
                           form=ConfirmForm(),
                           withdraw_form=WithdrawForm(formdata=None, next=request.path), today=china_today())


@bp.app_template_global()
def order_courses(job_id: int) -> list[orders.OrderCourse]:
    """On a posting's page (jobs/job.html): the courses ordered for it (订单式), with their classes.
    The posting's package is below this one and knows no courses, so the courses come from here."""
    return orders.courses_for_posting(db.session, job_id)


@bp.post("/courses/<int:course_id>/enrol")
@page_roles(Role.worker)
def enrol_me(course_id):
    """The trainee enrols themself: a seat while one is left, the waitlist after. A refusal says
    what is unmet in its one sentence."""
    actor = acting_user()
    if actor.worker_id is None:
        abort(400)
    course = services.get_course(db.session, course_id)
    form = ConfirmForm()

    def enrol():
        try:
            enrollment = services.enrol(db.session, course, actor.worker_id, actor)
        except DomainError as exc:
            exc.message = _explain(exc)  # the button has no field to show the reasons on
            raise
        return enrollment, services.waitlist_position(db.session, enrollment)
    done = submit(form, enrol)
    if done:
        db.session.commit()
        _enrollment, position = done
        if position is None:
            flash(_("You are enrolled in %(title)s.", title=course.title), "success")
        else:
            flash(_("The course is full: you are on the waitlist, number %(n)s. You get a seat when one frees up.",
                    n=position), "info")
    return redirect(url_for("training.course", course_id=course_id))


@bp.route("/enrollments/<int:enrollment_id>/withdraw", methods=["GET", "POST"])
@page_roles(Role.worker)
def withdraw(enrollment_id):
    """The trainee's own enrolment only (anyone else's is not found); asked first (GET: what it
    means, and until when they may come back), the seat goes to the waitlist."""
    actor = acting_user()
    form = WithdrawForm()
    enrollment = services.get_enrollment(db.session, enrollment_id, actor)
    course_id, title = enrollment.course_id, enrollment.course.title
    if request.method == "GET":
        back = safe_target(request.args.get("next"), url_for("training.course", course_id=course_id))
        form.next.data = back
        return render_template("training/withdraw.html", enrollment=enrollment, course=enrollment.course, form=form,
                               back=back, today=china_today())
    if submit(form, lambda: services.withdraw(db.session, enrollment, actor)):
        db.session.commit()
        flash(_("You withdrew from %(title)s.", title=title), "success")
    return redirect(safe_target(form.next.data, url_for("training.course", course_id=course_id)))


# --- my courses, certificates, ratings and wishes ----------------------------------------------

@dataclass
class MyCourse:
    enrollment: Enrollment
    position: int | None
    attended: int
    sessions: int
    next_session: object | None  # CourseSession


def _my_course(enrollment: Enrollment, today: date) -> MyCourse:
    course = enrollment.course
    upcoming = enrollment.status is EnrollmentStatus.enrolled
    return MyCourse(enrollment, services.waitlist_position(db.session, enrollment),
                    results.attended(db.session, enrollment), len(course.sessions),
                    next((s for s in course.sessions if s.day >= today), None) if upcoming else None)


def _mine_page(actor, failed_id: int | None = None, failed_form=None, wish_form=None):
    """The trainee's page; a refused rating or wish is shown again on it with its reasons (422)."""
    worker, today = catalogue.own_worker(db.session, actor), china_today()
    rows = [_my_course(e, today) for e in services.enrollments_of_worker(db.session, worker.id)] if worker else []
    wishes = survey.wishes_of(db.session, worker.id) if worker else []
    rating_forms = {r.enrollment.id: failed_form if r.enrollment.id == failed_id else RatingForm(formdata=None)
                    for r in rows if r.enrollment.status is EnrollmentStatus.completed and r.enrollment.rating is None}
    return render_template("training/mine.html", worker=worker, rows=rows, today=today,
                           certificates=[r.enrollment for r in rows if r.enrollment.certificate_no],
                           rating_forms=rating_forms, wishes=wishes,
                           wish_form=wish_form or WishForm(formdata=None),
                           withdraw_form=WithdrawForm(formdata=None, next=url_for("training.mine"))), form_status()


@bp.get("/my/courses")
@page_roles(Role.worker)
def mine():
    return _mine_page(acting_user())


@bp.post("/enrollments/<int:enrollment_id>/rate")
@page_roles(Role.worker)
def rate(enrollment_id):
    """Only someone who completed the course rates it (outcomes.rate says so otherwise)."""
    actor = acting_user()
    enrollment = services.get_enrollment(db.session, enrollment_id, actor)
    form = RatingForm()
    # The form is on the page only for a completed course not rated yet; otherwise the refusal is flashed.
    on_page = enrollment.status is EnrollmentStatus.completed and enrollment.rating is None
    if submit(form, lambda loaded: outcomes.rate(db.session, enrollment, loaded["rating"], loaded.get("comment"),
                                                 actor),
              RatingIn(), shown=None if on_page else ()):
        db.session.commit()
        flash(_("Thank you: your rating is saved."), "success")
    elif on_page:
        return _mine_page(actor, failed_id=enrollment_id, failed_form=form)
    return redirect(url_for("training.mine", _anchor=f"enrollment-{enrollment_id}"))


@bp.route("/my/wishes", methods=["GET", "POST"])
@page_roles(Role.worker)
def my_wishes():
    """What I want to learn: the needs survey the station counts before courses are planned."""
    actor = acting_user()
    if request.method == "GET":
        return redirect(url_for("training.mine", _anchor="wishes"))
    worker = catalogue.own_worker(db.session, actor)
    if worker is None:
        abort(400)
    form = WishForm()
    wish = submit(form, lambda loaded: survey.add_wish(db.session, worker, loaded["name"], loaded.get("mode"), actor),
                  WishIn())
    if not wish:
        return _mine_page(actor, wish_form=form)
    db.session.commit()
    flash(_("Noted: %(name)s. The labour station plans courses from what people want to learn.",
            name=wish.canonical or wish.name), "success")
    return redirect(url_for("training.mine", _anchor="wishes"))


@bp.post("/my/wishes/<int:wish_id>/remove")
@page_roles(Role.worker)
def remove_wish(wish_id):
    """A wish of someone else is not found."""
    actor = acting_user()
    wish = survey.wish_of(db.session, wish_id, actor)
    if submit(ConfirmForm(), lambda: survey.remove_wish(db.session, wish, actor)):
        db.session.commit()
        flash(_("Removed."), "success")
    return redirect(url_for("training.mine", _anchor="wishes"))
