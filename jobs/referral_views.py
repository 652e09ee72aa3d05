"""The station's referral pages (per worker, per household, per station), the answers to
referrals (one click from an employer's inbox or a station's list), follow-ups and the printable
referral slip. Same blueprint as jobs/views.py."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from core import roles
from core.auth import acting_user, page_roles
from core.extensions import db
from core.models import Role, china_today
from core.pages import form_data, form_status, safe_target, submit
from jobs import hiring, services
from jobs.forms import AnswerForm, FollowUpForm, ReferWorkerForm, RenewalForm
from jobs.models import ReferralStatus
from jobs.schemas import FollowUpIn, ReferralIn, ReferralPatch, RenewalIn
from jobs.views import LIST_LIMIT, bp, employer_home_page
from registry import services as registry

# --- referrals: a worker's, a household's, the station's ---------------------------------------

@bp.route("/workers/<int:worker_id>/referrals", methods=["GET", "POST"])
@page_roles(*roles.STAFF)
def worker_referrals(worker_id):
    actor = acting_user()
    worker = registry.get_worker(db.session, worker_id, actor)
    referrals, total = hiring.list_referrals(db.session, actor, worker_id=worker.id, limit=LIST_LIMIT)
    form = ReferWorkerForm()
    taken = {r.job_id for r in referrals}
    open_jobs, _total = services.list_jobs(db.session, actor, open_only=True, limit=LIST_LIMIT)
    form.job_id.choices = [SelectChoice("", _("— choose a posting —"))] + [
        SelectChoice(j.id, f"{j.title} · {j.employer.name}") for j in open_jobs
        if j.id not in taken and j.openings_left > 0]
    if form.validate_on_submit():
        def create(loaded):
            referral = hiring.create_referral(db.session, loaded["worker_id"], loaded["job_id"], actor,
                                                loaded.get("note"), override_reason=loaded.get("override_reason"))
            db.session.commit()
            return referral
        data = {"worker_id": worker.id, **form_data(form, ("job_id", "note", "override_reason"))}
        referral = submit(form, ReferralIn(), data, create)
        if referral is not None:
            flash(_("%(name)s is referred to %(title)s.", name=referral.worker.name, title=referral.job.title),
                  "success")
            return redirect(url_for("jobs.worker_referrals", worker_id=worker_id))
        referrals, total = hiring.list_referrals(db.session, actor, worker_id=worker_id, limit=LIST_LIMIT)
    return render_template("jobs/worker_referrals.html", worker=worker, referrals=referrals, total=total,
                           form=form), form_status()


@bp.get("/households/<code>/referrals")
@page_roles(*roles.STAFF)
def household_referrals(code):
    return _household_referrals_page(acting_user(), code)


def _household_referrals_page(actor, code: str, failed_id: int | None = None, failed_form=None):
    """The household's referrals, and the public-welfare posts its members hold with their terms
    (station staff renew them here: 续聘)."""
    household = registry.get_household(db.session, code, actor)
    referrals, total = hiring.list_referrals(db.session, actor, household_code=household.code, limit=LIST_LIMIT)
    posts = [r for r in referrals if r.status is ReferralStatus.hired and r.job.public_welfare]
    renewals = {r.id: failed_form if r.id == failed_id else
                RenewalForm(formdata=None, prefix=f"renew-{r.id}", until=hiring.next_term_end(r)) for r in posts}
    return render_template("jobs/household_referrals.html", household=household, referrals=referrals, total=total,
                           posts=posts, renewals=renewals, may_renew=actor.keeps_registry,
                           today=china_today()), 422 if failed_form is not None else 200


@bp.post("/referrals/<int:referral_id>/renewal")
@page_roles(*roles.REGISTRY_KEEPERS)
def renew_post(referral_id):
    """Renew a public-welfare post from the household's page (the same rule as the API)."""
    actor = acting_user()
    referral = hiring.get_referral(db.session, referral_id, actor)
    code = referral.worker.household.code
    form = RenewalForm(prefix=f"renew-{referral_id}")
    if form.validate_on_submit():
        def renew(loaded):
            hiring.renew_welfare_post(db.session, referral, loaded["until"], actor)
            db.session.commit()
            return referral
        if submit(form, RenewalIn(), form_data(form, ("until",)), renew) is not None:
            flash(_("The public-welfare post of %(name)s (%(title)s) is renewed until %(day)s.",
                    name=referral.worker.name, title=referral.job.title, day=referral.term_ends_on.isoformat()),
                  "success")
            return redirect(url_for("jobs.household_referrals", code=code))
    return _household_referrals_page(actor, code, failed_id=referral_id, failed_form=form)


