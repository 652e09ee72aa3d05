"""Provider pages: my courses, course and session forms, the class list, attendance for a whole
class at once, assessment and results.

Thin: parse, call a service (training.services, catalogue, results), commit once, render. Admins
and county officers use the same pages for the courses they may manage."""
from enum import Enum

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from core import roles
from core.auth import acting_user, page_roles
from core.extensions import db
from core.forms import ConfirmForm
from core.models import china_today
from core.pages import form_data, form_status, submit
from jobs import services as job_services
from training import catalogue, orders, results, services
from training.forms import CourseOrderForm
from training.models import EnrollmentStatus
from training.provider_forms import NUMERIC, AttendanceForm, ResultsForm, SessionForm
from training.results import SCORES
from training.schemas import CourseEditIn, CourseIn, SessionIn

bp = Blueprint("provider", __name__)

LIST_LIMIT = 200  # courses on the home page
COURSE_FIELDS = tuple(name for name in CourseIn().fields if name not in ("lat", "lon"))
# What a blank field means: no value (the rest have the schema's defaults), so an edit can empty them.
CLEARABLE = tuple(name for name in COURSE_FIELDS if CourseIn().fields[name].allow_none)
SESSION_FIELDS = ("day", "starts_at", "ends_at", "place", "topic")


# --- helpers -----------------------------------------------------------------------------------

def _managed_course(course_id: int, actor):
    """The course, if the actor may manage it (404 when there is none, 403 when not theirs)."""
    course = services.get_course(db.session, course_id)
    services.require_manager(actor, course)
    return course


def _area_choices(actor, course=None) -> list[SelectChoice]:
    """Townships and villages on file where the user may hold a course. A county officer picks one
    of their own areas (they manage only courses there), so they get no blank choice."""
    areas = catalogue.course_areas(db.session, actor)
    choices = [SelectChoice(a.code, a.full_name) for a in areas]
    if course is not None and course.area_code and course.area_code not in {a.code for a in areas}:
        choices.insert(0, SelectChoice(course.area_code, course.area_code))  # set elsewhere (the API)
    return choices if actor.is_area_staff else [SelectChoice("", "—")] + choices


def _employer_choices(course=None) -> list[SelectChoice]:
    employers, _total = job_services.list_employers(db.session, verified=True, limit=1000)
    if course is not None and course.employer is not None and course.employer not in employers:
        employers.append(course.employer)
    return [SelectChoice("", "—")] + [SelectChoice(e.id, e.name) for e in employers]


def _posting_choices(actor, course=None) -> list[SelectChoice]:
    """Open postings a course may be ordered for: the ordering employer's, or when none is chosen
    yet every employer's (the employer is then the posting's); the course's own stays listed."""
    employer_id = course.employer_id if course is not None else None
    jobs, _total = job_services.list_jobs(db.session, actor, employer_id=employer_id, open_only=True, limit=1000)
    if course is not None and course.job is not None and course.job not in jobs:
        jobs.insert(0, course.job)
    return [SelectChoice("", "—")] + [SelectChoice(j.id, _("%(employer)s · %(title)s (%(n)s openings left)",
                                                            employer=j.employer.name, title=j.title, n=j.openings_left))
                                      for j in jobs]


def _teacher_choices(course=None) -> list[SelectChoice]:
    teachers = orders.teachers(db.session, course.area_code if course is not None else None,
                               course.teacher if course is not None else None)
    return [SelectChoice("", "—")] + [SelectChoice(t.id, " · ".join(filter(None, (t.name, t.kind.label, t.trade))))
                                      for t in teachers]


def _course_form(actor, course=None) -> CourseOrderForm:
    form = CourseOrderForm()
    form.area_code.choices = _area_choices(actor, course)
    form.employer_id.choices = _employer_choices(course)
    form.job_id.choices = _posting_choices(actor, course)
    form.teacher_id.choices = _teacher_choices(course)
    return form


def _fill_course_form(form: CourseOrderForm, course) -> None:
    for name in COURSE_FIELDS:
        value = getattr(course, name)
        if name == "skills_taught":
            value = "、".join(s.name for s in course.skills_taught)
        elif isinstance(value, Enum):
            value = value.name
        getattr(form, name).data = value


def _course_data(form: CourseOrderForm) -> dict:
    data = form_data(form, COURSE_FIELDS)
    for name in CLEARABLE:
        data.setdefault(name, None)
    return data


def _expired(form) -> None:
    """A POST whose CSRF token was refused (the page was open too long): say so, keep the input."""
    if form.csrf_token.errors:
        flash(_("The form had expired. Check it and save again."), "error")


# --- my courses --------------------------------------------------------------------------------

