"""Registry pages: station home, households, workers, import and export. Thin: parse, call a
service, commit once, render."""
from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from core import accounts, roles
from core.auth import acting_user, page_roles
from core.errors import ValidationFailed
from core.extensions import db
from core.forms import ConfirmForm
from core.models import Role, User
from core.pages import PAGE_SIZE, form_data, form_status, page_count, page_number, submit
from core.spreadsheets import XLSX
from core.validators import AREA_CODE
from registry import areas, import_templates, importers, search, services
from registry.forms import (
    EditWorkerForm,
    HouseholdForm,
    ImportForm,
    WorkerForm,
)
from registry.models import EmploymentStatus
from registry.schemas import HouseholdIn, HouseholdPatch, WorkerIn, WorkerPatch

bp = Blueprint("registry", __name__)


# --- households --------------------------------------------------------------------------------

def _household_choices(form: HouseholdForm, actor: User) -> None:
    villages = areas.visible_villages(db.session, actor)
    form.village_code.choices = [SelectChoice(v.code, f"{v.parent.name if v.parent else ''} {v.name}")
                                 for v in villages]
    form.resettlement_area_code.choices = [SelectChoice("", "—")] + [
        SelectChoice(a.code, a.full_name) for a in areas.surrounding_areas(db.session, [v.code for v in villages])]
    form.helper_id.choices = [SelectChoice("", _("— none —"))] + [
        SelectChoice(u.id, u.display_name or u.username)
        for u in services.helper_accounts(db.session, [v.code for v in villages])]


@bp.route("/households/new", methods=["GET", "POST"])
@page_roles(*roles.REGISTRY_KEEPERS)
def new_household():
    form, actor = HouseholdForm(), acting_user()
    _household_choices(form, actor)
    household = submit(form, lambda data: services.create_household(db.session, data, actor), HouseholdIn())
    if household:
        db.session.commit()
        flash(_("Household %(code)s registered.", code=household.code), "success")
        return redirect(url_for("monitoring.household", code=household.code))
    return render_template("registry/household_form.html", form=form), form_status()


HOUSEHOLD_CLEARABLE = ("resettlement_site", "resettlement_area_code", "helper_name", "helper_id", "address")


def _household_changes(form: HouseholdForm) -> dict:
    """The edit form's fields as a patch: a box left blank clears what it held."""
    data = form_data(form, HouseholdPatch().fields)
    for name in HOUSEHOLD_CLEARABLE:
        data.setdefault(name, None)
    return data


@bp.route("/households/<code>/edit", methods=["GET", "POST"])
@page_roles(*roles.REGISTRY_KEEPERS)
def edit_household(code):
    actor = acting_user()
    household = services.get_household(db.session, code, actor)
    form = HouseholdForm(obj=household)
    form.code.render_kw = {**(form.code.render_kw or {}), "readonly": True}
    _household_choices(form, actor)
    if request.method == "GET":
        form.monitoring_status.data = household.monitoring_status.name
    if submit(form, lambda data: services.update_household(db.session, household, data, actor),
              HouseholdPatch(partial=True), data=_household_changes(form)):
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("monitoring.household", code=household.code))
    return render_template("registry/household_form.html", form=form, household=household), form_status()


# --- workers -----------------------------------------------------------------------------------

WORKER_CLEARABLE = ("phone", "relation", "education", "expected_wage", "max_commute_km", "lat", "lon")


def _worker_changes(form: EditWorkerForm) -> dict:
    """The edit form's fields as a patch: a box left blank clears what it held (the phone box
    starts blank, so a blank phone is no phone)."""
    data = form_data(form, WorkerPatch().fields)
    for name in WORKER_CLEARABLE:
        data.setdefault(name, None)
    data.setdefault("skills", [])
    data.setdefault("desired_occupations", [])
    return data


@bp.route("/workers/new", methods=["GET", "POST"])
@page_roles(*roles.REGISTRY_KEEPERS)
def new_worker():
    form, actor = WorkerForm(), acting_user()
    if request.method == "GET" and request.args.get("household"):
        form.household_code.data = request.args["household"]
    worker = submit(form, lambda data: services.create_worker(db.session, data, actor), WorkerIn())
    if worker:
        db.session.commit()
        flash(_("%(name)s registered.", name=worker.name), "success")
        return redirect(url_for("registry.worker", worker_id=worker.id))
    return render_template("registry/worker_form.html", form=form, worker=None), form_status()


@bp.route("/workers/<int:worker_id>/edit", methods=["GET", "POST"])
@page_roles(*roles.REGISTRY_KEEPERS)
def edit_worker(worker_id):
    actor = acting_user()
    worker = services.get_worker(db.session, worker_id, actor)
    form = EditWorkerForm()
    if request.method == "GET":
        _fill_worker_form(form, worker)
    if submit(form, lambda data: services.update_worker(db.session, worker, data, actor),
              WorkerPatch(partial=True), data=_worker_changes(form)):
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("registry.worker", worker_id=worker.id))
    return render_template("registry/worker_form.html", form=form, worker=worker), form_status()


