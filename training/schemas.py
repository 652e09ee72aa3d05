"""Input checks and output shapes of the training API."""
from flask_babel import gettext as _
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from core.models import china_today
from core.schemas import AreaCode, Flag, LabelledEnumField, Latitude, Longitude, Paging, Text
from core.validators import MAX_ID
from registry.models import Education
from registry.schemas import SkillList, label_of
from training.models import LEVELS, CertificateKind, CourseMode, EnrollmentStatus


def Score():
    """An assessment score, 0–100."""
    return fields.Integer(allow_none=True, validate=validate.Range(0, 100))


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
    job_id = fields.Integer(allow_none=True, validate=validate.Range(1, MAX_ID), metadata={
        "description": "订单式: a posting of the ordering employer (the employer is the posting's when none is "
                       "given) that takes the course's graduates: each is referred to it on passing, while it "
                       "has openings. A posting newly named must be open with openings left (409)."})
    teacher_id = fields.Integer(allow_none=True, validate=validate.Range(1, MAX_ID), metadata={
        "description": "who teaches: a local expert (乡村能手) or leader (致富带头人) on file"})
    teacher_name = Text(allow_none=True, validate=validate.Length(min=2, max=32), metadata={
        "description": "who teaches, when not on file (not together with teacher_id)"})
    description = Text(allow_none=True, validate=validate.Length(max=2000))
    certificate_kind = LabelledEnumField(CertificateKind, allow_none=True)
    certificate_level = fields.Integer(allow_none=True, validate=validate.OneOf(sorted(LEVELS)))
    fee_waived = Flag(load_default=False)
    hire_commitment = fields.Integer(allow_none=True, validate=validate.Range(1, 10_000))
    min_age = fields.Integer(allow_none=True, validate=validate.Range(16, 75))
    max_age = fields.Integer(allow_none=True, validate=validate.Range(16, 75))
    min_education = LabelledEnumField(Education, allow_none=True)
    completion_threshold = fields.Integer(load_default=80, validate=validate.Range(1, 100))

    stored = None  # the course as it is, when the whole of it is sent again to change it (CourseEditIn)

    @validates_schema(skip_on_field_errors=False)
    def _consistent(self, data, **kwargs):
        problems = course_problems(data.get, self.stored)
        if problems:
            raise ValidationError(problems)


def course_problems(value, stored=None) -> dict[str, str]:
    """What keeps a course from holding together, by field; `value(name)` gives a field's value
    (None when unset). A new course's data and a changed course are checked by this one rule.
    A date is not in the past, unless it is the date `stored` (the course being changed) has:
    a running course keeps its first day."""
    problems = {}
    if value("starts_on") and value("ends_on") and value("ends_on") < value("starts_on"):
        problems["ends_on"] = _("must not be before the start")
    today = china_today()
    for name in ("starts_on", "ends_on"):
        day = value(name)
        if day is not None and day < today and (stored is None or day != getattr(stored, name)):
            problems.setdefault(name, _("must not be in the past (today is %(today)s)", today=today.isoformat()))
    if value("min_age") is not None and value("max_age") is not None and value("min_age") > value("max_age"):
        problems["max_age"] = _("must not be below the lowest age")
    if value("hire_commitment") and not value("employer_id") and not value("job_id"):
        problems["hire_commitment"] = _("only for a course ordered by an employer")
    if value("teacher_id") and value("teacher_name"):
        problems["teacher_name"] = _("leave blank when a teacher on file is chosen")
    if value("certificate_level") and value("certificate_kind") is not CertificateKind.skill_level:
        problems["certificate_level"] = _("only for a vocational skill level certificate")
    return problems


