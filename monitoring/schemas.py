"""Input checks and output shapes of the alerts API and of the household file's monitoring."""
from marshmallow import Schema, fields, validate

from core.schemas import AreaCode, Flag, LabelledEnumField, Paging, Phone, Text
from core.validators import MAX_ID
from monitoring.models import ActionKind, AlertStatus, EliminationStatus, Severity
from monitoring.rules import RULES
from registry.models import HelperRole, MeasureKind, MonitoringEventKind, MonitoringStatus
from registry.schemas import HouseholdOut, RiskTypes, label_of


class AlertListArgs(Paging):
    area_code = AreaCode(metadata={"description": "any level: means inside this area"})
    open = Flag(metadata={"description": "true: open and acknowledged alerts; false: closed ones"})
    rule = fields.String(validate=validate.OneOf(list(RULES)))
    mine = Flag(load_default=False, metadata={"description": "only households I am the helper of"})


class AlertActionOut(Schema):
    id = fields.Integer()
    kind = LabelledEnumField(ActionKind)
    kind_label = label_of("kind")
    note = fields.String()
    created_at = fields.DateTime()
    created_by = fields.Function(lambda a: a.created_by.username if a.created_by else None)


class AlertEventOut(Schema):
    event_key = fields.String()
    occurred_on = fields.Date(allow_none=True)
    detail = fields.String()
    seen_at = fields.DateTime()


class AlertOut(Schema):
    id = fields.Integer()
    household_code = fields.Function(lambda a: a.household.code)
    village_code = fields.Function(lambda a: a.household.village_code)
    rule = fields.String()
    rule_label = fields.Function(lambda a: str(RULES[a.rule].title) if a.rule in RULES else a.rule)
    severity = LabelledEnumField(Severity)
    severity_label = label_of("severity")
    status = LabelledEnumField(AlertStatus)
    status_label = label_of("status")
    detail = fields.String()
    opened_at = fields.DateTime()
    acknowledged_at = fields.DateTime(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    closing_note = fields.String(allow_none=True)
    reopened_count = fields.Integer()
    helper_name = fields.Function(lambda a: a.household.helper_label)


class AlertDetail(AlertOut):
    events = fields.List(fields.Nested(AlertEventOut))
    actions = fields.List(fields.Nested(AlertActionOut))


class AlertList(Schema):
    items = fields.List(fields.Nested(AlertOut))
    total = fields.Integer()


class ActionIn(Schema):
    kind = LabelledEnumField(ActionKind, required=True)
    note = Text(required=True, validate=validate.Length(1, 500))


class CloseIn(Schema):
    note = Text(required=True, validate=validate.Length(1, 500), metadata={"description": "the outcome"})


# --- the household file ----------------------------------------------------------------------------

class MonitoringIn(Schema):
    status = LabelledEnumField(MonitoringStatus, required=True, metadata={
        "description": "unstable, marginal or sudden_hardship (ending it is a risk elimination)"})
    risk_types = RiskTypes(required=True, validate=validate.Length(min=1))
    reason = Text(required=True, validate=validate.Length(1, 500))


class HelperIn(Schema):
    role = LabelledEnumField(HelperRole, required=True)
    name = Text(required=True, validate=validate.Length(1, 64))
    phone = Phone(allow_none=True, load_default=None)
    user_id = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(1, MAX_ID), metadata={
        "description": "their account, when they have one (station or county staff of the village): the "
                       "household's alerts go to them"})


class HelperOut(Schema):
    role = LabelledEnumField(HelperRole)
    role_label = label_of("role")
    name = fields.String()
    phone_masked = fields.String(allow_none=True)
    user_id = fields.Integer(allow_none=True)


class HelperList(Schema):
    items = fields.List(fields.Nested(HelperOut))
    total = fields.Integer()


class MeasureIn(Schema):
    kind = LabelledEnumField(MeasureKind, required=True)
    date = fields.Date(required=True)
    description = Text(required=True, validate=validate.Length(1, 500))
    helper_name = Text(allow_none=True, load_default=None, validate=validate.Length(max=64))


class TimelineItemOut(Schema):
    source = fields.String(metadata={"description": "measure, referral, hire, left, enrolment, completion or subsidy"})
    kind = fields.String(metadata={"description": "a measure's kind; else the same as source"})
    kind_label = fields.String()
    date = fields.Date()
    description = fields.String()
    helper_name = fields.String(allow_none=True)


class Timeline(Schema):
    items = fields.List(fields.Nested(TimelineItemOut))
    total = fields.Integer()


class MonitoringEventOut(Schema):
    kind = LabelledEnumField(MonitoringEventKind)
    kind_label = label_of("kind")
    date = fields.Date(attribute="day")
    status = LabelledEnumField(MonitoringStatus)
    status_label = label_of("status")
    risk_types = RiskTypes()
    reason = fields.String(allow_none=True)


class HouseholdFileOut(HouseholdOut):
    helpers = fields.List(fields.Nested(HelperOut))
    open_alerts = fields.List(fields.Nested(AlertOut))
    monitoring_history = fields.List(fields.Nested(MonitoringEventOut))


class EliminationIn(Schema):
    reason = Text(required=True, validate=validate.Length(1, 500))


class CheckOut(Schema):
    name = fields.String(metadata={"description": "income_at_or_above_line, no_open_alert, monitored_long_enough"})
    passed = fields.Boolean()
    detail = fields.String()


class EliminationOut(Schema):
    id = fields.Integer()
    household_code = fields.Function(lambda e: e.household.code)
    status = LabelledEnumField(EliminationStatus)
    status_label = label_of("status")
    reason = fields.String()
    checks = fields.List(fields.Nested(CheckOut))
    proposed_at = fields.DateTime()
    decided_at = fields.DateTime(allow_none=True)
    decision_reason = fields.String(allow_none=True)


class DecisionIn(Schema):
    approved = Flag(required=True)
    reason = Text(required=True, validate=validate.Length(1, 500))


class RosterArgs(Schema):
    area_code = AreaCode()
    monitored = Flag(load_default=False, metadata={"description": "only households under monitoring"})


class OverviewArgs(Schema):
    area_code = AreaCode()


class OverviewOut(Schema):
    year = fields.Integer()
    monitored = fields.Integer()
    by_status = fields.Dict(keys=fields.String(), values=fields.Integer())
    by_risk_type = fields.Dict(keys=fields.String(), values=fields.Integer())
    by_status_and_risk_type = fields.Dict(keys=fields.String(), values=fields.Dict())
    below_line = fields.Integer()
    identified_this_year = fields.Integer()
    eliminated_this_year = fields.Integer()
