"""The matcher's pages: a worker's recommended jobs with their reasons and the courses that open
better ones, "why not this job?", and the allocation plan of an area that staff review, print,
export and refer in one step (all or nothing).

Thin, like jobs/views.py: parse, call a service (matching.services), commit once, render. Only
names of people are shown or exported here, never ID numbers or phones."""
from itertools import groupby

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from core.auth import acting_user, page_roles
from core.errors import DomainError, flatten_fields
from core.extensions import db
from core.models import Role, User, china_today
from core.pages import submit
from core.scoping import scope_clause
from core.spreadsheets import XLSX
from jobs import hiring
from jobs import services as jobs
from jobs.models import Employer, Job, Referral
from jobs.schemas import ReferralIn
from matching import data, services
from matching.engine import WEIGHTS
from matching.forms import AreaForm, PlanReferForm, ReferJobForm, WhyNotForm
from matching.schemas import PlanReferralsIn
from registry import services as registry
from registry.models import Area, AreaLevel

bp = Blueprint("matching", __name__)

STAFF = (Role.admin, Role.county, Role.station)
RECOMMENDED = 10  # jobs on a worker's page
POSTINGS = 200  # open postings offered by "why not this job?"
AREA_LIMIT = 1000  # options of the area select


# --- a worker's recommendations ------------------------------------------------------------------

def _open_posting_choices() -> list[tuple[int, str]]:
    """The newest open postings for "why not this job?", as (id, "title · employer") read as
    columns: no posting objects for a select box."""
    rows = db.session.execute(select(Job.id, Job.title, Employer.name).join(Employer, Employer.id == Job.employer_id)
                              .where(*data.open_jobs_conditions())
                              .order_by(Job.created_at.desc(), Job.id.desc()).limit(POSTINGS))
    return [(job_id, f"{title} · {employer}") for job_id, title, employer in rows]


@bp.get("/workers/<int:worker_id>/recommendations")
@page_roles(*STAFF, Role.worker)
def recommendations(worker_id):
    """Best first, with reasons; the courses that open better jobs; and "why not this job?"."""
    actor = acting_user()
    worker = registry.get_worker(db.session, worker_id, actor)
    found = services.recommend(db.session, worker, actor, limit=RECOMMENDED)

    form = WhyNotForm(formdata=request.args if "job" in request.args else None)
    postings = _open_posting_choices()
    form.job.choices = [SelectChoice("", _("— choose a posting —"))] + [
        SelectChoice(job_id, label) for job_id, label in postings]
    why, why_job, referred_already, status = None, None, False, 200
    if form.job.data is not None:
        try:
            why_job = jobs.get_job(db.session, form.job.data, actor)
            why = services.why_not(db.session, worker, why_job, actor)
        except DomainError as exc:
            form.job.errors = [exc.message]
            status = exc.status
        else:
            if why_job.id not in {job_id for job_id, _label in postings}:  # closed or expired: still show it
                form.job.choices.append(SelectChoice(why_job.id, f"{why_job.title} · {why_job.employer.name}"))
            referred_already = db.session.scalar(select(Referral.id).where(
                Referral.worker_id == worker.id, Referral.job_id == why_job.id)) is not None
    elif "job" in request.args and request.args["job"]:
        form.job.errors = [_("Choose a posting.")]
        status = 422

    listed = {m.job.id: m.job for m in found.jobs}
    opened = {job_id: listed.get(job_id) or db.session.get(Job, job_id)
              for advice in found.courses for job_id in advice.for_job_ids}
    return render_template("matching/recommendations.html", worker=worker, matches=found.jobs,
                           courses=found.courses, opened=opened, listed=listed,
                           can_refer=actor.role is Role.station, refer_form=ReferJobForm(formdata=None),
                           form=form, why=why, why_job=why_job, referred_already=referred_already,
                           weights=WEIGHTS), status


@bp.post("/workers/<int:worker_id>/recommendations/refer")
@page_roles(Role.station)
def refer(worker_id):
    """The station refers the person to one of the recommended postings (an ordinary referral)."""
    actor = acting_user()
    worker = registry.get_worker(db.session, worker_id, actor)
    form = ReferJobForm()
    if not form.validate_on_submit():
        abort(400)

    def create(loaded):
        referral = hiring.create_referral(db.session, loaded["worker_id"], loaded["job_id"], actor,
                                          note=_("recommended by the matcher"))
        db.session.commit()
        return referral
    referral = submit(form, ReferralIn(), {"worker_id": worker.id, "job_id": form.job_id.data}, create, shown=())
    if referral is not None:
        flash(_("%(name)s is referred to %(title)s.", name=referral.worker.name, title=referral.job.title), "success")
    return redirect(url_for(".recommendations", worker_id=worker.id))


# --- the allocation plan of an area --------------------------------------------------------------

def _my_areas(actor: User) -> list[Area]:
    """Counties, townships and villages inside the user's areas, in code order."""
    return list(db.session.scalars(
        select(Area).where(Area.level.in_((AreaLevel.county, AreaLevel.township, AreaLevel.village)),
                           scope_clause(actor, Area.code))
        .order_by(Area.code).limit(AREA_LIMIT)))