class CoursePatch(Schema):
    """Any field of a course; the capacity may not drop below the seats taken."""
    title = Text(validate=validate.Length(min=2, max=100))
    provider = Text(validate=validate.Length(min=2, max=128))
    skills_taught = SkillList()
    certificate = Text(allow_none=True, validate=validate.Length(max=100))
    certificate_kind = LabelledEnumField(CertificateKind, allow_none=True)
    certificate_level = fields.Integer(allow_none=True, validate=validate.OneOf(sorted(LEVELS)))
    mode = LabelledEnumField(CourseMode)
    description = Text(allow_none=True, validate=validate.Length(max=2000))
    address = Text(allow_none=True, validate=validate.Length(max=200))
    area_code = AreaCode(allow_none=True)
    lat = Latitude()
    lon = Longitude()
    capacity = fields.Integer(validate=validate.Range(1, 10_000))
    rolling_admission = Flag()
    starts_on = fields.Date(allow_none=True)
    ends_on = fields.Date(allow_none=True)
    fee = fields.Integer(validate=validate.Range(0, 1_000_000))
    fee_waived = Flag()
    subsidy_per_day = fields.Integer(validate=validate.Range(0, 10_000))
    employer_id = fields.Integer(allow_none=True, validate=validate.Range(1, MAX_ID))
    job_id = fields.Integer(allow_none=True, validate=validate.Range(1, MAX_ID),
                            metadata={"description": "as for a new course; null ends the order's posting"})
    hire_commitment = fields.Integer(allow_none=True, validate=validate.Range(1, 10_000))
    teacher_id = fields.Integer(allow_none=True, validate=validate.Range(1, MAX_ID),
                                metadata={"description": "a teacher on file; clears teacher_name unless it is sent"})
    teacher_name = Text(allow_none=True, validate=validate.Length(min=2, max=32),
                        metadata={"description": "a teacher not on file; clears teacher_id unless it is sent"})
    min_age = fields.Integer(allow_none=True, validate=validate.Range(16, 75))
    max_age = fields.Integer(allow_none=True, validate=validate.Range(16, 75))
    min_education = LabelledEnumField(Education, allow_none=True)
    completion_threshold = fields.Integer(validate=validate.Range(1, 100))


class SessionIn(Schema):
    day = fields.Date(required=True)
    starts_at = fields.Time(required=True)
    ends_at = fields.Time(required=True)
    place = Text(allow_none=True, validate=validate.Length(max=200))
    topic = Text(allow_none=True, validate=validate.Length(max=100))


class SessionOut(Schema):
    id = fields.Integer()
    day = fields.Date()
    starts_at = fields.Time(format="%H:%M")
    ends_at = fields.Time(format="%H:%M")
    place = fields.String(allow_none=True)
    topic = fields.String(allow_none=True)


class AttendanceIn(Schema):
    present = fields.List(fields.Integer(validate=validate.Range(1, MAX_ID)), required=True,
                          metadata={"description": "enrolment ids of the people present; everyone else "
                                                   "enrolled is marked absent"})


class AttendanceOut(Schema):
    session_id = fields.Integer()
    present = fields.Integer()
    enrolled = fields.Integer()


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
    job_id = fields.Integer(allow_none=True)
    order = fields.Function(lambda course: order_of(course), allow_none=True, metadata={
        "description": "订单式: {employer_id, employer, job_id, job_title, hire_commitment, openings_left, "
                       "job_open}; null for a course no employer ordered"})
    teacher_id = fields.Integer(allow_none=True)
    teacher_name = fields.String(allow_none=True)
    teacher = fields.Function(lambda course: course.teacher.name if course.teacher else course.teacher_name,
                              allow_none=True, metadata={"description": "who teaches, by name"})
    teacher_kind = fields.Function(lambda course: course.teacher.kind.name if course.teacher else None,
                                   allow_none=True, metadata={"description": "expert or leader; null for a name"})
    teacher_kind_label = fields.Function(lambda course: course.teacher.kind.label if course.teacher else None,
                                         allow_none=True)
    teacher_trade = fields.Function(lambda course: course.teacher.trade if course.teacher else None, allow_none=True)
    description = fields.String(allow_none=True)
    certificate_kind = LabelledEnumField(CertificateKind, allow_none=True)
    certificate_kind_label = label_of("certificate_kind")
    certificate_level = fields.Integer(allow_none=True)
    certificate_level_label = fields.String(attribute="level_label", allow_none=True)
    fee_waived = fields.Boolean()
    hire_commitment = fields.Integer(allow_none=True)
    min_age = fields.Integer(allow_none=True)
    max_age = fields.Integer(allow_none=True)
    min_education = LabelledEnumField(Education, allow_none=True)
    completion_threshold = fields.Integer()
    sessions = fields.List(fields.Nested(SessionOut))
    enrolled_count = fields.Integer()
    waitlisted_count = fields.Integer()
    seats_left = fields.Integer()


def order_of(course) -> dict | None:
    """The order of a course an employer ordered (订单式): who, for which posting, how many hired."""
    if course.employer is None:
        return None
    job = course.job
    return {"employer_id": course.employer_id, "employer": course.employer.name, "job_id": course.job_id,
            "job_title": job.title if job else None, "hire_commitment": course.hire_commitment,
            "openings_left": job.openings_left if job else None, "job_open": job.is_open if job else None}


class CourseList(Schema):
    items = fields.List(fields.Nested(CourseOut))
    total = fields.Integer()


class CourseListArgs(Paging):
    skill = Text(validate=validate.Length(max=64), metadata={
        "description": 'what people say ("电焊", "会开叉车"): courses teaching the skill it resolves to '
                       "(any entry of the same occupation code), or a skill written with this text in it"})
    mode = LabelledEnumField(CourseMode)
    area_code = AreaCode()