@bp.get("/provider")
@page_roles(*roles.COURSE_MANAGERS)
def home():
    actor = acting_user()
    items, total = catalogue.managed_courses(db.session, actor, LIST_LIMIT)
    today = china_today()
    todays = {c.id: next((s for s in c.sessions if s.day == today), None) for c in items}
    current = [c for c in items if c.ends_on is None or c.ends_on >= today]
    ended = [c for c in items if c.ends_on is not None and c.ends_on < today]
    return render_template("training/provider/home.html", current=current, ended=ended, total=total,
                           shown=len(items), todays=todays)


# --- course form -------------------------------------------------------------------------------

@bp.route("/provider/courses/new", methods=["GET", "POST"])
@page_roles(*roles.COURSE_MANAGERS)
def new_course():
    actor = acting_user()
    form = _course_form(actor)
    if request.method == "GET":
        form.provider.data = actor.display_name or actor.username
        form.completion_threshold.data = CourseIn().fields["completion_threshold"].load_default
    else:
        course = submit(form, lambda loaded: services.create_course(db.session, loaded, actor), CourseIn(),
                        _course_data(form))
        if course:
            db.session.commit()
            flash(_("Course %(title)s saved. Add its sessions below.", title=course.title), "success")
            return redirect(url_for("provider.course", course_id=course.id))
        _expired(form)
    return render_template("training/provider/course_form.html", form=form, course=None), form_status()


@bp.route("/provider/courses/<int:course_id>/edit", methods=["GET", "POST"])
@page_roles(*roles.COURSE_MANAGERS)
def edit_course(course_id):
    """The form holds the whole course, so it is checked as a whole (CourseIn, with its checks
    across fields); a field left blank clears the stored value."""
    actor = acting_user()
    course = _managed_course(course_id, actor)
    form = _course_form(actor, course)
    rate_fixed = services.attendance_recorded(db.session, course)
    if rate_fixed:  # the service refuses a change; the field says so before anyone tries
        form.subsidy_per_day.render_kw = {**NUMERIC, "readonly": True}
    if request.method == "GET":
        _fill_course_form(form, course)
    elif submit(form, lambda loaded: services.update_course(db.session, course, loaded, actor), CourseEditIn(course),
                _course_data(form)):
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("provider.course", course_id=course.id))
    else:
        _expired(form)
    if rate_fixed:  # a refused change shows again the rate that stands, since the field cannot be edited
        form.subsidy_per_day.data, form.subsidy_per_day.raw_data = course.subsidy_per_day, None
    return render_template("training/provider/course_form.html", form=form, course=course,
                           rate_fixed=rate_fixed), form_status()


# --- the class ---------------------------------------------------------------------------------

def _course_page(course, session_form, status: int = 200):
    people, today = services.roster(db.session, course), china_today()
    marked = results.present_by_session(db.session, course)  # session id -> how many were present
    if course.starts_on and course.ends_on:  # the date picker offers the course's days only
        session_form.day.render_kw = {"min": course.starts_on.isoformat(), "max": course.ends_on.isoformat()}
    return render_template(
        "training/provider/course.html", course=course,
        posting_visible=course.job is not None and course.job.visible_to(acting_user()),
        in_class=[e for e in people if e.status is not EnrollmentStatus.waitlisted],
        waiting=[e for e in people if e.status is EnrollmentStatus.waitlisted],
        attended=results.attendance_by_enrollment(db.session, course), marked=marked,
        needed=results.sessions_needed(course), today=today, session_form=session_form,
        # Sessions without attendance yet: someone who can no longer reach the threshold is flagged.
        unmarked=sum(1 for s in course.sessions if s.id not in marked),
        todays=next((s for s in course.sessions if s.day == today), None),
        confirm=ConfirmForm(formdata=None)), status


@bp.get("/provider/courses/<int:course_id>")
@page_roles(*roles.COURSE_MANAGERS)
def course(course_id):
    return _course_page(_managed_course(course_id, acting_user()), SessionForm(formdata=None))


@bp.post("/provider/courses/<int:course_id>/sessions")
@page_roles(*roles.COURSE_MANAGERS)
def add_session(course_id):
    actor = acting_user()
    course = _managed_course(course_id, actor)
    form = SessionForm()
    data = form_data(form, SESSION_FIELDS)
    for name in ("starts_at", "ends_at"):
        if name in data:
            data[name] = data[name].strftime("%H:%M")
    meeting = submit(form, lambda loaded: services.add_session(db.session, course, loaded, actor), SessionIn(), data)
    if meeting:
        db.session.commit()
        flash(_("Session on %(day)s added.", day=meeting.day.isoformat()), "success")
        return redirect(url_for("provider.course", course_id=course.id, _anchor="sessions"))
    _expired(form)
    return _course_page(course, form, 422)


