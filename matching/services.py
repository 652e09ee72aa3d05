"""The matcher for the application: recommendations with reasons for a worker, the training gap,
"why not this job", the allocation plan for an area, a posting's candidates, and the small
questions the matcher's pages ask of them (who may refer, what is offered). The arithmetic is in
engine.py and allocation.py; this module loads the columns (data.py) and turns numbers into words.
The courses advised for the training gap are chosen in advice.py.
The plan's review on screen and paper (its workbook, the referral slips) is in plan_review.py.

The matcher's entry: other packages (the scheduler's tasks) use it through this module only."""
from __future__ import annotations

import sys
from dataclasses import dataclass, field

import numpy as np
from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, lazyload

from core.auth import system_actor
from core.errors import Conflict, DomainError, Forbidden, NotFound, ValidationFailed
from core.models import Role, User, UserArea, utcnow
from core.scoping import user_sees_area
from jobs.models import OPEN_REFERRAL, Employer, Job, Referral
from jobs.services import (
    blockers,
    create_referral,
    is_suspended,
    person_view,
    reachable_worker_ids,
    referred_worker_ids,
    same_skill,
    suspended_words,
)
from matching import allocation, data, demand, engine
from matching.advice import CourseAdvice, training_gap
from matching.demand import rematch  # noqa: F401  (the scheduler counts demand through it)
from matching.models import PlanSummary
from registry.models import Area, Household, Worker
from registry.services import can_read_worker

GOOD_WITH_SKILLS = 0.6  # a job worth training for: this good once the missing skills are learned
GAP_POSTINGS = 30  # postings looked at for course advice, the most promising first
MIN_SCORE = 0.4  # a plan offers no pair that fits less than this (POST /api/v1/allocations `min_score`)
GAPS_SHOWN = 5  # postings shown as "学会X后可应聘"


@dataclass
class JobMatch:
    job: Job
    score: float
    components: dict[str, float]
    reasons: list[str]
    missing_skills: list[str]
    missing_keys: list[str] = field(default_factory=list)  # the missing resolved skills (jobs.eligibility.same_skill)
    others: int = 0  # other people this posting is among the best ten of (the last re-match)
    pending: int = 0  # other people put forward for this posting and still waiting for an answer
    eligible: bool = True  # False: closed to the person until they learn one of its skills
    distance_km: float | None = None  # from home (or the resettlement site); None when a point is unknown


@dataclass
class Recommendations:
    jobs: list[JobMatch]
    courses: list[CourseAdvice]
    after_training: list[JobMatch] = field(default_factory=list)  # postings open once a skill is learned


def _held(worker: Worker) -> dict[str, bool]:
    """The person's skills, one per skill whatever entry they were written under: certified or not."""
    held: dict[str, bool] = {}
    for s in worker.skills:
        key = same_skill(s.skill)
        if key is not None:
            held[key] = held.get(key, False) or bool(s.certified)
    return held


def on_the_job_words(job: Job) -> str:
    """What a posting that trains on the job (以工代训) says to someone lacking its skills."""
    if job.training_months:
        return _("On-the-job training: a mentor teaches you for %(months)s months, no experience needed",
                 months=job.training_months)
    return _("On-the-job training: a mentor teaches you, no experience needed")


