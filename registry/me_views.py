"""A worker's own pages of the registry: "my details" (what they change themselves, with the same
rules as `PATCH /api/v1/me`) and "my household" (who is in it, nothing more). Same blueprint as
registry/views.py.

Thin: parse, call registry.me, commit once, render."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, TextAreaField
from wtforms.validators import Optional

from core.auth import acting_user, page_roles
from core.extensions import db
from core.models import Role
from core.pages import form_data, form_status, submit
from registry import me
from registry.views import bp


class MyDetailsForm(FlaskForm):
    """The boxes of "my details"; the rules are SelfServicePatch's (the API's)."""
    expected_wage = IntegerField(_l("Wage I want each month (yuan)"), validators=[Optional()],
                                 render_kw={"inputmode": "numeric", "min": 0, "max": 100000})
    max_commute_km = IntegerField(_l("How far I can travel to work each day (km)"), validators=[Optional()],
                                  render_kw={"inputmode": "numeric", "min": 0, "max": 5000})
    willing_to_migrate = BooleanField(_l("I can work away from home"))
    needs_flexible_hours = BooleanField(_l("I need flexible hours (I look after family)"))
    skills = TextAreaField(_l("What I can do (separate with 、 or commas)"),
                           render_kw={"rows": 3, "placeholder": _l("e.g. welding, driving a forklift, cooking")})


def _fill(form: MyDetailsForm, worker) -> None:
    for name in ("expected_wage", "max_commute_km", "willing_to_migrate", "needs_flexible_hours"):
        getattr(form, name).data = getattr(worker, name)
    form.skills.data = "、".join(s.name for s in worker.skills if not s.certified)


@bp.route("/me/edit", methods=["GET", "POST"])
@page_roles(Role.worker)
def my_details():
    actor = acting_user()
    worker = me.own_worker(db.session, actor)
    if worker is None:
        return render_template("me/edit.html", worker=None, form=None)
    form = MyDetailsForm()
    if request.method == "GET":
        _fill(form, worker)
    # a box left blank clears what was said (no wage in mind, no skill to name)
    data = {"expected_wage": None, "max_commute_km": None, "skills": [], **form_data(form, me.SELF_SERVICE_FIELDS)}
    if submit(form, lambda loaded: me.update_own(db.session, actor, loaded), me.SelfServicePatch(partial=True),
              data=data):
        db.session.commit()
        flash(_("Saved. The jobs suggested to you now follow what you said."), "success")
        return redirect(url_for("registry.my_details"))
    return render_template("me/edit.html", worker=worker, form=form,
                           certified=[s for s in worker.skills if s.certified]), form_status()


@bp.get("/me/household")
@page_roles(Role.worker)
def my_household():
    """The worker's own household: its village and its members' names and relations."""
    actor = acting_user()
    found = me.own_household(db.session, actor)
    household, members = found if found else (None, [])
    return render_template("me/household.html", household=household, members=members, me_id=actor.worker_id)