@bp.get("/referrals")
@page_roles(*roles.STAFF)
def referrals():
    return _referrals_page(acting_user())


def _referrals_page(actor, failed_id: int | None = None, failed_form=None):
    open_referrals, open_total = hiring.list_referrals(db.session, actor, open_only=True, limit=LIST_LIMIT)
    due = hiring.due_follow_ups(db.session, actor, limit=LIST_LIMIT)
    return render_template("jobs/referrals.html", open_referrals=open_referrals, open_total=open_total, due=due,
                           may_record=actor.keeps_registry, blank=FollowUpForm(formdata=None),
                           failed_id=failed_id, failed_form=failed_form), 422 if failed_form is not None else 200


@bp.post("/referrals/<int:referral_id>/answer")
@page_roles(*roles.HIRING)
def answer_referral(referral_id):
    """One click: invite to an interview, hire, reject (with a reason), or record a departure."""
    actor = acting_user()
    referral = hiring.get_referral(db.session, referral_id, actor)
    form = AnswerForm()
    if not form.validate_on_submit():
        abort(400)
    back = safe_target(form.next.data, url_for("jobs.employer_home") if actor.role is Role.employer
                        else url_for("jobs.referrals"))

    def change(loaded):
        hiring.change_referral(db.session, referral, loaded["status"], actor, loaded.get("reason"),
                                 loaded.get("leave_reason"))
        db.session.commit()
        return referral
    done = submit(form, ReferralPatch(), form_data(form, ("status", "reason", "leave_reason")), change)
    if done is not None:
        flash(_("%(name)s, %(title)s: %(status)s.", name=done.worker.name, title=done.job.title,
                status=done.status.label), "success")
        return redirect(back)
    if actor.role is Role.employer:
        return employer_home_page(actor, failed_id=referral_id, failed_form=form)
    for field in (form.reason, form.leave_reason):  # staff answer from other pages: say it there
        for text in field.errors:
            flash(f"{field.label.text}: {text}", "error")
    return redirect(back)


@bp.post("/follow-ups/<int:follow_up_id>")
@page_roles(*roles.REGISTRY_KEEPERS)
def record_follow_up(follow_up_id):
    actor = acting_user()
    follow_up = hiring.get_follow_up(db.session, follow_up_id, actor)
    form = FollowUpForm()
    if form.validate_on_submit():
        def record(loaded):
            hiring.record_follow_up(db.session, follow_up, loaded, actor)
            db.session.commit()
            return follow_up
        data = form_data(form, ("still_employed", "wage", "problems", "leave_reason"))
        if submit(form, FollowUpIn(), data, record) is not None:
            flash(_("Follow-up of %(name)s recorded.", name=follow_up.referral.worker.name), "success")
            return redirect(url_for("jobs.referrals"))
    return _referrals_page(actor, failed_id=follow_up_id, failed_form=form)


@bp.get("/referrals/<int:referral_id>/slip")
@page_roles(*roles.STAFF)
def slip(referral_id):
    """The referral slip (介绍信) the person takes to the employer: printable, ID number masked."""
    actor = acting_user()
    referral = hiring.get_referral(db.session, referral_id, actor)
    return render_template("jobs/slip.html", referral=referral, worker=referral.worker, job=referral.job,
                           employer=referral.job.employer, station=actor.display_name or actor.username,
                           today=china_today())
