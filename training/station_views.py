"""Station and county training pages: enrol a worker, a worker's training and wishes, township
demand, the subsidy ledger, course outcomes.

Thin, like jobs/views.py: parse, call a service (training.services, survey, ledger, outcomes),
commit once, render. Every service scopes to the user's areas; the pages only choose filters."""
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
from sqlalchemy import or_, select

from core import roles
from core.auth import acting_user, page_roles
from core.errors import DomainError
from core.extensions import db
from core.forms import ConfirmForm
from core.models import Role, User
from core.pages import PAGE_SIZE, form_data, page_count, page_number, safe_target, submit
from core.scoping import scope_clause, user_sees_area
from core.spreadsheets import XLSX
from registry import search
from registry import services as registry
from registry.models import Area, AreaLevel, Worker
from training import ledger, results, services, survey
from training import outcomes as course_outcomes
from training.models import Course, Enrollment, EnrollmentStatus
from training.schemas import EnrollmentIn, WishIn
from training.station_forms import EnrolWorkerForm, WishForm

bp = Blueprint("training_station", __name__)

SEARCH_LIMIT = 20  # people found on the course's enrol page
COURSES_PER_WISH = 10
OTHER_COURSES = 10  # upcoming courses offered beside those that teach what the person wishes
AREA_LIMIT = 500  # options of an area filter
COURSE_LIMIT = 500  # courses of one area gathered for the outcomes page


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
    actor = acting_user()
    q = (q or "").strip()[:64]
    found, total = [], 0
    if q:
        query = search.WorkerQuery(q=q, limit=SEARCH_LIMIT)
        found, total = search.search_workers(db.session, actor, query)
        if query.by_full_number:
            db.session.commit()  # its audit event
    ours = [e for e in services.roster(db.session, course, statuses=services.ACTIVE)
            if user_sees_area(actor, e.worker.household.village_code)]
    return render_template("training/station/enrol.html", course=course, q=q, total=total,
                           candidates=[_candidate(course, w) for w in found],
                           ours=[(e, services.waitlist_position(db.session, e)) for e in ours],
                           closed=services.admission_closed(course), form=form), status


@bp.get("/courses/<int:course_id>/enrol-worker")
@page_roles(*roles.STAFF)
def enrol_from_course(course_id):
    course = services.get_course(db.session, course_id)
    return _enrol_page(course, request.args.get("q"), EnrolWorkerForm(formdata=None))


@bp.post("/courses/<int:course_id>/enrol-worker")
@page_roles(*roles.STAFF)
def enrol_worker(course_id):
    """One button: enrolled, or on the waitlist with the place in line. From the course's enrol
    page (shown again with the refusal, 422) or a worker's training page (back there, flashed)."""
    actor = acting_user()
    course = services.get_course(db.session, course_id)
    form = EnrolWorkerForm()
    if not form.validate_on_submit():
        abort(400)
    refusal = []

    def enrol(loaded):
        try:
            enrollment = services.enrol(db.session, course, loaded["worker_id"], actor)
        except DomainError as exc:
            refusal.append(exc.message)
            raise
        position = services.waitlist_position(db.session, enrollment)
        db.session.commit()
        return enrollment, position
    done = submit(form, EnrollmentIn(), {"worker_id": (form.worker_id.data or "").strip()}, enrol)
    back = safe_target(form.next.data, url_for(".enrol_from_course", course_id=course_id, q=form.q.data or None))
    if done is not None:
        enrollment, position = done
        if position is None:
            flash(_("%(name)s is enrolled in %(title)s.", name=enrollment.worker.name, title=course.title), "success")
        else:
            flash(_("%(title)s is full: %(name)s is on the waitlist, number %(n)s in line.",
                    title=course.title, name=enrollment.worker.name, n=position), "info")
        return redirect(back)
    if form.worker_id.errors and refusal:  # the sentence, beside the reason shown on the field
        flash(refusal[0], "error")
    if form.next.data:
        for text in form.worker_id.errors:
            flash(text, "error")
        return redirect(back)
    return _enrol_page(course, form.q.data, form, 422)


# --- a worker's training and wishes --------------------------------------------------------------

@dataclass(frozen=True)
class Offer:
    course: Course
    wished: list[str]  # the wishes this course answers
    unmet: list[str]


def _offers(worker: Worker, wishes, taken: set[int]) -> tuple[list[Offer], list[Offer]]:
    """Upcoming courses that teach what the person wishes, then a few others."""
    matching: dict[int, Offer] = {}
    for wish in wishes:
        for skill in dict.fromkeys(filter(None, (wish.canonical, wish.name))):  # the catalogue's name, then as said
            items, _total = services.list_courses(db.session, skill=skill, upcoming=True, limit=COURSES_PER_WISH)
            for course in items:
                if course.id in taken:
                    continue
                offer = matching.setdefault(course.id, Offer(course, [], services.unmet_prerequisites(course, worker)))
                if wish.name not in offer.wished:
                    offer.wished.append(wish.name)
    others, _total = services.list_courses(db.session, upcoming=True, limit=OTHER_COURSES + len(taken) + len(matching))
    rest = [Offer(c, [], services.unmet_prerequisites(c, worker)) for c in others
            if c.id not in taken and c.id not in matching][:OTHER_COURSES]
    return list(matching.values()), rest


def _worker_page(worker: Worker, form: WishForm, status: int = 200):
    enrollments = services.enrollments_of_worker(db.session, worker.id)
    rows = [(e, results.attended(db.session, e), services.waitlist_position(db.session, e)) for e in enrollments]
    wishes = survey.wishes_of(db.session, worker.id)
    matching, others = _offers(worker, wishes, {e.course_id for e in enrollments})
    return render_template("training/station/worker.html", worker=worker, rows=rows, wishes=wishes, form=form,
                           matching=matching, others=others,
                           statuses=EnrollmentStatus), status


