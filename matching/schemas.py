"""Input checks and output shapes of the matching API."""
from marshmallow import Schema, fields, validate

from core.schemas import AreaCode
from matching.services import MIN_SCORE


class RecommendationArgs(Schema):
    limit = fields.Integer(load_default=10, validate=validate.Range(1, 50))


class Components(Schema):
    skills = fields.Float()
    distance = fields.Float()
    wage = fields.Float()


class JobRecommendation(Schema):
    job_id = fields.Function(lambda m: m.job.id)
    title = fields.Function(lambda m: m.job.title)
    employer = fields.Function(lambda m: m.job.employer.name)
    score = fields.Float()
    components = fields.Nested(Components)
    reasons = fields.List(fields.String())
    missing_skills = fields.List(fields.String())
    distance_km = fields.Float(allow_none=True, metadata={"description": "from home; null when a point is unknown"})
    recommended_to_others = fields.Integer(attribute="others", metadata={
        "description": "how many other people this posting is recommended to (last re-match)"})
    referred_pending = fields.Integer(attribute="pending", metadata={
        "description": "how many other people are put forward for this posting and still waiting for an answer"})


class CourseRecommendation(Schema):
    course_id = fields.Function(lambda a: a.course.id)
    title = fields.Function(lambda a: a.course.title)
    mode = fields.Function(lambda a: a.course.mode.name)
    starts_on = fields.Function(lambda a: a.course.starts_on.isoformat() if a.course.starts_on else None)
    address = fields.Function(lambda a: a.course.address)
    seats_left = fields.Function(lambda a: a.course.seats_left)
    closes_skills = fields.List(fields.String())
    for_job_ids = fields.List(fields.Integer())
    order_job_id = fields.Integer(allow_none=True, metadata={
        "description": "订单培训: the posting (one the person aims at) whose employer takes the course's graduates"})
    ordered_by = fields.String(allow_none=True, metadata={"description": "that posting's employer"})
    order_note = fields.String(allow_none=True)


class Recommendations(Schema):
    jobs = fields.List(fields.Nested(JobRecommendation))
    courses = fields.List(fields.Nested(CourseRecommendation))
    after_training = fields.List(fields.Nested(JobRecommendation), metadata={
        "description": "postings closed to the person until they learn a skill they lack (`missing_skills`); "
                       "`score` is the fit once learned"})


class WhyNot(Schema):
    job_id = fields.Integer()
    feasible = fields.Boolean()
    score = fields.Float()
    components = fields.Nested(Components)
    reasons = fields.List(fields.String())
    missing_skills = fields.List(fields.String())
    distance_km = fields.Float(allow_none=True, metadata={"description": "from home; null when a point is unknown"})
    blockers = fields.List(fields.String())


class AllocationIn(Schema):
    area_code = AreaCode(required=True)
    group_placement = fields.Boolean(load_default=False, metadata={
        "description": "gather villagers of one village at the same employers where the fit allows"})
    min_score = fields.Float(load_default=MIN_SCORE, validate=validate.Range(0, 1), metadata={
        "description": f"no assignment fits less than this; default {MIN_SCORE}"})


class AssignmentOut(Schema):
    worker_id = fields.Integer()
    household_code = fields.String()
    job_id = fields.Integer()
    score = fields.Float()


class AllocationOut(Schema):
    assignments = fields.List(fields.Nested(AssignmentOut))
    min_score = fields.Float()
    households_total = fields.Integer()
    households_covered = fields.Integer()


class PairIn(Schema):
    worker_id = fields.Integer(required=True, validate=validate.Range(1, 2**31 - 1))
    job_id = fields.Integer(required=True, validate=validate.Range(1, 2**31 - 1))


class PlanReferralsIn(Schema):
    pairs = fields.List(fields.Nested(PairIn), required=True, validate=validate.Length(1, 5000))


class PlanReferralsOut(Schema):
    referral_ids = fields.List(fields.Integer())


class PlanningArgs(Schema):
    area_code = AreaCode(required=True)


class PlanningCourse(Schema):
    id = fields.Integer()
    title = fields.String()
    seats_left = fields.Integer()


class SkillGapOut(Schema):
    township_code = fields.String()
    township = fields.String()
    skill = fields.String()
    workers = fields.Function(lambda g: len(g.workers))
    job_ids = fields.Function(lambda g: sorted(g.jobs))
    openings = fields.Integer()
    courses = fields.List(fields.Nested(PlanningCourse))


class PlanningOut(Schema):
    items = fields.List(fields.Nested(SkillGapOut))


class CandidateArgs(Schema):
    limit = fields.Integer(load_default=20, validate=validate.Range(1, 200))


class CandidateOut(Schema):
    worker_id = fields.Integer()
    score = fields.Float()
    reasons = fields.List(fields.String())
    missing_skills = fields.List(fields.String())
    components = fields.Dict(keys=fields.String(), values=fields.Float())
    distance_km = fields.Float(allow_none=True, metadata={"description": "from the person's home; null when a "
                                                                         "point is unknown"})
    display = fields.Dict(metadata={"description": "what the caller may see of the person: masked for employers "
                                                   "until the person is referred to them"})


class CandidateList(Schema):
    items = fields.List(fields.Nested(CandidateOut))
