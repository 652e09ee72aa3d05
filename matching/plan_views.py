"""The allocation plan of an area, on the matcher's blueprint (matching/views.py): staff choose an
area and the least fit a pair must have, review the plan (unticking whom not to refer), print it
on A4, export it, refer everyone ticked in one step (all or nothing), then print the referral
slips of the people just referred, one A4 page each.

The plan's pages show and export only names of people, never ID numbers or phones; the slips,
which the person carries to the employer, show the ID number masked.

Thin: parse, call a service (matching.services, matching.plan_review), commit once, render."""
from itertools import groupby

import segno
from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from markupsafe import Markup
from wtforms.fields.choices import SelectChoice

from core import roles
from core.auth import acting_user, page_roles
from core.errors import DomainError
from core.extensions import db
from core.models import User, china_today
from core.pages import submit
from core.spreadsheets import XLSX
from matching import plan_review, services
from matching.forms import AreaForm, PlanReferForm
from matching.schemas import PlanReferralsIn
from matching.views import bp
from registry.models import Area, AreaLevel

AREA_LIMIT = 1000  # options of the area select
# Below half a pair fits poorly: most of the skills asked for are missing, or the posting is far
# or pays less than the person expects. Such rows start unticked, so that the reviewer refers them
# on purpose, having looked, rather than by leaving a box as it came.
TICK_FROM = 0.5
SLIPS = 100  # referral slips printed from one page (one link): a village's plan is far smaller


def _percent(score: float) -> int:
    return round(score * 100)


DEFAULT_PERCENT = _percent(services.MIN_SCORE)


def _min_score() -> tuple[float, str | None]:
    """The least fit asked for (`min_score`, a whole per cent from 0 to 100) as 0–1: the default
    (services.MIN_SCORE) when not given, with a message when it is not such a number."""
    form = AreaForm(formdata=request.values)
    if not form.min_score.raw_data or not form.min_score.raw_data[0].strip():
        return services.MIN_SCORE, None
    if not form.min_score.validate(form):  # AreaForm's IntegerField and NumberRange(0, 100)
        return services.MIN_SCORE, _("Give a whole number from 0 to 100.")
    return form.min_score.data / 100, None


def _plan_arguments(min_score: float) -> dict:
    """What makes the plan besides the area, for links and redirects (defaults left out)."""
    return {"together": "1" if _together() else None,
            "min_score": _percent(min_score) if _percent(min_score) != DEFAULT_PERCENT else None}


def _area_form(actor: User, areas: list[Area], code: str | None, min_score: float) -> AreaForm:
    form = AreaForm(formdata=None)
    indent = {AreaLevel.county: "", AreaLevel.township: "· ", AreaLevel.village: "·· "}
    form.area.choices = [SelectChoice("", _("— choose an area —"))] + [
        SelectChoice(a.code, indent[a.level] + a.name) for a in areas]
    mine = list(actor.area_codes)
    form.area.data = code or (mine[0] if len(mine) == 1 else "")
    form.min_score.data = _percent(min_score)
    return form


def _household_groups(plan: services.Plan) -> list[tuple]:
    """The plan's assignments by household, in the plan's order (household code, best first)."""
    groups = []
    for _code, rows in groupby(plan.assignments, key=lambda a: a.household_code):
        rows = list(rows)
        groups.append((rows[0].worker.household, rows))
    return groups


def _ids(text: str | None, limit: int) -> list[int] | None:
    """"1,2,3" as ids, in order, each once; None when anything else is in it or there are too many."""
    ids = []
    for part in (text or "").split(","):
        part = part.strip()
        if not part.isdigit() or len(part) > 12:
            return None
        if int(part) not in ids:
            ids.append(int(part))
    return ids if len(ids) <= limit else None


def _slip_links(referral_ids: list[int]) -> list[str]:
    """Links to the slips of the referrals just made, SLIPS to a link."""
    return [url_for(".referral_slips", ids=",".join(map(str, referral_ids[start:start + SLIPS])))
            for start in range(0, len(referral_ids), SLIPS)]


def _plan_page(actor: User, code: str | None, ticked: set | None = None, refusals: dict | None = None,
               status: int = 200):
    """The form and, for an area, its plan. `ticked`: the reviewer's ticks as submitted (a page
    shown again after a refused submission); None for a fresh plan, ticked by its fit."""
    min_score, wrong = _min_score()
    form = _area_form(actor, plan_review.plannable_areas(db.session, actor, AREA_LIMIT), code, min_score)
    plan = None
    if wrong:
        form.min_score.errors = [wrong]
        status = 422
    elif code:
        try:
            plan = services.plan(db.session, code, actor, group=_together(), min_score=min_score)
        except DomainError as exc:  # not one of the user's areas, or no such area
            form.area.errors = [exc.message]
            status = exc.status
    referred = plan_review.referred_pairs(db.session, plan) if plan is not None else set()
    rows = {(a.worker.id, a.job.id) for a in plan.assignments} if plan is not None else set()
    for pair, message in (refusals or {}).items():
        if pair not in rows:  # a pair the plan no longer holds: say why here, it has no row
            flash(message, "error")
    submitted = ticked is not None
    if ticked is None:  # a fresh plan: the pairs that fit well, but those referred already
        ticked = {(a.worker.id, a.job.id) for a in plan.assignments if a.score >= TICK_FROM} - referred \
            if plan is not None else set()
    slips = _ids(request.args.get("slips"), 10 * SLIPS) if request.method == "GET" else None
    return render_template("matching/allocation.html", form=form, plan=plan,
                           groups=_household_groups(plan) if plan is not None else [], referred=referred,
                           ticked=ticked, submitted=submitted, refusals=refusals or {},
                           refer_form=PlanReferForm(formdata=None), code=code, tick_from=TICK_FROM,
                           plan_arguments=_plan_arguments(min_score), placed=len(rows),
                           slip_links=_slip_links(slips) if slips else [], slip_count=len(slips or [])), status


