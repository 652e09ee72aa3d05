"""The household file and return-to-poverty monitoring in the JSON API: one household's file,
putting it under monitoring, its helper team, its measures and timeline, ending its monitoring
(风险消除), the roster and the overview. Thin: parse, call a service, commit once, answer."""
from flask import send_file
from flask_smorest import Blueprint

from core import roles
from core.auth import acting_user, api_roles
from core.extensions import db
from core.spreadsheets import XLSX
from monitoring import elimination, household_file, overview
from monitoring.schemas import (
    DecisionIn,
    EliminationIn,
    EliminationOut,
    HelperIn,
    HelperList,
    HouseholdFileOut,
    MeasureIn,
    MonitoringEventOut,
    MonitoringIn,
    OverviewArgs,
    OverviewOut,
    RosterArgs,
    Timeline,
    TimelineItemOut,
)
from registry import services as registry_services

households = Blueprint("household_file_api", __name__, url_prefix="/api/v1/households",
                       description="The household file and its monitoring")
eliminations = Blueprint("risk_eliminations_api", __name__, url_prefix="/api/v1/risk-eliminations",
                         description="Ending a household's monitoring (风险消除)")
figures = Blueprint("monitoring_api", __name__, url_prefix="/api/v1", description="Return-to-poverty monitoring")
blueprints = (households, eliminations, figures)


@households.get("/export")
@api_roles(*roles.STAFF)
@households.arguments(RosterArgs, location="query")
@households.response(200, {"format": "binary", "type": "string"}, content_type=XLSX)
def export_roster(args):
    """The monthly roster: one row per household, Chinese headers (audited)."""
    stream, filename = overview.roster(db.session, acting_user(), args.get("area_code"), args["monitored"])
    db.session.commit()  # the audit event of the export
    return send_file(stream, as_attachment=True, download_name=filename, mimetype=XLSX)


@households.get("/<code>")
@api_roles(*roles.STAFF)
@households.response(200, HouseholdFileOut)
def get_household(code):
    """The household file: members, the latest income against the line, risks, helpers, open
    alerts and the monitoring history."""
    return household_file.household_file(db.session, code, acting_user())


@households.post("/<code>/monitoring")
@api_roles(*roles.REGISTRY_KEEPERS)
@households.arguments(MonitoringIn)
@households.response(201, MonitoringEventOut)
def start_monitoring(data, code):
    """Puts the household under monitoring from today (or changes its type and risks)."""
    actor = acting_user()
    household = registry_services.get_household(db.session, code, actor)
    event = registry_services.start_monitoring(db.session, household, data["status"], data["risk_types"],
                                               data["reason"], actor)
    db.session.commit()
    return event


@households.put("/<code>/helpers")
@api_roles(*roles.REGISTRY_KEEPERS)
@households.arguments(HelperIn(many=True))
@households.response(200, HelperList)
def put_helpers(data, code):
    """The 5+N team, replaced as a whole; phones are kept encrypted and shown masked."""
    actor = acting_user()
    household = registry_services.get_household(db.session, code, actor)
    team = registry_services.set_helpers(db.session, household, data, actor)
    db.session.commit()
    return {"items": team, "total": len(team)}


@households.post("/<code>/measures")
@api_roles(*roles.REGISTRY_KEEPERS)
@households.arguments(MeasureIn)
@households.response(201, TimelineItemOut)
def add_measure(data, code):
    actor = acting_user()
    household = registry_services.get_household(db.session, code, actor)
    measure = registry_services.add_measure(db.session, household, data, actor)
    db.session.commit()
    return {"source": "measure", "kind": measure.kind.name, "kind_label": measure.kind.label, "date": measure.day,
            "description": measure.description, "helper_name": measure.helper_name}


@households.get("/<code>/measures")
@api_roles(*roles.STAFF)
@households.response(200, Timeline)
def list_measures(code):
    """The measures, with the members' referrals, hires and enrolments, newest first."""
    items = household_file.timeline(db.session, registry_services.get_household(db.session, code, acting_user()))
    return {"items": items, "total": len(items)}


@households.post("/<code>/risk-elimination")
@api_roles(*roles.REGISTRY_KEEPERS)
@households.arguments(EliminationIn)
@households.response(201, EliminationOut)
def propose_elimination(data, code):
    """201 when every check passes; 409 naming the failed checks otherwise."""
    actor = acting_user()
    household = registry_services.get_household(db.session, code, actor)
    proposal = elimination.propose(db.session, household, data["reason"], actor)
    db.session.commit()
    return proposal


@eliminations.post("/<int:elimination_id>/decision")
@api_roles(*roles.OFFICERS)
@eliminations.arguments(DecisionIn)
@eliminations.response(200, EliminationOut)
def decide(data, elimination_id):
    actor = acting_user()
    proposal = elimination.get_elimination(db.session, elimination_id, actor)
    elimination.decide(db.session, proposal, data["approved"], data["reason"], actor)
    db.session.commit()
    return proposal


@figures.get("/monitoring/overview")
@api_roles(*roles.STAFF)
@figures.arguments(OverviewArgs, location="query")
@figures.response(200, OverviewOut)
def monitoring_overview(args):
    return overview.overview(db.session, acting_user(), args.get("area_code"))
