"""Station and county training pages: enrol a worker, a worker's training and wishes, township
demand, the subsidy ledger, course outcomes. Providers read the last three for their own courses.

Thin: parse, call a service (training.services, catalogue, survey, ledger, outcomes), commit once,
render. Every service scopes to the user's areas; the pages only choose filters."""
from dataclasses import dataclass

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _

from core import roles
from core.auth import acting_user, page_roles
from core.extensions import db
from core.forms import ConfirmForm
from core.models import Role, User
from core.pages import PAGE_SIZE, page_count, page_number, safe_target, submit
from core.spreadsheets import XLSX
from registry import services as registry_services
from registry.models import Area, Worker
from training import catalogue, ledger, results, services, survey
from training import outcomes as course_outcomes
from training.models import Course, Enrollment, EnrollmentStatus
from training.schemas import EnrollmentIn, WishIn
from training.station_forms import EnrolWorkerForm, WishForm

bp = Blueprint("training_station", __name__)

SEARCH_LIMIT = 20  # people found on the course's enrol page


# --- enrol a worker from a course ----------------------------------------------------------------

@dataclass(frozen=True)
class Candidate:
    worker: Worker
    unmet: list[str]
    enrollment: Enrollment | None
    position: int | None  # on the waitlist


def _candidate(course: Course, worker: Worker) -> Candidate:
    enrollment = services.enrollment_for(db.session, course, worker.id)
    position = services.waitlist_position(db.session, enrollment) if enrollment is not None else None
    return Candidate(worker, services.unmet_prerequisites(course, worker), enrollment, position)


def _enrol_page(course: Course, q: str | None, form: EnrolWorkerForm, status: int = 200):
    """The course's enrol page. A search by a full ID number is audited: the handler commits."""
    actor = acting_user()
    q = (q or "").strip()[:64]
    found, total = registry_services.search_workers(db.session, actor, registry_services.WorkerQuery(q=q, limit=SEARCH_LIMIT)) \
        if q else ([], 0)
    return render_template("training/station/enrol.html", course=course, q=q, total=total,
                           candidates=[_candidate(course, w) for w in found],
                           ours=catalogue.in_class_from_my_areas(db.session, course, actor),
                           closed=services.admission_closed(course), form=form), status


@bp.get("/courses/<int:course_id>/enrol-worker")
@page_roles(*roles.STAFF)
def enrol_from_course(course_id):
    course = services.get_course(db.session, course_id)
    page = _enrol_page(course, request.args.get("q"), EnrolWorkerForm(formdata=None))
    db.session.commit()  # the audit event of a search by a full ID number
    return page


@bp.post("/courses/<int:course_id>/enrol-worker")
@page_roles(*roles.STAFF)
def enrol_worker(course_id):
    """One button: enrolled, or on the waitlist with the place in line. From the course's enrol
    page (shown again with the refusal, 422) or a worker's training page (back there, flashed)."""
    actor = acting_user()
    course = services.get_course(db.session, course_id)
    form = EnrolWorkerForm()

    def enrol(loaded):
        enrollment = services.enrol(db.session, course, loaded["worker_id"], actor)
        return enrollment, services.waitlist_position(db.session, enrollment)
    done = submit(form, enrol, EnrollmentIn(), {"worker_id": (form.worker_id.data or "").strip()})
    back = safe_target(form.next.data, url_for(".enrol_from_course", course_id=course_id, q=form.q.data or None))
    if done:
        db.session.commit()
        enrollment, position = done
        if position is None:
            flash(_("%(name)s is enrolled in %(title)s.", name=enrollment.worker.name, title=course.title), "success")
        else:
            flash(_("%(title)s is full: %(name)s is on the waitlist, number %(n)s in line.",
                    title=course.title, name=enrollment.worker.name, n=position), "info")
        return redirect(back)
    if form.worker_id.errors and form.refusal:  # the sentence, beside the reason shown on the field
        flash(form.refusal.message, "error")
    if form.next.data:
        for text in form.worker_id.errors:
            flash(text, "error")
        return redirect(back)
    page = _enrol_page(course, form.q.data, form, 422)
    db.session.commit()  # the audit event of a search by a full ID number
    return page


# --- a worker's training and wishes --------------------------------------------------------------

def _worker_page(worker: Worker, form: WishForm, status: int = 200):
    enrollments = services.enrollments_of_worker(db.session, worker.id)
    rows = [(e, results.attended(db.session, e), services.waitlist_position(db.session, e)) for e in enrollments]
    wishes = survey.wishes_of(db.session, worker.id)
    matching, others = catalogue.offers(db.session, worker, wishes, {e.course_id for e in enrollments})
    return render_template("training/station/worker.html", worker=worker, rows=rows, wishes=wishes, form=form,
                           matching=matching, others=others,
                           statuses=EnrollmentStatus), status


