"""The shapes of those who show the way (扶志) in the API and on the station's form: the same rules
for both (core.pages.submit runs a page's form through these)."""
from flask_babel import gettext as _
from marshmallow import Schema, ValidationError, fields, validate, validates

from core.models import china_today
from core.schemas import AreaCode, Flag, LabelledEnumField, Paging, Text
from core.validators import MAX_ID
from registry.models import ExemplarKind
from registry.schemas import label_of

STORY_LENGTH = 4000  # a short story: what fits on a notice board and a phone screen


class ExemplarIn(Schema):
    kind = LabelledEnumField(ExemplarKind, required=True, metadata={
        "description": "story: someone who found stable work or a trade; expert: a local expert who "
                       "teaches (乡村能手); leader: a leader in prosperity (致富带头人)"})
    name = Text(required=True, validate=validate.Length(min=1, max=32), metadata={
        "description": "as the person agreed it may be shown publicly"})
    worker_id = fields.Integer(allow_none=True, validate=validate.Range(1, MAX_ID), metadata={
        "description": "the person in the registry, if they are in it (a worker of your areas); never shown publicly"})
    area_code = AreaCode(required=True, metadata={"description": "the village or township of the person"})
    title = Text(required=True, validate=validate.Length(min=1, max=100))
    story = Text(required=True, validate=validate.Length(min=1, max=STORY_LENGTH))
    trade = Text(allow_none=True, validate=validate.Length(max=64), metadata={
        "description": "what an expert teaches or the trade found: 滩羊养殖, 刺绣"})
    consent_on = fields.Date(required=True, metadata={
        "description": "the day the person consented in writing to being recorded and shown; not in the future"})

    @validates("consent_on")
    def _consent_is_past(self, value, **kwargs):
        if value > china_today():
            raise ValidationError(_("The day of written consent must not be in the future."))


class ExemplarPatch(ExemplarIn):
    """Loaded with partial=True: fields left out stay as they are."""


class ExemplarOut(Schema):
    id = fields.Integer()
    kind = LabelledEnumField(ExemplarKind)
    kind_label = label_of("kind")
    name = fields.String()
    worker_id = fields.Integer(allow_none=True)
    area_code = fields.String()
    title = fields.String()
    story = fields.String()
    trade = fields.String(allow_none=True)
    consent_on = fields.Date()
    published = fields.Function(lambda e: e.published_at is not None, metadata={
        "type": "boolean", "description": "shown on the public board"})
    published_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()


class ExemplarList(Schema):
    items = fields.List(fields.Nested(ExemplarOut))
    total = fields.Integer()


class ExemplarListArgs(Paging):
    area_code = AreaCode(metadata={"description": "inside this area (any level)"})
    kind = LabelledEnumField(ExemplarKind)
    published = Flag(metadata={"description": "true: published ones only; false: not yet published"})
