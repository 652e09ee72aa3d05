"""Employers' subsidies in the JSON API: a county's hiring subsidy (and on-the-job subsidy per
trainee and month), and an employer's subsidy ledger with its export.

Thin: parse, call jobs.subsidies, commit once, answer."""
from flask import send_file
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from core import roles
from core.auth import acting_user, api_roles
from core.extensions import db
from core.schemas import LabelledEnumField, Paging
from core.spreadsheets import XLSX
from jobs import subsidies as ledger
from jobs.models import SubsidyKind
from registry.schemas import label_of

subsidies = Blueprint("subsidies_api", __name__, url_prefix="/api/v1", description="Employers' subsidies")
blueprints = (subsidies,)

AMOUNT = validate.Range(0, 100_000)


class HireSubsidyIn(Schema):
    amount = fields.Integer(required=True, validate=AMOUNT, metadata={
        "description": "yuan for each hire of a person of a monitored or lifted-out household that lasts `months`"})
    months = fields.Integer(required=True, validate=validate.Range(1, 36))
    on_the_job_monthly = fields.Integer(allow_none=True, validate=AMOUNT, metadata={
        "description": "yuan per trainee and month of on-the-job training (以工代训); null: none; absent: unchanged"})


class HireSubsidyOut(Schema):
    area_code = fields.String()
    amount = fields.Integer(attribute="hire_subsidy_amount", allow_none=True)
    months = fields.Integer(attribute="hire_subsidy_months", allow_none=True)
    on_the_job_monthly = fields.Integer(allow_none=True)
    elimination_months = fields.Integer()


class EmployerSubsidyLineOut(Schema):
    id = fields.Integer()
    kind = LabelledEnumField(SubsidyKind)
    kind_label = label_of("kind")
    period = fields.Integer(metadata={"description": "the month of training (1, 2 …); 0 for a hiring subsidy"})
    amount = fields.Integer(metadata={"description": "yuan"})
    earned_on = fields.Date(metadata={"description": "the day the hire had lasted the months (or the month was done)"})
    employer_id = fields.Integer()
    referral_id = fields.Integer()
    worker_id = fields.Integer()
    worker_name = fields.String()
    job_id = fields.Integer()
    job_title = fields.String()
    hired_on = fields.Date(allow_none=True)
    area_code = fields.String(allow_none=True, metadata={"description": "the area whose policy pays it"})
    area_name = fields.String(allow_none=True)


class EmployerSubsidyLedger(Schema):
    items = fields.List(fields.Nested(EmployerSubsidyLineOut))
    total = fields.Integer(metadata={"description": "lines in all"})
    amount = fields.Integer(metadata={"description": "yuan in all"})


@subsidies.put("/areas/<code>/hire-subsidy")
@api_roles(*roles.OFFICERS)
@subsidies.arguments(HireSubsidyIn)
@subsidies.response(200, HireSubsidyOut)
def put_hire_subsidy(data, code):
    """A county's subsidy to employers for each hire of a person of a monitored or lifted-out
    household that lasts `months` in the same posting, written once by the task
    `employer_subsidies`: admin, or a county officer for its county."""
    policy = ledger.set_hire_subsidy(db.session, code, data, acting_user())
    db.session.commit()
    return policy


@subsidies.get("/employers/<int:employer_id>/subsidies")
@api_roles(*roles.JOB_POSTERS)
@subsidies.arguments(Paging, location="query")
@subsidies.response(200, EmployerSubsidyLedger)
def employer_subsidies(args, employer_id):
    """An employer's subsidy lines, newest first: the employer itself, officers of its county (or
    of a county that paid it), admin; 404 for any other employer."""
    employer = ledger.ledger_employer(db.session, employer_id, acting_user())
    items, total, amount = ledger.employer_ledger(db.session, employer, args["limit"], args["offset"])
    return {"items": items, "total": total, "amount": amount}


@subsidies.get("/employers/<int:employer_id>/subsidies/export")
@api_roles(*roles.JOB_POSTERS)
@subsidies.response(200, {"format": "binary", "type": "string"}, content_type=XLSX)
def export_employer_subsidies(employer_id):
    """The same ledger as .xlsx (企业补贴台账)."""
    actor = acting_user()
    stream, filename = ledger.export(db.session, actor, ledger.ledger_employer(db.session, employer_id, actor))
    db.session.commit()  # the audit event of the export
    return send_file(stream, as_attachment=True, download_name=filename, mimetype=XLSX)