def _explain(worker: Worker, job: Job, block: engine.Block, col: int, feasible: bool,
             kept: float | None = None) -> JobMatch:
    """Components as numbers, short reasons in words (each skill said once), and the skills the
    person lacks: none where the posting trains on the job, which says so instead. `kept`: the
    employer's hires still there six months on (None unknown)."""
    held = _held(worker)
    held_groups = {s.skill.group_code for s in worker.skills if s.skill is not None}
    reasons, missing, missing_keys, seen = [], [], [], set()
    for need in job.required_skills:
        key = same_skill(need.skill) or f"text:{need.name}"
        if key in seen:
            continue
        seen.add(key)
        if key in held:
            reasons.append(_("certified %(skill)s", skill=need.canonical) if held[key]
                           else _("knows %(skill)s", skill=need.canonical))
            continue
        missing.append(need.canonical or need.name)
        if need.skill is not None:
            missing_keys.append(key)
            if need.skill.group_code in held_groups:
                reasons.append(_("related skills to %(skill)s", skill=need.canonical))
    if not job.required_skills:
        reasons.append(_("no particular skill needed"))
    if job.trains_on_job and missing:  # taught there: not missing, and no course needed first
        reasons.insert(0, on_the_job_words(job))
        missing, missing_keys = [], []
    km, near = float(block.km[0, col]), float(block.distance[0, col])
    if not np.isnan(km):
        reasons.append(_("about %(km)s km from home", km=round(km)))
        if near == engine.AWAY:
            reasons.append(_("willing to work away; accommodation provided"))
    wage = data.monthly(job.wage_max, job.wage_unit)
    if worker.expected_wage and not np.isnan(wage):
        reasons.append(_("pays more than expected") if wage > worker.expected_wage else
                       _("pays what they expect") if wage == worker.expected_wage else _("pays less than expected"))
    if kept is not None and not np.isnan(kept):
        reasons.append(_("%(share)s%% of those it hires are still there six months on", share=round(kept * 100)))
    components = {"skills": round(float(block.skills[0, col]), 3), "distance": round(near, 3),
                  "wage": round(float(block.wage[0, col]), 3)}
    score = round(float(block.total[0, col]), 3) if feasible else 0.0
    return JobMatch(job, max(score, 0.0), components, reasons, missing, missing_keys,
                    distance_km=None if np.isnan(km) else round(km, 1))


def _score_one(session: Session, worker: Worker, jobs: list[int] | None = None):
    if jobs is None:
        space, postings = data.current_postings(session)
    else:
        space = data.skill_space(session)
        postings = data.open_postings(session, space, job_ids=jobs)
    people = data.looking_for_work(session, worker_ids=[worker.id], space=space)
    prepared = engine.prepare(people.table, postings.table, space.group)
    block = engine.score_block(people.table, postings.table, prepared, np.array([0]), np.arange(len(postings)))
    return postings, block


def recommend(session: Session, worker: Worker, actor: User, limit: int = 10) -> Recommendations:
    """The postings and courses for the person; none for a child, a pupil, someone past working
    age or unable to work (registry `Worker.may_work`: the matcher's pool)."""
    if not can_read_worker(actor, worker):
        raise NotFound(_("No worker %(id)s.", id=worker.id))
    if not worker.may_work:
        return Recommendations([], [])
    postings, block = _score_one(session, worker)
    referred = list(session.scalars(select(Referral.job_id).where(Referral.worker_id == worker.id,
                                                                  Referral.status.in_(OPEN_REFERRAL))))
    ids, total = postings.table.ids, block.total[0]
    order = np.argsort(-total, kind="stable")
    order = order[(total[order] >= 0) & ~np.isin(ids[order], referred)]
    feasible = order.tolist()
    # spread: each posting priced by how many others were shown it against its openings left.
    # A price is never below half the fit, so what scores under half the limit-th best fit cannot
    # make the list, and only the postings above that floor are priced.
    floor = demand.spread_score(float(total[feasible[limit - 1]]), sys.maxsize, 1) if len(feasible) >= limit else -1.0
    candidates = feasible[:int(np.count_nonzero(total[order] >= floor))]
    counts = demand.recommended_counts(session)
    mine = set(feasible[:demand.TOP])
    others = {c: max(counts.get(int(ids[c]), 0) - (c in mine), 0) for c in candidates}
    spread = sorted(candidates, key=lambda c: -demand.spread_score(float(total[c]), others[c] + 1,
                                                              int(postings.table.openings[c])))[:limit]
    kept = postings.table.retention
    matches = [_explain(worker, job, block, c, True, kept[c]) for job, c in zip(postings.load(session, spread), spread)]
    waiting = pending_referrals(session, [m.job.id for m in matches], but=worker.id)
    for match, c in zip(matches, spread):
        match.others, match.pending = others[c], waiting.get(match.job.id, 0)
    # the training gap: good postings held back only by skills, those open to the person without
    # all of them and those closed to them until they learn one (the most promising few)
    complete = np.minimum((engine.WEIGHTS["skills"] + engine.WEIGHTS["distance"] * block.distance[0] +
                           engine.WEIGHTS["wage"] * block.wage[0]) * engine.retention_factor(postings.table), 1.0)
    # a posting that trains on the job teaches what is missing itself: nobody is told to train first for it
    possible = ((total >= 0) & (block.skills[0] < 1.0) | block.skills_only[0]) & ~np.isin(ids, referred) & \
        ~postings.table.trains_on_job
    held = np.flatnonzero(possible & (complete >= GOOD_WITH_SKILLS))
    held_back = held[np.argsort(-complete[held], kind="stable")][:GAP_POSTINGS].tolist()
    gaps = [_explain(worker, job, block, c, False, kept[c]) for job, c in zip(postings.load(session, held_back),
                                                                               held_back)]
    for gap, c in zip(gaps, held_back):
        gap.score, gap.eligible = round(float(complete[c]), 3), bool(total[c] >= 0)
    gaps = [g for g in gaps if g.missing_keys]
    return Recommendations(matches, training_gap(session, gaps), [g for g in gaps if not g.eligible][:GAPS_SHOWN])


