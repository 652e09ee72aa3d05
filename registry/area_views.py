"""The administrator's areas pages: every county with its townships and villages, their names, points
and parents, and the form that corrects one. Same blueprint as registry/views.py.

Thin: parse, call a service (registry.areas), commit once, render."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DecimalField, SelectField, StringField
from wtforms.validators import Optional

from core.auth import acting_user, page_roles
from core.extensions import db
from core.models import Role
from core.pages import form_status, submit
from registry import areas
from registry.models import AreaLevel
from registry.schemas import AreaPatch
from registry.views import bp


class AreaForm(FlaskForm):
    """An area's correction (registry.schemas.AreaPatch holds the rules)."""
    name = StringField(_l("Name"), render_kw={"required": True})
    lat = DecimalField(_l("Latitude"), places=None, validators=[Optional()], render_kw={"inputmode": "decimal"})
    lon = DecimalField(_l("Longitude"), places=None, validators=[Optional()], render_kw={"inputmode": "decimal"})
    parent_code = SelectField(_l("Parent area"), choices=[], validate_choice=False)


@bp.get("/areas")
@page_roles(Role.admin)
def area_list():
    """Counties, their townships and villages, with points; the ones that hang under none at the end."""
    tree, unplaced = areas.area_tree(db.session)
    return render_template("registry/areas.html", tree=tree, unplaced=unplaced)


def _parents(area) -> list[tuple[str, str]]:
    """Where the area may hang: the counties for a township, the county's townships for a village."""
    if area.level is AreaLevel.county:
        return [("", "—")]
    if area.level is AreaLevel.township:
        found, _total = areas.list_areas(db.session, level=AreaLevel.county)
    else:
        found, _total = areas.list_areas(db.session, parent_code=area.code[:6] + "000000", level=AreaLevel.township)
    return [(a.code, f"{a.name} {a.code}") for a in found]


@bp.route("/areas/<code>", methods=["GET", "POST"])
@page_roles(Role.admin)
def area_edit(code):
    area, actor = areas.get_area(db.session, code), acting_user()
    form = AreaForm(data={"name": area.name, "lat": area.lat, "lon": area.lon, "parent_code": area.parent_code or ""})
    form.parent_code.choices = _parents(area)
    data = {"name": (form.name.data or "").strip(),
            "lat": float(form.lat.data) if form.lat.data is not None else None,
            "lon": float(form.lon.data) if form.lon.data is not None else None,
            "parent_code": form.parent_code.data or None}
    if submit(form, lambda loaded: areas.update_area(db.session, code, loaded, actor), AreaPatch(), data=data):
        db.session.commit()
        flash(_("%(name)s is saved.", name=area.name), "success")
        return redirect(url_for("registry.area_list", _anchor=f"area-{code}"))
    return render_template("registry/area_form.html", area=area, form=form), form_status()
