"""Input checks and output shapes of the jobs API (shared with the pages)."""
from flask_babel import gettext as _
from marshmallow import (
    Schema,
    ValidationError,
    fields,
    validate,
    validates,
    validates_schema,
)
from stdnum.cn import uscc

from core.auth import acting_user
from core.models import china_today
from core.schemas import AreaCode, Flag, LabelledEnumField, Latitude, Longitude, Paging, Phone, Text
from core.validators import MAX_ID
from jobs.models import (
    EmployerKind,
    LeaveReason,
    PhysicalDemand,
    ReferralStatus,
    WageUnit,
)
from jobs.services import may_see_contact
from registry.schemas import SkillList, label_of


class EmployerIn(Schema):
    name = Text(required=True, validate=validate.Length(min=2, max=128))
    uscc = Text(required=True, metadata={"description": "unified social credit code (GB 32100)"})
    kind = LabelledEnumField(EmployerKind, load_default=EmployerKind.enterprise)
    contact_name = Text(allow_none=True, validate=validate.Length(max=64))
    contact_phone = Phone(allow_none=True)
    address = Text(allow_none=True, validate=validate.Length(max=200))
    area_code = AreaCode(allow_none=True)
    lat = Latitude()
    lon = Longitude()

    @validates("uscc")
    def _uscc(self, value, **kwargs):
        if not uscc.is_valid(value):
            raise ValidationError(_("Not a valid unified social credit code (18 characters, check digit)."))




class EmployerOut(Schema):
    id = fields.Integer()
    name = fields.String()
    uscc = fields.String()
    kind = LabelledEnumField(EmployerKind)
    kind_label = label_of("kind")
    contact_name = fields.String(allow_none=True)
    contact_phone = fields.Method("_contact_phone", allow_none=True,
                                  metadata={"description": "for staff and the employer itself; null for others"})
    address = fields.String(allow_none=True)
    area_code = fields.String(allow_none=True)
    lat = fields.Float(allow_none=True)
    lon = fields.Float(allow_none=True)
    verified = fields.Boolean()

    def _contact_phone(self, employer):
        return employer.contact_phone if may_see_contact(acting_user(), employer) else None


class EmployerList(Schema):
    items = fields.List(fields.Nested(EmployerOut))
    total = fields.Integer()


class EmployerListArgs(Paging):
    verified = Flag()


class JobIn(Schema):
    employer_id = fields.Integer(required=True, validate=validate.Range(1, MAX_ID))
    title = Text(required=True, validate=validate.Length(min=2, max=100))
    description = Text(allow_none=True, validate=validate.Length(max=4000))
    required_skills = SkillList(load_default=list)
    openings = fields.Integer(required=True, validate=validate.Range(1, 10_000))
    wage_min = fields.Integer(allow_none=True, validate=validate.Range(0, 1_000_000))
    wage_max = fields.Integer(allow_none=True, validate=validate.Range(0, 1_000_000))
    wage_unit = LabelledEnumField(WageUnit, load_default=WageUnit.month)
    address = Text(allow_none=True, validate=validate.Length(max=200))
    area_code = AreaCode(allow_none=True)
    lat = Latitude()
    lon = Longitude()
    labour_intensive = Flag(load_default=False)
    workshop = Flag(load_default=False)
    public_welfare = Flag(load_default=False)
    accommodation = Flag(load_default=False)
    meals = Flag(load_default=False)
    flexible_hours = Flag(load_default=False)
    shift = Text(allow_none=True, validate=validate.Length(max=64))
    min_age = fields.Integer(allow_none=True, validate=validate.Range(16, 75))
    max_age = fields.Integer(allow_none=True, validate=validate.Range(16, 75))
    physical_demand = LabelledEnumField(PhysicalDemand, load_default=PhysicalDemand.medium)
    starts_on = fields.Date(allow_none=True)
    expires_on = fields.Date(allow_none=True)


    @validates_schema(skip_on_field_errors=False)
    def _ranges(self, data, **kwargs):
        problems = {}
        if data.get("wage_min") is not None and data.get("wage_max") is not None and data["wage_min"] > data["wage_max"]:
            problems["wage_max"] = _("must not be below the lowest wage")
        if data.get("min_age") is not None and data.get("max_age") is not None and data["min_age"] > data["max_age"]:
            problems["max_age"] = _("must not be below the lowest age")
        if data.get("expires_on") is not None and data["expires_on"] < china_today():
            problems["expires_on"] = _("must not be in the past")
        if data.get("starts_on") and data.get("expires_on") and data["starts_on"] > data["expires_on"]:
            problems["starts_on"] = _("must not be after the expiry date")
        if problems:
            raise ValidationError(problems)


class JobPatch(JobIn):
    class Meta:
        exclude = ("employer_id",)


class SkillNeed(Schema):
    name = fields.String()
    canonical = fields.String(allow_none=True)
    code = fields.String(allow_none=True)


