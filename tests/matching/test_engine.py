"""The matcher's arithmetic on random data: the compiled shortlists agree with the readable
reference rule (also where data is missing), and the allocation is optimal on instances small
enough to check every possibility."""
import itertools

import numpy as np
import pytest
from scipy import sparse

from matching import allocation, engine


def random_area(rng, n, m, skills=60, groups=8, spread=0.2):
    def matrix(rows, per, values):
        r = np.repeat(np.arange(rows), per)
        c = rng.integers(0, skills, rows * per)
        made = sparse.csr_matrix((rng.choice(values, rows * per).astype(np.float32), (r, c)), shape=(rows, skills))
        made.sum_duplicates()
        made.data = np.minimum(made.data, 1.0)
        return made

    workers = engine.Workers(
        ids=np.arange(n), lat=35.9 + rng.normal(0, spread, n), lon=105.7 + rng.normal(0, spread, n),
        age=rng.integers(18, 66, n).astype(np.int16), health=rng.choice(4, n, p=[.7, .15, .1, .05]).astype(np.int8),
        flexible=rng.random(n) < .2, commute_km=rng.choice([5, 10, 20, 40], n).astype(np.float32),
        migrate=rng.random(n) < .4, wage=rng.choice([2500, 3500, 5000], n).astype(np.float32),
        household=np.arange(n) // 2, skills=matrix(n, 3, [1.0, 0.8]), welfare_ok=rng.random(n) < .3)
    jobs = engine.Jobs(
        ids=np.arange(m), lat=35.9 + rng.normal(0, spread, m), lon=105.7 + rng.normal(0, spread, m),
        min_age=rng.choice([np.nan, 18, 25], m).astype(np.float32), max_age=rng.choice([np.nan, 45, 60], m).astype(np.float32),
        demand=rng.integers(0, 3, m).astype(np.int8), flexible=rng.random(m) < .3, accommodation=rng.random(m) < .3,
        wage=rng.choice([np.nan, 3000, 6000], m).astype(np.float32), openings=rng.integers(0, 4, m).astype(np.int32),
        required=matrix(m, 2, [1.0]), unresolved=rng.choice([0, 0, 1], m).astype(np.int16),
        public_welfare=rng.random(m) < .1, trains_on_job=rng.random(m) < .15,
        retention=rng.choice([np.nan, 0.2, 0.6, 1.0], m).astype(np.float32))
    # missing data, which must never count as a match
    workers.wage[:20] = np.nan
    workers.commute_km[20:40] = np.nan
    workers.lat[40:45] = np.nan
    jobs.lat[:3] = np.nan
    return workers, jobs, rng.integers(0, groups, skills)


@pytest.mark.parametrize("seed", [1, 2])
def test_the_compiled_shortlists_agree_with_the_reference_rule(seed):
    rng = np.random.default_rng(seed)
    workers, jobs, group = random_area(rng, 1500, 300)
    lists = engine.shortlists(workers, jobs, group, k=6, per_opening=2, job_cap=5, block=256)
    prepared = engine.prepare(workers, jobs, group)
    full = engine.score_block(workers, jobs, prepared, np.arange(1500), np.arange(300)).total
    assert np.all((full == -1) | ((full >= 0) & (full <= 1)))
    for i in range(1500):
        best = np.sort(full[i][full[i] >= 0])[::-1][:6]
        got = lists.worker_scores[i][lists.worker_scores[i] >= 0]
        assert np.allclose(got, best, atol=1e-5), i
        chosen = lists.worker_jobs[i][lists.worker_jobs[i] >= 0]
        assert np.allclose(full[i, chosen], got, atol=1e-5)
    for j in range(300):
        best = np.sort(full[:, j][full[:, j] >= 0])[::-1][:min(2 * jobs.openings[j], lists.job_scores.shape[1])]
        got = lists.job_scores[j][lists.job_scores[j] >= 0]
        assert np.allclose(got, best, atol=1e-5), j
    assert np.all(full[:, jobs.openings == 0] == -1)  # a job with no openings left is offered to nobody


def test_missing_data_never_counts_as_a_match():
    rng = np.random.default_rng(3)
    workers, jobs, group = random_area(rng, 200, 50)
    block = engine.score_block(workers, jobs, engine.prepare(workers, jobs, group), np.arange(200), np.arange(50))
    assert np.all(block.wage[:20] == 0)  # no expected wage: no wage credit
    assert np.all(block.distance[20:40][block.distance[20:40] != engine.AWAY] == 0)  # no commute limit: no credit
    unknown = np.isnan(jobs.wage)
    assert np.all(block.wage[:, unknown] == 0)


def _best_by_brute_force(household, priority, employed, openings, score):
    """Every way to give each worker one job or none: the lexicographic best of (households
    covered, monitored ones, relocated ones, total fit), as the allocation promises."""
    n, m = score.shape
    best = None
    for choice in itertools.product(range(-1, m), repeat=n):
        used = np.bincount([c for c in choice if c >= 0], minlength=m)
        if np.any(used > openings) or any(c >= 0 and score[w, c] < 0 for w, c in enumerate(choice)):
            continue
        covered = {household[w] for w, c in enumerate(choice) if c >= 0} - {h for h in range(len(employed)) if employed[h]}
        key = (len(covered), sum(priority[h] == 2 for h in covered), sum(priority[h] == 1 for h in covered),
               round(sum(score[w, c] for w, c in enumerate(choice) if c >= 0), 3))
        best = key if best is None or key > best else best
    return best


@pytest.mark.parametrize("seed", range(12))
def test_the_allocation_is_the_best_possible_on_small_villages(seed):
    rng = np.random.default_rng(seed)
    n, m = 6, 3
    household = np.array([0, 0, 1, 2, 3, 3])
    priority = rng.integers(0, 3, 4).astype(np.int8)
    employed = rng.random(4) < 0.3
    openings = rng.integers(1, 3, m)
    score = np.where(rng.random((n, m)) < 0.7, np.round(rng.random((n, m)), 3), -1).astype(np.float32)
    w, j = np.nonzero(score >= 0)
    result = allocation.allocate(household, priority, employed, openings, (w, j, score[w, j]))
    assert np.all(np.bincount(result.jobs, minlength=m) <= openings)
    assert len(set(result.workers.tolist())) == len(result.workers)
    covered = set(household[result.workers].tolist()) - set(np.flatnonzero(employed).tolist())
    key = (len(covered), sum(priority[h] == 2 for h in covered), sum(priority[h] == 1 for h in covered),
           round(float(result.scores.sum()), 3))
    assert key == _best_by_brute_force(household, priority, employed, openings, score)
    assert result.households_covered == len(covered)


def _best_by_integer_programming(household, priority, employed, openings, w, j, s):
    """The same lexicographic best, by an independent method: CP-SAT maximising one level at a
    time, each level's best value held as a constraint for the next."""
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{e}") for e in range(len(w))]
    for worker in np.unique(w):
        model.add(sum(x[e] for e in np.flatnonzero(w == worker)) <= 1)
    for job in range(len(openings)):
        model.add(sum(x[e] for e in np.flatnonzero(j == job)) <= int(openings[job]))
    covered = {}
    for h in np.flatnonzero(~employed):
        edges = np.flatnonzero(household[w] == h)
        if len(edges):
            covered[h] = model.new_bool_var(f"c{h}")
            model.add(covered[h] <= sum(x[e] for e in edges))
    levels = [sum(covered.values()),
              sum(c for h, c in covered.items() if priority[h] == 2),
              sum(c for h, c in covered.items() if priority[h] == 1),
              sum(int(round(float(s[e]) * allocation.FIT_SCALE)) * x[e] for e in range(len(w)))]
    best = []
    for level in levels:
        model.maximize(level)
        solver = cp_model.CpSolver()
        assert solver.solve(model) == cp_model.OPTIMAL
        best.append(round(solver.objective_value))
        model.add(level >= best[-1])
    return tuple(best)


@pytest.mark.parametrize("seed", range(15))
def test_the_allocation_matches_integer_programming_on_crowded_villages(seed):
    """Villages large enough for a plan to trade one monitored household against several others,
    with more people than openings."""
    rng = np.random.default_rng(100 + seed)
    n, m = 30, 6
    household = np.sort(rng.integers(0, 14, n))
    h_count = household.max() + 1
    priority = rng.choice(3, h_count, p=[.5, .25, .25]).astype(np.int8)
    employed = rng.random(h_count) < 0.2
    openings = rng.integers(1, 4, m)
    feasible = rng.random((n, m)) < 0.35
    w, j = np.nonzero(feasible)
    s = np.round(rng.random(len(w)), 3).astype(np.float32)
    result = allocation.allocate(household, priority, employed, openings, (w, j, s))
    assert np.all(np.bincount(result.jobs, minlength=m) <= openings)
    assert len(set(result.workers.tolist())) == len(result.workers)
    covered = set(household[result.workers].tolist()) - set(np.flatnonzero(employed).tolist())
    fit = sum(int(round(float(x) * allocation.FIT_SCALE)) for x in result.scores)
    key = (len(covered), sum(priority[h] == 2 for h in covered), sum(priority[h] == 1 for h in covered), fit)
    assert key == _best_by_integer_programming(household, priority, employed, openings, w, j, s)
