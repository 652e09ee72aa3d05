"""Allocation for an area, solved exactly on the pruned candidate graph: no job above its
openings, one job per person; as many households with nobody in work covered as possible, among
such plans the most monitored households, then the most relocated ones, and after that the most
total fit.

Two solves (OR-Tools), each with small numbers:

1. **Coverage.** The sets of households that can be covered at once (one placement each, within
   the openings) are the independent sets of a transversal matroid. So one set is best at every
   level of priority together (Gale): the largest number of monitored households coverable, of
   monitored and relocated ones, and of all are three maximum flows, and one plan reaches all three.
2. **Fit.** A min-cost flow source → household → worker → job → sink in which the first placement
   of a household with nobody in work must come from its priority's pool, and each pool supplies
   exactly the number found in 1. Every plan it may choose covers the best numbers, and it picks
   the one with the most fit. A bypass source → sink lets flow stay home, so nobody is placed in a
   job that would cost more than it gives.

(One solve with large bonuses for coverage is also exact, but the bonuses must outweigh any total
fit; the solver's cost scaling then runs many more phases: 6.5 s instead of 2.4 s on a prefecture.)
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.graph.python import max_flow, min_cost_flow

from matching.engine import Shortlists

FIT_SCALE = 1000  # a score of 1.0 is worth this much (scores count to three decimals)
TIERS = (2, 1, 0)  # household priority, most urgent first: monitored, relocated, others


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


def best_coverage(household: np.ndarray, priority: np.ndarray, wanting: np.ndarray, openings: np.ndarray,
                  w: np.ndarray, j: np.ndarray) -> list[int]:
    """How many households with nobody in work the best plan covers, per tier of `TIERS`: the
    ranks of the nested sets (monitored; monitored and relocated; all), as maximum flows
    source → household → job → sink, differenced."""
    m = len(openings)
    needing = wanting[household[w]]
    pairs = np.unique(household[w[needing]].astype(np.int64) * m + j[needing])
    h, jobs = pairs // m, pairs % m
    h_count = len(priority)
    ranks = []
    for level in range(len(TIERS)):
        allowed = np.isin(priority, TIERS[:level + 1])[h]
        hs = np.unique(h[allowed])
        flow = max_flow.SimpleMaxFlow()
        source, sink, h0, j0 = 0, 1, 2, 2 + h_count
        flow.add_arcs_with_capacity(
            np.concatenate([np.full(len(hs), source), h0 + h[allowed], j0 + np.arange(m)]).astype(np.int32),
            np.concatenate([h0 + hs, j0 + jobs[allowed], np.full(m, sink)]).astype(np.int32),
            np.concatenate([np.ones(len(hs) + int(allowed.sum()), np.int64), openings.astype(np.int64)]))
        if flow.solve(source, sink) != flow.OPTIMAL:
            raise RuntimeError("maximum flow did not finish")
        ranks.append(flow.optimal_flow())
    return np.diff([0, *ranks]).tolist()


def reviewable(edges: tuple[np.ndarray, np.ndarray, np.ndarray], min_score: float, public_welfare: np.ndarray,
               household: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The edges a station may be offered: none below `min_score`; a public-welfare post only for
    someone no market posting fits (weak labour, carers, older people: never ahead of them), and
    for one member per household at most (the one it fits best; the lower index on a tie), so
    that no household holds two such posts."""
    w, j, s = edges
    keep = s >= min_score
    w, j, s = w[keep], j[keep], s[keep]
    welfare = public_welfare[j]
    has_market = np.zeros(len(household), bool)
    has_market[w[~welfare]] = True
    welfare &= ~has_market[w]
    chosen = np.full(int(household.max()) + 1 if len(household) else 0, -1, np.int64)
    order = np.lexsort((w[welfare], -s[welfare]))  # best welfare fit first, then the lower index
    for worker in w[welfare][order]:
        if chosen[household[worker]] < 0:
            chosen[household[worker]] = worker
    keep = ~public_welfare[j] | (welfare & (chosen[household[w]] == w))
    return w[keep], j[keep], s[keep]


GROUP_BONUS = 0.1  # with group placement: the fit added for joining fellow villagers at an employer


def allocate(household: np.ndarray, priority: np.ndarray, employed: np.ndarray, openings: np.ndarray,
             edges: tuple[np.ndarray, np.ndarray, np.ndarray], bonus: np.ndarray | None = None) -> Allocation:
    """`household`: household index of each worker; `priority` (2 monitored, 1 relocated, 0 other)
    and `employed`: per household. `bonus`, per edge, is added to the fit the plan maximises (not to
    the scores it reports)."""
    w, j, s = edges
    n, h_count, m = len(household), len(priority), len(openings)
    wanting = ~employed
    households_total = int(np.count_nonzero(wanting[np.unique(household)]))
    if len(w) == 0:
        return Allocation(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float32), households_total, 0)
    per_tier = best_coverage(household, priority, wanting, openings, w, j)
    covering = sum(per_tier)

    # nodes: source, sink, one pool per tier, then households, workers, jobs
    source, sink, pool0 = 0, 1, 2
    h0 = pool0 + len(TIERS)
    w0, j0 = h0 + h_count, h0 + h_count + n
    members = np.bincount(household, minlength=h_count)
    hs = np.flatnonzero(members > 0)
    first = wanting[hs]  # a household with nobody in work: its first placement comes from its pool
    tier_of = np.zeros(max(TIERS) + 1, np.int32)
    tier_of[list(TIERS)] = np.arange(len(TIERS))
    pool = pool0 + tier_of[priority[hs[first]]]
    workers_used = np.unique(w)
    fit = s if bonus is None else s + bonus
    tails = [pool, np.full(len(hs), source), h0 + household[workers_used], w0 + w, j0 + np.arange(m), [source]]
    heads = [h0 + hs[first], h0 + hs, w0 + workers_used, j0 + j, np.full(m, sink), [sink]]
    caps = [np.ones(len(pool)), members[hs] - first, np.ones(len(workers_used)), np.ones(len(w)), openings, [n]]
    costs = [np.zeros(len(pool)), np.zeros(len(hs)), np.zeros(len(workers_used)),
             -np.round(fit * FIT_SCALE), np.zeros(m), [0]]
    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(
        np.concatenate(tails).astype(np.int32), np.concatenate(heads).astype(np.int32),
        np.concatenate(caps).astype(np.int64), np.concatenate(costs).astype(np.int64))
    flow.set_nodes_supplies(np.array([source, sink, *range(pool0, h0)], np.int32),
                            np.array([n - covering, -n, *per_tier], np.int64))
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow ended with status {status}")
    fit_arcs = sum(len(t) for t in tails[:3])
    used = flow.flows(arcs[fit_arcs:fit_arcs + len(w)]) > 0
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