def _fill_worker_form(form, worker) -> None:
    form.household_code.data = worker.household.code
    form.name.data = worker.name
    form.phone.data = ""
    form.phone.render_kw = {"placeholder": worker.phone_masked or ""}
    form.relation.data = worker.relation.name if worker.relation else ""
    form.education.data = worker.education.name if worker.education else ""
    form.school_stage.data = worker.school_stage.name
    form.health.data = worker.health.name
    form.labour_ability.data = worker.labour_ability.name
    form.employment_status.data = worker.employment_status.name
    form.skills.data = "、".join(s.name for s in worker.skills if not s.certified)
    form.desired_occupations.data = "、".join(worker.desired_occupations or [])
    form.expected_wage.data = worker.expected_wage
    form.max_commute_km.data = worker.max_commute_km
    form.willing_to_migrate.data = worker.willing_to_migrate
    form.needs_flexible_hours.data = worker.needs_flexible_hours
    if not worker.coords_from_village:
        form.lat.data, form.lon.data = worker.lat, worker.lon


@bp.route("/workers", methods=["GET", "POST"])
@page_roles(*roles.STAFF)
def workers():
    """The search form posts, so that a full ID number or phone never stands in a URL (nor in the
    server's access log): other searches come back as a plain address, which can be paged. It is a
    search, not a change: its token is checked here and the search runs outside `submit`, so that
    the throttle on exact searches answers 429 as on the API."""
    args, page, actor = request.args, page_number(), acting_user()
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        args = request.form
        if search.exact_number(args.get("q") or "") is None:  # nothing to hide: a plain link
            kept = {k: v for k, v in args.items() if k != "csrf_token" and v}
            return redirect(url_for("registry.workers", **kept))
    status = args.get("employment_status") or None
    query = search.WorkerQuery(
        area_code=args.get("area") or None, q=args.get("q") or None,
        skill=(args.get("skill") or "").strip()[:64] or None,
        employment_status=EmploymentStatus[status] if status in EmploymentStatus.__members__ else None,
        nobody_employed=args.get("nobody_employed") == "1", employed=args.get("employed") == "1",
        limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    items, total = search.search_workers(db.session, actor, query)
    if query.by_full_number:
        db.session.commit()  # its audit event
    return render_template("registry/workers.html", items=items, total=total, page=page,
                           pages=page_count(total), villages=areas.visible_villages(db.session, actor),
                           statuses=EmploymentStatus, args=args)


def _worker_page(worker, revealed=None, form=None):
    actor = acting_user()
    # an administrator opens the person's account from here (the new-account page, filled in)
    may_open = Role.worker in accounts.roles_made_by(actor) and not accounts.has_worker_account(db.session, worker.id)
    return render_template("registry/worker.html", worker=worker, revealed=revealed, form=form or ConfirmForm(),
                           birth_date=services.shown_birth_date(actor, worker), may_open_account=may_open)


@bp.get("/workers/<int:worker_id>")
@page_roles(*roles.WORKER_FILE)
def worker(worker_id):
    return _worker_page(services.get_worker(db.session, worker_id, acting_user()))


@bp.post("/workers/<int:worker_id>/reveal")
@page_roles(Role.station)
def reveal(worker_id):
    form, actor = ConfirmForm(), acting_user()
    worker = services.get_worker(db.session, worker_id, actor)
    revealed = submit(form, lambda: services.reveal_personal_data(db.session, worker, actor))
    if not revealed:
        abort(400)
    db.session.commit()
    return _worker_page(worker, revealed, form)


# --- import and export -------------------------------------------------------------------------

@bp.route("/import", methods=["GET", "POST"])
@page_roles(*roles.REGISTRY_KEEPERS)
def import_file():
    """A refused file is named with the whole reason (which row, which limit), above the form."""
    form, actor = ImportForm(), acting_user()
    report = submit(form, lambda: importers.import_file(db.session, form.kind.data, form.file.data.filename,
                                                        form.file.data.read(), actor), shown=())
    if report:
        db.session.commit()
    headers = dict(importers.KINDS.get(form.kind.data, importers.KINDS["workers"])[0])
    return render_template("registry/import.html", form=form, report=report, headers=headers)


@bp.get("/import/template/<kind>")
@page_roles(*roles.REGISTRY_KEEPERS)
def import_template(kind):
    """A blank ledger to fill in (workers, households, incomes)."""
    if kind not in import_templates.COLUMNS:
        abort(404)
    stream, filename = import_templates.import_template(db.session, kind, acting_user())
    return send_file(stream, as_attachment=True, download_name=filename, mimetype=XLSX)


@bp.get("/workers/export")
@page_roles(*roles.STAFF)
def export_workers():
    area = request.args.get("area") or None
    if area is not None and not AREA_CODE.match(area):  # it goes into the file's name, a header
        raise ValidationFailed(_("Area codes have 12 digits."), {"area": _("Area codes have 12 digits.")})
    stream, filename = importers.export_workers(db.session, acting_user(), area)
    db.session.commit()
    return send_file(stream, as_attachment=True, download_name=filename,
                     mimetype=XLSX)