class EnrollmentIn(Schema):
    worker_id = fields.Integer(required=True, validate=validate.Range(1, MAX_ID))


class CompletionIn(Schema):
    passed = Flag(required=True)
    post_score = Score()


class ScoresIn(Schema):
    pre_score = Score()
    post_score = Score()


class RatingIn(Schema):
    rating = fields.Integer(required=True, validate=validate.Range(1, 5))
    comment = Text(allow_none=True, validate=validate.Length(max=500))


class WishIn(Schema):
    name = Text(required=True, validate=validate.Length(min=1, max=100))
    mode = LabelledEnumField(CourseMode, allow_none=True)


class WishOut(Schema):
    id = fields.Integer()
    worker_id = fields.Integer()
    name = fields.String()
    canonical = fields.String(allow_none=True)
    mode = LabelledEnumField(CourseMode, allow_none=True)


class DemandArgs(Schema):
    area_code = AreaCode()


class DemandOut(Schema):
    skill = fields.String()
    township_code = fields.String()
    township = fields.String()
    people = fields.Integer()
    seats = fields.Integer()


class DemandList(Schema):
    items = fields.List(fields.Nested(DemandOut))


class OutcomeOut(Schema):
    months = fields.Integer()
    eligible = fields.Integer()
    employed = fields.Integer(allow_none=True)
    share = fields.Float(allow_none=True)
    suppressed = fields.Boolean()


class CourseOutcomes(Schema):
    course_id = fields.Integer()
    completed = fields.Integer()
    failed = fields.Integer()
    employment = fields.List(fields.Nested(OutcomeOut))
    rating_count = fields.Integer()
    rating_average = fields.Float(allow_none=True)


class SubsidyArgs(Schema):
    area_code = AreaCode()
    course_id = fields.Integer(validate=validate.Range(1, MAX_ID))


class SubsidyLine(Schema):
    enrollment_id = fields.Integer()
    worker_id = fields.Integer()
    worker_name = fields.String()
    household_code = fields.String()
    village = fields.String()
    course_id = fields.Integer()
    course_title = fields.String()
    days = fields.Integer()
    per_day = fields.Integer()
    amount = fields.Integer()


class HouseholdSubsidy(Schema):
    household_code = fields.String()
    village = fields.String()
    people = fields.Integer()
    days = fields.Integer()
    amount = fields.Integer()


class SubsidyLedger(Schema):
    people = fields.List(fields.Nested(SubsidyLine))
    households = fields.List(fields.Nested(HouseholdSubsidy))
    total = fields.Integer()


class EnrollmentOut(Schema):
    id = fields.Integer()
    course_id = fields.Integer()
    worker_id = fields.Integer()
    status = LabelledEnumField(EnrollmentStatus)
    status_label = label_of("status")
    pre_score = fields.Integer(allow_none=True)
    post_score = fields.Integer(allow_none=True)
    completed_on = fields.Date(allow_none=True)
    certificate_no = fields.String(allow_none=True)
    rating = fields.Integer(allow_none=True)
    order_referral = fields.Function(lambda e: order_referral_of(e), allow_none=True, metadata={
        "description": "in the answer to a pass of an order course: {job_id, referral_id, status, outcome "
                       "(referred, posting_closed, no_openings, already_referred, wage_arrears, cannot_work, "
                       "not_eligible), message}; null otherwise"})


def order_referral_of(enrollment) -> dict | None:
    """What passing an order course did (set by training.results.complete on the enrolment)."""
    done = getattr(enrollment, "order_referral", None)
    if done is None:
        return None
    referral = done.referral
    return {"job_id": done.job.id, "referral_id": referral.id if referral else None,
            "status": referral.status.name if referral else None, "outcome": done.outcome, "message": done.message}


class CourseEditIn(CourseIn):
    """The whole course as its edit page sends it again: a date kept as it is stored is not held
    against today (a running course keeps its first day); a date changed must not be past."""

    def __init__(self, stored, **kwargs):
        super().__init__(**kwargs)
        self.stored = stored


def session_problems(data: dict, others) -> dict[str, str]:
    """What keeps a new session from fitting its course's timetable: it ends before it starts, or
    it overlaps another session of the course (`others`) on the same day."""
    if data["ends_at"] <= data["starts_at"]:
        return {"ends_at": _("must be after the start")}
    clash = next((s for s in others
                  if s.day == data["day"] and s.starts_at < data["ends_at"] and data["starts_at"] < s.ends_at), None)
    if clash is not None:
        return {"starts_at": _("overlaps the session of %(day)s %(start)s–%(end)s", day=clash.day.isoformat(),
                               start=clash.starts_at.strftime("%H:%M"), end=clash.ends_at.strftime("%H:%M"))}
    return {}
