"""A first ranking of candidates for a posting: skills, distance, wage and the hard limits.

Deliberately simple and explainable; the matcher (matching/) replaces it with vectorised scoring,
related-skill credit and congestion-aware spreading.
"""
import math
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import Role, User
from core.scoping import scope_clause
from jobs.models import Job, PhysicalDemand, Referral
from registry.models import EmploymentStatus, Health, Household, LabourAbility, Worker

LOOKING = (EmploymentStatus.unemployed, EmploymentStatus.in_training)
WEIGHTS = {"skills": 0.6, "distance": 0.3, "wage": 0.1}
CERTIFIED, SELF_REPORTED = 1.0, 0.8
UNFIT_FOR = {PhysicalDemand.heavy: {Health.chronic, Health.serious_illness, Health.disabled},
             PhysicalDemand.medium: {Health.serious_illness}}


@dataclass
class Candidate:
    worker: Worker
    score: float
    components: dict[str, float]
    reasons: list[str] = field(default_factory=list)
    missing_skills: list[str] = field(default_factory=list)


def distance_km(lat1, lon1, lat2, lon2) -> float | None:
    if None in (lat1, lon1, lat2, lon2):
        return None
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


def rank_candidates(session: Session, job: Job, actor: User, limit: int = 20) -> list[Candidate]:
    conditions = [Worker.employment_status.in_(LOOKING), Worker.labour_ability != LabourAbility.none]
    if actor.role in (Role.station, Role.county):
        conditions.append(scope_clause(actor, Household.village_code))
    workers = session.scalars(select(Worker).join(Household).where(*conditions))
    already = set(session.scalars(select(Referral.worker_id).where(Referral.job_id == job.id)))
    ranked = [c for w in workers if w.id not in already and (c := score(job, w)) is not None]
    ranked.sort(key=lambda c: (-c.score, c.worker.id))
    return ranked[:limit]


def score(job: Job, worker: Worker) -> Candidate | None:
    """None when a hard limit rules the person out; missing data never counts as a match."""
    age = worker.age
    if (job.min_age is not None and age < job.min_age) or (job.max_age is not None and age > job.max_age):
        return None
    if worker.health in UNFIT_FOR.get(job.physical_demand, ()):
        return None
    if worker.needs_flexible_hours and not job.flexible_hours:
        return None
    reasons = []
    held = {s.skill_id: s for s in worker.skills if s.skill_id is not None}
    needed = list(job.required_skills)
    got, missing = 0.0, []
    for need in needed:
        mine = held.get(need.skill_id) if need.skill_id is not None else None
        if mine is None:
            missing.append(need.canonical or need.name)
            continue
        got += CERTIFIED if mine.certified else SELF_REPORTED
        reasons.append(_("has the skill %(skill)s", skill=need.canonical))
    skills = got / len(needed) if needed else 0.5
    km = distance_km(worker.lat, worker.lon, job.lat, job.lon)
    if km is None or worker.max_commute_km is None:
        near = 0.0  # unknown: no credit, no exclusion
    elif km <= worker.max_commute_km:
        near = 1.0 - 0.5 * km / max(worker.max_commute_km, 1)
        reasons.append(_("%(km)s km from home", km=round(km)))
    elif worker.willing_to_migrate and job.accommodation:
        near = 0.4
        reasons.append(_("willing to work away; accommodation provided"))
    else:
        return None
    wage = 0.0
    if job.wage_max is not None and worker.expected_wage:
        wage = min(job.wage_max / worker.expected_wage, 1.0)
        if job.wage_max >= worker.expected_wage:
            reasons.append(_("pays what they expect"))
    components = {"skills": round(skills, 3), "distance": round(near, 3), "wage": round(wage, 3)}
    total = sum(WEIGHTS[k] * v for k, v in components.items())
    return Candidate(worker, round(total, 3), components, reasons, missing)
