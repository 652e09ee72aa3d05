"""Input checks and output shapes of the jobs API (shared with the pages)."""
from flask_babel import gettext as _
from marshmallow import (
    Schema,
    ValidationError,
    fields,
    pre_dump,
    validate,
    validates,
    validates_schema,
)
from stdnum.cn import uscc

from core.auth import acting_user
from core.extensions import db
from core.models import china_today
from core.schemas import AreaCode, Flag, LabelledEnumField, Latitude, Longitude, Paging, Phone, Text
from core.validators import MAX_ID
from jobs import reliability
from jobs.models import (
    ComplaintKind,
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
    refused_reason = fields.String(allow_none=True, metadata={
        "description": "why an officer would not verify it (cleared when it is verified)"})
    open_complaints = fields.Method("_open_complaints", metadata={
        "type": "integer", "description": "complaints not yet resolved (an open wage_arrears one: offered to nobody)"})
    retention_6m = fields.Method("_retention", allow_none=True, metadata={
        "type": "number", "description": "of its hires made at least 6 months ago, the share still in work 6 "
                                         "months after the hire; null under 5 such hires"})

    def _contact_phone(self, employer):
        return employer.contact_phone if may_see_contact(acting_user(), employer) else None

    def _open_complaints(self, employer):
        return reliability.standing_of(db.session, employer).open_complaints

    def _retention(self, employer):
        return reliability.standing_of(db.session, employer).retention


class EmployerList(Schema):
    items = fields.List(fields.Nested(EmployerOut))
    total = fields.Integer()

    @pre_dump
    def _standing(self, data, **kwargs):
        """Every employer's complaints and retention in two queries, not two per employer."""
        reliability.attach_standing(db.session, data["items"])
        return data


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
    # 以工代训: learnt on the job from a mentor; lacking its required skills rules nobody out
    trains_on_job = Flag(load_default=False)
    training_months = fields.Integer(allow_none=True, validate=validate.Range(1, 24))
    mentor_name = Text(allow_none=True, validate=validate.Length(max=32))

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
        if data.get("trains_on_job") and not data.get("training_months") and not (
                kwargs.get("partial") and "training_months" not in data):  # a change: the service checks the whole
            problems["training_months"] = _("required when the posting trains on the job")
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
    trains_on_job = fields.Boolean()
    training_months = fields.Integer(allow_none=True)
    mentor_name = fields.String(allow_none=True)


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


# --- the public job board (jobs/public.py): no sign-in, nobody's personal data ------------------

class PublicJobArgs(Paging):
    area_code = AreaCode(metadata={"description": "postings inside this area, of any level (county, township, village)"})
    skill = Text(validate=validate.Length(max=64), metadata={
        "description": 'what people say ("电焊", "会开叉车"), read as the postings search reads it'})
    accommodation = Flag(metadata={"description": "true: housing provided (包住); false: without"})
    wage_min = fields.Integer(validate=validate.Range(0, 1_000_000), metadata={
        "description": "the monthly wage wanted at least: postings whose range reaches it (a day wage "
                       "times 22 days); piece rates and wages to be agreed are left out"})


class PublicJobOut(Schema):
    id = fields.Integer()
    title = fields.String()
    employer_name = fields.String()
    area_code = fields.String(allow_none=True)
    area_name = fields.String(allow_none=True, metadata={"description": "township and village of the work site"})
    wage_min = fields.Integer(allow_none=True)
    wage_max = fields.Integer(allow_none=True)
    wage_unit = LabelledEnumField(WageUnit)
    openings_left = fields.Integer(metadata={"description": "0: every opening is filled (已招满)"})
    accommodation = fields.Boolean()
    meals = fields.Boolean()
    starts_on = fields.Date(allow_none=True)
    expires_on = fields.Date(allow_none=True)


class PublicJobList(Schema):
    items = fields.List(fields.Nested(PublicJobOut))
    total = fields.Integer()


# --- employers' own tools (jobs.hiring): dated answers, several hires at once, the sign-up ------

class ReferralChange(ReferralPatch):
    """A referral's answer with the day of a hire or a departure (default today; not in the future,
    not before the referral or the hire). A departure says why (`leave_reason`, required)."""
    hired_on = fields.Date(allow_none=True, metadata={"description": "status hired: the day of the hire"})
    left_on = fields.Date(allow_none=True, metadata={"description": "status left: the day the person left"})


class BulkHireIn(Schema):
    referral_ids = fields.List(fields.Integer(validate=validate.Range(1, MAX_ID)), required=True,
                               metadata={"description": "1 to 200 referrals of this posting, all hired or none"})
    hired_on = fields.Date(allow_none=True, metadata={"description": "the day of the hires (default today)"})

    @validates("referral_ids")
    def _some(self, value, **kwargs):
        if not 1 <= len(value) <= 200:
            raise ValidationError(_("choose 1 to 200 people"))


class BulkHireConfirmedIn(BulkHireIn):
    """The page's form: the employer ticks that the choice is right before anyone is hired."""
    confirm = Flag(required=True)

    @validates("confirm")
    def _confirmed(self, value, **kwargs):
        if value is not True:
            raise ValidationError(_("tick to confirm the hires"))


class ContactOut(Schema):
    referral_id = fields.Integer()
    worker_id = fields.Integer()
    name = fields.String()
    phone = fields.String(allow_none=True)


class EmployerSignUpIn(EmployerIn):
    """The public sign-up: the employer, where it is, and the account's password, every problem
    reported at once (a credit code on file too)."""
    area_code = AreaCode(required=True)
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=200))
    confirm = fields.String(required=True, load_only=True, validate=validate.Length(max=200))

    @validates_schema(skip_on_field_errors=False)
    def _account(self, data, **kwargs):
        from core.auth import password_problem
        from core.extensions import db
        from jobs.services import employer_registered
        problems = {}
        if data.get("uscc") and employer_registered(db.session, data["uscc"]):
            problems["uscc"] = _("already registered")
        if data.get("password") is not None and (why := password_problem(data["password"], data.get("uscc") or "")):
            problems["password"] = why
        if data.get("password") is not None and data.get("confirm") is not None and data["confirm"] != data["password"]:
            problems["confirm"] = _("The passwords differ.")
        if problems:
            raise ValidationError(problems)


