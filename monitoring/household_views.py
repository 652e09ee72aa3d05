"""The household pages a village cadre lives in: the household list with its standing (income
against the line, open alerts), the household file on one screen, its forms (income, monitoring,
helpers, measures, risk elimination), the county's queue of risk eliminations and the roster.

Its routes are on monitoring.views.bp. Thin: parse, call a service, commit once, render."""
from flask import flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _

from core import roles
from core.auth import acting_user, page_roles
from core.errors import ValidationFailed
from core.extensions import db
from core.models import china_today
from core.pages import PAGE_SIZE, page_count, page_number, submit
from core.spreadsheets import XLSX
from core.validators import AREA_CODE
from matching import services as matching_services
from monitoring import elimination, household_file, overview
from monitoring.forms import DecisionForm, EliminationForm, HelpersForm, IncomeForm, MeasureForm, MonitoringForm
from monitoring.schemas import DecisionIn, EliminationIn, HelperIn, MeasureIn, MonitoringIn
from monitoring.views import bp, rule_titles
from registry import services as registry_services
from registry.models import AreaLevel, MonitoringStatus, RiskType
from registry.schemas import IncomeIn

SUGGESTIONS = 2  # postings suggested per member looking for work


@bp.app_template_filter("risk_label")
def risk_label(code: str) -> str:
    """A risk type's label, from its code as the monitoring history keeps it."""
    return RiskType[code].label if code in RiskType.__members__ else code


@bp.get("/households")
@page_roles(*roles.STAFF)
def households():
    args, page, actor = request.args, page_number(), acting_user()
    status, risk = args.get("monitoring_status") or None, args.get("risk_type") or None
    filters = {
        "area_code": args.get("area") or args.get("township") or None,
        "q": args.get("q") or None,
        "monitoring_status": MonitoringStatus[status] if status in MonitoringStatus.__members__ else None,
        "monitored": status == "monitored",
        "risk_type": RiskType[risk] if risk in RiskType.__members__ else None,
        "below_line": args.get("below_line") == "1",
        "nobody_employed": args.get("nobody_employed") == "1",
    }
    items, total = registry_services.list_households(db.session, actor, limit=PAGE_SIZE,
                                                     offset=(page - 1) * PAGE_SIZE, **filters)
    return render_template(
        "monitoring/households.html", items=items, total=total, page=page, pages=page_count(total),
        standings=overview.standings(db.session, items), args=args, statuses=MonitoringStatus, risks=RiskType,
        townships=registry_services.areas_in_scope(db.session, actor, AreaLevel.township),
        villages=registry_services.areas_in_scope(db.session, actor, AreaLevel.village))


@bp.get("/households/roster")
@page_roles(*roles.STAFF)
def roster():
    """The monthly roster (.xlsx, Chinese headers) of the list's area, monitored households only
    unless asked for all."""
    area = request.args.get("area") or None
    if area is not None and not AREA_CODE.match(area):  # it goes into the file's name, a header
        raise ValidationFailed(_("Area codes have 12 digits."), {"area": _("Area codes have 12 digits.")})
    stream, filename = overview.roster(db.session, acting_user(), area, request.args.get("all") != "1")
    db.session.commit()  # the audit event of the export
    return send_file(stream, as_attachment=True, download_name=filename, mimetype=XLSX)


@bp.get("/households/<code>")
@page_roles(*roles.STAFF)
def household(code):
    return _page(household_file.household_file(db.session, code, acting_user()))


def _page(household, status: int = 200, **forms):
    """The household file, with the given forms (those that failed, with their errors) and fresh
    ones for the rest."""
    actor = acting_user()
    forms.setdefault("income_form", IncomeForm(formdata=None, year=china_today().year))
    forms.setdefault("monitoring_form", MonitoringForm(
        formdata=None, status=household.monitoring_status.name if household.monitoring_status.name != "none"
        else None, risk_types=household.risk_types))
    forms.setdefault("measure_form", MeasureForm(formdata=None, date=china_today()))
    if "helpers_form" not in forms:
        forms["helpers_form"] = HelpersForm(formdata=None, data={"rows": [
            {"role": h.role.name, "name": h.name, "user_id": str(h.user_id or "")} for h in household.helpers]})
    forms["helpers_form"].fill_choices(registry_services.helper_accounts(db.session, [household.village_code]))
    forms.setdefault("elimination_form", EliminationForm(formdata=None))
    forms.setdefault("decision_form", DecisionForm(formdata=None))
    members = [m for m in household.members if m.may_work and not m.employed]
    return render_template(
        "monitoring/household.html", household=household,
        incomes=registry_services.income_history(db.session, household),
        timeline=household_file.timeline(db.session, household),
        checks=elimination.checks_for(db.session, household) if household.monitoring_status.name != "none" else [],
        pending=elimination.pending_for(db.session, household),
        suggestions={m.id: matching_services.recommend(db.session, m, actor, limit=SUGGESTIONS).jobs
                     for m in members},
        rule_titles=rule_titles(), **forms), status


