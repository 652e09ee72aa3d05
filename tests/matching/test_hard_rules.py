"""One definition of the hard rules (jobs.rules), read three ways: the engine on arrays, the
compiled kernel pair by pair, and "why not this job?" on one pair (jobs.eligibility.broken). On
random pairs, with every rule broken by some of them and some postings training on the job
(以工代训: lacking their skills rules nobody out), the three agree on every pair."""
import math
from dataclasses import replace

import numpy as np
import pytest
from scipy import sparse

from jobs import eligibility, rules
from matching import engine
from tests.matching.test_engine import random_area


def _pair(workers, jobs, prepared, group, i, j) -> eligibility.Pair:
    """The pair as why-not reads it, taken from the columns (skills counted here, not by the engine)."""
    held = set(workers.skills[i].indices.tolist())
    held_groups = {int(group[c]) for c in held}
    required = jobs.required[j].indices.tolist()
    met = sum(1 for c in required if c in held or int(group[c]) in held_groups)
    km = math.hypot(float(prepared.wx[i]) - float(prepared.jx[j]), float(prepared.wy[i]) - float(prepared.jy[j]))
    return eligibility.Pair(
        age=float(workers.age[i]), min_age=float(jobs.min_age[j]), max_age=float(jobs.max_age[j]),
        health=int(workers.health[i]), demand=int(jobs.demand[j]), needs_flexible=bool(workers.flexible[i]),
        offers_flexible=bool(jobs.flexible[j]), listed=bool(jobs.listed[j]), openings_left=int(jobs.openings[j]),
        public_welfare=bool(jobs.public_welfare[j]), may_hold_welfare_post=bool(workers.welfare_ok[i]), km=km,
        reach_km=float(prepared.reach[i]), willing_to_migrate=bool(workers.migrate[i]),
        accommodation=bool(jobs.accommodation[j]), skills_required=len(required), skills_met=met,
        trains_on_job=bool(jobs.trains_on_job[j]))


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_engine_kernel_and_why_not_agree_pair_by_pair(seed):
    rng = np.random.default_rng(seed)
    n, m = 300, 120
    workers, jobs, group = random_area(rng, n, m, skills=40, groups=10)
    jobs.listed = rng.random(m) < .9
    asks = (rng.random(m) >= .2).astype(np.float32)  # a fifth of the postings ask for no skill
    jobs.required = sparse.csr_matrix(jobs.required.multiply(asks[:, None]))
    jobs.required.eliminate_zeros()
    jobs.trains_on_job = rng.random(m) < .15
    prepared = engine.prepare(workers, jobs, group)

    by_engine = engine.score_block(workers, jobs, prepared, np.arange(n), np.arange(m)).total >= 0
    lists = engine.shortlists(workers, jobs, group, k=m, job_cap=0, block=64)
    by_kernel = np.zeros((n, m), bool)
    for i in range(n):
        by_kernel[i, lists.worker_jobs[i][lists.worker_jobs[i] >= 0]] = True
    broken = [[eligibility.broken(_pair(workers, jobs, prepared, group, i, j)) for j in range(m)] for i in range(n)]
    by_why_not = np.array([[not b for b in row] for row in broken])

    disagree = np.argwhere((by_engine != by_kernel) | (by_engine != by_why_not))
    assert len(disagree) == 0, [(int(i), int(j), broken[i][j]) for i, j in disagree[:5]]
    # not vacuous: every rule rules out some pairs here, and some pairs pass them all
    counts = {name: sum(name in b for row in broken for b in row) for name in rules.RULES}
    assert all(counts.values()), counts
    assert 0 < by_engine.sum() < n * m
    # and some pairs are open only because the posting trains on the job
    untrained = [[eligibility.broken(replace(_pair(workers, jobs, prepared, group, i, j), trains_on_job=False))
                  for j in np.flatnonzero(jobs.trains_on_job)] for i in range(n)]
    assert sum("skills" in b for row in untrained for b in row) > 0


def test_the_skills_rule_counts_the_same_group_and_leaves_postings_without_skills_open():
    assert rules.skills_fit(0, 0, False)  # asks for nothing: open to all
    assert not rules.skills_fit(2, 0, False)
    assert rules.skills_fit(2, 1, False)  # one of two met (fully or through its group) is enough to be considered
    assert rules.skills_fit(2, 0, True)  # 以工代训: a mentor teaches what is missing


def test_unknown_values_rule_nobody_out():
    nan = float("nan")
    assert rules.age_fits(70, nan, nan) and not rules.age_fits(56, nan, 50)
    assert rules.reach_fits(nan, 20, False, False)
    assert not rules.reach_fits(30, 20, False, True) and rules.reach_fits(30, 20, True, True)
