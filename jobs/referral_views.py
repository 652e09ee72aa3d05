"""The station's referral pages (per worker, per household, per station), the answers to
referrals (from an employer's inbox, a hire or a departure confirmed first), follow-ups and the printable
referral slip. Same blueprint as jobs/views.py.

Thin: parse, call a service (jobs.referral_lifecycle, jobs.services), commit once, render."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from core import roles
from core.auth import acting_user, page_roles
from core.extensions import db
from core.forms import ConfirmForm
from core.models import Role, china_today
from core.pages import form_data, form_status, safe_target, submit
from jobs import hiring, referral_lifecycle, services
from jobs.employer_views import employer_home_page
from jobs.forms import AnswerForm, FollowUpForm, ReferWorkerForm, RenewalForm
from jobs.models import ReferralStatus
from jobs.schemas import FollowUpIn, ReferralChange, ReferralIn, RenewalIn
from jobs.views import LIST_LIMIT, bp
from registry import services as registry_services

# --- a station's referral: asked first, withdrawn within a day ----------------------------------

@bp.post("/referrals/<int:referral_id>/withdraw")
@page_roles(*roles.REFERRAL_MAKERS)
def withdraw_referral(referral_id):
    """撤回: a referral made by mistake, taken back by its maker within a day, before any answer."""
    actor = acting_user()
    referral = referral_lifecycle.get_referral(db.session, referral_id, actor)
    name, title = referral.worker.name, referral.job.title
    fallback = url_for("jobs.my_applications") if actor.role is Role.worker else url_for("jobs.referrals")
    back = safe_target(request.form.get("next"), fallback)
    if submit(ConfirmForm(), lambda: hiring.withdraw_referral(db.session, referral, actor)):
        db.session.commit()
        flash(_("Withdrawn: %(name)s is no longer put forward for %(title)s.", name=name, title=title), "success")
    return redirect(back)


# --- referrals: a worker's, a household's, the station's ---------------------------------------

@bp.route("/workers/<int:worker_id>/referrals", methods=["GET", "POST"])
@page_roles(*roles.STAFF)
def worker_referrals(worker_id):
    """The person's referrals, and the station's form to refer them: asked once more first
    ("推荐 马成 去 电焊工？"), made only when confirmed."""
    actor = acting_user()
    worker = registry_services.get_worker(db.session, worker_id, actor)
    form = ReferWorkerForm()
    posted = {"worker_id": worker_id, **form_data(form, ("job_id", "note", "override_reason"))}

    def refer(loaded):
        return referral_lifecycle.create_referral(db.session, loaded["worker_id"], loaded["job_id"], actor,
                                                  loaded.get("note"), override_reason=loaded.get("override_reason"))
    if form.confirm.data != "1":
        question = submit(form, lambda loaded: hiring.referral_question(db.session, lambda: refer(loaded)),
                          ReferralIn(), data=posted)
        if question:
            carry = {name: form[name].data for name in ("job_id", "note", "override_reason")}
            return render_template("jobs/refer_confirm.html", **question, action=request.path, carry=carry,
                                   back=url_for("jobs.worker_referrals", worker_id=worker_id))
        referral = None
    else:
        referral = submit(form, refer, ReferralIn(), data=posted)
    if referral:
        db.session.commit()
        flash(_("%(name)s is referred to %(title)s.", name=referral.worker.name, title=referral.job.title),
              "success")
        return redirect(url_for("jobs.worker_referrals", worker_id=worker_id))
    # listed after a refused referral too: the choice offers only postings the person is not in yet
    referrals, total = referral_lifecycle.list_referrals(db.session, actor, worker_id=worker_id, limit=LIST_LIMIT)
    taken = {r.job_id for r in referrals}
    open_jobs, _total = services.list_jobs(db.session, actor, open_only=True, limit=LIST_LIMIT)
    form.job_id.choices = [SelectChoice("", _("— choose a posting —"))] + [
        SelectChoice(j.id, f"{j.title} · {j.employer.name}") for j in open_jobs
        if j.id not in taken and j.openings_left > 0]
    return render_template("jobs/worker_referrals.html", worker=worker, referrals=referrals, total=total,
                           form=form, actions=hiring.station_actions(db.session, actor, referrals)), form_status()


@bp.get("/households/<code>/referrals")
@page_roles(*roles.STAFF)
def household_referrals(code):
    return _household_referrals_page(acting_user(), code)


def _household_referrals_page(actor, code: str, failed_id: int | None = None, failed_form=None):
    """The household's referrals, and the public-welfare posts its members hold with their terms
    (station staff renew them here: 续聘)."""
    household = registry_services.get_household(db.session, code, actor)
    referrals, total = referral_lifecycle.list_referrals(db.session, actor, household_code=household.code,
                                                         limit=LIST_LIMIT)
    posts = [r for r in referrals if r.status is ReferralStatus.hired and r.job.public_welfare]
    renewals = {r.id: failed_form if r.id == failed_id else
                RenewalForm(formdata=None, prefix=f"renew-{r.id}", until=referral_lifecycle.next_term_end(r))
                for r in posts}
    return render_template("jobs/household_referrals.html", household=household, referrals=referrals, total=total,
                           posts=posts, renewals=renewals, may_renew=actor.keeps_registry,
                           actions=hiring.station_actions(db.session, actor, referrals),
                           today=china_today()), 422 if failed_form is not None else 200


@bp.post("/referrals/<int:referral_id>/renewal")
@page_roles(*roles.REGISTRY_KEEPERS)
def renew_post(referral_id):
    """Renew a public-welfare post from the household's page (the same rule as the API)."""
    actor = acting_user()
    referral = referral_lifecycle.get_referral(db.session, referral_id, actor)
    code = referral.worker.household.code
    form = RenewalForm(prefix=f"renew-{referral_id}")
    if submit(form, lambda loaded: referral_lifecycle.renew_welfare_post(db.session, referral, loaded["until"], actor),
              RenewalIn()):
        db.session.commit()
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
    open_referrals, open_total = referral_lifecycle.list_referrals(db.session, actor, open_only=True, limit=LIST_LIMIT)
    due = referral_lifecycle.due_follow_ups(db.session, actor, limit=LIST_LIMIT)
    return render_template("jobs/referrals.html", open_referrals=open_referrals, open_total=open_total, due=due,
                           actions=hiring.station_actions(db.session, actor, open_referrals),
                           may_record=actor.keeps_registry, blank=FollowUpForm(formdata=None),
                           failed_id=failed_id, failed_form=failed_form), 422 if failed_form is not None else 200