class JobOut(Schema):
    id = fields.Integer()
    employer_id = fields.Integer()
    employer_name = fields.String()
    title = fields.String()
    occupation_code = fields.String(allow_none=True)
    description = fields.String(allow_none=True)
    required_skills = fields.List(fields.Nested(SkillNeed))
    openings = fields.Integer()
    hired_count = fields.Integer()
    openings_left = fields.Integer()
    wage_min = fields.Integer(allow_none=True)
    wage_max = fields.Integer(allow_none=True)
    wage_unit = LabelledEnumField(WageUnit)
    address = fields.String(allow_none=True)
    area_code = fields.String(allow_none=True)
    lat = fields.Float(allow_none=True)
    lon = fields.Float(allow_none=True)
    labour_intensive = fields.Boolean()
    workshop = fields.Boolean()
    public_welfare = fields.Boolean()
    accommodation = fields.Boolean()
    meals = fields.Boolean()
    flexible_hours = fields.Boolean()
    shift = fields.String(allow_none=True)
    min_age = fields.Integer(allow_none=True)
    max_age = fields.Integer(allow_none=True)
    physical_demand = LabelledEnumField(PhysicalDemand)
    starts_on = fields.Date(allow_none=True)
    expires_on = fields.Date(allow_none=True)
    is_open = fields.Boolean()


class JobList(Schema):
    items = fields.List(fields.Nested(JobOut))
    total = fields.Integer()


class JobListArgs(Paging):
    employer_id = fields.Integer(validate=validate.Range(1, MAX_ID))
    q = Text(validate=validate.Length(max=64))
    skill = Text(validate=validate.Length(max=64), metadata={
        "description": 'what people say ("电焊", "会开叉车"): postings asking for the skill it resolves to '
                       "(any entry of the same occupation code) or titled as that occupation, or asking for "
                       "a skill written with this text in it"})
    open = Flag(data_key="open", attribute="open_only")
    public_welfare = Flag()


class ReferralIn(Schema):
    worker_id = fields.Integer(required=True, validate=validate.Range(1, MAX_ID))
    job_id = fields.Integer(required=True, validate=validate.Range(1, MAX_ID))
    note = Text(allow_none=True, validate=validate.Length(max=500))
    override_reason = Text(allow_none=True, validate=validate.Length(max=500), metadata={
        "description": "Station staff: why to refer someone who breaks one of the posting's rules (audited)."})


class ReferralPatch(Schema):
    status = LabelledEnumField(ReferralStatus, required=True)
    reason = Text(allow_none=True, validate=validate.Length(max=500))
    leave_reason = LabelledEnumField(LeaveReason, allow_none=True)

    @validates("status")
    def _status(self, value, **kwargs):
        if value not in (ReferralStatus.interviewing, ReferralStatus.hired, ReferralStatus.rejected, ReferralStatus.left):
            raise ValidationError(_("Set interviewing, hired, rejected or left."))


class FollowUpOut(Schema):
    id = fields.Integer()
    months = fields.Integer()
    due_on = fields.Date()
    done = fields.Function(lambda f: f.done_at is not None)
    still_employed = fields.Boolean(allow_none=True)
    wage = fields.Integer(allow_none=True)
    problems = fields.String(allow_none=True)


class FollowUpIn(Schema):
    still_employed = Flag(required=True)
    wage = fields.Integer(allow_none=True, validate=validate.Range(0, 1_000_000))
    problems = Text(allow_none=True, validate=validate.Length(max=500))
    leave_reason = LabelledEnumField(LeaveReason, allow_none=True)


class ReferralOut(Schema):
    id = fields.Integer()
    worker_id = fields.Integer()
    job_id = fields.Integer()
    status = LabelledEnumField(ReferralStatus)
    status_label = label_of("status")
    source = fields.Function(lambda r: r.source.name)
    reason = fields.String(allow_none=True)
    leave_reason = LabelledEnumField(LeaveReason, allow_none=True)
    note = fields.String(allow_none=True)
    created_at = fields.DateTime()
    hired_on = fields.Date(allow_none=True)
    left_on = fields.Date(allow_none=True)
    term_ends_on = fields.Date(allow_none=True, metadata={"description": "public-welfare posts: the term, until renewed"})
    follow_ups = fields.List(fields.Nested(FollowUpOut))


class RenewalIn(Schema):
    until = fields.Date(required=True, metadata={"description": "the post's new end"})


class ReferralList(Schema):
    items = fields.List(fields.Nested(ReferralOut))
    total = fields.Integer()


class ReferralListArgs(Paging):
    worker_id = fields.Integer(validate=validate.Range(1, MAX_ID))
    job_id = fields.Integer(validate=validate.Range(1, MAX_ID))
    household_code = Text(validate=validate.Length(max=32))
    status = LabelledEnumField(ReferralStatus)
    open = Flag(data_key="open", attribute="open_only")


class StableEmploymentOut(Schema):
    months = fields.Integer()
    followed_up = fields.Integer()
    still_employed = fields.Integer()
    rate = fields.Float(allow_none=True)
