"""The matcher's arithmetic, on arrays only (no Flask, no database): every worker–job pair gets a
score in [0, 1] from skill coverage, distance against the worker's commute limit and wage
against expectation, nudged by how well the employer keeps the people it hires, or is ruled out by
a hard constraint. Pairs are scored in blocks of workers against all jobs, so the whole N×M matrix
never exists; what leaves a block is each worker's best k jobs.

The inputs are columns (numpy arrays) built by matching/data.py from the database, or by the
benchmark's generator. Missing data never counts as a match: an unknown distance, wage or skill
earns nothing (and rules nobody out, except where the rule needs the value).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from jobs.services import rules

WEIGHTS = {"skills": 0.55, "distance": 0.30, "wage": 0.15}
CERTIFIED, SELF_REPORTED = 1.0, 0.8  # what a held skill is worth toward a required one
RELATED = 0.5  # a skill of the same occupational group, for a required skill not held
NO_SKILLS_NEEDED = 0.5  # a job that asks for no skill: anyone can do it, nobody is a specialist
AWAY = 0.4  # a far job taken by someone willing to migrate, with accommodation
RETENTION_WEIGHT = 0.1  # an employer whose hires stay: its fit × (1 + 0.1 × (share kept − 0.5)), at most 1
RETENTION_NEUTRAL = 0.5  # the share kept six months on that neither raises nor lowers a fit
BLOCK = 2048  # workers per block
EARTH_KM = 6371.0


@dataclass
class Workers:
    ids: np.ndarray  # int64
    lat: np.ndarray  # float64, NaN when unknown (home, or the resettlement site)
    lon: np.ndarray
    age: np.ndarray  # int16
    health: np.ndarray  # int8, codes above
    flexible: np.ndarray  # bool: needs flexible hours (caring for someone)
    commute_km: np.ndarray  # float32, NaN when unknown
    migrate: np.ndarray  # bool: willing to work away from home
    wage: np.ndarray  # float32 expected monthly wage, NaN when unknown
    household: np.ndarray  # int64 household index (0..H-1)
    skills: sparse.csr_matrix  # N×S: CERTIFIED or SELF_REPORTED per held canonical skill
    welfare_ok: np.ndarray  # bool: may hold a public-welfare post (monitored or lifted out, staying home)

    def __len__(self) -> int:
        return len(self.ids)


@dataclass
class Jobs:
    ids: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    min_age: np.ndarray  # float32, NaN when none
    max_age: np.ndarray
    demand: np.ndarray  # int8, codes above
    flexible: np.ndarray  # bool: offers flexible hours
    accommodation: np.ndarray  # bool
    wage: np.ndarray  # float32 monthly top of the range, NaN when unknown
    openings: np.ndarray  # int32 openings left
    required: sparse.csr_matrix  # M×S binary: required canonical skills
    unresolved: np.ndarray  # int16: required skills that resolved to nothing (never matched)
    public_welfare: np.ndarray  # bool: a public-welfare post
    listed: np.ndarray | None = None  # bool: open, unexpired, employer verified and not suspended (None: all are)
    trains_on_job: np.ndarray | None = None  # bool: 以工代训, what is missing is taught there (None: none does)
    retention: np.ndarray | None = None  # float32: the employer's hires kept 6 months on, NaN unknown (None: all)

    def __len__(self) -> int:
        return len(self.ids)


CELL_KM = 25.0  # grid cells that bound which jobs a block of workers can reach
REACH_BAND_KM = 10.0  # within a cell, workers whose commute limits fall in one band share a block


@dataclass
class Prepared:
    """What every block reuses: planar coordinates, required skills by group, held groups."""
    wx: np.ndarray  # workers' planar km (NaN unknown)
    wy: np.ndarray
    jx: np.ndarray
    jy: np.ndarray
    reach: np.ndarray  # workers' commute limit, the default where unknown
    required_groups: np.ndarray  # M×G required skills per group (dense: G is small)
    needed: np.ndarray  # M: required skills in all (resolved and not)
    resolved: np.ndarray  # M: required skills that resolved (the ones the skills rule can check)
    listed: np.ndarray  # M bool
    held_groups: sparse.csr_matrix  # N×G binary
    trains: np.ndarray  # M bool: trains on the job
    nudge: np.ndarray  # M float32: the fit's factor for the employer's retention (retention_factor)


def retention_factor(jobs: Jobs) -> np.ndarray:
    """Per posting, what its fit is multiplied by for how well its employer keeps people:
    1 + RETENTION_WEIGHT × (share kept − RETENTION_NEUTRAL), so 0.95 to 1.05; 1 when unknown."""
    if jobs.retention is None:
        return np.ones(len(jobs), np.float32)
    kept = np.asarray(jobs.retention, np.float32)
    return np.where(np.isnan(kept), np.float32(1.0),
                    np.float32(1.0) + np.float32(RETENTION_WEIGHT) * (kept - np.float32(RETENTION_NEUTRAL))
                    ).astype(np.float32)


def prepare(workers: Workers, jobs: Jobs, skill_group: np.ndarray) -> Prepared:
    groups = int(skill_group.max()) + 1 if len(skill_group) else 1
    membership = sparse.csr_matrix((np.ones(len(skill_group), np.float32), (np.arange(len(skill_group)), skill_group)),
                                   shape=(len(skill_group), groups))
    held = workers.skills.copy()
    held.data = np.ones_like(held.data)
    held_groups = (held @ membership).tocsr()
    held_groups.data = np.ones_like(held_groups.data)
    required = jobs.required.astype(np.float32)
    lats = np.concatenate([workers.lat, jobs.lat])
    lat0 = float(np.nanmean(lats)) if np.isfinite(lats).any() else 0.0
    per_lon = rules.KM_PER_DEG_LAT * np.cos(np.radians(lat0)) * 1.0073  # the equator is a little longer
    reach = np.where(np.isnan(workers.commute_km), rules.DEFAULT_COMMUTE_KM, workers.commute_km).astype(np.float32)
    resolved = np.asarray(required.sum(axis=1)).ravel().astype(np.float32)
    return Prepared(wx=(workers.lon * per_lon).astype(np.float32), wy=(workers.lat * rules.KM_PER_DEG_LAT).astype(np.float32),
                    jx=(jobs.lon * per_lon).astype(np.float32), jy=(jobs.lat * rules.KM_PER_DEG_LAT).astype(np.float32),
                    reach=reach, required_groups=np.asarray((required @ membership).todense(), np.float32),
                    needed=(resolved + jobs.unresolved).astype(np.float32), resolved=resolved,
                    listed=np.ones(len(jobs), bool) if jobs.listed is None else jobs.listed.astype(bool),
                    held_groups=held_groups,
                    trains=np.zeros(len(jobs), bool) if jobs.trains_on_job is None else jobs.trains_on_job.astype(bool),
                    nudge=retention_factor(jobs))


@dataclass
class Block:
    """Scores of some workers (`rows`) against some jobs (`cols`); -1 where a hard constraint fails."""
    rows: np.ndarray
    cols: np.ndarray
    total: np.ndarray  # b×c float32
    skills: np.ndarray
    distance: np.ndarray
    wage: np.ndarray
    km: np.ndarray
    missing: np.ndarray  # b×c required skills not held (resolved or not)
    skills_only: np.ndarray  # b×c bool: every rule met but the skills one (training-gap advice)

    def row(self, r: int) -> "Block":
        """One worker's row of the block."""
        return Block(self.rows[r:r + 1], self.cols, *(getattr(self, name)[r:r + 1] for name in
                                                       ("total", "skills", "distance", "wage", "km", "missing",
                                                        "skills_only")))


