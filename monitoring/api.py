"""The alerts endpoints of the JSON API: list by area, one alert with its events and actions,
and handling (acknowledge, record an action, close). Thin: parse, call monitoring.alerts, commit
once, answer."""
from flask_smorest import Blueprint

from core import roles
from core.auth import acting_user, api_roles
from core.extensions import db
from monitoring import alerts
from monitoring.schemas import ActionIn, AlertActionOut, AlertDetail, AlertList, AlertListArgs, CloseIn

bp = Blueprint("alerts_api", __name__, url_prefix="/api/v1/alerts", description="Early warning")
blueprints = (bp,)


@bp.get("")
@api_roles(*roles.STAFF)
@bp.arguments(AlertListArgs, location="query")
@bp.response(200, AlertList)
def list_alerts(args):
    """Most urgent first: open before closed, high severity first, newest first."""
    items, total = alerts.list_alerts(db.session, acting_user(), **args)
    return {"items": items, "total": total}


@bp.get("/<int:alert_id>")
@api_roles(*roles.STAFF)
@bp.response(200, AlertDetail)
def get_alert(alert_id):
    return alerts.get_alert(db.session, alert_id, acting_user())


@bp.post("/<int:alert_id>/acknowledge")
@api_roles(*roles.REGISTRY_KEEPERS)
@bp.response(200, AlertDetail)
def acknowledge(alert_id):
    actor = acting_user()
    alert = alerts.acknowledge(db.session, alerts.get_alert(db.session, alert_id, actor), actor)
    db.session.commit()
    return alert


@bp.post("/<int:alert_id>/actions")
@api_roles(*roles.REGISTRY_KEEPERS)
@bp.arguments(ActionIn)
@bp.response(201, AlertActionOut)
def record_action(data, alert_id):
    """What was done: a referral, a course, a subsidy, a home visit."""
    actor = acting_user()
    action = alerts.record_action(db.session, alerts.get_alert(db.session, alert_id, actor), data["kind"],
                                  data["note"], actor)
    db.session.commit()
    return action


@bp.post("/<int:alert_id>/close")
@api_roles(*roles.REGISTRY_KEEPERS)
@bp.arguments(CloseIn)
@bp.response(200, AlertDetail)
def close(data, alert_id):
    """409 until an action is recorded; a closed alert opens again only for a new event."""
    actor = acting_user()
    alert = alerts.close(db.session, alerts.get_alert(db.session, alert_id, actor), data["note"], actor)
    db.session.commit()
    return alert
