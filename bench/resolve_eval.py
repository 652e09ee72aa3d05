"""Evaluate the skill resolver (registry.skills.SkillIndex) against a plain rapidfuzz baseline.

    .venv/bin/python bench/resolve_eval.py                  # the stored evaluation set
    .venv/bin/python bench/resolve_eval.py --seed 7         # a different held-out alias sample (dev)
    .venv/bin/python bench/resolve_eval.py --write-heldout  # re-sample the stored held-out rows

Sources in bench/data/resolve_eval.csv:
  heldout_alias   an alias of the classification (≠ its name), queried on an index built WITHOUT
                  that alias (every other name and alias, ours included, stays);
  job_title       job titles the way employers post them (noise, wages, benefits);
  villager_skill  skills as villagers say them;
  none            junk and non-skills: resolve_one must return None.
A match is correct when the expected value is its key or its occupation code (a village skill
whose code is the expected occupation counts, e.g. cert-driving-b2 for 4-02-02-02).
"""
from __future__ import annotations

import argparse
import csv
import random
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

from rapidfuzz import fuzz, process, utils

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from registry import skills as sk  # noqa: E402

DATA = ROOT / "data"
EVAL = ROOT / "bench" / "data" / "resolve_eval.csv"
HELDOUT_SEED, HELDOUT_N = 2022, 300
SOURCES = ("heldout_alias", "job_title", "villager_skill")


def norm(s: str) -> str:
    return sk.normalise_text(s).replace(" ", "")


def classification_aliases() -> dict[str, list[str]]:
    """Aliases as the classification file gives them (not our curated ones), by code."""
    with open(DATA / "occupations" / "csco22.csv", encoding="utf-8") as f:
        return {r["code"]: [a.strip() for a in r["alias"].split(",")]
                for r in csv.DictReader(f) if r["level"] == "4"}


def sample_heldout(entries: list[sk.SkillEntry], seed: int, n: int) -> list[dict]:
    """Aliases that differ from their entry's name and name no other entry (else the answer
    is ambiguous), sampled reproducibly."""
    owners: dict[str, set[str]] = {}
    for e in entries:
        for s in (e.name, *e.aliases):
            owners.setdefault(norm(s), set()).add(e.key)
    raw = classification_aliases()
    pool = []
    for e in entries:
        if e.kind != "occupation":
            continue
        for a in dict.fromkeys(sk._clean(a) for a in raw.get(e.key, [])):
            f = norm(a)
            if f and f != norm(e.name) and owners.get(f) == {e.key}:
                pool.append({"query": a, "expected_code_or_key": e.key, "source": "heldout_alias"})
    return random.Random(seed).sample(pool, min(n, len(pool)))


def without_alias(entries: list[sk.SkillEntry], key: str, alias: str) -> list[sk.SkillEntry]:
    f = norm(alias)
    return [replace(e, aliases=tuple(a for a in e.aliases if norm(a) != f)) if e.key == key else e
            for e in entries]


class Baseline:
    """rapidfuzz.process.extract with WRatio over every name and alias, mapped back to keys."""

    def __init__(self, entries: list[sk.SkillEntry]):
        self.choices, self.owner = [], []
        for e in entries:
            for s in (e.name, *e.aliases):
                self.choices.append(s)
                self.owner.append(e)

    def resolve(self, text: str, limit: int = 3) -> list[sk.Match]:
        out, seen = [], set()
        for _, score, i in process.extract(text, self.choices, scorer=fuzz.WRatio,
                                           processor=utils.default_process, limit=60):
            e = self.owner[i]
            if e.key not in seen:
                seen.add(e.key)
                out.append(sk.Match(e.key, e.name, e.code, score / 100))
            if len(out) == limit:
                break
        return out


def hit(m: sk.Match, expected: str) -> bool:
    return expected in (m.key, m.code)


def evaluate(rows: list[dict], entries: list[sk.SkillEntry]):
    descriptions = sk.load_descriptions(DATA)  # the app passes them too (registry.taxonomy.get_index)
    full_index, full_base = sk.SkillIndex(entries, descriptions), Baseline(entries)
    results = []  # (row, ours top-3, baseline top-3, resolve-one score of ours)
    for row in rows:
        q, exp = row["query"], row["expected_code_or_key"]
        if row["source"] == "heldout_alias":
            held = without_alias(entries, exp, q)
            index, base = sk.SkillIndex(held, descriptions), Baseline(held)
        else:
            index, base = full_index, full_base
        results.append((row, index.resolve(q, 3), base.resolve(q, 3)))
    return results


def accuracy(results, source: str | None, which: int, k: int) -> tuple[int, float]:
    sel = [r for r in results if r[0]["source"] in ((source,) if source else SOURCES)]
    good = sum(any(hit(m, r[0]["expected_code_or_key"]) for m in r[which][:k]) for r in sel)
    return len(sel), good / len(sel) if sel else float("nan")