def score_block(workers: Workers, jobs: Jobs, prepared: Prepared, rows: np.ndarray, cols: np.ndarray) -> Block:
    required_t = jobs.required[cols].astype(np.float32).T.tocsr()
    skills = workers.skills[rows]
    exact_weight = (skills @ required_t).toarray()
    held = skills.copy()
    held.data = np.ones_like(held.data)
    exact_count = (held @ required_t).toarray()
    related_count = prepared.held_groups[rows] @ prepared.required_groups[cols].T
    needed = prepared.needed[cols][None, :]
    trains = prepared.trains[cols][None, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        coverage = np.where(needed > 0, (exact_weight + RELATED * (related_count - exact_count)) / needed,
                            NO_SKILLS_NEEDED).astype(np.float32)
    # on the job, what is missing is taught: nobody counts less than where no skill is asked
    coverage = np.where(trains, np.maximum(coverage, np.float32(NO_SKILLS_NEEDED)), coverage)

    km = np.hypot(prepared.wx[rows, None] - prepared.jx[None, cols], prepared.wy[rows, None] - prepared.jy[None, cols])
    limit = workers.commute_km[rows, None]
    located = ~np.isnan(km)
    within = located & (km <= prepared.reach[rows, None])
    away = (workers.migrate[rows, None] & jobs.accommodation[None, cols]) & ~within
    with np.errstate(invalid="ignore", divide="ignore"):
        near = np.where(within & ~np.isnan(limit), 1.0 - 0.5 * km / np.maximum(limit, 1.0),
                        np.where(away, AWAY, 0.0)).astype(np.float32)
        pay = np.nan_to_num(np.minimum(jobs.wage[None, cols] / workers.wage[rows, None], 1.0), nan=0.0)

    others = rules.posting_takes_people(prepared.listed[cols], jobs.openings[cols])[None, :]
    others = others & rules.age_fits(workers.age[rows, None].astype(np.float32), jobs.min_age[None, cols],
                                     jobs.max_age[None, cols])
    others &= rules.health_fits(workers.health[rows, None], jobs.demand[None, cols])
    others &= rules.hours_fit(workers.flexible[rows, None], jobs.flexible[None, cols])
    others &= rules.welfare_fits(jobs.public_welfare[None, cols], workers.welfare_ok[rows, None])
    others &= rules.reach_fits(km, prepared.reach[rows, None], workers.migrate[rows, None],
                               jobs.accommodation[None, cols])
    skilled = rules.skills_fit(prepared.resolved[cols][None, :], related_count, trains)
    feasible = others & skilled

    total = WEIGHTS["skills"] * coverage + WEIGHTS["distance"] * near + WEIGHTS["wage"] * pay
    total = np.minimum(total.astype(np.float32) * prepared.nudge[cols][None, :], np.float32(1.0))
    total = np.where(feasible, total, np.float32(-1.0)).astype(np.float32)
    return Block(rows, cols, total, coverage, near, pay.astype(np.float32), km, needed - exact_count,
                 others & ~skilled)


def blocks(workers: Workers, jobs: Jobs, prepared: Prepared, block: int = BLOCK):
    """(worker rows, job columns) pairs that together cover every feasible pair: workers grouped by
    grid cell and by how far they would travel (in bands of REACH_BAND_KM) meet only the jobs within
    their reach, jobs of unknown place, and (for those willing to migrate) jobs with accommodation."""
    all_jobs = np.arange(len(jobs))
    unplaced_jobs = all_jobs[np.isnan(prepared.jx) | np.isnan(prepared.jy)]
    housing = all_jobs[jobs.accommodation]
    located = ~(np.isnan(prepared.wx) | np.isnan(prepared.wy))
    unplaced = np.flatnonzero(~located)
    for start in range(0, len(unplaced), block):
        yield unplaced[start:start + block], all_jobs
    cx = np.floor(np.where(located, prepared.wx, 0) / CELL_KM).astype(np.int64)
    cy = np.floor(np.where(located, prepared.wy, 0) / CELL_KM).astype(np.int64)
    band = np.ceil(prepared.reach / REACH_BAND_KM).astype(np.int64)
    placed = np.flatnonzero(located)
    order = placed[np.lexsort((band[placed], workers.migrate[placed], cy[placed], cx[placed]))]
    keys = np.stack([cx[order], cy[order], workers.migrate[order].astype(np.int64), band[order]], axis=1)
    cuts = np.flatnonzero(np.any(np.diff(keys, axis=0) != 0, axis=1)) + 1
    jx, jy = prepared.jx, prepared.jy
    for group in np.split(order, cuts):
        reach = float(prepared.reach[group].max())
        x0, y0 = cx[group[0]] * CELL_KM, cy[group[0]] * CELL_KM
        with np.errstate(invalid="ignore"):
            close = (jx >= x0 - reach) & (jx <= x0 + CELL_KM + reach) & (jy >= y0 - reach) & (jy <= y0 + CELL_KM + reach)
        cols = np.union1d(np.flatnonzero(close), unplaced_jobs)
        if workers.migrate[group[0]]:
            cols = np.union1d(cols, housing)
        if len(cols) == 0:
            continue
        for start in range(0, len(group), block):
            yield group[start:start + block], cols


def _best(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Column positions and scores of each row's best k, best first."""
    k = min(k, scores.shape[1])
    part = np.argpartition(-scores, k - 1, axis=1)[:, :k] if k < scores.shape[1] else \
        np.broadcast_to(np.arange(scores.shape[1]), scores.shape)
    picked = np.take_along_axis(scores, part, axis=1)
    order = np.argsort(-picked, axis=1, kind="stable")
    return np.take_along_axis(part, order, axis=1), np.take_along_axis(picked, order, axis=1)


@dataclass
class Shortlists:
    """Each worker's best k jobs and each job's best workers (as many as `per_opening` × its
    openings, up to `job_cap`): the pruned candidate graph that allocation solves on. -1 fills."""
    worker_jobs: np.ndarray  # N×k job indices, best first
    worker_scores: np.ndarray  # N×k
    job_workers: np.ndarray  # M×T worker indices, best first
    job_scores: np.ndarray  # M×T


def shortlists(workers: Workers, jobs: Jobs, skill_group: np.ndarray, k: int = 10, per_opening: int = 3,
               job_cap: int = 60, block: int = BLOCK, prepared: Prepared | None = None) -> Shortlists:
    n, m = len(workers), len(jobs)
    t = int(min(job_cap, per_opening * int(jobs.openings.max()))) if m and job_cap else 0
    result = Shortlists(np.full((n, k), -1, np.int32), np.full((n, k), -1.0, np.float32),
                        np.full((m, t), -1, np.int32), np.full((m, t), -1.0, np.float32))
    if m == 0 or n == 0:
        return result
    prepared = prepared or prepare(workers, jobs, skill_group)
    from matching.kernel import Columns, job_tables  # compiled on first use
    columns = Columns(workers, jobs, prepared, skill_group, WEIGHTS, RELATED, NO_SKILLS_NEEDED, AWAY)
    per_thread = job_tables(m, t)
    for rows, cols in blocks(workers, jobs, prepared, block):
        columns.shortlist(rows, cols, result, per_thread)
    result.worker_jobs[result.worker_scores < 0] = -1
    if t:  # each job's best over the threads' tables: by score, then the lower worker index
        who = per_thread[0].transpose(1, 0, 2).reshape(m, -1)
        how = per_thread[1].transpose(1, 0, 2).reshape(m, -1)
        order = np.lexsort((np.where(who < 0, np.iinfo(np.int32).max, who), -how), axis=1)[:, :t]
        result.job_workers, result.job_scores = np.take_along_axis(who, order, 1), np.take_along_axis(how, order, 1)
        result.job_workers[result.job_scores < 0] = -1
        # each job keeps per_opening × its own openings (the tables are as wide as the largest needs)
        beyond = np.arange(t)[None, :] >= np.minimum(per_opening * jobs.openings, t)[:, None]
        result.job_workers[beyond], result.job_scores[beyond] = -1, -1.0
    return result


def top_k(workers: Workers, jobs: Jobs, skill_group: np.ndarray, k: int = 10,
          block: int = BLOCK, prepared: Prepared | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Each worker's best k feasible jobs, best first: (job indices N×k, scores N×k); index -1 and
    score -1 fill the places of workers with fewer than k feasible jobs."""
    lists = shortlists(workers, jobs, skill_group, k=k, job_cap=0, block=block, prepared=prepared)
    return lists.worker_jobs, lists.worker_scores
