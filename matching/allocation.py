"""Allocation for an area, solved exactly as a min-cost flow (OR-Tools) on the pruned candidate
graph: no job above its openings, one job per person; as many households with nobody in work
covered as possible, among such plans the most monitored households, then the most relocated
ones, and after that the most total fit.

The network: source → household → worker → job → sink. A household with nobody in work has two
arcs from the source: one unit carrying the coverage bonus, the rest without; so its first
placement earns the bonus and further ones only their fit. A source → sink arc lets flow stay
home, so nobody is placed in a job that would cost more than it gives.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

from matching.engine import Shortlists

FIT_SCALE = 1000  # a score of 1.0 is worth this much (scores count to three decimals)
COST_LIMIT = 2 ** 62  # what the solver's 64-bit costs must stay under, summed over the plan


def cover_bonus(priority: np.ndarray, placements: int, households: int) -> np.ndarray:
    """The bonus for covering a household, by its priority, chosen so the objective is exactly
    lexicographic: one more household covered outweighs any change in priorities and fit; one
    more monitored (relocated) household outweighs any change in fit and in lower tiers."""
    fit = FIT_SCALE * placements * 2 + 1  # more than the total fit of any plan (with group bonuses)
    tier = 3 * fit  # monitored 2 tiers, relocated 1: more than any fit
    cover = 2 * tier * households + fit  # more than all the priorities together
    if (cover + 2 * tier) * households >= COST_LIMIT:
        raise ValueError("too many households for one allocation; allocate township by township")
    return cover + tier * priority.astype(np.int64)


@dataclass
class Allocation:
    workers: np.ndarray  # worker indices placed
    jobs: np.ndarray  # job index of each
    scores: np.ndarray
    households_total: int  # households with nobody in work that have someone looking
    households_covered: int


def candidate_edges(lists: Shortlists) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(worker, job, score) of the pruned graph: each worker's best k, each job's best few."""
    n, k = lists.worker_jobs.shape
    w1 = np.repeat(np.arange(n), k)
    j1, s1 = lists.worker_jobs.ravel(), lists.worker_scores.ravel()
    m, t = lists.job_workers.shape
    j2 = np.repeat(np.arange(m), t)
    w2, s2 = lists.job_workers.ravel(), lists.job_scores.ravel()
    w, j, s = np.concatenate([w1, w2]), np.concatenate([j1, j2]), np.concatenate([s1, s2])
    keep = (j >= 0) & (w >= 0) & (s >= 0)
    w, j, s = w[keep], j[keep], s[keep]
    key = w.astype(np.int64) * max(m, 1) + j
    _unique, first = np.unique(key, return_index=True)
    return w[first], j[first], s[first]


GROUP_BONUS = 0.1  # with group placement: the fit added for joining fellow villagers at an employer


def allocate(household: np.ndarray, priority: np.ndarray, employed: np.ndarray, openings: np.ndarray,
             edges: tuple[np.ndarray, np.ndarray, np.ndarray], bonus: np.ndarray | None = None) -> Allocation:
    """`household`: household index of each worker; `priority` and `employed`: per household.
    `bonus`, per edge, is added to the fit the plan maximises (not to the scores it reports)."""
    w, j, s = edges
    n, h_count, m = len(household), len(priority), len(openings)
    wanting = ~employed
    with_candidates = np.zeros(h_count, bool)
    with_candidates[household[np.unique(w)]] = True
    households_total = int(np.count_nonzero(wanting & np.isin(np.arange(h_count), np.unique(household))))
    if len(w) == 0:
        return Allocation(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float32), households_total, 0)

    # node numbering: 0 source, 1 sink, then households, workers, jobs
    source, sink = 0, 1
    h0, w0, j0 = 2, 2 + h_count, 2 + h_count + n
    flow = min_cost_flow.SimpleMinCostFlow()
    members = np.bincount(household, minlength=h_count)
    hs = np.flatnonzero(members > 0)
    cover = wanting[hs]
    covering = cover_bonus(priority[hs], placements=int(min(n, openings.sum())), households=int(cover.sum()))
    # source -> household: a bonus unit for households with nobody in work, and the rest at no cost
    tails = [np.full(int(cover.sum()), source), np.full(len(hs), source)]
    heads = [h0 + hs[cover], h0 + hs]
    caps = [np.ones(int(cover.sum()), np.int64), members[hs] - cover.astype(np.int64)]
    costs = [-covering[cover], np.zeros(len(hs), np.int64)]
    # household -> worker, worker -> job, job -> sink, and the bypass source -> sink
    workers_used = np.unique(w)
    tails += [h0 + household[workers_used], w0 + w, j0 + np.arange(m), np.array([source])]
    heads += [w0 + workers_used, j0 + j, np.full(m, sink), np.array([sink])]
    caps += [np.ones(len(workers_used), np.int64), np.ones(len(w), np.int64), openings.astype(np.int64),
             np.array([n], np.int64)]
    fit = s if bonus is None else s + bonus
    costs += [np.zeros(len(workers_used), np.int64), -np.round(fit * FIT_SCALE).astype(np.int64),
              np.zeros(m, np.int64), np.array([0], np.int64)]
    first_fit = sum(len(t) for t in tails[:3])
    arcs = flow.add_arcs_with_capacity_and_unit_cost(
        np.concatenate(tails).astype(np.int32), np.concatenate(heads).astype(np.int32),
        np.concatenate(caps), np.concatenate(costs))
    flow.set_nodes_supplies(np.array([source, sink], np.int32), np.array([n, -n], np.int64))
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow ended with status {status}")
    used = flow.flows(arcs[first_fit:first_fit + len(w)]) > 0
    placed_w, placed_j, placed_s = w[used], j[used], s[used]
    covered = np.unique(household[placed_w])
    return Allocation(placed_w, placed_j, placed_s, households_total,
                      int(np.count_nonzero(wanting[covered])))


def together(village: np.ndarray, employer: np.ndarray, edges, first: Allocation) -> np.ndarray:
    """Group placement: each village's main employer in the plan `first` (where most of its people
    were placed; the lower id on a tie) earns a bonus on every edge that sends one of the village's
    people there. Solving again with it gathers villagers at one employer where the fit allows,
    within the openings, and covers no fewer households (the bonus changes only fit, which counts
    after coverage)."""
    w, j, _s = edges
    counts: dict[int, dict[int, int]] = {}
    for v, e in zip(village[first.workers].tolist(), employer[first.jobs].tolist()):
        counts.setdefault(v, {}).setdefault(e, 0)
        counts[v][e] += 1
    main = {v: min(c, key=lambda e: (-c[e], e)) for v, c in counts.items()}
    return np.array([GROUP_BONUS if main.get(v) == e else 0.0
                     for v, e in zip(village[w].tolist(), employer[j].tolist())], np.float32)
