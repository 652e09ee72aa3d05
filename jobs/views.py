"""Jobs pages: the public postings, employer sign-up, posting forms and the officers' verification
of employers. The employer's own pages are jobs/employer_views.py; referrals, follow-ups and slips
jobs/referral_views.py (same blueprint).

Thin: parse, call a service (jobs.services, jobs.referral_lifecycle), commit once, render."""
from datetime import datetime
from enum import Enum

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from core import accounts, roles
from core.auth import acting_user, page_roles, sign_in
from core.extensions import db, limiter
from core.forms import ConfirmForm
from core.models import CHINA, Role
from core.pages import (
    PAGE_SIZE,
    form_data,
    form_status,
    page_count,
    page_number,
    safe_target,
    submit,
)
from jobs import services, verification
from jobs.forms import EmployerSignUpForm, JobForm, RefusalForm
from jobs.schemas import EmployerSignUpIn, JobIn, JobPatch, RefusalIn
from registry.models import AreaLevel
from registry.services import list_areas

bp = Blueprint("jobs", __name__)

LIST_LIMIT = 200  # rows of one list on one page (inboxes, referrals of a person or household)
SIGN_UP_THROTTLE = "20 per hour"

JOB_FIELDS = tuple(name for name in JobIn().fields if name not in ("lat", "lon"))
# What an edit may empty: a field left blank on the form clears the stored value.
JOB_CLEARABLE = ("description", "wage_min", "wage_max", "address", "area_code", "shift", "min_age",
                 "max_age", "starts_on", "expires_on", "training_months", "mentor_name")


# --- helpers -----------------------------------------------------------------------------------

def _viewer():
    """The signed-in user, or None on the public pages."""
    return current_user._get_current_object() if current_user.is_authenticated else None


def _area_choices() -> list[SelectChoice]:
    """Counties and townships on file: where an employer or a job is (optional)."""
    counties, _total = list_areas(db.session, level=AreaLevel.county, limit=1000)
    townships, _total = list_areas(db.session, level=AreaLevel.township, limit=5000)
    areas = sorted(counties + townships, key=lambda a: a.code)
    return [SelectChoice("", "—")] + [SelectChoice(a.code, a.full_name) for a in areas]


