"""Monitoring pages: the station home (figures, charts and open alerts), the county overview by
township and village, and the alerts with their handling (acknowledge, record an action, close).

Thin: parse, call monitoring.alerts or monitoring.dashboard, commit once, render. Each figure
links to the list behind it."""
from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _

from core import roles
from core.auth import acting_user, page_roles
from core.extensions import db
from core.pages import PAGE_SIZE, form_status, page_count, page_number, submit
from monitoring import alerts, dashboard, overview
from monitoring.forms import AcknowledgeForm, ActionForm, CloseForm
from monitoring.models import ActionKind
from monitoring.rules import RULES
from monitoring.schemas import ActionIn, CloseIn
from registry import services as registry_services
from registry.models import AreaLevel, MonitoringStatus, RiskType

bp = Blueprint("monitoring", __name__)


def rule_titles() -> dict[str, str]:
    return {name: str(rule.title) for name, rule in RULES.items()}


@bp.get("/station")
@page_roles(*roles.STAFF)
def station_home():
    actor = acting_user()
    figures = dashboard.station_home(db.session, actor)
    urgent, _total = alerts.list_alerts(db.session, actor, open=True, limit=8, counted=False)
    unresolved = registry_services.unresolved_skills(db.session, actor, limit=20)
    areas = registry_services.own_areas(db.session, actor)
    return render_template("monitoring/station_home.html", figures=figures, urgent=urgent, unresolved=unresolved,
                           rules=rule_titles(), placements_chart=_placements_chart(figures), areas=areas)


def _placements_chart(figures: dict) -> dict:
    """Hires and departures per month, as the chart script reads it."""
    placements = figures["placements"]
    return {"type": "bar", "labels": placements["months"], "series": [
        {"label": _("Hires"), "data": placements["hires"]},
        {"label": _("Departures"), "data": placements["departures"]}]}


def _risks_chart(watched: dict) -> dict:
    """Monitored households by risk type, one bar per monitoring type (risk types none has, left out)."""
    shown = [r for r in RiskType if watched["by_risk_type"][r.name]]
    return {"type": "bar", "horizontal": True, "labels": [r.label for r in shown], "series": [
        {"label": MonitoringStatus[status].label, "data": [counts[r.name] for r in shown]}
        for status, counts in watched["by_status_and_risk_type"].items()]}


@bp.get("/county")
@page_roles(*roles.STAFF)
def county_overview():
    """A county by township, or a township by village (a station sees its own village)."""
    actor = acting_user()
    area = dashboard.overview_area(db.session, actor, request.args.get("area_code", "")[:12])
    if area is None:
        return render_template("monitoring/county.html", area=None)
    rows, counts = dashboard.by_area(db.session, actor, area.code) if area.level is not AreaLevel.village else ([], None)
    charted = [r for r in rows if r.workers]  # areas with no one registered yet have no rate
    figures = dashboard.station_home(db.session, actor, area.code, counts)
    by_rule, titles = figures["alerts_by_rule"], rule_titles()
    charts = {
        # horizontal: a township's name stays readable on a phone however many there are
        "employment": {"type": "bar", "horizontal": True, "labels": [r.name for r in charted], "percent": True,
                       "series": [{"label": _("Employment rate"),
                                   "data": [round(100 * r.employment_rate, 1) for r in charted]}]},
        "alerts": {"type": "bar", "horizontal": True, "labels": [titles.get(k, k) for k in by_rule], "series": [
            {"label": _("Open alerts"), "data": list(by_rule.values())}]},
        "placements": _placements_chart(figures),
    }
    watched = overview.overview(db.session, actor, area.code)
    charts["risks"] = _risks_chart(watched)
    return render_template("monitoring/county.html", area=area, rows=rows, by_rule=by_rule, rules=titles,
                           figures=figures, charts=charts, watched=watched, risks=RiskType, statuses=MonitoringStatus,
                           parent=area.parent if area.level is AreaLevel.township else None)


@bp.get("/alerts")
@page_roles(*roles.STAFF)
def alert_list():
    actor = acting_user()
    open_arg = request.args.get("open", "1")
    only_open = {"1": True, "0": False}.get(open_arg)
    rule = request.args.get("rule") if request.args.get("rule") in RULES else None
    mine = request.args.get("mine") == "1"
    area_code = request.args.get("area_code") or None
    page = page_number()
    items, total = alerts.list_alerts(db.session, actor, area_code=area_code, open=only_open, rule=rule, mine=mine,
                                      limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    return render_template("monitoring/alerts.html", items=items, total=total, page=page, pages=page_count(total),
                           rules=rule_titles(), rule=rule, open_arg=open_arg, mine=mine, area_code=area_code)


def _alert_page(alert, action_form=None, close_form=None, status=200):
    return render_template("monitoring/alert.html", alert=alert, rules=rule_titles(),
                           ack_form=AcknowledgeForm(), action_form=action_form or ActionForm(),
                           close_form=close_form or CloseForm(), kinds=ActionKind,
                           may_handle=acting_user().keeps_registry), status


@bp.get("/alerts/<int:alert_id>")
@page_roles(*roles.STAFF)
def alert_page(alert_id):
    return _alert_page(alerts.get_alert(db.session, alert_id, acting_user()))


@bp.post("/alerts/<int:alert_id>/acknowledge")
@page_roles(*roles.REGISTRY_KEEPERS)
def acknowledge(alert_id):
    """A refusal (the alert was closed meanwhile) is flashed on the alert's page."""
    actor = acting_user()
    alert = alerts.get_alert(db.session, alert_id, actor)
    if submit(AcknowledgeForm(), lambda: alerts.acknowledge(db.session, alert, actor)):
        db.session.commit()
    return redirect(url_for("monitoring.alert_page", alert_id=alert.id))


@bp.post("/alerts/<int:alert_id>/actions")
@page_roles(*roles.REGISTRY_KEEPERS)
def record_action(alert_id):
    actor = acting_user()
    alert = alerts.get_alert(db.session, alert_id, actor)
    form = ActionForm()
    if submit(form, lambda data: alerts.record_action(db.session, alert, data["kind"], data["note"], actor),
              ActionIn(), data={"kind": form.kind.data, "note": form.note.data or ""}):
        db.session.commit()
        return redirect(url_for("monitoring.alert_page", alert_id=alert.id))
    return _alert_page(alert, action_form=form, status=form_status())


@bp.post("/alerts/<int:alert_id>/close")
@page_roles(*roles.REGISTRY_KEEPERS)
def close(alert_id):
    actor = acting_user()
    alert = alerts.get_alert(db.session, alert_id, actor)
    form = CloseForm()
    if submit(form, lambda data: alerts.close(db.session, alert, data["note"], actor), CloseIn(),
              data={"note": form.note.data or ""}):
        db.session.commit()
        return redirect(url_for("monitoring.alert_page", alert_id=alert.id))
    return _alert_page(alert, close_form=form, status=form_status())