@bp.post("/provider/sessions/<int:session_id>/delete")
@page_roles(*roles.COURSE_MANAGERS)
def delete_session(session_id):
    actor = acting_user()
    meeting = services.get_session(db.session, session_id)
    course_id = meeting.course_id
    services.require_manager(actor, meeting.course)
    form = ConfirmForm()
    if submit(form, lambda: services.delete_session(db.session, meeting, actor)):  # refused once attendance is taken
        db.session.commit()
        flash(_("The session is deleted."), "success")
    return redirect(url_for("provider.course", course_id=course_id, _anchor="sessions"))


# --- attendance --------------------------------------------------------------------------------

def _ids(values) -> set[int]:
    try:
        return {int(v) for v in values}
    except ValueError:
        abort(400)


@bp.route("/provider/sessions/<int:session_id>/attendance", methods=["GET", "POST"])
@page_roles(*roles.COURSE_MANAGERS)
def attendance(session_id):
    """The whole class at once: a box per enrolled person; saving marks the ticked present and
    everyone else absent. Saving again corrects it."""
    actor = acting_user()
    meeting = services.get_session(db.session, session_id)
    course = meeting.course
    services.require_manager(actor, course)
    form = AttendanceForm()
    people = services.roster(db.session, course, statuses=(EnrollmentStatus.enrolled,))
    marks, status = results.marks_of(db.session, meeting), 200
    taken = bool(marks)
    if request.method == "POST":
        present = {e.id for e in people} if request.form.get("all") else _ids(request.form.getlist("present"))
        count = submit(form, lambda: results.take_attendance(db.session, meeting, present, actor))
        if count is not None:  # how many were present: none is a result too
            db.session.commit()
            flash(_("Attendance on %(day)s saved: %(n)s of %(total)s present.", day=meeting.day.isoformat(),
                    n=count, total=len(people)), "success")
            return redirect(url_for("provider.course", course_id=course.id, _anchor="sessions"))
        _expired(form)
        status = form.refusal.status if form.refusal else 400  # the refusal is flashed; its status is the page's
        marks = {e.id: e.id in present for e in people}  # what was ticked, shown again
    return render_template("training/provider/attendance.html", course=course, meeting=meeting, people=people,
                           marks=marks, taken=taken, future=meeting.day > china_today(), form=form), status


# --- assessment and results --------------------------------------------------------------------

def _entered(rows) -> dict[int, dict[str, str]]:
    """Each person's scores (trimmed) and outcome as sent, by enrolment id; someone who joined
    since the page was shown is not on it."""
    return {e.id: {**{k: request.form.get(f"{k}-{e.id}", "").strip() for k in SCORES},
                   "outcome": request.form.get(f"outcome-{e.id}", "")}
            for e in rows if f"pre_score-{e.id}" in request.form}


def _order_referrals_said(rows) -> None:
    """What the passes of a course ordered for a posting did: who was referred to it, who was not
    and why (a full or closed posting), once per outcome."""
    said: dict[str, list[str]] = {}
    for e in rows:
        if getattr(e, "order_referral", None) is not None:
            said.setdefault(e.order_referral.message, []).append(e.worker.name)
    for message, names in said.items():
        flash(_("%(names)s: %(what)s", names="、".join(names), what=message), "info")


@bp.route("/provider/courses/<int:course_id>/results", methods=["GET", "POST"], endpoint="results")
@page_roles(*roles.COURSE_MANAGERS)
def course_results(course_id):
    actor = acting_user()
    course = _managed_course(course_id, actor)
    form = ResultsForm()
    rows = services.roster(db.session, course, statuses=results.IN_CLASS)
    problems, typed, status = {}, {}, 200
    if request.method == "POST":
        entered = _entered(rows)
        # Each person is recorded in a savepoint: one refused leaves the others recorded.
        problems = submit(form, lambda: results.record_class_results(db.session, rows, entered, actor))
        _order_referrals_said(rows)
        if problems is None:  # the form itself was refused (its CSRF token); no problems is an empty result
            problems, status = {}, 400
            _expired(form)
            typed = {e.id: {**{k: request.form.get(f"{k}-{e.id}", "") for k in SCORES},
                            "outcome": request.form.get(f"outcome-{e.id}", "")} for e in rows}
        else:
            db.session.commit()
            if not problems:
                flash(_("Results saved."), "success")
                return redirect(url_for("provider.results", course_id=course.id))
            typed = {eid: entered[eid] for eid in problems}
            flash(_("Some results were not saved: see the people marked below. The others are saved."), "error")
            status = 422
    return render_template("training/provider/results.html", course=course, rows=rows, form=form,
                           attended=results.attendance_by_enrollment(db.session, course),
                           needed=results.sessions_needed(course), problems=problems, typed=typed), status
