"""Input checks and output shapes of the alerts API."""
from marshmallow import Schema, fields, validate

from core.schemas import AreaCode, Flag, LabelledEnumField, Paging, Text
from monitoring.models import ActionKind, AlertStatus, Severity
from monitoring.rules import RULES
from registry.schemas import label_of


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
