"""Whether one person may take one posting: the hard rules of jobs.rules applied to a single pair,
with each broken rule said in words. "Why not this job?" shows them, and a referral is refused
on them (station staff may override with a written reason, which is audited: jobs.referral_lifecycle).

Skills are one skill whatever entry they were written under: entries that share an occupation
code (an occupation, its certificate, a village skill filed under it) meet each other."""
from __future__ import annotations

import math
from dataclasses import dataclass

from flask_babel import gettext as _

from jobs import rules
from jobs.models import Job, PhysicalDemand
from jobs.rules import DEFAULT_COMMUTE_KM, KM_PER_DEG_LAT
from registry.models import Health, MonitoringStatus, Skill, Worker

HEALTH_CODE = {Health.healthy: rules.HEALTHY, Health.chronic: rules.CHRONIC,
               Health.serious_illness: rules.SERIOUS, Health.disabled: rules.DISABLED}
DEMAND_CODE = {PhysicalDemand.light: rules.LIGHT, PhysicalDemand.medium: rules.MEDIUM,
               PhysicalDemand.heavy: rules.HEAVY}


def suspended_words() -> str:
    """Why an employer's postings are offered to nobody while a wage-arrears complaint is open."""
    return _("an unresolved wage-arrears complaint: recommendations paused")


def same_skill(skill: Skill | None) -> str | None:
    """What makes two entries the same skill: the occupation code, else the entry itself."""
    if skill is None:
        return None
    return f"code:{skill.code}" if skill.code else f"id:{skill.id}"


@dataclass(frozen=True)
class Pair:
    """One person and one posting, as the rules read them (engine units: NaN where unknown)."""
    age: float
    min_age: float
    max_age: float
    health: int
    demand: int
    needs_flexible: bool
    offers_flexible: bool
    listed: bool
    openings_left: int
    public_welfare: bool
    may_hold_welfare_post: bool
    km: float
    reach_km: float
    willing_to_migrate: bool
    accommodation: bool
    skills_required: int  # resolved required skills
    skills_met: int  # of those, met fully or through the same occupational group
    trains_on_job: bool = False  # 以工代训: what is missing is taught there


def broken(pair: Pair) -> list[str]:
    """The names of the rules a pair breaks (jobs.rules.RULES order)."""
    checks = {
        "posting": rules.posting_takes_people(pair.listed, pair.openings_left),
        "age": rules.age_fits(pair.age, pair.min_age, pair.max_age),
        "health": rules.health_fits(pair.health, pair.demand),
        "hours": rules.hours_fit(pair.needs_flexible, pair.offers_flexible),
        "welfare": rules.welfare_fits(pair.public_welfare, pair.may_hold_welfare_post),
        "reach": rules.reach_fits(pair.km, pair.reach_km, pair.willing_to_migrate, pair.accommodation),
        "skills": rules.skills_fit(pair.skills_required, pair.skills_met, pair.trains_on_job),
    }
    return [name for name in rules.RULES if not checks[name]]


def may_hold_public_welfare_post(worker: Worker) -> bool:
    """公益性岗位 are for people of monitored or lifted-out households who cannot leave home."""
    household = worker.household
    return bool(rules.may_hold_welfare_post(
        household.monitoring_status is not MonitoringStatus.none or household.lifted_out, worker.willing_to_migrate))


def skills_met(worker: Worker, job: Job) -> tuple[int, int, list[str]]:
    """(resolved required skills, those met fully or through their group, the names of the unmet)."""
    held = {same_skill(s.skill) for s in worker.skills if s.skill is not None}
    groups = {s.skill.group_code for s in worker.skills if s.skill is not None}
    required, met, unmet, seen = 0, 0, [], set()
    for need in job.required_skills:
        key = same_skill(need.skill)
        if key is None or key in seen:
            continue
        seen.add(key)
        required += 1
        if key in held or need.skill.group_code in groups:
            met += 1
        else:
            unmet.append(need.canonical)
    return required, met, unmet


def km_between(a: tuple[float | None, float | None], b: tuple[float | None, float | None]) -> float:
    """Planar km between two points, as the matcher measures them (NaN when either is unknown)."""
    if None in (*a, *b):
        return math.nan
    per_lon = KM_PER_DEG_LAT * math.cos(math.radians((a[0] + b[0]) / 2)) * 1.0073
    return math.hypot((a[1] - b[1]) * per_lon, (a[0] - b[0]) * KM_PER_DEG_LAT)


def _bound(value: int | None) -> float:
    return math.nan if value is None else float(value)


def pair_of(worker: Worker, job: Job, km: float | None = None, skills: tuple | None = None,
            suspended: bool = False) -> Pair:
    """The rules' view of a person and a posting; `km` as the matcher measured it, else measured here;
    `skills` as skills_met counted them, else counted here. `suspended`: its employer has an open
    wage-arrears complaint (jobs.reliability), so the posting is offered to nobody meanwhile."""
    if km is None:
        km = km_between((worker.lat, worker.lon), (job.lat, job.lon))
    required, met, _unmet = skills or skills_met(worker, job)
    return Pair(
        age=float(worker.age), min_age=_bound(job.min_age), max_age=_bound(job.max_age),
        health=HEALTH_CODE[worker.health], demand=DEMAND_CODE[job.physical_demand],
        needs_flexible=bool(worker.needs_flexible_hours), offers_flexible=bool(job.flexible_hours),
        listed=job.is_open and not suspended, openings_left=job.openings_left, public_welfare=bool(job.public_welfare),
        may_hold_welfare_post=may_hold_public_welfare_post(worker), km=km,
        reach_km=worker.max_commute_km if worker.max_commute_km is not None else DEFAULT_COMMUTE_KM,
        willing_to_migrate=bool(worker.willing_to_migrate), accommodation=bool(job.accommodation),
        skills_required=required, skills_met=met, trains_on_job=bool(job.trains_on_job))


def blockers(worker: Worker, job: Job, km: float | None = None, suspended: bool = False) -> dict[str, str]:
    """Every rule the pair breaks, by name, in words (`suspended`: as pair_of)."""
    skills = skills_met(worker, job)
    pair = pair_of(worker, job, km, skills, suspended)
    words = {}
    for name in broken(pair):
        if name == "posting":
            words[name] = (_("the posting is closed or expired") if not job.is_open
                           else suspended_words() if suspended else _("every opening is filled"))
        elif name == "age":
            words[name] = _("age %(age)s is outside %(low)s–%(high)s", age=worker.age, low=job.min_age or "",
                            high=job.max_age or "")
        elif name == "health":
            words[name] = _("the work is too heavy for their health")
        elif name == "hours":
            words[name] = _("they need flexible hours, the job has none")
        elif name == "welfare":
            words[name] = _("public-welfare posts are for monitored or lifted-out households staying home")
        elif name == "reach":
            words[name] = _("%(km)s km away, beyond their %(limit)s km", km=round(pair.km), limit=round(pair.reach_km))
        else:
            words[name] = _("meets none of the required skills (%(skills)s)",
                            skills="、".join(skills[2]))
    return words
