"""Those who show the way (扶志), the station's pages: the records of its areas with a form for a new
one, the edit form, and publishing to the public board (and taking off it). Same blueprint as
registry/views.py.

Thin: parse, call registry.exemplars, commit once, render."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from core import roles
from core.auth import acting_user, page_roles
from core.extensions import db
from core.forms import ConfirmForm, LocalisedChoices
from core.pages import PAGE_SIZE, form_data, form_status, page_count, page_number, submit
from registry import exemplars as service
from registry.exemplar_schemas import STORY_LENGTH, ExemplarIn, ExemplarPatch
from registry.models import AreaLevel, ExemplarKind
from registry.views import bp

CLEARABLE = ("worker_id", "trade")  # a box left blank on the edit form clears what it held


class ExemplarForm(FlaskForm):
    """The boxes of a record; the rules are ExemplarIn's (the API's)."""
    kind = LocalisedChoices(_l("Kind"), ExemplarKind)
    name = StringField(_l("Name as it may be shown"), render_kw={"required": True, "maxlength": 32})
    area_code = SelectField(_l("Village or township"), choices=[], validate_choice=False,
                            render_kw={"required": True})
    title = StringField(_l("Title"), render_kw={"required": True, "maxlength": 100,
                                                "placeholder": _l("e.g. From day labourer to welding foreman")})
    story = TextAreaField(_l("Story"), render_kw={"required": True, "rows": 6, "maxlength": STORY_LENGTH})
    trade = StringField(_l("Trade or skill taught"), render_kw={"maxlength": 64, "placeholder": _l("e.g. sheep raising, embroidery")})
    consent_on = DateField(_l("Day of written consent"), validators=[Optional()], render_kw={"required": True})
    worker_id = IntegerField(_l("Registry number of the person (optional)"), validators=[Optional()],
                             render_kw={"inputmode": "numeric", "min": 1})


def _place_choices(form: ExemplarForm, actor) -> None:
    form.area_code.choices = [SelectChoice("", _("— choose —"))] + [
        SelectChoice(a.code, a.name if a.level is AreaLevel.township else f"{a.parent.name if a.parent else ''} {a.name}")
        for a in service.place_choices(db.session, actor)]


@bp.route("/exemplars", methods=["GET", "POST"])
@page_roles(*roles.STAFF)
def exemplars():
    """The records of the user's areas, newest first, and the form for a new one."""
    actor, page = acting_user(), page_number()
    form = ExemplarForm()
    _place_choices(form, actor)
    if request.method == "GET" and request.args.get("worker", "").isdigit():
        form.worker_id.data = int(request.args["worker"])
    created = submit(form, lambda data: service.create_exemplar(db.session, data, actor), ExemplarIn())
    if created:
        db.session.commit()
        flash(_("Recorded. Publish it when the person is happy with the text."), "success")
        return redirect(url_for("registry.exemplars"))
    items, total = service.list_exemplars(db.session, actor, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    return render_template("registry/exemplars.html", items=items, total=total, page=page, pages=page_count(total),
                           places=service.place_names(db.session, {e.area_code for e in items}), form=form,
                           confirm=ConfirmForm()), form_status()


def _changes(form: ExemplarForm) -> dict:
    data = form_data(form, ExemplarPatch().fields)
    for name in CLEARABLE:
        data.setdefault(name, None)
    return data


@bp.route("/exemplars/<int:exemplar_id>/edit", methods=["GET", "POST"])
@page_roles(*roles.STAFF)
def edit_exemplar(exemplar_id):
    actor = acting_user()
    exemplar = service.get_exemplar(db.session, exemplar_id, actor)
    form = ExemplarForm(obj=exemplar)
    _place_choices(form, actor)
    if request.method == "GET":
        form.kind.data = exemplar.kind.name
    if submit(form, lambda data: service.update_exemplar(db.session, exemplar, data, actor),
              ExemplarPatch(partial=True), data=_changes(form)):
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("registry.exemplars"))
    return render_template("registry/exemplar_form.html", form=form, exemplar=exemplar), \
        form_status()


@bp.post("/exemplars/<int:exemplar_id>/publish")
@page_roles(*roles.STAFF)
def publish_exemplar(exemplar_id):
    return _publishing(exemplar_id, service.publish, _("Published: it is on the public board now."))


@bp.post("/exemplars/<int:exemplar_id>/unpublish")
@page_roles(*roles.STAFF)
def unpublish_exemplar(exemplar_id):
    return _publishing(exemplar_id, service.unpublish, _("Taken off the public board."))


def _publishing(exemplar_id: int, change, done: str):
    actor = acting_user()
    exemplar = service.get_exemplar(db.session, exemplar_id, actor)
    if submit(ConfirmForm(), lambda: change(db.session, exemplar, actor)):
        db.session.commit()
        flash(done, "success")
    return redirect(url_for("registry.exemplars"))