def _together() -> bool:
    """The group-placement option: villagers of one village gathered at the same employers."""
    return request.values.get("together") == "1"


def _area_argument() -> str | None:
    code = (request.args.get("area") or "").strip()
    return code[:12] or None


@bp.route("/allocations", methods=["GET", "POST"])
@page_roles(*roles.STAFF)
def allocation():
    """GET: choose an area and see its plan. POST: refer every ticked pair, or none of them; then
    the plan again, offering the slips of the people referred."""
    actor = acting_user()
    if request.method == "GET":
        return _plan_page(actor, _area_argument())
    form = PlanReferForm()
    # the button's own check first (no CSRF token: 400), so that "tick someone" speaks only to a
    # real submission; submit() checks it again before anything is tried
    if not form.validate_on_submit():
        abort(400)
    min_score, wrong = _min_score()
    pairs = _ticked_pairs(form.pair.data)
    if wrong or pairs is None:
        abort(400)
    code = (form.area.data or "").strip()[:12] or None
    if not pairs:
        flash(_("Tick at least one person to refer."), "error")
        return _plan_page(actor, code, ticked=set(), status=422)
    referrals = submit(form, lambda loaded: services.refer_plan(
        db.session, [(p["worker_id"], p["job_id"]) for p in loaded["pairs"]], actor), PlanReferralsIn(),
        data={"pairs": [{"worker_id": w, "job_id": j} for w, j in pairs]}, shown=())
    if not referrals:  # submit() rolled back and flashed the sentence; the page marks each refused pair
        exc = form.refusal
        refusals = {(r.worker_id, r.job_id): r.message for r in exc.refusals} \
            if isinstance(exc, services.PlanRefused) else None
        return _plan_page(actor, code, ticked=set(pairs), refusals=refusals, status=exc.status if exc else 422)
    db.session.commit()
    flash(_("%(n)s people referred: the employers see them in their inboxes.", n=len(referrals)), "success")
    return redirect(url_for(".allocation", area=code, **_plan_arguments(min_score),
                            slips=",".join(str(r.id) for r in referrals), _anchor="plan"))


def _ticked_pairs(values: list[str] | None) -> list[tuple[int, int]] | None:
    """The ticked `worker_id-job_id` boxes as pairs, in order; None when one is anything else."""
    pairs = []
    for value in values or []:
        worker_id, _sep, job_id = value.partition("-")
        if not (worker_id.isdigit() and job_id.isdigit()):
            return None
        pairs.append((int(worker_id), int(job_id)))
    return pairs


def _plan_or_400(actor: User) -> services.Plan | None:
    code = _area_argument()
    min_score, wrong = _min_score()
    if wrong:
        abort(400)
    return services.plan(db.session, code, actor, group=_together(), min_score=min_score) if code else None


@bp.get("/allocations/print")
@page_roles(*roles.STAFF)
def allocation_print():
    """The plan on paper (A4 portrait): households, names, postings, employers; signatures at the foot."""
    actor = acting_user()
    plan = _plan_or_400(actor)
    if plan is None:
        return redirect(url_for(".allocation"))
    return render_template("matching/allocation_print.html", plan=plan, groups=_household_groups(plan),
                           station=actor.display_name or actor.username, today=china_today(),
                           plan_arguments=_plan_arguments(plan.min_score))


@bp.get("/allocations.xlsx")
@page_roles(*roles.STAFF)
def allocation_export():
    """The plan as a workbook (names only: no ID numbers, no phones); the export is audited."""
    actor = acting_user()
    plan = _plan_or_400(actor)
    if plan is None:
        return redirect(url_for(".allocation"))
    stream = plan_review.plan_workbook(plan, actor)
    db.session.commit()
    return send_file(stream, as_attachment=True, mimetype=XLSX,
                     download_name=f"统筹分配方案-{plan.area.name}-{china_today().isoformat()}.xlsx")


# --- referral slips --------------------------------------------------------------------------------

def _qr_code(url: str) -> Markup:
    """The posting's address as a QR code, an inline SVG (no file, no script, no style attribute)."""
    svg = segno.make(url, error="m").svg_inline(scale=1, border=2, omitsize=True, svgclass="qr",
                                                title=url)
    return Markup(svg)  # segno's own markup; it escapes the title


@bp.get("/allocations/slips")
@page_roles(*roles.STAFF)
def referral_slips():
    """The referral slips (介绍信) of referrals just made, `?ids=1,2,3`, one A4 page each: whom,
    to which posting, employer and contact, where, the wage, when and by whom, and a QR code of
    the posting's page. Every referral is checked like its own slip page
    (matching.plan_review.referral_slips): one of another station's is not found (404)."""
    ids = _ids(request.args.get("ids"), SLIPS)
    if not ids:
        abort(400)
    slips = [{**slip, "qr": _qr_code(url_for("jobs.job", job_id=slip["job"].id, _external=True))}
             for slip in plan_review.referral_slips(db.session, ids, acting_user())]
    return render_template("matching/slips.html", slips=slips, today=china_today())
