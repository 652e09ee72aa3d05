"""A worker's own applications: the page listing them with what became of each, and applying from
a posting's page (refused in the worker's words, not the station's). Same blueprint as
jobs/views.py.

Thin: parse, call jobs.me, commit once, render."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.auth import acting_user, page_roles
from core.extensions import db
from core.forms import ConfirmForm
from core.models import Role
from core.pages import submit
from jobs import hiring, me
from jobs.views import bp


@bp.app_template_global()
def my_application(job_id: int):
    """On a posting's page: the signed-in worker's application to it, if any."""
    user = current_user._get_current_object() if current_user.is_authenticated else None
    return me.application_for(db.session, user, job_id)


@bp.get("/me/applications")
@page_roles(Role.worker)
def my_applications():
    actor = acting_user()
    applications = me.applications(db.session, actor)
    return render_template("me/applications.html", applications=applications, linked=actor.worker_id is not None,
                           withdrawable={r.id for r in applications if hiring.withdrawable(actor, r)})


@bp.post("/jobs/<int:job_id>/my-application")
@page_roles(Role.worker)
def apply_myself(job_id):
    """Applying from the posting's page; a refusal (applied already, closed, full, a rule the
    person breaks) is flashed in their words and the page shows where they stand."""
    applied = submit(ConfirmForm(), lambda: me.apply(db.session, acting_user(), job_id))
    if applied:
        db.session.commit()
        flash(_("You applied. The employer answers through the labour station; you see the answer under "
                "My applications."), "success")
    return redirect(url_for("jobs.job", job_id=job_id))