# a hire or a departure is asked again before anything changes, with its day (and a departure's reason)
ASKED = {"hired": ("hired_on",), "left": ("left_on", "leave_reason")}


@bp.post("/referrals/<int:referral_id>/answer")
@page_roles(*roles.HIRING)
def answer_referral(referral_id):
    """Invite to an interview or reject (with a reason) in one click; a hire or a departure first
    shows its confirmation ("确认录用 马成？") with the day, and changes nothing until confirmed."""
    actor = acting_user()
    referral = referral_lifecycle.get_referral(db.session, referral_id, actor)
    form = AnswerForm()
    # staff answer from their lists; an employer (the one other role that hires) from its home
    back = safe_target(form.next.data, url_for("jobs.referrals") if actor.is_staff else url_for("jobs.employer_home"))
    asked = ASKED.get(form.status.data)
    if asked and form.confirm.data != "1":
        if not form.validate_on_submit():
            abort(400)
        return _confirmation(referral, form, back)
    done = submit(form, lambda loaded: referral_lifecycle.change_referral(
        db.session, referral, loaded["status"], actor, loaded.get("reason"), loaded.get("leave_reason"),
        on=loaded.get("left_on") if loaded["status"] is ReferralStatus.left else loaded.get("hired_on")),
        ReferralChange(), shown=asked)
    if done:
        db.session.commit()
        flash(_("%(name)s, %(title)s: %(status)s.", name=done.worker.name, title=done.job.title,
                status=done.status.label), "success")
        if asked:
            flash(_("Done by mistake? Undo it within a day (撤销)."), "info")
        return redirect(back)
    if asked:
        return _confirmation(referral, form, back, 422)
    if not actor.is_staff:
        return employer_home_page(actor, failed_id=referral_id, failed_form=form)
    for field in (form.reason, form.leave_reason):  # staff answer from other pages: say it there
        for text in field.errors:
            flash(f"{field.label.text}: {text}", "error")
    return redirect(back)


def _confirmation(referral, form, back: str, status: int = 200):
    """The question before a hire or a departure, with the day (today unless changed, never later)."""
    today = china_today()
    for field in (form.hired_on, form.left_on):
        if field.data is None and not field.errors and not field.raw_data:
            field.data = today
        field.render_kw = {"max": today.isoformat(), "required": True}
    return render_template("jobs/referral_confirm.html", referral=referral, form=form, back=back,
                           hire=form.status.data == "hired"), status


@bp.post("/follow-ups/<int:follow_up_id>")
@page_roles(*roles.REGISTRY_KEEPERS)
def record_follow_up(follow_up_id):
    actor = acting_user()
    follow_up = referral_lifecycle.get_follow_up(db.session, follow_up_id, actor)
    form = FollowUpForm()
    if submit(form, lambda loaded: referral_lifecycle.record_follow_up(db.session, follow_up, loaded, actor),
              FollowUpIn()):
        db.session.commit()
        flash(_("Follow-up of %(name)s recorded.", name=follow_up.referral.worker.name), "success")
        return redirect(url_for("jobs.referrals"))
    return _referrals_page(actor, failed_id=follow_up_id, failed_form=form)


@bp.get("/referrals/<int:referral_id>/slip")
@page_roles(*roles.STAFF)
def slip(referral_id):
    """The referral slip (介绍信) the person takes to the employer: printable, ID number masked."""
    actor = acting_user()
    referral = referral_lifecycle.get_referral(db.session, referral_id, actor)
    return render_template("jobs/slip.html", referral=referral, worker=referral.worker, job=referral.job,
                           employer=referral.job.employer, station=actor.display_name or actor.username,
                           today=china_today())
