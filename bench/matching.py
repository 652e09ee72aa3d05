"""Benchmark of the matcher (issue 5): a seeded generator for a county (20,000 workers in ~6,000
households, 2,000 postings) and a prefecture (five such counties side by side: 100,000 × 10,000),
the in-memory pipeline stage by stage, its peak memory in a fresh process, the write-and-read
baseline for scoring, and the allocation's quality against an exact solve on every feasible pair.

The pipeline starts from free text, as a station's ledger holds it ("会电焊", "焊工师傅", "有电工证"):
normalise (each distinct string resolved once to a canonical skill by registry.skills), build the
engine's columns, shortlists (every pair scored, each worker's top 10 and each job's best few),
candidate edges, allocation.

Run: `make bench` or `.venv/bin/python bench/matching.py [--sizes county prefecture] [--no-quality]`.
"""
from __future__ import annotations

import argparse
import json
import os
import pickle
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from county_generator import DATA, SIZES, Raw, generate  # noqa: E402
from pipeline import Skills, pipeline, skill_space  # noqa: E402
from scipy import sparse  # noqa: E402

from matching import allocation, engine  # noqa: E402
from registry.skills import SkillIndex, load_taxonomy  # noqa: E402

TARGETS = {"county": dict(seconds=1.2, mib=300), "prefecture": dict(seconds=7.0, mib=800)}


# -- measuring -------------------------------------------------------------------------------------

def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def warm_up() -> float:
    """Two people and one posting through the compiled kernel: numba loads it from its cache (or,
    the first time, compiles and caches it). Returns the seconds that took."""
    start = time.perf_counter()
    group = np.zeros(4, np.int32)
    none = sparse.csr_matrix((2, 4), dtype=np.float32)
    workers = engine.Workers(ids=np.arange(2), lat=np.array([35.96, 35.97]), lon=np.array([105.73, 105.74]),
                             age=np.array([30, 40], np.int16), health=np.zeros(2, np.int8), flexible=np.zeros(2, bool),
                             commute_km=np.array([10, 20], np.float32), migrate=np.zeros(2, bool),
                             wage=np.array([3000, 3000], np.float32), household=np.array([0, 1]), skills=none,
                             welfare_ok=np.zeros(2, bool))
    jobs = engine.Jobs(ids=np.arange(1), lat=np.array([35.96]), lon=np.array([105.73]),
                       min_age=np.full(1, np.nan, np.float32), max_age=np.full(1, np.nan, np.float32),
                       demand=np.zeros(1, np.int8), flexible=np.ones(1, bool), accommodation=np.zeros(1, bool),
                       wage=np.array([3500], np.float32), openings=np.ones(1, np.int32), required=none[:1],
                       unresolved=np.zeros(1, np.int16), public_welfare=np.zeros(1, bool))
    engine.shortlists(workers, jobs, group, k=10)
    return time.perf_counter() - start


def child(size: str, path: str, runs: int) -> None:
    """In a fresh process: the memory of interpreter and imports, of the warmed-up kernel, and the
    peak of the pipeline; the pipeline's stage times over `runs` runs."""
    rss_imports = rss_mib()
    warm = warm_up()
    rss_warm = rss_mib()
    t0 = time.perf_counter()
    skills = skill_space(load_taxonomy(DATA))
    index_s = time.perf_counter() - t0
    with open(path, "rb") as f:
        raw = pickle.load(f)
    results = []
    for _ in range(runs):
        out = pipeline(raw, skills)
        results.append(out["times"])
    result = out["result"]
    import numba
    print(json.dumps(dict(
        size=size, n=raw.n, m=raw.m, runs=results, warm_s=warm, index_s=index_s, rss_imports=rss_imports,
        rss_warm=rss_warm, rss_peak=rss_mib(), threads=numba.get_num_threads(), distinct=out["distinct"],
        resolved=out["resolved"], edges=len(out["edges"][0]), placed=len(result.workers),
        households_total=result.households_total, households_covered=result.households_covered,
        openings=int(raw.openings.sum()))))


