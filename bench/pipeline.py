"""The matcher's in-memory pipeline, from free text to an allocation: normalise (each distinct
skill string resolved once), build the engine's columns, shortlists, candidate edges, allocation;
each stage timed. Shared by bench/matching.py and bench/matching_app.py."""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from county_generator import Raw  # noqa: E402
from scipy import sparse  # noqa: E402

from matching import allocation, engine  # noqa: E402
from matching.data import columns_by_occupation  # noqa: E402
from matching.services import MIN_SCORE  # noqa: E402
from registry.skills import SkillIndex  # noqa: E402


@dataclass
class Skills:
    """The skill space as the application's (matching.data.skill_space): entries that share an
    occupation code share a column; each column has its occupational group."""
    index: SkillIndex
    column: dict[str, int]
    group: np.ndarray


def skill_space(entries) -> Skills:
    column, firsts = columns_by_occupation([(e.key, e.code) for e in entries])
    groups: dict[str, int] = {}
    group = np.array([groups.setdefault(entries[i].group, len(groups)) for i in firsts], np.int32)
    return Skills(SkillIndex(entries), column, group)


def _matrix(ptr, cols, values, shape, combine_max=True) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Rows from a ptr array; mentions that resolved to nothing (-1) are counted, not stored."""
    rows = np.repeat(np.arange(shape[0]), np.diff(ptr))
    unresolved = np.bincount(rows[cols < 0], minlength=shape[0])
    keep = cols >= 0
    rows, cols, values = rows[keep], cols[keep], values[keep]
    key = rows.astype(np.int64) * shape[1] + cols
    order = np.lexsort((-values, key))  # the best value of a repeated skill first
    first = order[np.unique(key[order], return_index=True)[1]]
    return sparse.csr_matrix((values[first], (rows[first], cols[first])), shape=shape), unresolved


def pipeline(raw: Raw, skills: Skills, k: int = 10) -> dict:
    times = {}
    t0 = time.perf_counter()
    # normalise: each distinct string once
    distinct: dict[str, int] = {}
    w_codes = np.fromiter((distinct.setdefault(s, len(distinct)) for s in raw.w_text), np.int64, len(raw.w_text))
    j_codes = np.fromiter((distinct.setdefault(s, len(distinct)) for s in raw.j_text), np.int64, len(raw.j_text))
    keys = skills.index.resolve_many(list(distinct))
    columns = np.array([skills.column[key] if key is not None else -1 for key in keys], np.int64)
    t1 = time.perf_counter()
    times["normalise"] = t1 - t0
    # build columns
    s = len(skills.group)
    held, _ = _matrix(raw.w_ptr, columns[w_codes],
                      np.where(raw.w_certified, engine.CERTIFIED, engine.SELF_REPORTED).astype(np.float32), (raw.n, s))
    required, unresolved = _matrix(raw.j_ptr, columns[j_codes], np.ones(len(j_codes), np.float32), (raw.m, s))
    monitored = raw.h_monitored
    priority = np.where(monitored, 2, np.where(raw.h_relocated, 1, 0)).astype(np.int8)
    welfare_ok = (monitored | raw.h_lifted_out)[raw.household] & ~raw.migrate
    workers = engine.Workers(ids=np.arange(raw.n, dtype=np.int64), lat=raw.w_lat, lon=raw.w_lon, age=raw.age,
                             health=raw.health, flexible=raw.flexible, commute_km=raw.commute_km,
                             migrate=raw.migrate, wage=raw.wage, household=raw.household, skills=held,
                             welfare_ok=welfare_ok)
    jobs = engine.Jobs(ids=np.arange(raw.m, dtype=np.int64), lat=raw.j_lat, lon=raw.j_lon, min_age=raw.min_age,
                       max_age=raw.max_age, demand=raw.demand, flexible=raw.j_flexible,
                       accommodation=raw.accommodation, wage=raw.j_wage, openings=raw.openings, required=required,
                       unresolved=unresolved.astype(np.int16), public_welfare=raw.public_welfare)
    t2 = time.perf_counter()
    times["build columns"] = t2 - t1
    lists = engine.shortlists(workers, jobs, skills.group, k=k)
    t3 = time.perf_counter()
    times["shortlists"] = t3 - t2
    edges = allocation.reviewable(allocation.candidate_edges(lists), MIN_SCORE, jobs.public_welfare, raw.household)
    t4 = time.perf_counter()
    times["edges"] = t4 - t3
    result = allocation.allocate(raw.household, priority, raw.h_employed, raw.openings, edges)
    t5 = time.perf_counter()
    times["allocation"] = t5 - t4
    times["total"] = t5 - t0
    return dict(times=times, workers=workers, jobs=jobs, lists=lists, edges=edges, result=result,
                priority=priority, distinct=len(distinct), resolved=int((columns >= 0).sum()))