def pending_referrals(session: Session, job_ids: list[int], but: int | None = None) -> dict[int, int]:
    """How many people are put forward for each posting and still waiting for an answer (but one)."""
    if not job_ids:
        return {}
    query = select(Referral.job_id, func.count()).where(Referral.job_id.in_(job_ids),
                                                         Referral.status.in_(OPEN_REFERRAL))
    if but is not None:
        query = query.where(Referral.worker_id != but)
    return dict(session.execute(query.group_by(Referral.job_id)).all())


def why_not(session: Session, worker: Worker, job: Job, actor: User) -> dict:
    """Why this posting is (or is not) among the person's recommendations: its components, and
    every hard rule it breaks, in words (jobs.eligibility: the rules the engine applies)."""
    if not can_read_worker(actor, worker):
        raise NotFound(_("No worker %(id)s.", id=worker.id))
    postings, block = _score_one(session, worker, jobs=[job.id])
    # not listed though open: its employer is suspended (matching.data read it with the posting)
    suspended = job.is_open and not bool(postings.table.listed[0])
    broken = list(blockers(worker, job, float(block.km[0, 0]), suspended=suspended).values())
    if not worker.may_work:  # outside the matcher's pool, whatever the posting
        broken.insert(0, _("not of working age, at school or unable to work"))
    feasible = bool(block.total[0, 0] >= 0) and worker.may_work
    match = _explain(worker, job, block, 0, feasible, postings.table.retention[0])
    return {"job_id": job.id, "feasible": feasible,
            "score": match.score, "components": match.components, "reasons": match.reasons,
            "missing_skills": match.missing_skills, "distance_km": match.distance_km, "blockers": broken}


# --- what the recommendations page asks (matching/views.py) ---------------------------------------

def open_posting_choices(session: Session, limit: int) -> list[tuple[int, str]]:
    """The newest open postings, for "why not this job?": (id, "title · employer"), read as
    columns (no posting objects for a select box)."""
    rows = session.execute(select(Job.id, Job.title, Employer.name).join(Employer, Employer.id == Job.employer_id)
                           .where(*data.open_jobs_conditions())
                           .order_by(Job.created_at.desc(), Job.id.desc()).limit(limit))
    return [(job_id, f"{title} · {employer}") for job_id, title, employer in rows]


def was_referred(session: Session, worker: Worker, job: Job) -> bool:
    """Whether the person was ever put forward for the posting (another referral would be refused)."""
    return session.scalar(select(Referral.id).where(Referral.worker_id == worker.id,
                                                    Referral.job_id == job.id)) is not None


def advised_jobs(session: Session, found: Recommendations) -> dict[int, Job]:
    """The postings each course advice opens, by id: those already in the lists, the rest read."""
    listed = {m.job.id: m.job for m in (*found.jobs, *found.after_training)}
    return {job_id: listed.get(job_id) or session.get(Job, job_id)
            for advice in found.courses for job_id in advice.for_job_ids}


def may_refer_recommended(actor: User) -> bool:
    """Refer a person to one of their recommended postings from their page: station staff."""
    return actor.role is Role.station


@dataclass
class Assignment:
    worker_id: int
    household_code: str
    job_id: int
    score: float
    worker: Worker | None = None  # the objects, for pages and the workbook (plan(..., objects=True))
    job: Job | None = None


@dataclass
class Plan:
    area: Area
    assignments: list[Assignment]
    households_total: int
    households_covered: int
    min_score: float = 0.0


