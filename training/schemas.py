"""Input checks and output shapes of the training API."""
from flask_babel import gettext as _
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from core.schemas import AreaCode, Latitude, Longitude, Text
from core.validators import MAX_ID
from registry.schemas import Flag, LabelledEnumField, Paging, SkillList, label_of
from training.models import CourseMode, EnrollmentStatus


class CourseIn(Schema):
    title = Text(required=True, validate=validate.Length(min=2, max=100))
    provider = Text(required=True, validate=validate.Length(min=2, max=128))
    skills_taught = SkillList(load_default=list)
    certificate = Text(allow_none=True, validate=validate.Length(max=100))
    mode = LabelledEnumField(CourseMode, required=True)
    address = Text(allow_none=True, validate=validate.Length(max=200))
    area_code = AreaCode(allow_none=True)
    lat = Latitude()
    lon = Longitude()
    capacity = fields.Integer(required=True, validate=validate.Range(1, 10_000))
    rolling_admission = Flag(load_default=False)
    starts_on = fields.Date(allow_none=True)
    ends_on = fields.Date(allow_none=True)
    fee = fields.Integer(load_default=0, validate=validate.Range(0, 1_000_000))
    subsidy_per_day = fields.Integer(load_default=0, validate=validate.Range(0, 10_000))
    employer_id = fields.Integer(allow_none=True, validate=validate.Range(1, MAX_ID))

    @validates_schema(skip_on_field_errors=False)
    def _dates(self, data, **kwargs):
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            raise ValidationError({"ends_on": [_("must not be before the start")]})


class CourseSkillOut(Schema):
    name = fields.String()
    canonical = fields.String(allow_none=True)


class CourseOut(Schema):
    id = fields.Integer()
    title = fields.String()
    provider = fields.String()
    skills_taught = fields.List(fields.Nested(CourseSkillOut))
    certificate = fields.String(allow_none=True)
    mode = LabelledEnumField(CourseMode)
    mode_label = label_of("mode")
    address = fields.String(allow_none=True)
    area_code = fields.String(allow_none=True)
    lat = fields.Float(allow_none=True)
    lon = fields.Float(allow_none=True)
    capacity = fields.Integer()
    rolling_admission = fields.Boolean()
    starts_on = fields.Date(allow_none=True)
    ends_on = fields.Date(allow_none=True)
    fee = fields.Integer()
    subsidy_per_day = fields.Integer()
    employer_id = fields.Integer(allow_none=True)
    enrolled_count = fields.Integer()
    waitlisted_count = fields.Integer()
    seats_left = fields.Integer()


class CourseList(Schema):
    items = fields.List(fields.Nested(CourseOut))
    total = fields.Integer()


class CourseListArgs(Paging):
    skill = Text(validate=validate.Length(max=64))
    mode = LabelledEnumField(CourseMode)
    area_code = AreaCode()


class EnrollmentIn(Schema):
    worker_id = fields.Integer(required=True, validate=validate.Range(1, MAX_ID))


class CompletionIn(Schema):
    passed = Flag(required=True)


class EnrollmentOut(Schema):
    id = fields.Integer()
    course_id = fields.Integer()
    worker_id = fields.Integer()
    status = LabelledEnumField(EnrollmentStatus)
    status_label = label_of("status")