def one_rates(results, t: float, sources=SOURCES) -> tuple[float, float, float]:
    """At threshold t: positives accepted and right, positives accepted but wrong, junk rejected."""
    pos = [r for r in results if r[0]["source"] in sources]
    neg = [r for r in results if r[0]["source"] == "none"]
    right = sum(bool(r[1]) and r[1][0].score >= t and hit(r[1][0], r[0]["expected_code_or_key"]) for r in pos)
    wrong = sum(bool(r[1]) and r[1][0].score >= t and not hit(r[1][0], r[0]["expected_code_or_key"]) for r in pos)
    rejected = sum(not r[1] or r[1][0].score < t for r in neg)
    return right / len(pos), wrong / len(pos), rejected / max(len(neg), 1)


def timings(entries, queries) -> tuple[float, float]:
    builds, descriptions = [], sk.load_descriptions(DATA)
    for _ in range(3):
        t = time.perf_counter()
        index = sk.SkillIndex(entries, descriptions)
        builds.append(time.perf_counter() - t)
    t = time.perf_counter()
    for q in queries:
        index.resolve(q)
    return statistics.median(builds), (time.perf_counter() - t) / len(queries)


def exact_share(rows, entries) -> float:
    """How many hand-written queries are, once normalised (noise and 会/有/做过 framing gone),
    already a name or alias verbatim: the easy part of the set."""
    forms = {norm(s) for e in entries for s in (e.name, *e.aliases)}
    hand = [r for r in rows if r["source"] in ("job_title", "villager_skill")]

    def verbatim(q: str) -> bool:
        base = norm(q)
        return base in forms or sk._PARTICLE.sub("", sk._LEAD.sub("", base)) in forms
    return sum(verbatim(r["query"]) for r in hand) / len(hand)


def report(rows, entries) -> str:
    results = evaluate(rows, entries)
    lines = ["| source | n | ours top-1 | ours top-3 | baseline top-1 | baseline top-3 |",
             "|---|---:|---:|---:|---:|---:|"]
    for source in (*SOURCES, None):
        n, o1 = accuracy(results, source, 1, 1)
        _, o3 = accuracy(results, source, 1, 3)
        _, b1 = accuracy(results, source, 2, 1)
        _, b3 = accuracy(results, source, 2, 3)
        lines.append(f"| {source or '**overall**'} | {n} | {o1:.3f} | {o3:.3f} | {b1:.3f} | {b3:.3f} |")
    lines += ["", f"resolve_one at its threshold ({sk.THRESHOLD}, ←) and other cut-offs: share of "
              "queries accepted with the right answer / accepted with a wrong one, for the held-out "
              "aliases and for the hand-written job titles + villager skills; share of junk and "
              "non-skills (`none`) rejected:", "",
              "| threshold | held-out right | held-out wrong | hand-written right | hand-written wrong "
              "| none rejected |", "|---:|---:|---:|---:|---:|---:|"]
    for t in sorted({0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, sk.THRESHOLD}):
        h_right, h_wrong, rej = one_rates(results, t, SOURCES[:1])
        w_right, w_wrong, _ = one_rates(results, t, SOURCES[1:])
        mark = " ←" if t == sk.THRESHOLD else ""
        lines.append(f"| {t:.2f}{mark} | {h_right:.3f} | {h_wrong:.3f} | {w_right:.3f} | {w_wrong:.3f} "
                     f"| {rej:.3f} |")
    build, per_query = timings(entries, [r["query"] for r in rows])
    lines += ["", f"Taxonomy: {len(entries)} entries. Index build {build * 1000:.0f} ms (median of 3); "
              f"mean resolve {per_query * 1000:.2f} ms over {len(rows)} queries.",
              f"Hand-written queries that are verbatim a name/alias after normalisation: "
              f"{exact_share(rows, entries):.0%}."]
    misses = [r for r in results if r[0]["source"] in SOURCES
              and not (r[1] and hit(r[1][0], r[0]["expected_code_or_key"]))]
    return "\n".join(lines), misses


def read_rows() -> list[dict]:
    with open(EVAL, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def write_heldout(entries) -> None:
    hand = [r for r in read_rows() if r["source"] != "heldout_alias"]
    rows = sample_heldout(entries, HELDOUT_SEED, HELDOUT_N) + hand
    with open(EVAL, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["query", "expected_code_or_key", "source"])
        w.writeheader()
        w.writerows(rows)
    print(f"wrote {len(rows)} rows to {EVAL}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, help="sample held-out aliases with this seed instead")
    ap.add_argument("--write-heldout", action="store_true")
    ap.add_argument("--misses", action="store_true", help="list the top-1 misses")
    args = ap.parse_args()
    entries = sk.load_taxonomy(DATA)
    if args.write_heldout:
        return write_heldout(entries)
    rows = read_rows()
    if args.seed is not None:
        rows = sample_heldout(entries, args.seed, HELDOUT_N) + [r for r in rows if r["source"] != "heldout_alias"]
    table, misses = report(rows, entries)
    print(table)
    if args.misses:
        print(f"\n{len(misses)} top-1 misses:")
        for row, ours, _ in misses:
            got = ", ".join(f"{m.key} {m.name} {m.score:.2f}" for m in ours) or "-"
            print(f"  [{row['source']}] {row['query']!r} want {row['expected_code_or_key']}: {got}")


if __name__ == "__main__":
    main()