def _area_form(actor: User, areas: list[Area], code: str | None) -> AreaForm:
    form = AreaForm(formdata=None)
    indent = {AreaLevel.county: "", AreaLevel.township: "· ", AreaLevel.village: "·· "}
    form.area.choices = [SelectChoice("", _("— choose an area —"))] + [
        SelectChoice(a.code, indent[a.level] + a.name) for a in areas]
    mine = list(actor.area_codes)
    form.area.data = code or (mine[0] if len(mine) == 1 else "")
    return form


def _household_groups(plan: services.Plan) -> list[tuple]:
    """The plan's assignments by household, in the plan's order (household code, best first)."""
    groups = []
    for _code, rows in groupby(plan.assignments, key=lambda a: a.worker.household.code):
        rows = list(rows)
        groups.append((rows[0].worker.household, rows))
    return groups


def _referred_pairs(plan: services.Plan) -> set[tuple[int, int]]:
    """Pairs of the plan the person was already put forward for (a referral would be refused)."""
    planned = {(a.worker.id, a.job.id) for a in plan.assignments}
    workers = sorted({w for w, _j in planned})
    found = set()
    for start in range(0, len(workers), 500):
        found |= set(db.session.execute(select(Referral.worker_id, Referral.job_id)
                                        .where(Referral.worker_id.in_(workers[start:start + 500]))).all())
    return {(int(w), int(j)) for w, j in found} & planned


def _plan_page(actor: User, code: str | None, ticked: set | None = None, refusals: dict | None = None,
               status: int = 200):
    form = _area_form(actor, _my_areas(actor), code)
    plan = None
    if code:
        try:
            plan = services.plan(db.session, code, actor, group=_together())
        except DomainError as exc:  # not one of the user's areas, or no such area
            form.area.errors = [exc.message]
            status = exc.status
    referred = _referred_pairs(plan) if plan is not None else set()
    rows = {(a.worker.id, a.job.id) for a in plan.assignments} if plan is not None else set()
    for pair, message in (refusals or {}).items():
        if pair not in rows:  # a pair the plan no longer holds: say why here, it has no row
            flash(message, "error")
    if ticked is None:  # a fresh plan: every pair ticked but those referred already
        ticked = {(a.worker.id, a.job.id) for a in plan.assignments} - referred if plan is not None else set()
    return render_template("matching/allocation.html", form=form, plan=plan,
                           groups=_household_groups(plan) if plan is not None else [], referred=referred,
                           ticked=ticked, refusals=refusals or {}, refer_form=PlanReferForm(formdata=None),
                           code=code), status


def _together() -> bool:
    """The group-placement option: villagers of one village gathered at the same employers."""
    return request.values.get("together") == "1"


def _area_argument() -> str | None:
    code = (request.args.get("area") or "").strip()
    return code[:12] or None


@bp.route("/allocations", methods=["GET", "POST"])
@page_roles(*services.PLANNERS)
def allocation():
    """GET: choose an area and see its plan. POST: refer every ticked pair, or none of them."""
    actor = acting_user()
    if request.method == "GET":
        return _plan_page(actor, _area_argument())
    form = PlanReferForm()
    if not form.validate_on_submit():
        abort(400)
    code = (form.area.data or "").strip()[:12] or None
    pairs = []
    for value in form.pair.data or []:
        worker_id, _sep, job_id = value.partition("-")
        if not (worker_id.isdigit() and job_id.isdigit()):
            abort(400)
        pairs.append((int(worker_id), int(job_id)))
    if not pairs:
        flash(_("Tick at least one person to refer."), "error")
        return _plan_page(actor, code, ticked=set(), status=422)
    try:
        PlanReferralsIn().load({"pairs": [{"worker_id": w, "job_id": j} for w, j in pairs]})
        referrals = services.refer_plan(db.session, pairs, actor)
        db.session.commit()
    except services.PlanRefused as exc:
        db.session.rollback()
        refusals = {(r.worker_id, r.job_id): r.message for r in exc.refusals}
        flash(exc.message, "error")
        return _plan_page(actor, code, ticked=set(pairs), refusals=refusals, status=exc.status)
    except ValidationError as exc:
        for text in flatten_fields(exc.messages).values():
            flash(text, "error")
        return _plan_page(actor, code, ticked=set(pairs), status=422)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return _plan_page(actor, code, ticked=set(pairs), status=exc.status)
    flash(_("%(n)s people referred: the employers see them in their inboxes.", n=len(referrals)), "success")
    return redirect(url_for(".allocation", area=code, together="1" if _together() else None, _anchor="plan"))


@bp.get("/allocations/print")
@page_roles(*services.PLANNERS)
def allocation_print():
    """The plan on paper: households, names, postings, employers; signatures at the foot."""
    actor = acting_user()
    code = _area_argument()
    if code is None:
        return redirect(url_for(".allocation"))
    plan = services.plan(db.session, code, actor, group=_together())
    return render_template("matching/allocation_print.html", plan=plan, groups=_household_groups(plan),
                           station=actor.display_name or actor.username, today=china_today())


@bp.get("/allocations.xlsx")
@page_roles(*services.PLANNERS)
def allocation_export():
    """The plan as a workbook (names only: no ID numbers, no phones); the export is audited."""
    actor = acting_user()
    code = _area_argument()
    if code is None:
        return redirect(url_for(".allocation"))
    plan = services.plan(db.session, code, actor, group=_together())
    stream = services.plan_workbook(plan, actor)
    db.session.commit()
    return send_file(stream, as_attachment=True, mimetype=XLSX,
                     download_name=f"allocation-{code}-{china_today().isoformat()}.xlsx")
