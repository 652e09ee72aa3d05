"""The matcher's pages: a worker's recommended jobs with their reasons, the postings open once a
skill is learned and the courses that teach it, and "why not this job?". The allocation plan of
an area (review, print, export, refer in one step, referral slips) is in plan_views.py, on the
same blueprint.

Thin, like jobs/views.py: parse, call a service (matching.services), commit once, render."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from core import roles
from core.auth import acting_user, page_roles
from core.errors import DomainError
from core.extensions import db
from core.models import Role
from core.pages import submit
from jobs import hiring
from jobs import services as jobs
from jobs.forms import ReferCandidateForm
from jobs.models import Employer, Job, Referral
from jobs.schemas import ReferralIn
from matching import data, services
from matching.engine import WEIGHTS
from matching.forms import ReferJobForm, WhyNotForm
from registry import services as registry

bp = Blueprint("matching", __name__)

RECOMMENDED = 10  # jobs on a worker's page
POSTINGS = 200  # open postings offered by "why not this job?"
CANDIDATES = 50  # people on a posting's candidates page


# --- a worker's recommendations ------------------------------------------------------------------

def _open_posting_choices() -> list[tuple[int, str]]:
    """The newest open postings for "why not this job?", as (id, "title · employer") read as
    columns: no posting objects for a select box."""
    rows = db.session.execute(select(Job.id, Job.title, Employer.name).join(Employer, Employer.id == Job.employer_id)
                              .where(*data.open_jobs_conditions())
                              .order_by(Job.created_at.desc(), Job.id.desc()).limit(POSTINGS))
    return [(job_id, f"{title} · {employer}") for job_id, title, employer in rows]


def _teaching(found: services.Recommendations) -> dict[int, list[services.CourseAdvice]]:
    """For each posting open once a skill is learned, the advised courses that teach one of its
    missing skills (the course advice below says the rest)."""
    return {m.job.id: [a for a in found.courses
                       if m.job.id in a.for_job_ids or set(a.closes_skills) & set(m.missing_skills)]
            for m in found.after_training}


@bp.get("/workers/<int:worker_id>/recommendations")
@page_roles(*roles.WORKER_FILE)
def recommendations(worker_id):
    """Best first, with reasons; the courses that open better jobs; and "why not this job?"."""
    actor = acting_user()
    worker = registry.get_worker(db.session, worker_id, actor)
    found = services.recommend(db.session, worker, actor, limit=RECOMMENDED)

    form = WhyNotForm(formdata=request.args if "job" in request.args else None)
    postings = _open_posting_choices()
    form.job.choices = [SelectChoice("", _("— choose a posting —"))] + [
        SelectChoice(job_id, label) for job_id, label in postings]
    why, why_job, referred_already, status = None, None, False, 200
    if form.job.data is not None:
        try:
            why_job = jobs.get_job(db.session, form.job.data, actor)
            why = services.why_not(db.session, worker, why_job, actor)
        except DomainError as exc:
            form.job.errors = [exc.message]
            status = exc.status
        else:
            if why_job.id not in {job_id for job_id, _label in postings}:  # closed or expired: still show it
                form.job.choices.append(SelectChoice(why_job.id, f"{why_job.title} · {why_job.employer.name}"))
            referred_already = db.session.scalar(select(Referral.id).where(
                Referral.worker_id == worker.id, Referral.job_id == why_job.id)) is not None
    elif "job" in request.args and request.args["job"]:
        form.job.errors = [_("Choose a posting.")]
        status = 422

    listed = {m.job.id: m.job for m in found.jobs}
    after = {m.job.id: m.job for m in found.after_training}
    opened = {job_id: listed.get(job_id) or after.get(job_id) or db.session.get(Job, job_id)
              for advice in found.courses for job_id in advice.for_job_ids}
    return render_template("matching/recommendations.html", worker=worker, matches=found.jobs,
                           courses=found.courses, opened=opened, listed=listed, after=after,
                           after_training=found.after_training, teaching=_teaching(found),
                           can_refer=actor.role is Role.station, refer_form=ReferJobForm(formdata=None),
                           form=form, why=why, why_job=why_job, referred_already=referred_already,
                           weights=WEIGHTS), status


@bp.post("/workers/<int:worker_id>/recommendations/refer")
@page_roles(Role.station)
def refer(worker_id):
    """The station refers the person to one of the recommended postings (an ordinary referral)."""
    actor = acting_user()
    worker = registry.get_worker(db.session, worker_id, actor)
    form = ReferJobForm()
    if not form.validate_on_submit():
        abort(400)

    def create(loaded):
        referral = hiring.create_referral(db.session, loaded["worker_id"], loaded["job_id"], actor,
                                          note=_("recommended by the matcher"))
        db.session.commit()
        return referral
    referral = submit(form, ReferralIn(), {"worker_id": worker.id, "job_id": form.job_id.data}, create, shown=())
    if referral is not None:
        flash(_("%(name)s is referred to %(title)s.", name=referral.worker.name, title=referral.job.title), "success")
    return redirect(url_for(".recommendations", worker_id=worker.id))


# --- candidates --------------------------------------------------------------------------------

@bp.get("/jobs/<int:job_id>/candidates")
@page_roles(*roles.HIRING)
def candidates(job_id):
    """Best first, with the reasons; an employer sees people masked until they are referred to it."""
    actor = acting_user()
    job = jobs.get_job(db.session, job_id, actor)
    jobs.require_candidates(actor, job)
    employer = actor.role is Role.employer
    found = services.rank_candidates(db.session, job, actor, limit=CANDIDATES)
    referred = hiring.referred_worker_ids(db.session, job.employer_id) if employer else set()
    rows = [(c, jobs.person_view(c.worker, actor, c.worker.id in referred)) for c in found]
    open_to_referrals = actor.role in (Role.station, Role.employer) and job.is_open and job.openings_left > 0
    # an employer invites only people who applied to, or were referred to, one of its postings
    may_invite = hiring.reachable_worker_ids(db.session, actor.employer_id, [c.worker.id for c in found]) \
        if employer else {c.worker.id for c in found}
    return render_template("matching/candidates.html", job=job, rows=rows, can_refer=open_to_referrals,
                           may_invite=may_invite if open_to_referrals else set(),
                           form=ReferCandidateForm(formdata=None))


@bp.post("/jobs/<int:job_id>/refer")
@page_roles(*roles.HIRING)
def refer_candidate(job_id):
    """A station refers a candidate; the posting's employer invites one (the service tells which)."""
    actor = acting_user()
    form = ReferCandidateForm()
    if not form.validate_on_submit():
        abort(400)

    def create(loaded):
        referral = hiring.create_referral(db.session, loaded["worker_id"], loaded["job_id"], actor)
        db.session.commit()
        return referral
    referral = submit(form, ReferralIn(), {"worker_id": form.worker_id.data, "job_id": job_id}, create, shown=())
    if referral is not None:
        flash(_("%(name)s is referred to %(title)s.", name=referral.worker.name, title=referral.job.title), "success")
    return redirect(url_for("matching.candidates", job_id=job_id))