def plan(session: Session, area_code: str, actor: User, k: int = 10, group: bool = False,
         min_score: float = MIN_SCORE, objects: bool = True) -> Plan:
    """The allocation for an area: capacity respected, households with nobody in work first;
    nothing under `min_score`; public-welfare posts only for people no market posting fits, one
    per household (allocation.reviewable); with `group`, villagers of one village gathered at the
    same employers where the fit allows. Without `objects` (the API), assignments carry ids and
    household codes only: building a county's people as objects cost more than planning."""
    if not actor.is_staff:
        raise Forbidden(_("Your role is not allowed to do this."))
    area = session.get(Area, area_code)
    if area is None:
        raise ValidationFailed(_("Unknown area."), {"area_code": _("no area has this code")})
    if not user_sees_area(actor, area_code):
        raise Forbidden(_("This area is not yours."))
    space, postings = data.current_postings(session)
    people = data.looking_for_work(session, area_code=area_code, space=space)
    lists = engine.shortlists(people.table, postings.table, space.group, k=k)
    edges = allocation.reviewable(allocation.candidate_edges(lists), min_score, postings.table.public_welfare,
                                  people.table.household)
    result = allocation.allocate(people.table.household, people.household_priority, people.household_employed,
                                 postings.table.openings, edges)
    if group and len(result.workers):
        bonus = allocation.together(people.village, postings.employer, edges, result)
        result = allocation.allocate(people.table.household, people.household_priority, people.household_employed,
                                     postings.table.openings, edges, bonus=bonus)
    worker_ids = people.table.ids[result.workers].tolist()
    codes = dict(session.execute(select(Worker.id, Household.code).join(Household, Household.id == Worker.household_id)
                                 .where(Worker.id.in_(worker_ids))).all()) if worker_ids else {}
    assignments = [Assignment(w, codes[w], int(j), round(float(s), 3))
                   for w, j, s in zip(worker_ids, postings.table.ids[result.jobs].tolist(), result.scores)
                   if w in codes]  # a person removed from the registry since the people were read: left out
    assignments.sort(key=lambda a: (a.household_code, -a.score, a.worker_id))
    made = Plan(area, assignments, result.households_total, result.households_covered, min_score)
    if objects:
        _with_objects(session, made)
    return made


def _with_objects(session: Session, made: Plan) -> None:
    """The people (with their households, not their skills) and postings of a plan, for pages."""
    ids = [a.worker_id for a in made.assignments]
    workers = {w.id: w for w in session.scalars(select(Worker).options(lazyload(Worker.skills))
                                                .where(Worker.id.in_(ids)))} if ids else {}
    jobs = {j.id: j for j in session.scalars(select(Job).where(Job.id.in_({a.job_id for a in made.assignments})))}
    for a in made.assignments:
        a.worker, a.job = workers[a.worker_id], jobs[a.job_id]


@dataclass
class PlanRefusal:
    worker_id: int
    job_id: int
    message: str


def refer_plan(session: Session, pairs: list[tuple[int, int]], actor: User) -> list:
    """Refers everyone of a reviewed plan in one step: all of it or, if any pair is refused
    (someone already put forward, a posting filled meanwhile …), none of it, with every refusal
    named; the caller's rollback undoes the rest. Each referral is an ordinary one (jobs.referral_lifecycle),
    so the employer's inbox shows it. No savepoints: with SQLite's Python driver a savepoint
    opened outside a transaction commits when released, which would break the all-or-nothing."""
    if not actor.is_staff:
        raise Forbidden(_("Your role is not allowed to do this."))
    seen_workers, referrals, refusals = set(), [], []
    for worker_id, job_id in pairs:
        if worker_id in seen_workers:
            refusals.append(PlanRefusal(worker_id, job_id, _("one job per person")))
            continue
        seen_workers.add(worker_id)
        try:  # refusals come before anything is written, so the session stays usable for the next pair
            referrals.append(create_referral(session, worker_id, job_id, actor, note=_("allocation plan")))
        except DomainError as exc:
            refusals.append(PlanRefusal(worker_id, job_id, exc.message))
            if not session.is_active:  # a race lost at the database: the transaction is spent
                break
    if refusals:
        raise PlanRefused(refusals)
    return referrals