@bp.get("/workers/<int:worker_id>/training")
@page_roles(*roles.STAFF)
def worker_training(worker_id):
    worker = registry_services.get_worker(db.session, worker_id, acting_user())
    return _worker_page(worker, WishForm(formdata=None))


@bp.post("/workers/<int:worker_id>/wishes")
@page_roles(*roles.STAFF)
def add_wish(worker_id):
    actor = acting_user()
    worker = registry_services.get_worker(db.session, worker_id, actor)
    form = WishForm()
    wish = submit(form, lambda loaded: survey.add_wish(db.session, worker, loaded["name"], loaded.get("mode"), actor),
                  WishIn())
    if wish:
        db.session.commit()
        flash(_("Noted: %(name)s would like to learn %(skill)s.", name=worker.name, skill=wish.name), "success")
        return redirect(url_for(".worker_training", worker_id=worker_id, _anchor="wishes"))
    return _worker_page(worker, form, 422)


@bp.post("/wishes/<int:wish_id>/delete")
@page_roles(*roles.STAFF)
def remove_wish(wish_id):
    actor = acting_user()
    wish = survey.wish_of(db.session, wish_id, actor)
    worker = submit(ConfirmForm(), lambda: survey.remove_wish(db.session, wish, actor))
    if not worker:
        abort(400)
    worker_id = worker.id
    db.session.commit()
    flash(_("The wish is removed."), "success")
    return redirect(url_for(".worker_training", worker_id=worker_id, _anchor="wishes"))


# --- area filters --------------------------------------------------------------------------------

def _chosen(value: str | None, areas: list[Area]) -> str | None:
    """An area from the filter, only when it is one of the user's (otherwise: all of them)."""
    return value if value and value in {a.code for a in areas} else None


# --- township demand -----------------------------------------------------------------------------

@bp.get("/training/demand")
@page_roles(*roles.TRAINING_REPORT_READERS)
def demand():
    """The needs survey counted: who wants to learn what, by township, beside the seats offered.
    A provider reads every township's, or (`mine=1`) only the skills its courses teach."""
    actor = acting_user()
    townships = catalogue.townships(db.session, actor)
    area = _chosen(request.args.get("area"), townships)
    mine = actor.role is Role.provider and request.args.get("mine") == "1"
    rows = survey.demand(db.session, actor, area, mine=mine)
    return render_template("training/station/demand.html", rows=rows, townships=townships, area=area, mine=mine)


# --- the subsidy ledger --------------------------------------------------------------------------

def _ledger_filters(actor: User):
    areas = catalogue.ledger_areas(db.session, actor)
    area = _chosen(request.args.get("area"), areas)
    course_id = request.args.get("course", type=int)
    return areas, area, course_id


@bp.get("/training/subsidies")
@page_roles(*roles.TRAINING_REPORT_READERS)
def subsidies():
    actor = acting_user()
    areas, area, course_id = _ledger_filters(actor)
    everything = ledger.person_lines(db.session, actor, area)
    courses = sorted({(x.course_id, x.course_title) for x in everything})
    if course_id not in {cid for cid, _title in courses}:
        course_id = None
    lines = ledger.person_lines(db.session, actor, area, course_id) if course_id else everything
    households = ledger.household_lines(lines)
    return render_template("training/station/subsidies.html", lines=lines, households=households, areas=areas,
                           courses=courses, area=area, course_id=course_id,
                           total_days=sum(x.days for x in lines), total=sum(x.amount for x in lines))


@bp.get("/training/subsidies.xlsx")
@page_roles(*roles.TRAINING_REPORT_READERS)
def subsidies_export():
    actor = acting_user()
    _areas, area, course_id = _ledger_filters(actor)
    stream, filename = ledger.export(db.session, actor, area, course_id)
    db.session.commit()  # the audit event of the export
    return send_file(stream, as_attachment=True, download_name=filename, mimetype=XLSX)


# --- course outcomes -----------------------------------------------------------------------------

@dataclass(frozen=True)
class CourseFigures:
    course: Course
    counts: dict
    ratings: course_outcomes.Ratings
    employed: dict  # months -> Outcome


@bp.get("/training/outcomes")
@page_roles(*roles.TRAINING_REPORT_READERS)
def outcomes():
    actor, page = acting_user(), page_number()
    courses, total = catalogue.courses_of_my_areas(db.session, actor, PAGE_SIZE, (page - 1) * PAGE_SIZE)
    rows = [CourseFigures(c, services.status_counts(db.session, c), course_outcomes.ratings(db.session, c, limit=0),
                          {o.months: o for o in course_outcomes.outcomes(db.session, c)}) for c in courses]
    return render_template("training/station/outcomes.html", rows=rows, total=total, page=page,
                           pages=page_count(total), statuses=EnrollmentStatus, months=course_outcomes.OUTCOME_MONTHS)
