"""Complaints against an employer on the pages: the staff's employer page (its details, how many of
its hires are still in work six months on, its complaints, a form to file one and one to resolve
each), and the employers list's badges. Same blueprint as jobs/views.py.

Thin: parse, call a service (jobs.complaints, jobs.reliability), commit once, render."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField

from core import roles
from core.auth import acting_user, page_roles
from core.extensions import db
from core.forms import LocalisedChoices
from core.pages import form_status, submit
from jobs import complaints, reliability, services
from jobs.models import ComplaintKind
from jobs.schemas import ComplaintIn, ResolutionPageIn
from jobs.views import LIST_LIMIT, bp


class ComplaintForm(FlaskForm):
    """A complaint against the employer (jobs.schemas.ComplaintIn)."""
    kind = LocalisedChoices(_l("Kind of complaint"), ComplaintKind)
    description = TextAreaField(_l("What happened"), render_kw={"required": True, "rows": 3, "maxlength": 1000})


class ResolutionForm(FlaskForm):
    """What was done about a complaint (jobs.schemas.ResolutionPageIn)."""
    resolution = TextAreaField(_l("What was done"), render_kw={"required": True, "rows": 2, "maxlength": 500})


@bp.get("/employers/<int:employer_id>")
@page_roles(*roles.STAFF)
def employer_page(employer_id):
    return _page(acting_user(), services.get_employer(db.session, employer_id))


def _page(actor, employer, form=None, failed_id: int | None = None, failed_form=None):
    """The page, or again with a refused form's reasons (422)."""
    items, _total = complaints.list_complaints(db.session, employer, actor, limit=LIST_LIMIT)
    postings, postings_total = services.list_jobs(db.session, actor, employer_id=employer.id, limit=LIST_LIMIT)
    may_file = complaints.may_file_complaint(actor)
    if form is None and may_file:
        form = ComplaintForm(formdata=None)
    return render_template("jobs/employer.html", employer=employer,
                           standing=reliability.standing_of(db.session, employer), complaints=items,
                           postings=postings, postings_total=postings_total, form=form if may_file else None,
                           failed_id=failed_id, failed_form=failed_form,
                           min_hires=reliability.RETENTION_MIN_HIRES), \
        form_status()


@bp.post("/employers/<int:employer_id>/complaints")
@page_roles(*roles.AREA_STAFF)  # village stations and county officers
def file_complaint(employer_id):
    actor, employer = acting_user(), services.get_employer(db.session, employer_id)
    form = ComplaintForm()
    complaint = submit(form, lambda loaded: complaints.file_complaint(db.session, employer, loaded, actor),
                       ComplaintIn())
    if not complaint:
        return _page(actor, employer, form)
    db.session.commit()
    flash(_("The complaint is recorded: %(kind)s.", kind=complaint.kind.label), "success")
    if complaint.kind is ComplaintKind.wage_arrears:
        flash(_("Until it is resolved, %(name)s's postings are offered to nobody.", name=employer.name), "info")
    return redirect(url_for("jobs.employer_page", employer_id=employer.id))


@bp.post("/complaints/<int:complaint_id>/resolve")
@page_roles(*roles.STAFF)
def resolve_complaint(complaint_id):
    """Resolved with what was done; resolved already: said so, on the employer's page."""
    actor = acting_user()
    complaint = complaints.get_complaint(db.session, complaint_id, actor)
    employer = services.get_employer(db.session, complaint.employer_id)
    form = ResolutionForm()
    if submit(form, lambda loaded: complaints.resolve_complaint(db.session, complaint, actor, loaded["resolution"]),
              ResolutionPageIn()):
        db.session.commit()
        flash(_("The complaint is resolved."), "success")
    elif form.refusal is not None:
        flash(form.refusal.message, "error")
    else:
        return _page(actor, employer, failed_id=complaint.id, failed_form=form)
    return redirect(url_for("jobs.employer_page", employer_id=employer.id) + "#complaints")