def measure_in_child(size: str, raw: Raw, runs: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-matching-") as tmp:
        path = os.path.join(tmp, f"{size}.pickle")
        with open(path, "wb") as f:
            pickle.dump(raw, f, protocol=pickle.HIGHEST_PROTOCOL)
        done = subprocess.run([sys.executable, __file__, "--child", size, "--input", path, "--runs", str(runs)],
                              check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def available_bytes() -> int:
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    return 0


def write_read(n: int, m: int) -> dict:
    """Seconds to write an N×M float32 array (np.empty + fill) and read it once (sum), in this
    (fresh) process: "cold" into memory the process has never touched (the kernel maps and zeroes
    every page on first write), then "warm" once more into the same pages. In row chunks, each
    freshly allocated, when the whole would not fit comfortably in free memory."""
    whole = n * m * 4
    chunked = whole * 2 > available_bytes()
    rows = n if not chunked else max(1, (256 << 20) // (m * 4))
    times = []
    for _ in range(2 if not chunked else 1):
        start = time.perf_counter()
        for first in range(0, n, rows):
            if chunked or not times:
                block = np.empty((min(rows, n - first), m), np.float32)
            block.fill(1.0 + len(times))
            float(block.sum())
        times.append(time.perf_counter() - start)
    how = f"in chunks of {rows:,} rows" if chunked else f"whole, {whole / 2**30:.2f} GiB"
    return dict(cold=times[0], warm=times[-1], how=how)


def compile_seconds() -> float:
    """The kernel compiled from scratch (an empty numba cache in a fresh process), as on a first run."""
    with tempfile.TemporaryDirectory(prefix="bench-numba-") as cache:
        done = subprocess.run([sys.executable, __file__, "--compile"], check=True, capture_output=True, text=True,
                              env={**os.environ, "NUMBA_CACHE_DIR": cache})
    return float(done.stdout.strip().splitlines()[-1])


def measure_baseline(n: int, m: int) -> dict:
    done = subprocess.run([sys.executable, __file__, "--baseline", str(n), str(m)], check=True, capture_output=True,
                          text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def full_graph(workers, jobs, group) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every feasible pair (score ≥ 0) by the reference rule, block by block."""
    prepared = engine.prepare(workers, jobs, group)
    w, j, s = [], [], []
    for rows, cols in engine.blocks(workers, jobs, prepared):
        total = engine.score_block(workers, jobs, prepared, rows, cols).total
        r, c = np.nonzero(total >= 0)
        w.append(rows[r].astype(np.int32))
        j.append(cols[c].astype(np.int32))
        s.append(total[r, c])
    return np.concatenate(w), np.concatenate(j), np.concatenate(s)


def covered_by_priority(result, raw: Raw, priority: np.ndarray) -> tuple[int, int, int]:
    covered = np.unique(raw.household[result.workers])
    covered = covered[~raw.h_employed[covered]]
    return len(covered), int((priority[covered] == 2).sum()), int((priority[covered] == 1).sum())


def quality(raw: Raw, skills: Skills) -> dict:
    out = pipeline(raw, skills)
    workers, jobs, priority = out["workers"], out["jobs"], out["priority"]
    t0 = time.perf_counter()
    edges = full_graph(workers, jobs, skills.group)
    t1 = time.perf_counter()
    exact = allocation.allocate(raw.household, priority, raw.h_employed, raw.openings, edges)
    t2 = time.perf_counter()
    best_fit = float(exact.scores.sum())
    rows = []
    variants = [("k=10, jobs' lists ≤ 60 (shipped)", dict(k=10)),
                ("k=10, jobs' lists 3 × max openings", dict(k=10, job_cap=10**6)),
                ("k=20, jobs' lists 3 × max openings", dict(k=20, job_cap=10**6)),
                ("k=10, each job 3 × its openings", dict(k=10, job_cap=10**6, trim=True))]
    for name, kwargs in variants:
        t = time.perf_counter()
        trim = kwargs.pop("trim", False)
        lists = engine.shortlists(workers, jobs, skills.group, **kwargs)
        if trim:  # what Shortlists' docstring promises: per_opening × the job's own openings
            keep = np.arange(lists.job_workers.shape[1])[None, :] < 3 * jobs.openings[:, None]
            lists.job_workers[~keep], lists.job_scores[~keep] = -1, -1.0
        pruned = allocation.candidate_edges(lists)
        t_lists = time.perf_counter() - t
        got = allocation.allocate(raw.household, priority, raw.h_employed, raw.openings, pruned)
        t_alloc = time.perf_counter() - t - t_lists
        rows.append(dict(name=name, edges=len(pruned[0]), fit=float(got.scores.sum()) / best_fit,
                         households=got.households_covered / max(exact.households_covered, 1),
                         placed=len(got.workers), tiers=covered_by_priority(got, raw, priority),
                         shortlists_s=t_lists, allocation_s=t_alloc))
    return dict(full_edges=len(edges[0]), full_scoring_s=t1 - t0, exact_s=t2 - t1, exact_fit=best_fit,
                exact_households=exact.households_covered, households_total=exact.households_total,
                exact_placed=len(exact.workers), exact_tiers=covered_by_priority(exact, raw, priority), variants=rows)


def check_resolver(texts: list[str], index: SkillIndex) -> dict:
    """resolve_many against resolve_one on every distinct text: the same answers, and how much faster."""
    from registry.skills import _SCORE
    t0 = time.perf_counter()
    fast = index.resolve_many(texts)
    t1 = time.perf_counter()
    slow = []
    for text in texts:
        match = index.resolve_one(text)
        slow.append(match.key if match is not None else None)
    t2 = time.perf_counter()
    scored = sum(index._shortcut(t) is _SCORE for t in texts)
    return dict(n=len(texts), agree=sum(a == b for a, b in zip(fast, slow)), fast_s=t1 - t0, slow_s=t2 - t1,
                scored=scored, unresolved=sum(b is None for b in slow))


# -- the report ------------------------------------------------------------------------------------

def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", nargs="+", default=list(SIZES), choices=list(SIZES))
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--runs", type=int, default=3, help="pipeline runs per size (the median is reported)")
    parser.add_argument("--far-openings", nargs=2, type=int, default=[5, 30], metavar=("LOW", "HIGH"),
                        help="openings of a labour-export posting far away (default 5 30)")
    parser.add_argument("--no-quality", action="store_true", help="skip the exact solve on the full graph")
    parser.add_argument("--no-check", action="store_true", help="skip comparing resolve_many with resolve_one")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--input", help=argparse.SUPPRESS)
    parser.add_argument("--baseline", nargs=2, type=int, help=argparse.SUPPRESS)
    parser.add_argument("--compile", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.compile:
        print(warm_up())
        return
    if args.baseline:
        print(json.dumps(write_read(*args.baseline)))
        return
    if args.child:
        child(args.child, args.input, args.runs)
        return

    entries = load_taxonomy(DATA)
    print(f"matcher benchmark: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}, seed {args.seed}, "
          f"far postings' openings {args.far_openings[0]}-{args.far_openings[1]}")
    print(f"numba: compiling the kernel from scratch takes {compile_seconds():.1f} s (once; then it is cached)")
    measured, raws = {}, {}
    for size in args.sizes:
        t = time.perf_counter()
        raw = raws[size] = generate(size, args.seed, entries, tuple(args.far_openings))
        gen_s = time.perf_counter() - t
        print(f"\n== {size}: {raw.n:,} workers in {len(raw.h_monitored):,} households, {raw.m:,} postings "
              f"({int(raw.openings.sum()):,} openings), {len(raw.w_text) + len(raw.j_text):,} skill mentions; "
              f"generated in {gen_s:.1f} s")
        r = measured[size] = measure_in_child(size, raw, args.runs)
        totals = [run["total"] for run in r["runs"]]
        median = r["runs"][int(np.argsort(totals)[len(totals) // 2])]
        r["median"] = median
        print(f"fresh process: interpreter + imports {r['rss_imports']:.0f} MiB; after the numba warm-up "
              f"{r['rss_warm']:.0f} MiB (warm-up {r['warm_s']:.2f} s: loading the cached kernel); "
              f"numba threads {r['threads']}")
        print(f"taxonomy + resolver index, once per process: {r['index_s']:.2f} s (not in the pipeline times)")
        print("pipeline runs (s): " + ", ".join(f"{x:.2f}" for x in totals) + "; the median run:")
        for stage in ("normalise", "build columns", "shortlists", "edges", "allocation", "total"):
            print(f"  {stage:<14} {median[stage]:7.3f} s")
        r["pipeline_mib"] = r["rss_peak"] - r["rss_imports"]
        print(f"  peak resident {r['rss_peak']:.0f} MiB; the pipeline's: peak − interpreter and imports = "
              f"{r['pipeline_mib']:.0f} MiB (of which the numba warm-up {r['rss_warm'] - r['rss_imports']:.0f} MiB; "
              f"peak − after warm-up {r['rss_peak'] - r['rss_warm']:.0f} MiB)")
        print(f"  {r['distinct']:,} distinct skill strings ({r['resolved']:,} resolved); {r['edges']:,} candidate "
              f"edges; {r['placed']:,} placed; households covered {r['households_covered']:,} of "
              f"{r['households_total']:,} with nobody in work")
        base = r["baseline"] = measure_baseline(raw.n, raw.m)
        r["ratio"] = median["shortlists"] / base["cold"]
        r["ratio_warm"] = median["shortlists"] / base["warm"]
        print(f"baseline: write + read an N×M float32 array ({raw.n:,} × {raw.m:,}, {base['how']}) in a fresh "
              f"process: {base['cold']:.3f} s into new memory, {base['warm']:.3f} s again into the same pages; "
              f"shortlists / baseline = {r['ratio']:.2f} (new memory), {r['ratio_warm']:.2f} (same pages)")

    check = None
    if not args.no_check:
        texts = sorted({t for raw in raws.values() for t in raw.w_text + raw.j_text})
        print(f"\n== resolve_many vs resolve_one on all {len(texts):,} distinct skill strings")
        check = check_resolver(texts, SkillIndex(entries))
        print(f"same answer for {check['agree']:,} of {check['n']:,}; resolve_many {check['fast_s']:.2f} s "
              f"({check['scored']:,} needed scoring), resolve_one {check['slow_s']:.1f} s: "
              f"{check['slow_s'] / check['fast_s']:.0f}× faster; {check['unresolved']} unresolved")

    q = None
    if not args.no_quality and "county" in raws:
        print("\n== quality at county size: exact solve on every feasible pair vs the pruned graph")
        q = quality(raws["county"], skill_space(entries))
        print(f"full feasible graph: {q['full_edges']:,} edges, scored in {q['full_scoring_s']:.1f} s (reference rule), "
              f"exact allocation {q['exact_s']:.1f} s: {q['exact_placed']:,} placed, households covered "
              f"{q['exact_households']:,} of {q['households_total']:,} (monitored {q['exact_tiers'][1]:,}, "
              f"relocated {q['exact_tiers'][2]:,}), total fit {q['exact_fit']:.1f}")
        for v in q["variants"]:
            print(f"  {v['name']:<35} {v['edges']:>9,} edges: fit {100 * v['fit']:6.2f}% of optimal, households "
                  f"{100 * v['households']:6.2f}% of coverable (monitored {v['tiers'][1]:,}, relocated "
                  f"{v['tiers'][2]:,}), {v['placed']:,} placed; shortlists {v['shortlists_s']:.2f} s, "
                  f"allocation {v['allocation_s']:.2f} s")

    print(f"\n== summary (targets from issue 5); load average now {os.getloadavg()[0]:.2f}")
    print(f"{'size':<11}{'normalise':>10}{'columns':>9}{'lists':>7}{'edges':>7}{'alloc':>7}{'total':>7} {'target':>7}"
          f"{'MiB':>6} {'target':>6}{'base new':>10}{'base same':>10}{'×new':>6}{'×same':>6}")
    for size, r in measured.items():
        med, target, base = r["median"], TARGETS[size], r["baseline"]
        print(f"{size:<11}{med['normalise']:>10.2f}{med['build columns']:>9.3f}{med['shortlists']:>7.2f}"
              f"{med['edges']:>7.2f}{med['allocation']:>7.2f}{med['total']:>7.2f} {'≤' + str(target['seconds']):>7}"
              f"{r['pipeline_mib']:>6.0f} {'≤' + str(target['mib']):>6}{base['cold']:>10.3f}{base['warm']:>10.3f}"
              f"{r['ratio']:>6.1f}{r['ratio_warm']:>6.1f}")
    for size, r in measured.items():
        target = TARGETS[size]
        print(f"{size}: time {verdict(r['median']['total'] <= target['seconds'])}, memory "
              f"{verdict(r['pipeline_mib'] <= target['mib'])}, scoring + top-k ≤ 10× writing and reading N×M: "
              f"{verdict(r['ratio'] <= 10)} against new memory, {verdict(r['ratio_warm'] <= 10)} against pages "
              f"already mapped")
    if q:
        shipped = q["variants"][0]
        print(f"quality (k=10 as shipped): fit {verdict(shipped['fit'] >= 0.97)} ({100 * shipped['fit']:.2f}% ≥ 97%), "
              f"households {verdict(shipped['households'] >= 0.999)} ({100 * shipped['households']:.2f}% ≥ 99.9%)")
    if check:
        print(f"resolve_many agrees with resolve_one: {check['agree']:,}/{check['n']:,}")


if __name__ == "__main__":
    main()