@bp.app_template_filter("china_date")
def china_date(value) -> str:
    """A stored UTC timestamp (or a date) as the calendar day in China."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return value.astimezone(CHINA).date().isoformat()
    return value.isoformat()


# --- public postings ---------------------------------------------------------------------------

@bp.get("/jobs")
def jobs():
    """Open postings of verified employers, by title or employer and by skill as people say it
    ("会开叉车"); staff may ask for every posting."""
    viewer, page, args = _viewer(), page_number(), request.args
    q = (args.get("q") or "").strip()[:64] or None
    skill = (args.get("skill") or "").strip()[:64] or None
    staff = viewer is not None and viewer.is_staff
    everything = staff and args.get("all") == "1"
    items, total = services.list_jobs(db.session, viewer, open_only=not everything, q=q, skill=skill,
                                      limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    return render_template("jobs/list.html", items=items, total=total, page=page, pages=page_count(total),
                           args=args, staff=staff)


@bp.get("/jobs/<int:job_id>")
def job(job_id):
    viewer = _viewer()
    job = services.get_job(db.session, job_id, viewer)
    return render_template("jobs/job.html", job=job, manage=services.may_manage_job(viewer, job),
                           candidates=services.may_see_candidates(viewer, job),
                           contact=services.may_see_contact(viewer, job.employer), form=ConfirmForm())


# --- employers: sign-up, home, verification ----------------------------------------------------

@bp.route("/employers/register", methods=["GET", "POST"])
@limiter.limit(SIGN_UP_THROTTLE, methods=["POST"])
def register_employer():
    if current_user.is_authenticated:
        flash(_("You are signed in already."), "info")
        return redirect(url_for("jobs.employer_home") if current_user.role is Role.employer
                        else url_for("home.index"))
    form = EmployerSignUpForm()
    form.area_code.choices = _area_choices()
    # every problem at once: the employer's fields, the area, the credit code on file, the password
    registered = submit(form, lambda loaded: services.register_employer(
        db.session, {k: v for k, v in loaded.items() if k not in ("password", "confirm")}, loaded["password"]),
        EmployerSignUpIn())
    if registered:
        employer, user = registered
        sign_in(user)
        db.session.commit()
        flash(_("%(name)s is registered. A county officer checks new employers before villagers "
                "see their postings; you can prepare your postings now.", name=employer.name), "success")
        flash(_("Next time, sign in with your credit code %(uscc)s and your password.", uscc=employer.uscc),
              "info")
        return redirect(url_for("jobs.employer_home"))
    return render_template("jobs/employer_form.html", form=form, signup=True), form_status()


@bp.get("/employers")
@page_roles(*roles.OFFICERS)
def employers():
    page, args = page_number(), request.args
    verified = {"0": False, "1": True}.get(args.get("verified"))
    items, total = services.list_employers(db.session, verified=verified, limit=PAGE_SIZE,
                                           offset=(page - 1) * PAGE_SIZE)
    services.attach_standing(db.session, items)  # open complaints and retention, for the whole page at once
    return render_template("jobs/employers.html", items=items, total=total, page=page, pages=page_count(total),
                           args=args, form=ConfirmForm(),
                           with_account=accounts.employers_with_account(db.session, (e.id for e in items)))


@bp.post("/employers/<int:employer_id>/verify")
@page_roles(*roles.OFFICERS)
def verify_employer(employer_id):
    actor, employer = acting_user(), services.get_employer(db.session, employer_id)
    if submit(ConfirmForm(), lambda: services.verify_employer(db.session, employer, actor)):  # else flashed
        db.session.commit()
        flash(_("%(name)s is verified: its open postings are now public.", name=employer.name), "success")
    return redirect(safe_target(request.form.get("next"), url_for("jobs.employers")))


@bp.post("/employers/<int:employer_id>/refuse")
@page_roles(*roles.OFFICERS)
def refuse_employer(employer_id):
    """Not verified, with the reason the employer will read."""
    actor, employer = acting_user(), services.get_employer(db.session, employer_id)
    form = RefusalForm()
    if submit(form, lambda data: verification.refuse_employer(db.session, employer, data["reason"], actor),
              RefusalIn()):
        db.session.commit()
        flash(_("%(name)s is not verified; the reason is shown to it.", name=employer.name), "success")
    return redirect(safe_target(request.form.get("next"), url_for("jobs.employers")))


# --- postings ----------------------------------------------------------------------------------

def _job_form(actor, job=None):
    form = JobForm()
    form.area_code.choices = _area_choices()
    if not actor.is_officer:
        del form.public_welfare  # 公益性岗位 are marked by county officers only
    if job is not None or not actor.is_officer:
        del form.employer_id  # an edit keeps the employer; an employer account posts for its own
    else:
        employers, _total = services.list_employers(db.session, limit=1000)
        form.employer_id.choices = [
            SelectChoice(e.id, e.name if e.verified else _("%(name)s (not verified yet)", name=e.name))
            for e in employers]
        if request.method == "GET" and request.args.get("employer", type=int):
            form.employer_id.data = request.args.get("employer", type=int)
    return form


def _fill_job_form(form, job) -> None:
    for name in JOB_FIELDS:
        field = getattr(form, name, None)
        if field is None:
            continue
        value = getattr(job, name)
        if name == "required_skills":
            value = "、".join(s.name for s in job.required_skills)
        elif isinstance(value, Enum):
            value = value.name
        field.data = value


def _edited_job(form) -> dict:
    """What an edit sends: the filled-in fields, and a box left blank clears its stored value."""
    return {**dict.fromkeys(JOB_CLEARABLE), "required_skills": [], **form_data(form, JOB_FIELDS)}


@bp.route("/jobs/new", methods=["GET", "POST"])
@page_roles(*roles.JOB_POSTERS)
def new_job():
    actor = acting_user()
    if not actor.is_officer and actor.employer_id is None:  # an employer account not yet tied to its employer
        flash(_("Register your employer first."), "error")
        return redirect(url_for("jobs.employer_home"))
    form = _job_form(actor)
    data = form_data(form, JOB_FIELDS)
    if not actor.is_officer:
        data["employer_id"] = actor.employer_id
    job = submit(form, lambda loaded: services.create_job(db.session, loaded, actor), JobIn(), data=data)
    if job:
        db.session.commit()
        flash(_("Posting %(title)s saved.", title=job.title), "success")
        if not job.employer.verified:
            flash(_("Villagers see it once a county officer has verified the employer."), "info")
        return redirect(url_for("jobs.job", job_id=job.id))
    return render_template("jobs/job_form.html", form=form, job=None), form_status()


@bp.route("/jobs/<int:job_id>/edit", methods=["GET", "POST"])
@page_roles(*roles.JOB_POSTERS)
def edit_job(job_id):
    actor = acting_user()
    job = services.get_job(db.session, job_id, actor)
    services.require_job_manager(actor, job)
    form = _job_form(actor, job)
    if request.method == "GET":
        _fill_job_form(form, job)
    elif submit(form, lambda loaded: services.update_job(db.session, job, loaded, actor), JobPatch(partial=True),
                data=_edited_job(form)):
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("jobs.job", job_id=job.id))
    return render_template("jobs/job_form.html", form=form, job=job), form_status()


@bp.post("/jobs/<int:job_id>/close")
@page_roles(*roles.JOB_POSTERS)
def close_job(job_id):
    actor = acting_user()
    job = services.get_job(db.session, job_id, actor)
    services.require_job_manager(actor, job)
    if submit(ConfirmForm(), lambda: services.close_job(db.session, job, actor)):  # else the refusal is flashed
        db.session.commit()
        flash(_("The posting is closed: it takes no more referrals."), "success")
    return redirect(url_for("jobs.job", job_id=job.id))