@bp.get("/workers/<int:worker_id>/training")
@page_roles(*roles.STAFF)
def worker_training(worker_id):
    worker = registry.get_worker(db.session, worker_id, acting_user())
    return _worker_page(worker, WishForm(formdata=None))


@bp.post("/workers/<int:worker_id>/wishes")
@page_roles(*roles.STAFF)
def add_wish(worker_id):
    actor = acting_user()
    worker = registry.get_worker(db.session, worker_id, actor)
    form = WishForm()
    if form.validate_on_submit():
        def add(loaded):
            wish = survey.add_wish(db.session, worker, loaded["name"], loaded.get("mode"), actor)
            db.session.commit()
            return wish
        wish = submit(form, WishIn(), form_data(form, ("name", "mode")), add)
        if wish is not None:
            flash(_("Noted: %(name)s would like to learn %(skill)s.", name=worker.name, skill=wish.name), "success")
            return redirect(url_for(".worker_training", worker_id=worker_id, _anchor="wishes"))
    return _worker_page(worker, form, 422)


@bp.post("/wishes/<int:wish_id>/delete")
@page_roles(*roles.STAFF)
def remove_wish(wish_id):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    worker = survey.remove_wish(db.session, wish_id, acting_user())
    worker_id = worker.id
    db.session.commit()
    flash(_("The wish is removed."), "success")
    return redirect(url_for(".worker_training", worker_id=worker_id, _anchor="wishes"))


# --- area filters --------------------------------------------------------------------------------

def _townships(actor: User) -> list[Area]:
    """The townships of the user's areas: those inside them, and those their villages lie in."""
    parents = select(Area.parent_code).where(Area.code.in_(actor.area_codes), Area.level == AreaLevel.village)
    return list(db.session.scalars(
        select(Area).where(Area.level == AreaLevel.township,
                           or_(scope_clause(actor, Area.code), Area.code.in_(parents)))
        .order_by(Area.code).limit(AREA_LIMIT)))


def _ledger_areas(actor: User) -> list[Area]:
    """Townships, each followed by its villages in the user's areas."""
    villages = db.session.scalars(select(Area).where(Area.level == AreaLevel.village, scope_clause(actor, Area.code))
                                  .order_by(Area.code).limit(AREA_LIMIT)).all()
    return sorted(_townships(actor) + list(villages), key=lambda a: a.code)


def _chosen(value: str | None, areas: list[Area]) -> str | None:
    """An area from the filter, only when it is one of the user's (otherwise: all of them)."""
    return value if value and value in {a.code for a in areas} else None


# --- township demand -----------------------------------------------------------------------------

@bp.get("/training/demand")
@page_roles(*roles.STAFF)
def demand():
    """The needs survey counted: who wants to learn what, by township, beside the seats offered."""
    actor = acting_user()
    townships = _townships(actor)
    area = _chosen(request.args.get("area"), townships)
    rows = survey.demand(db.session, actor, area)
    return render_template("training/station/demand.html", rows=rows, townships=townships, area=area)


# --- the subsidy ledger --------------------------------------------------------------------------

def _ledger_filters(actor: User):
    areas = _ledger_areas(actor)
    area = _chosen(request.args.get("area"), areas)
    course_id = request.args.get("course", type=int)
    return areas, area, course_id


@bp.get("/training/subsidies")
@page_roles(*roles.STAFF)
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
@page_roles(*roles.STAFF)
def subsidies_export():
    actor = acting_user()
    _areas, area, course_id = _ledger_filters(actor)
    stream, filename = ledger.export(db.session, actor, area, course_id)
    db.session.commit()  # the audit event of the export
    return send_file(stream, as_attachment=True, download_name=filename, mimetype=XLSX)


# --- course outcomes -----------------------------------------------------------------------------

def _course_areas(actor: User) -> list[str]:
    """Where the user's courses are held: a station's village is served by courses of its
    township; a county officer's by those of the county."""
    codes = {code[:9] + "000" if not code.endswith("000") else code for code in actor.area_codes}
    return sorted(codes)


def _courses_of_my_area(actor: User, page: int) -> tuple[list[Course], int]:
    offset = (page - 1) * PAGE_SIZE
    if actor.role is Role.admin:
        return services.list_courses(db.session, limit=PAGE_SIZE, offset=offset)
    codes = _course_areas(actor)
    if len(codes) == 1:
        return services.list_courses(db.session, area_code=codes[0], limit=PAGE_SIZE, offset=offset)
    found: dict[int, Course] = {}
    for code in codes:
        items, _total = services.list_courses(db.session, area_code=code, limit=COURSE_LIMIT)
        found.update((c.id, c) for c in items)
    ordered = sorted(found.values(), key=lambda c: (c.starts_on is None, c.starts_on, c.id))
    return ordered[offset:offset + PAGE_SIZE], len(ordered)


@dataclass(frozen=True)
class CourseFigures:
    course: Course
    counts: dict
    ratings: course_outcomes.Ratings
    employed: dict  # months -> Outcome


@bp.get("/training/outcomes")
@page_roles(*roles.STAFF)
def outcomes():
    actor, page = acting_user(), page_number()
    courses, total = _courses_of_my_area(actor, page)
    rows = [CourseFigures(c, services.status_counts(db.session, c), course_outcomes.ratings(db.session, c, limit=0),
                          {o.months: o for o in course_outcomes.outcomes(db.session, c)}) for c in courses]
    return render_template("training/station/outcomes.html", rows=rows, total=total, page=page,
                           pages=page_count(total), statuses=EnrollmentStatus, months=course_outcomes.OUTCOME_MONTHS)