class PlanRefused(Conflict):
    """Nothing of the plan was referred; `refusals` says which pairs, and why."""

    def __init__(self, refusals: list[PlanRefusal]):
        super().__init__(_("Nothing was referred: %(n)s of the plan's pairs were refused.", n=len(refusals)),
                         {f"{r.worker_id}-{r.job_id}": r.message for r in refusals})
        self.refusals = refusals


@dataclass
class Candidate:
    worker: Worker
    score: float
    components: dict[str, float]
    reasons: list[str]
    missing_skills: list[str]
    distance_km: float | None = None


def rank_candidates(session: Session, job: Job, actor: User, limit: int = 20) -> list[Candidate]:
    """People looking for work who fit a posting, best first, with the same rule and reasons as
    their own recommendations. Station and county staff see their areas; the posting's employer
    and admins everyone (employers see them masked: jobs.services.person_view)."""
    space, everyone = data.current_people(session)
    table = everyone.inside(actor.area_codes) if actor.is_area_staff else everyone.table
    postings = data.open_postings(session, space, job_ids=[job.id])
    already = list(session.scalars(select(Referral.worker_id).where(Referral.job_id == job.id)))
    if not len(table) or not len(postings) or not postings.table.listed[0]:  # closed, expired or suspended
        return []
    prepared = engine.prepare(table, postings.table, space.group)
    block = engine.score_block(table, postings.table, prepared, np.arange(len(table)), np.array([0]))
    order = np.argsort(-block.total[:, 0], kind="stable")
    chosen = order[(block.total[order, 0] >= 0) & ~np.isin(table.ids[order], already)][:limit].tolist()
    workers = {w.id: w for w in session.scalars(select(Worker).where(Worker.id.in_([int(table.ids[r]) for r in chosen])))}
    result = []
    for r in chosen:
        worker = workers.get(int(table.ids[r]))
        if worker is None:  # removed from the registry since the people were read
            continue
        one = block.row(r)
        match = _explain(worker, job, one, 0, True, postings.table.retention[0])
        result.append(Candidate(worker, match.score, match.components, match.reasons, match.missing_skills,
                                match.distance_km))
    return result


def candidates_paused(session: Session, job: Job) -> str | None:
    """Why a posting has no candidates whoever looks: its employer has an open wage-arrears
    complaint (jobs.services.is_suspended), so it is offered to nobody; else None."""
    if not is_suspended(session, job.employer_id):
        return None
    return suspended_words()


def may_refer_candidates(actor: User, job: Job) -> bool:
    """Put a candidate forward from a posting's candidates page, while the posting is open with an
    opening left: a station refers, the posting's employer invites; officers, who oversee, do not."""
    return actor.takes_part_in_hiring and not actor.is_officer and job.is_open and job.openings_left > 0


def shown_people(session: Session, job: Job, actor: User, candidates: list[Candidate]) -> dict[int, dict]:
    """What the actor may see of each candidate, by worker id (jobs.services.person_view): an
    employer sees people masked until they are referred to it."""
    referred = referred_worker_ids(session, job.employer_id) if actor.role is Role.employer else set()
    return {c.worker.id: person_view(c.worker, actor, c.worker.id in referred) for c in candidates}


def invitable(session: Session, job: Job, actor: User, candidates: list[Candidate]) -> set[int]:
    """The candidates (worker ids) the actor may put forward from the page: none unless
    may_refer_candidates; a station any of them; an employer only people who applied to, or were
    referred to, one of its postings."""
    if not may_refer_candidates(actor, job):
        return set()
    ids = [c.worker.id for c in candidates]
    return reachable_worker_ids(session, actor.employer_id, ids) if actor.role is Role.employer else set(ids)


def summarise_plans(session: Session) -> int:
    """Every station's areas planned as the allocation page plans them, kept as figures (the
    plans themselves are computed again when a station opens one). Returns how many areas."""
    codes = session.scalars(select(UserArea.area_code).join(User).where(User.role == Role.station)
                            .distinct().order_by(UserArea.area_code)).all()
    planner = system_actor("scheduler")
    session.execute(delete(PlanSummary))
    now = utcnow()
    for code in codes:
        made = plan(session, code, planner, objects=False)
        session.add(PlanSummary(area_code=code, households_total=made.households_total,
                                households_covered=made.households_covered, placements=len(made.assignments),
                                computed_at=now))
    session.flush()
    return len(codes)