def _done(household, message: str, anchor: str):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("monitoring.household", code=household.code, _anchor=anchor))


def _refused(household, form_name: str, form):
    status = form.refusal.status if form.refusal is not None else 422
    return _page(household_file.household_file(db.session, household.code, acting_user()), status,
                 **{form_name: form})


@bp.post("/households/<code>/incomes")
@page_roles(*roles.REGISTRY_KEEPERS)
def record_income(code):
    """The yearly income check, entered on the household's page: corrected when the year is on file."""
    actor = acting_user()
    household = registry_services.get_household(db.session, code, actor)
    form = IncomeForm()
    checked = submit(form, lambda data: registry_services.record_income(db.session, household, form.year.data or 0,
                                                                        data, actor), IncomeIn())
    if checked:
        return _done(household, _("Income of %(year)s saved: %(amount)s yuan per person.", year=checked.year,
                                  amount="—" if checked.per_capita is None else f"{checked.per_capita:,.0f}"), "income")
    return _refused(household, "income_form", form)


@bp.post("/households/<code>/monitoring")
@page_roles(*roles.REGISTRY_KEEPERS)
def start_monitoring(code):
    actor = acting_user()
    household = registry_services.get_household(db.session, code, actor)
    form = MonitoringForm()
    if submit(form, lambda data: registry_services.start_monitoring(
            db.session, household, data["status"], data["risk_types"], data["reason"], actor), MonitoringIn()):
        return _done(household, _("Monitoring saved."), "monitoring")
    return _refused(household, "monitoring_form", form)


@bp.post("/households/<code>/helpers")
@page_roles(*roles.REGISTRY_KEEPERS)
def save_helpers(code):
    actor = acting_user()
    household = registry_services.get_household(db.session, code, actor)
    form = HelpersForm()
    form.fill_choices(registry_services.helper_accounts(db.session, [household.village_code]))
    if submit(form, lambda data: registry_services.set_helpers(db.session, household, data, actor),
              HelperIn(many=True), data=form.helpers()):
        return _done(household, _("Helper team saved."), "helpers")
    return _refused(household, "helpers_form", form)


@bp.post("/households/<code>/measures")
@page_roles(*roles.REGISTRY_KEEPERS)
def add_measure(code):
    actor = acting_user()
    household = registry_services.get_household(db.session, code, actor)
    form = MeasureForm()
    if submit(form, lambda data: registry_services.add_measure(db.session, household, data, actor), MeasureIn()):
        return _done(household, _("Help recorded."), "timeline")
    return _refused(household, "measure_form", form)


@bp.post("/households/<code>/risk-elimination")
@page_roles(*roles.REGISTRY_KEEPERS)
def propose_elimination(code):
    actor = acting_user()
    household = registry_services.get_household(db.session, code, actor)
    form = EliminationForm()
    if submit(form, lambda data: elimination.propose(db.session, household, data["reason"], actor), EliminationIn()):
        return _done(household, _("Risk elimination proposed: the county decides."), "monitoring")
    return _refused(household, "elimination_form", form)


@bp.get("/risk-eliminations")
@page_roles(*roles.OFFICERS)
def eliminations():
    """The county's queue: proposals awaiting a decision, oldest first."""
    return render_template("monitoring/eliminations.html", form=DecisionForm(formdata=None),
                           items=elimination.pending_in(db.session, acting_user()))


@bp.post("/risk-eliminations/<int:elimination_id>/decision")
@page_roles(*roles.OFFICERS)
def decide_elimination(elimination_id):
    actor = acting_user()
    proposal = elimination.get_elimination(db.session, elimination_id, actor)
    form = DecisionForm()
    if submit(form, lambda data: elimination.decide(db.session, proposal, data["approved"], data["reason"], actor),
              DecisionIn()):
        db.session.commit()
        flash(_("Decision recorded for household %(code)s.", code=proposal.household.code), "success")
        return redirect(url_for("monitoring.eliminations"))
    return _refused(proposal.household, "decision_form", form)
