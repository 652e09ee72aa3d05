"""The employer's own pages: a short home (its postings first, then the people waiting for an
answer, then the hires and departures it may still undo), its hires ten to a page, a posting's
referrals with several hires at once, reopening a posting, the contact of a person put forward to
it (a button, audited) and undoing a hire or a departure. Same blueprint as jobs/views.py.

Thin: parse, call a service (jobs.services, jobs.hiring, jobs.referral_lifecycle), commit once, render."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from core import roles
from core.auth import acting_user, page_roles
from core.extensions import db
from core.forms import ConfirmForm
from core.models import Role, china_today
from core.pages import form_status, page_count, page_number, safe_target, submit
from jobs import complaints, hiring, referral_lifecycle, reliability, services
from jobs.forms import BulkHireForm, EmployerForm
from jobs.models import OPEN_REFERRAL, ReferralStatus
from jobs.schemas import BulkHireConfirmedIn, EmployerIn
from jobs.views import LIST_LIMIT, _area_choices, bp

HOME_INBOX = 5  # people waiting shown on the home page; every one is on its posting's page
HIRES_PAGE = 10


def _people(actor, referrals) -> dict:
    return {r.worker_id: services.person_view(r.worker, actor, referred_to_actor=True) for r in referrals}


# --- the home page -----------------------------------------------------------------------------

@bp.route("/employer", methods=["GET", "POST"])
@page_roles(Role.employer)
def employer_home():
    actor = acting_user()
    if actor.employer_id is None:
        return _link_employer(actor)
    return employer_home_page(actor)


def _link_employer(actor):
    """An employer account made without its employer (by an administrator) registers it here."""
    form = EmployerForm()
    form.area_code.choices = _area_choices()
    employer = submit(form, lambda loaded: services.create_employer(db.session, loaded, actor), EmployerIn())
    if employer:
        db.session.commit()
        flash(_("%(name)s is registered. A county officer checks new employers before villagers "
                "see their postings; you can prepare your postings now.", name=employer.name), "success")
        return redirect(url_for("jobs.employer_home"))
    return render_template("jobs/employer_form.html", form=form, signup=False), form_status()


def employer_home_page(actor, failed_id: int | None = None, failed_form=None, revealed: dict | None = None):
    """Postings first (openings left, people waiting), then who waits for an answer, then the hires
    and departures of the last day (撤销); every hire is on the hires page."""
    employer = services.get_employer(db.session, actor.employer_id)
    postings, _total = services.list_jobs(db.session, actor, limit=LIST_LIMIT)
    inbox, inbox_total = referral_lifecycle.list_referrals(db.session, actor, open_only=True, limit=HOME_INBOX)
    _some, hires_total = referral_lifecycle.list_referrals(db.session, actor, status=ReferralStatus.hired, limit=1)
    _some, departures_total = referral_lifecycle.list_referrals(db.session, actor, status=ReferralStatus.left, limit=1)
    hires = hiring.recent_changes(db.session, actor, ReferralStatus.hired)
    departures = hiring.recent_changes(db.session, actor, ReferralStatus.left)
    stability, overall = referral_lifecycle.employer_stability(db.session, employer.id)
    open_complaints, _total = complaints.list_complaints(db.session, employer, actor, open_only=True)
    return render_template("jobs/employer_home.html", employer=employer, postings=postings,
                           standing=reliability.standing_of(db.session, employer), complaints=open_complaints,
                           min_hires=reliability.RETENTION_MIN_HIRES,
                           waiting=hiring.waiting_counts(db.session, employer.id), inbox=inbox,
                           inbox_total=inbox_total, hires=hires, hires_total=hires_total, departures=departures,
                           departures_total=departures_total, people=_people(actor, (*inbox, *hires, *departures)),
                           stability=stability, overall=overall, failed_id=failed_id, failed_form=failed_form,
                           revealed=revealed or {}, form=ConfirmForm()), 422 if failed_form is not None else 200


@bp.get("/employer/hires")
@page_roles(Role.employer)
def hires():
    """The people hired through the station (or, `?show=left`, who left), ten to a page."""
    actor, page = acting_user(), page_number()
    show = "left" if request.args.get("show") == "left" else "hired"
    items, total = referral_lifecycle.list_referrals(db.session, actor, status=ReferralStatus[show], limit=HIRES_PAGE,
                                                     offset=(page - 1) * HIRES_PAGE)
    return render_template("jobs/hires.html", items=items, total=total, page=page,
                           pages=page_count(total, HIRES_PAGE), show=show, args={"show": show},
                           people=_people(actor, items), undoable={r.id for r in items if hiring.can_undo(actor, r)},
                           form=ConfirmForm())


# --- a posting's referrals: several hires at once, reopening -----------------------------------

def _own_posting(actor, job_id: int):
    job = services.get_job(db.session, job_id, actor)
    services.require_job_manager(actor, job)
    return job


@bp.get("/jobs/<int:job_id>/referrals")
@page_roles(Role.employer)
def posting_referrals(job_id):
    actor = acting_user()
    return _posting_page(actor, _own_posting(actor, job_id))


def _posting_page(actor, job, form=None, revealed: dict | None = None):
    referrals, _total = referral_lifecycle.list_referrals(db.session, actor, job_id=job.id, limit=LIST_LIMIT)
    waiting = [r for r in referrals if r.status in OPEN_REFERRAL]
    if form is None:
        form = BulkHireForm(formdata=None, hired_on=china_today())
    form.hired_on.render_kw = {"max": china_today().isoformat()}
    return render_template("jobs/referral_posting.html", job=job, waiting=waiting,
                           others=[r for r in referrals if r.status not in OPEN_REFERRAL],
                           people=_people(actor, referrals), form=form, revealed=revealed or {},
                           undoable={r.id for r in referrals if hiring.can_undo(actor, r)}), form_status()


@bp.post("/jobs/<int:job_id>/hires")
@page_roles(Role.employer)
def hire_several(job_id):
    """Everyone ticked is hired on the one day, or nobody is (the refusal names each person)."""
    actor = acting_user()
    job = _own_posting(actor, job_id)
    form = BulkHireForm()
    hired = submit(form, lambda loaded: hiring.hire_several(db.session, job, loaded["referral_ids"], actor,
                                                              loaded.get("hired_on")), BulkHireConfirmedIn())
    if hired:
        db.session.commit()
        flash(_("%(n)s people hired for %(title)s: %(names)s. You can undo each for a day.", n=len(hired),
                title=job.title, names="、".join(r.worker.name for r in hired)), "success")
        return redirect(url_for("jobs.posting_referrals", job_id=job.id))
    return _posting_page(actor, job, form)


@bp.post("/jobs/<int:job_id>/reopen")
@page_roles(*roles.JOB_POSTERS)
def reopen_job(job_id):
    """A closed posting takes people again, unless it has expired or is full (then said why)."""
    actor = acting_user()
    job = _own_posting(actor, job_id)
    if submit(ConfirmForm(), lambda: services.reopen_job(db.session, job, actor)):  # else the refusal is flashed
        db.session.commit()
        flash(_("%(title)s takes people again.", title=job.title), "success")
    return redirect(safe_target(request.form.get("next"), url_for("jobs.job", job_id=job.id)))


# --- a referred person's contact; undo ---------------------------------------------------------

@bp.post("/referrals/<int:referral_id>/contact")
@page_roles(Role.employer)
def reveal_contact(referral_id):
    """查看联系方式: the full name and phone of a person put forward to the employer's posting,
    shown on the page it was asked from; the reveal is in the audit log."""
    actor = acting_user()
    referral = referral_lifecycle.get_referral(db.session, referral_id, actor)
    contact = submit(ConfirmForm(), lambda: hiring.reveal_contact(db.session, referral, actor))
    if not contact:  # a refusal is flashed
        return redirect(url_for("jobs.employer_home"))
    db.session.commit()
    if request.form.get("on") == "posting":
        return _posting_page(actor, referral.job, revealed={referral.id: contact})
    return employer_home_page(actor, revealed={referral.id: contact})


@bp.post("/referrals/<int:referral_id>/undo")
@page_roles(*roles.HIRING)
def undo_referral(referral_id):
    """撤销: a hire or a departure of the last day taken back (refused, and said why, after a day)."""
    actor = acting_user()
    referral = referral_lifecycle.get_referral(db.session, referral_id, actor)
    back = safe_target(request.form.get("next"),
                       url_for("jobs.referrals") if actor.is_staff else url_for("jobs.employer_home"))
    undone = referral.status
    if submit(ConfirmForm(), lambda: hiring.undo_change(db.session, referral, actor)):
        db.session.commit()
        flash(_("Undone: %(name)s is no longer %(was)s (%(title)s); now %(status)s.", name=referral.worker.name,
                was=undone.label, title=referral.job.title, status=referral.status.label), "success")
    return redirect(back)

