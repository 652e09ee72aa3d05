"""Matching endpoints of the JSON API: a worker's recommendations (jobs with reasons, and the
courses that close their skill gaps), "why not this job", the allocation plan for an area, course
planning and a posting's candidates.

Thin: the schemas parse, a service answers (matching.services, matching.planning), commit once."""
from flask_smorest import Blueprint

from core import roles
from core.auth import acting_user, api_roles
from core.extensions import db
from jobs import services as job_services
from matching import planning, services
from matching.schemas import (
    AllocationIn,
    AllocationOut,
    CandidateArgs,
    CandidateList,
    PlanningArgs,
    PlanningOut,
    PlanReferralsIn,
    PlanReferralsOut,
    RecommendationArgs,
    Recommendations,
    WhyNot,
)
from registry import services as registry_services

bp = Blueprint("matching_api", __name__, url_prefix="/api/v1", description="Recommendations and allocation")
blueprints = (bp,)


@bp.get("/workers/<int:worker_id>/recommendations")
@api_roles(*roles.WORKER_FILE)
@bp.arguments(RecommendationArgs, location="query")
@bp.response(200, Recommendations)
def recommendations(args, worker_id):
    """Jobs best first with their components and reasons, and courses for the missing skills."""
    actor = acting_user()
    worker = registry_services.get_worker(db.session, worker_id, actor)
    return services.recommend(db.session, worker, actor, limit=args["limit"])


@bp.get("/workers/<int:worker_id>/why-not/<int:job_id>")
@api_roles(*roles.WORKER_FILE)
@bp.response(200, WhyNot)
def why_not(worker_id, job_id):
    """How a posting scores for the person, and every hard rule it breaks."""
    actor = acting_user()
    worker = registry_services.get_worker(db.session, worker_id, actor)
    return services.why_not(db.session, worker, job_services.get_job(db.session, job_id, actor), actor)


@bp.post("/allocations")
@api_roles(*roles.STAFF)
@bp.arguments(AllocationIn)
@bp.response(200, AllocationOut)
def allocate(data):
    """A plan for the area: no job above its openings, one job per person, households with nobody
    in work covered first (monitored, then relocated), then the most total fit."""
    return services.plan(db.session, data["area_code"], acting_user(), group=data["group_placement"],
                         min_score=data["min_score"], objects=False)


@bp.post("/allocations/referrals")
@api_roles(*roles.STAFF)
@bp.arguments(PlanReferralsIn)
@bp.response(201, PlanReferralsOut)
def refer_plan(data):
    """Refers every pair of a reviewed plan at once; if any is refused, none is (409 naming each)."""
    referrals = services.refer_plan(db.session, [(p["worker_id"], p["job_id"]) for p in data["pairs"]], acting_user())
    db.session.commit()
    return {"referral_ids": [r.id for r in referrals]}


@bp.get("/course-planning")
@api_roles(*roles.STAFF)
@bp.arguments(PlanningArgs, location="query")
@bp.response(200, PlanningOut)
def course_planning(args):
    """People of the area one skill away from open jobs, by township and skill, with the courses
    that teach it: "N workers in township T are one skill X away from M open jobs"."""
    return {"items": planning.one_skill_away(db.session, args["area_code"], acting_user())}


@bp.get("/jobs/<int:job_id>/candidates")
@api_roles(*roles.HIRING)
@bp.arguments(CandidateArgs, location="query")
@bp.response(200, CandidateList)
def candidates(args, job_id):
    """Best first; an employer sees people masked until they are referred to it."""
    actor = acting_user()
    job = job_services.get_job(db.session, job_id, actor)
    job_services.require_candidates(actor, job)
    found = services.rank_candidates(db.session, job, actor, limit=args["limit"])
    shown = services.shown_people(db.session, job, actor, found)
    return {"items": [{"worker_id": c.worker.id, "score": c.score, "reasons": c.reasons,
                       "missing_skills": c.missing_skills, "components": c.components, "distance_km": c.distance_km,
                       "display": shown[c.worker.id]} for c in found]}
