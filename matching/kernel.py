"""The scoring rule of engine.score_block compiled into one pass over the pairs (numba): the same
arithmetic without the temporaries, on both cores, keeping only each worker's best jobs and each
job's best workers (the scores themselves are never written down). engine.score_block stays the
readable reference and gives the components for explanations; tests/matching/test_engine.py
holds the two equal on random data.

The hard rules are jobs.rules' functions, compiled here and inlined into the loop (a call per pair
would cost numba more than the arithmetic); the score's arithmetic is written out beside them."""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import get_num_threads, get_thread_id, njit, prange

from jobs.services import rules

_inline = njit(inline="always")
age_fits, health_fits, hours_fit = _inline(rules.age_fits), _inline(rules.health_fits), _inline(rules.hours_fit)
posting_takes_people, welfare_fits = _inline(rules.posting_takes_people), _inline(rules.welfare_fits)
reach_fits, skills_fit = _inline(rules.reach_fits), _inline(rules.skills_fit)


class People(NamedTuple):
    """The workers' columns as the kernel reads them: one entry per worker row, skills and groups as
    sorted CSR (ptr, idx[, val])."""
    n_groups: int
    skill_ptr: np.ndarray
    skill_idx: np.ndarray
    skill_val: np.ndarray
    group_ptr: np.ndarray
    group_idx: np.ndarray
    x: np.ndarray
    y: np.ndarray
    reach: np.ndarray
    commute: np.ndarray
    migrate: np.ndarray
    age: np.ndarray
    health: np.ndarray
    flexible: np.ndarray
    wage: np.ndarray
    welfare_ok: np.ndarray


class Postings(NamedTuple):
    """The postings' columns: one entry per posting row, required skills as sorted CSR."""
    need_ptr: np.ndarray
    need_idx: np.ndarray
    skill_group: np.ndarray  # per skill column: its occupational group
    needed: np.ndarray
    resolved: np.ndarray
    listed: np.ndarray
    x: np.ndarray
    y: np.ndarray
    min_age: np.ndarray
    max_age: np.ndarray
    demand: np.ndarray
    flexible: np.ndarray
    accommodation: np.ndarray
    wage: np.ndarray
    openings: np.ndarray
    public_welfare: np.ndarray
    trains: np.ndarray  # trains on the job (以工代训)
    nudge: np.ndarray  # the fit's factor for the employer's retention (engine.retention_factor)


class Scoring(NamedTuple):
    """The engine's constants (engine.WEIGHTS, RELATED, NO_SKILLS_NEEDED, AWAY) as float32."""
    related: np.float32
    no_skills: np.float32
    away: np.float32
    skills: np.float32
    distance: np.float32
    wage: np.float32


class Best(NamedTuple):
    """What the kernel fills: each worker's best jobs (one row per worker, best first) and each
    job's best workers (one table per thread: threads never write the same memory)."""
    worker_jobs: np.ndarray
    worker_scores: np.ndarray
    job_workers: np.ndarray
    job_scores: np.ndarray


@njit(cache=True)
def _lookups(i, n_skills, people):
    """A worker's skills and groups as dense lookups, so each required skill costs one read."""
    held = np.zeros(n_skills, np.float32)
    for p in range(people.skill_ptr[i], people.skill_ptr[i + 1]):
        held[people.skill_idx[p]] = people.skill_val[p]
    in_group = np.zeros(people.n_groups, np.bool_)
    for p in range(people.group_ptr[i], people.group_ptr[i + 1]):
        in_group[people.group_idx[p]] = True
    return held, in_group