class RefusalIn(Schema):
    reason = Text(required=True, validate=validate.Length(1, 500))


# --- complaints against an employer (jobs.complaints) ------------------------------------------

class ComplaintIn(Schema):
    kind = LabelledEnumField(ComplaintKind, required=True)
    description = Text(required=True, validate=validate.Length(1, 1000), metadata={
        "description": "what happened: whose wages, since when, how much …"})


class ResolutionIn(Schema):
    resolution = Text(allow_none=True, validate=validate.Length(max=500), metadata={
        "description": "what was done (工资已结清 …)"})


class ResolutionPageIn(ResolutionIn):
    """The page asks for what was done."""
    resolution = Text(required=True, validate=validate.Length(1, 500))


class ComplaintOut(Schema):
    id = fields.Integer()
    employer_id = fields.Integer()
    kind = LabelledEnumField(ComplaintKind)
    kind_label = label_of("kind")
    description = fields.String()
    created_at = fields.DateTime()
    filed_by = fields.Function(lambda c: _who(c.created_by), allow_none=True)
    open = fields.Boolean(attribute="is_open")
    resolved_at = fields.DateTime(allow_none=True)
    resolved_by = fields.Function(lambda c: _who(c.resolved_by), allow_none=True)
    resolution = fields.String(allow_none=True)


class ComplaintList(Schema):
    items = fields.List(fields.Nested(ComplaintOut))
    total = fields.Integer()


class ComplaintListArgs(Paging):
    open = Flag(data_key="open", attribute="open_only")


def _who(user) -> str | None:
    return (user.display_name or user.username) if user is not None else None
