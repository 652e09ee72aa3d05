"""Registry endpoints of the JSON API: areas, households, workers, occupations. Thin: parse, call a
service, commit once, answer."""
from flask import send_file
from flask_smorest import Blueprint

from core import roles
from core.auth import acting_user, api_roles
from core.extensions import db
from core.models import Role
from core.spreadsheets import XLSX
from registry import areas, import_templates, importers, incomes, search, services
from registry.schemas import (
    AreaIn,
    AreaList,
    AreaListArgs,
    AreaOut,
    AreaPatch,
    ExportArgs,
    HouseholdIn,
    HouseholdList,
    HouseholdOut,
    HouseholdPatch,
    HouseholdSearchArgs,
    ImportResult,
    IncomeIn,
    IncomeOut,
    MonitoringLineIn,
    MonitoringLineOut,
    PolicyIn,
    PolicyOut,
    ResolveArgs,
    ResolveOut,
    RevealOut,
    WorkerIn,
    WorkerList,
    WorkerOut,
    WorkerPatch,
    WorkerSearchArgs,
)
from registry.taxonomy import resolve_candidates

areas_api = Blueprint("areas_api", __name__, url_prefix="/api/v1/areas", description="Counties, townships, villages")
households = Blueprint("households_api", __name__, url_prefix="/api/v1/households", description="Households")
workers = Blueprint("workers_api", __name__, url_prefix="/api/v1/workers", description="Workers (labour force)")
occupations = Blueprint("occupations_api", __name__, url_prefix="/api/v1/occupations",
                        description="Occupations and skills")
blueprints = (areas_api, households, workers, occupations)

IMPORT_FILE = {"multipart/form-data": {"schema": {"type": "object", "properties": {
    "file": {"type": "string", "format": "binary"}}, "required": ["file"]}}}


@areas_api.post("")
@api_roles(*roles.OFFICERS)
@areas_api.arguments(AreaIn)
@areas_api.response(201, AreaOut)
def create_area(data):
    area = areas.create_area(db.session, data, acting_user())
    db.session.commit()
    return area


@areas_api.get("")
@api_roles()
@areas_api.arguments(AreaListArgs, location="query")
@areas_api.response(200, AreaList)
def list_areas(args):
    items, total = areas.list_areas(db.session, **args)
    return {"items": items, "total": total}


@areas_api.get("/<code>")
@api_roles()
@areas_api.response(200, AreaOut)
def get_area(code):
    return areas.get_area(db.session, code)


@areas_api.patch("/<code>")
@api_roles(Role.admin)
@areas_api.arguments(AreaPatch)
@areas_api.response(200, AreaOut)
def patch_area(data, code):
    """Correct an area's `name`, point (`lat`, `lon`) or `parent_code` (admin): a parent of the level
    above whose code contains the area's."""
    area = areas.update_area(db.session, code, data, acting_user())
    db.session.commit()
    return area


@areas_api.put("/<code>/monitoring-lines/<int:year>")
@api_roles(*roles.OFFICERS)
@areas_api.arguments(MonitoringLineIn)
@areas_api.response(200, MonitoringLineOut)
def put_monitoring_line(data, code, year):
    """The 防返贫监测线 of an area for a year, yuan per person: admin, or a county officer for its county."""
    line = incomes.set_line(db.session, code, year, data["amount"], acting_user())
    db.session.commit()
    return line


@areas_api.put("/<code>/policy")
@api_roles(*roles.OFFICERS)
@areas_api.arguments(PolicyIn)
@areas_api.response(200, PolicyOut)
def put_policy(data, code):
    """How long a household stays under monitoring at least before its risk may be declared
    eliminated, for an area of the officer's (six months unless set)."""
    policy = services.set_policy(db.session, code, data["elimination_months"], acting_user())
    db.session.commit()
    return policy


@households.post("")
@api_roles(*roles.REGISTRY_KEEPERS)
@households.arguments(HouseholdIn)
@households.response(201, HouseholdOut)
def create_household(data):
    household = services.create_household(db.session, data, acting_user())
    db.session.commit()
    return household


@households.get("")
@api_roles(*roles.STAFF)
@households.arguments(HouseholdSearchArgs, location="query")
@households.response(200, HouseholdList)
def list_households(args):
    items, total = services.list_households(db.session, acting_user(), **args)
    return {"items": items, "total": total}


@households.post("/incomes/import")
@api_roles(*roles.REGISTRY_KEEPERS)
@households.doc(requestBody={"content": IMPORT_FILE})
@households.response(200, ImportResult)
def import_incomes():
    """The yearly income check spreadsheet: 户编号, 年度, 工资性收入, 经营性收入, 财产性收入, 转移性收入,
    生产经营性支出 (or the field names). A year on file is corrected; every bad row is reported."""
    result = importers.import_upload(db.session, "incomes", acting_user())
    db.session.commit()
    return result