@njit(parallel=True, cache=True)
def shortlist_pairs(rows, cols, people, posts, scoring, best):
    """Fills `best` (Best) from the pairs rows × cols of `people` (People) and `posts` (Postings),
    scored with `scoring` (Scoring), without writing the scores down. The caller merges the
    per-thread job tables."""
    n_skills = len(posts.skill_group)
    one = np.float32(1.0)
    # unpacked before the loop: numba's parallel loop loses writes made through a tuple's field
    worker_jobs, worker_scores, job_workers, job_scores = best
    k, t = worker_jobs.shape[1], job_workers.shape[2]
    for a in prange(len(rows)):
        i = rows[a]
        thread = get_thread_id()
        held, in_group = _lookups(i, n_skills, people)
        best_j = worker_jobs[i]
        best_s = worker_scores[i]
        # this person's columns, read once for all the postings
        x, y, reach, migrate, commute = people.x[i], people.y[i], people.reach[i], people.migrate[i], people.commute[i]
        age, health, flexible, welfare_ok, wage = (people.age[i], people.health[i], people.flexible[i],
                                                   people.welfare_ok[i], people.wage[i])
        for b in range(len(cols)):
            j = cols[b]
            # distance first: most pairs of a wide area end here, before any other work
            dx, dy = x - posts.x[j], y - posts.y[j]
            km = np.sqrt(dx * dx + dy * dy)
            if not reach_fits(km, reach, migrate, posts.accommodation[j]):
                continue
            within = km <= reach
            away = migrate and posts.accommodation[j] and not within
            if not (posting_takes_people(posts.listed[j], posts.openings[j])
                    and age_fits(age, posts.min_age[j], posts.max_age[j])
                    and health_fits(health, posts.demand[j]) and hours_fit(flexible, posts.flexible[j])
                    and welfare_fits(posts.public_welfare[j], welfare_ok)):
                continue
            got = np.float32(0.0)
            met = 0
            for p in range(posts.need_ptr[j], posts.need_ptr[j + 1]):
                skill = posts.need_idx[p]
                if held[skill] > 0:
                    got += held[skill]
                    met += 1
                elif in_group[posts.skill_group[skill]]:
                    got += scoring.related
                    met += 1
            if not skills_fit(posts.resolved[j], met, posts.trains[j]):
                continue
            coverage = scoring.no_skills if posts.needed[j] == 0 else got / posts.needed[j]
            if posts.trains[j] and coverage < scoring.no_skills:  # what is missing is taught there
                coverage = scoring.no_skills
            if within and not np.isnan(commute):
                near = one - np.float32(0.5) * km / max(commute, one)
            elif away:
                near = scoring.away
            else:
                near = np.float32(0.0)
            pay = posts.wage[j] / wage
            if np.isnan(pay):
                pay = np.float32(0.0)
            elif pay > one:
                pay = one
            score = (scoring.skills * coverage + scoring.distance * near + scoring.wage * pay) * posts.nudge[j]
            if score > one:
                score = one
            if score > best_s[k - 1]:
                q = k - 1
                while q > 0 and best_s[q - 1] < score:
                    best_s[q], best_j[q] = best_s[q - 1], best_j[q - 1]
                    q -= 1
                best_s[q], best_j[q] = score, j
            if t and score > job_scores[thread, j, t - 1]:
                q = t - 1
                while q > 0 and job_scores[thread, j, q - 1] < score:
                    job_scores[thread, j, q] = job_scores[thread, j, q - 1]
                    job_workers[thread, j, q] = job_workers[thread, j, q - 1]
                    q -= 1
                job_scores[thread, j, q], job_workers[thread, j, q] = score, i


class Columns:
    """The engine's columns as the kernel takes them (sorted CSR indices, fixed dtypes), built once
    per scoring run. The engine hands over its columns (engine.Workers, Jobs, Prepared) and its
    scoring constants: the kernel imports nothing of the engine, which calls it."""

    def __init__(self, workers, jobs, prepared, skill_group: np.ndarray, weights: dict[str, float],
                 related: float, no_skills_needed: float, away: float):
        skills = workers.skills.tocsr().astype(np.float32)
        skills.sort_indices()
        groups = prepared.held_groups.tocsr()
        groups.sort_indices()
        required = jobs.required.tocsr()
        required.sort_indices()
        self.people = People(
            n_groups=int(skill_group.max()) + 1 if len(skill_group) else 1,
            skill_ptr=skills.indptr.astype(np.int64), skill_idx=skills.indices.astype(np.int32),
            skill_val=skills.data, group_ptr=groups.indptr.astype(np.int64),
            group_idx=groups.indices.astype(np.int32), x=prepared.wx, y=prepared.wy, reach=prepared.reach,
            commute=workers.commute_km.astype(np.float32), migrate=workers.migrate.astype(np.bool_),
            age=workers.age.astype(np.float32), health=workers.health.astype(np.int8),
            flexible=workers.flexible.astype(np.bool_), wage=workers.wage.astype(np.float32),
            welfare_ok=workers.welfare_ok.astype(np.bool_))
        self.postings = Postings(
            need_ptr=required.indptr.astype(np.int64), need_idx=required.indices.astype(np.int32),
            skill_group=skill_group.astype(np.int32), needed=prepared.needed.astype(np.float32),
            resolved=prepared.resolved.astype(np.float32), listed=prepared.listed.astype(np.bool_),
            x=prepared.jx, y=prepared.jy, min_age=jobs.min_age.astype(np.float32),
            max_age=jobs.max_age.astype(np.float32), demand=jobs.demand.astype(np.int8),
            flexible=jobs.flexible.astype(np.bool_), accommodation=jobs.accommodation.astype(np.bool_),
            wage=jobs.wage.astype(np.float32), openings=jobs.openings.astype(np.int32),
            public_welfare=jobs.public_welfare.astype(np.bool_), trains=prepared.trains.astype(np.bool_),
            nudge=prepared.nudge.astype(np.float32))
        self.scoring = Scoring(np.float32(related), np.float32(no_skills_needed), np.float32(away),
                               *(np.float32(weights[k]) for k in ("skills", "distance", "wage")))

    def shortlist(self, rows: np.ndarray, cols: np.ndarray, lists, per_thread) -> None:
        """Each worker's best jobs into `lists` (engine.Shortlists), each job's best into `per_thread`."""
        best = Best(lists.worker_jobs, lists.worker_scores, *per_thread)
        shortlist_pairs(rows.astype(np.int64), cols.astype(np.int64), self.people, self.postings, self.scoring, best)


def job_tables(m: int, t: int) -> tuple[np.ndarray, np.ndarray]:
    """Empty per-thread tables of each job's best workers."""
    threads = get_num_threads()
    return np.full((threads, m, t), -1, np.int32), np.full((threads, m, t), -1.0, np.float32)
