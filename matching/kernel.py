"""The scoring rule of engine.score_block compiled into one pass over the pairs (numba): the same
arithmetic without the temporaries, on both cores, keeping only each worker's best jobs and each
job's best workers (the scores themselves are never written down). engine.score_block stays the
readable reference and gives the components for explanations; tests/matching/test_engine.py
holds the two equal on random data.

The hard rules are jobs.rules' functions, compiled here and inlined into the loop (a call per pair
would cost numba more than the arithmetic); the score's arithmetic is written out beside them."""
from __future__ import annotations

import numpy as np
from numba import get_num_threads, get_thread_id, njit, prange

from jobs import rules

_inline = njit(inline="always")
age_fits, health_fits, hours_fit = _inline(rules.age_fits), _inline(rules.health_fits), _inline(rules.hours_fit)
posting_takes_people, welfare_fits = _inline(rules.posting_takes_people), _inline(rules.welfare_fits)
reach_fits, skills_fit = _inline(rules.reach_fits), _inline(rules.skills_fit)



@njit(cache=True)
def _lookups(i, n_skills, n_groups, w_ptr, w_idx, w_val, g_ptr, g_idx):
    """A worker's skills and groups as dense lookups, so each required skill costs one read."""
    held = np.zeros(n_skills, np.float32)
    for p in range(w_ptr[i], w_ptr[i + 1]):
        held[w_idx[p]] = w_val[p]
    in_group = np.zeros(n_groups, np.bool_)
    for p in range(g_ptr[i], g_ptr[i + 1]):
        in_group[g_idx[p]] = True
    return held, in_group


@njit(parallel=True, cache=True)
def shortlist_pairs(rows, cols, worker_jobs, worker_scores, job_workers, job_scores,
                    n_groups, w_ptr, w_idx, w_val, g_ptr, g_idx,
                    wx, wy, reach, commute, migrate, age, health, flexible, wage, welfare_ok,
                    r_ptr, r_idx, skill_group, needed, resolved, listed,
                    jx, jy, min_age, max_age, demand, j_flexible, accommodation, j_wage, openings, public_welfare,
                    related, no_skills, away_score, w_skills, w_distance, w_wage):
    """Keeps, without writing the scores down, each worker's best jobs (worker_jobs/scores, one
    row per worker, best first) and each job's best workers (job_workers/scores, one table per
    thread: threads never write the same memory; the caller merges them)."""
    n_skills = len(skill_group)
    one = np.float32(1.0)
    k, t = worker_jobs.shape[1], job_workers.shape[2]
    for a in prange(len(rows)):
        i = rows[a]
        thread = get_thread_id()
        held, in_group = _lookups(i, n_skills, n_groups, w_ptr, w_idx, w_val, g_ptr, g_idx)
        best_j = worker_jobs[i]
        best_s = worker_scores[i]
        for b in range(len(cols)):
            j = cols[b]
            # distance first: most pairs of a wide area end here, before any other work
            dx, dy = wx[i] - jx[j], wy[i] - jy[j]
            km = np.sqrt(dx * dx + dy * dy)
            if not reach_fits(km, reach[i], migrate[i], accommodation[j]):
                continue
            within = km <= reach[i]
            away = migrate[i] and accommodation[j] and not within
            if not (posting_takes_people(listed[j], openings[j]) and age_fits(age[i], min_age[j], max_age[j])
                    and health_fits(health[i], demand[j]) and hours_fit(flexible[i], j_flexible[j])
                    and welfare_fits(public_welfare[j], welfare_ok[i])):
                continue
            got = np.float32(0.0)
            met = 0
            for p in range(r_ptr[j], r_ptr[j + 1]):
                skill = r_idx[p]
                if held[skill] > 0:
                    got += held[skill]
                    met += 1
                elif in_group[skill_group[skill]]:
                    got += related
                    met += 1
            if not skills_fit(resolved[j], met):
                continue
            coverage = no_skills if needed[j] == 0 else got / needed[j]
            if within and not np.isnan(commute[i]):
                near = one - np.float32(0.5) * km / max(commute[i], one)
            elif away:
                near = away_score
            else:
                near = np.float32(0.0)
            pay = j_wage[j] / wage[i]
            if np.isnan(pay):
                pay = np.float32(0.0)
            elif pay > one:
                pay = one
            score = w_skills * coverage + w_distance * near + w_wage * pay
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
        self.worker_args = (
            int(skill_group.max()) + 1 if len(skill_group) else 1,
            skills.indptr.astype(np.int64), skills.indices.astype(np.int32), skills.data,
            groups.indptr.astype(np.int64), groups.indices.astype(np.int32),
            prepared.wx, prepared.wy, prepared.reach, workers.commute_km.astype(np.float32),
            workers.migrate.astype(np.bool_), workers.age.astype(np.float32), workers.health.astype(np.int8),
            workers.flexible.astype(np.bool_), workers.wage.astype(np.float32), workers.welfare_ok.astype(np.bool_))
        self.job_args = (
            required.indptr.astype(np.int64), required.indices.astype(np.int32), skill_group.astype(np.int32),
            prepared.needed.astype(np.float32), prepared.resolved.astype(np.float32), prepared.listed.astype(np.bool_),
            prepared.jx, prepared.jy, jobs.min_age.astype(np.float32), jobs.max_age.astype(np.float32),
            jobs.demand.astype(np.int8), jobs.flexible.astype(np.bool_), jobs.accommodation.astype(np.bool_),
            jobs.wage.astype(np.float32), jobs.openings.astype(np.int32), jobs.public_welfare.astype(np.bool_))
        self.constants = (np.float32(related), np.float32(no_skills_needed), np.float32(away),
                          *(np.float32(weights[k]) for k in ("skills", "distance", "wage")))

    def shortlist(self, rows: np.ndarray, cols: np.ndarray, lists, per_thread) -> None:
        """Each worker's best jobs into `lists` (engine.Shortlists), each job's best into `per_thread`."""
        shortlist_pairs(rows.astype(np.int64), cols.astype(np.int64), lists.worker_jobs, lists.worker_scores,
                        per_thread[0], per_thread[1], *self.worker_args, *self.job_args, *self.constants)


def job_tables(m: int, t: int) -> tuple[np.ndarray, np.ndarray]:
    """Empty per-thread tables of each job's best workers."""
    threads = get_num_threads()
    return np.full((threads, m, t), -1, np.int32), np.full((threads, m, t), -1.0, np.float32)