@households.put("/<code>/incomes/<int:year>")
@api_roles(*roles.REGISTRY_KEEPERS)
@households.arguments(IncomeIn)
@households.response(200, IncomeOut)
def put_income(data, code, year):
    """The household's income of a year (the yearly income check), against that year's line."""
    actor = acting_user()
    checked = incomes.record_income(db.session, services.get_household(db.session, code, actor), year, data, actor)
    db.session.commit()
    return checked


@households.patch("/<code>")
@api_roles(*roles.REGISTRY_KEEPERS)
@households.arguments(HouseholdPatch(partial=True))
@households.response(200, HouseholdOut)
def patch_household(data, code):
    household = services.get_household(db.session, code, acting_user())
    services.update_household(db.session, household, data, acting_user())
    db.session.commit()
    return household


@households.get("/import-template")
@api_roles(*roles.REGISTRY_KEEPERS)
@households.response(200, {"format": "binary", "type": "string"}, content_type=XLSX)
def household_import_template():
    """A blank household ledger: the Chinese headers, an example row, lists on coded columns."""
    return _template("households")


@households.get("/incomes/import-template")
@api_roles(*roles.REGISTRY_KEEPERS)
@households.response(200, {"format": "binary", "type": "string"}, content_type=XLSX)
def income_import_template():
    """A blank yearly income check, with an example row."""
    return _template("incomes")


def _template(kind: str):
    stream, filename = import_templates.import_template(db.session, kind, acting_user())
    return send_file(stream, as_attachment=True, download_name=filename, mimetype=XLSX)


@households.post("/import")
@api_roles(*roles.REGISTRY_KEEPERS)
@households.doc(requestBody={"content": IMPORT_FILE})
@households.response(200, ImportResult)
def import_households():
    result = importers.import_upload(db.session, "households", acting_user())
    db.session.commit()
    return result


@workers.post("")
@api_roles(*roles.REGISTRY_KEEPERS)
@workers.arguments(WorkerIn)
@workers.response(201, WorkerOut)
def create_worker(data):
    worker = services.create_worker(db.session, data, acting_user())
    db.session.commit()
    return worker


@workers.get("")
@api_roles(*roles.STAFF)
@workers.arguments(WorkerSearchArgs, location="query")
@workers.response(200, WorkerList)
def list_workers(args):
    query = search.WorkerQuery(**args)
    items, total = search.search_workers(db.session, acting_user(), query)
    if query.by_full_number:
        db.session.commit()  # its audit event
    return {"items": items, "total": total}


@workers.get("/import-template")
@api_roles(*roles.REGISTRY_KEEPERS)
@workers.response(200, {"format": "binary", "type": "string"}, content_type=XLSX)
def worker_import_template():
    """A blank labour-force ledger: the Chinese headers, an example row, lists on coded columns."""
    return _template("workers")


@workers.post("/import")
@api_roles(*roles.REGISTRY_KEEPERS)
@workers.doc(requestBody={"content": IMPORT_FILE})
@workers.response(200, ImportResult)
def import_workers():
    result = importers.import_upload(db.session, "workers", acting_user())
    db.session.commit()
    return result


@workers.get("/export")
@api_roles(*roles.STAFF)
@workers.arguments(ExportArgs, location="query")
@workers.response(200, {"format": "binary", "type": "string"},
                  content_type=XLSX)
def export_workers(args):
    stream, filename = importers.export_workers(db.session, acting_user(), args.get("area_code"))
    db.session.commit()  # the audit event of the export
    return send_file(stream, as_attachment=True, download_name=filename,
                     mimetype=XLSX)


@workers.get("/<int:worker_id>")
@api_roles(*roles.WORKER_FILE)
@workers.response(200, WorkerOut)
def get_worker(worker_id):
    return services.get_worker(db.session, worker_id, acting_user())


@workers.patch("/<int:worker_id>")
@api_roles(*roles.REGISTRY_KEEPERS)
@workers.arguments(WorkerPatch(partial=True))
@workers.response(200, WorkerOut)
def patch_worker(data, worker_id):
    worker = services.get_worker(db.session, worker_id, acting_user())
    services.update_worker(db.session, worker, data, acting_user())
    db.session.commit()
    return worker


@workers.post("/<int:worker_id>/reveal")
@api_roles(Role.station)
@workers.response(200, RevealOut)
def reveal(worker_id):
    """Full ID number and phone, for staff of the worker's own village; every reveal is audited."""
    worker = services.get_worker(db.session, worker_id, acting_user())
    result = services.reveal_personal_data(db.session, worker, acting_user())
    db.session.commit()
    return result


@occupations.get("/resolve")
@api_roles()
@occupations.arguments(ResolveArgs, location="query")
@occupations.response(200, ResolveOut)
def resolve(args):
    """Free text (a job title as employers write it, a skill as villagers say it) to occupation
    codes of the 2022 national classification, best first."""
    matches = [m for m in resolve_candidates(db.session, args["q"], limit=3 * args["limit"]) if m.code]
    return {"items": [{"code": m.code, "key": m.key, "name": m.name, "score": round(m.score, 3)}
                      for m in matches[:args["limit"]]]}
