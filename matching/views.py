"""The matcher's pages: a worker's recommended jobs with their reasons, the postings open once a
skill is learned and the courses that teach it, and "why not this job?"; a posting's candidates,
whom a station refers and its employer invites. The allocation plan of an area (review, print,
export, refer in one step, referral slips) is in plan_views.py, on the same blueprint.

Thin: parse, call a service (matching.services, jobs.referral_lifecycle), commit once, render."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from core import roles
from core.auth import acting_user, page_roles
from core.errors import DomainError
from core.extensions import db
from core.models import Role
from core.pages import submit
from jobs import services as job_services
from jobs.schemas import ReferralIn
from matching import services
from matching.engine import WEIGHTS
from matching.forms import ReferCandidateForm, ReferJobForm, WhyNotForm
from registry import services as registry_services

bp = Blueprint("matching", __name__)

RECOMMENDED = 10  # jobs on a worker's page
POSTINGS = 200  # open postings offered by "why not this job?"
CANDIDATES = 50  # people on a posting's candidates page


# --- a worker's recommendations ------------------------------------------------------------------

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
    worker = registry_services.get_worker(db.session, worker_id, actor)
    found = services.recommend(db.session, worker, actor, limit=RECOMMENDED)

    form = WhyNotForm(formdata=request.args if "job" in request.args else None)
    postings = services.open_posting_choices(db.session, POSTINGS)
    form.job.choices = [SelectChoice("", _("— choose a posting —"))] + [
        SelectChoice(job_id, label) for job_id, label in postings]
    why, why_job, referred_already, status = None, None, False, 200
    if form.job.data is not None:
        try:
            why_job = job_services.get_job(db.session, form.job.data, actor)
            why = services.why_not(db.session, worker, why_job, actor)
        except DomainError as exc:
            form.job.errors = [exc.message]
            status = exc.status
        else:
            if why_job.id not in {job_id for job_id, _label in postings}:  # closed or expired: still show it
                form.job.choices.append(SelectChoice(why_job.id, f"{why_job.title} · {why_job.employer.name}"))
            referred_already = services.was_referred(db.session, worker, why_job)
    elif "job" in request.args and request.args["job"]:
        form.job.errors = [_("Choose a posting.")]
        status = 422

    listed = {m.job.id: m.job for m in found.jobs}
    after = {m.job.id: m.job for m in found.after_training}
    opened = services.advised_jobs(db.session, found)
    return render_template("matching/recommendations.html", worker=worker, matches=found.jobs,
                           courses=found.courses, opened=opened, listed=listed, after=after,
                           after_training=found.after_training, teaching=_teaching(found),
                           can_refer=services.may_refer_recommended(actor), refer_form=ReferJobForm(formdata=None),
                           form=form, why=why, why_job=why_job, referred_already=referred_already,
                           weights=WEIGHTS), status


@bp.post("/workers/<int:worker_id>/recommendations/refer")
@page_roles(Role.station)
def refer(worker_id):
    """The station refers the person to one of the recommended postings (an ordinary referral)."""
    actor = acting_user()
    worker = registry_services.get_worker(db.session, worker_id, actor)
    form = ReferJobForm()
    back = url_for(".recommendations", worker_id=worker.id)

    def refer(loaded):
        return job_services.create_referral(db.session, loaded["worker_id"], loaded["job_id"], actor,
                                            note=_("recommended by the matcher"))
    return _referred(form, refer, {"worker_id": worker.id, "job_id": form.job_id.data},
                     carry={"job_id": form.job_id.data}, back=back)


def _referred(form, refer, posted: dict, carry: dict, back: str, ask: bool = True):
    """A referral from one of the matcher's pages: asked once more first (jobs/refer_confirm.html,
    the referral tried by its own rules and taken back), made when confirmed, then back to `back`."""
    if ask and form.confirm.data != "1":
        question = submit(form, lambda loaded: job_services.referral_question(db.session, lambda: refer(loaded)),
                          ReferralIn(), data=posted, shown=())
        if question:
            return render_template("jobs/refer_confirm.html", **question, action=request.path, carry=carry, back=back)
        return redirect(back)
    referral = submit(form, refer, ReferralIn(), data=posted, shown=())
    if referral:
        db.session.commit()
        flash(_("%(name)s is referred to %(title)s.", name=referral.worker.name, title=referral.job.title), "success")
    return redirect(back)


# --- candidates --------------------------------------------------------------------------------

@bp.get("/jobs/<int:job_id>/candidates")
@page_roles(*roles.HIRING)
def candidates(job_id):
    """Best first, with the reasons; an employer sees people masked until they are referred to it."""
    actor = acting_user()
    job = job_services.get_job(db.session, job_id, actor)
    job_services.require_candidates(actor, job)
    found = services.rank_candidates(db.session, job, actor, limit=CANDIDATES)
    shown = services.shown_people(db.session, job, actor, found)
    return render_template("matching/candidates.html", job=job, rows=[(c, shown[c.worker.id]) for c in found],
                           paused=services.candidates_paused(db.session, job),
                           can_refer=services.may_refer_candidates(actor, job),
                           may_invite=services.invitable(db.session, job, actor, found),
                           form=ReferCandidateForm(formdata=None))


@bp.post("/jobs/<int:job_id>/refer")
@page_roles(*roles.HIRING)
def refer_candidate(job_id):
    """A station refers a candidate; the posting's employer invites one (the service tells which)."""
    actor = acting_user()
    form = ReferCandidateForm()
    back = url_for("matching.candidates", job_id=job_id)

    def refer(loaded):
        return job_services.create_referral(db.session, loaded["worker_id"], loaded["job_id"], actor)
    # a station is asked once more first; an employer's invitation is one click
    return _referred(form, refer, {"worker_id": form.worker_id.data, "job_id": job_id},
                     carry={"worker_id": form.worker_id.data}, back=back, ask=actor.is_staff)
