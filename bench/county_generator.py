"""The matcher benchmark's generator: a seeded county like 西吉县 (its real villages around their
townships, households, people with colloquial skills, postings near and far) or a prefecture of
five such counties side by side. Used by bench/matching.py (in memory) and bench/matching_app.py
(through the application)."""
from __future__ import annotations

import csv
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from jobs.services import rules  # noqa: E402
from registry.divisions import pad, read_points  # noqa: E402
from registry.skills import load_taxonomy  # noqa: E402

DATA = ROOT / "data"
COUNTY = "640422"  # 西吉县
SIZES = {"county": dict(counties=1, workers=20_000, households=6_000, jobs=2_000),
         "prefecture": dict(counties=5, workers=100_000, households=30_000, jobs=10_000)}
N_SKILLS = 1_500  # taxonomy entries in use
COUNTY_STEP_DEG = 0.7  # a prefecture's counties side by side, ~63 km apart (西吉县 is ~57 km wide)
# Two townships have no point in the bundled file: approximate centres.
MISSING_TOWNSHIPS = {"640422103000": (35.80, 105.62), "640422205000": (36.00, 105.64)}
# Where people from 西吉 go to work away from home (WGS-84), and the prefecture seat 固原.
FAR_SITES = [(38.487, 106.231), (38.984, 106.384), (26.074, 119.296), (24.479, 118.089), (29.868, 121.544)]
GUYUAN = (36.016, 106.243)
RESETTLEMENT = [(35.975, 105.745), (35.952, 105.770), (35.712, 105.820)]  # county seat and 兴隆镇 sites
JUNK = ["能吃苦", "力气大", "啥都能干", "身体好", "无", "打零工", "什么都会", "听安排", "干活麻利", "不怕累"]
JOB_JUNK = ["吃苦耐劳", "服从安排", "责任心强", "能适应加班"]
KM_PER_DEG = 110.57



@dataclass
class Raw:
    """An area as a station's records hold it: people and postings with skills as free text."""
    # workers (people looking for work)
    w_lat: np.ndarray
    w_lon: np.ndarray
    age: np.ndarray
    health: np.ndarray
    flexible: np.ndarray
    commute_km: np.ndarray
    migrate: np.ndarray
    wage: np.ndarray
    household: np.ndarray
    w_ptr: np.ndarray  # worker i's skills are w_text[w_ptr[i]:w_ptr[i+1]]
    w_text: list[str]
    w_certified: np.ndarray  # per mention: learned on a course (counts as certified)
    # households
    h_village: np.ndarray  # index into villages
    h_monitored: np.ndarray
    h_relocated: np.ndarray
    h_lifted_out: np.ndarray
    h_employed: np.ndarray  # someone of the household already in work
    # jobs
    j_lat: np.ndarray
    j_lon: np.ndarray
    j_kind: np.ndarray  # 0 county seat, 1 township, 2 village workshop, 3 固原, 4 far away, 5 unplaced
    min_age: np.ndarray
    max_age: np.ndarray
    demand: np.ndarray
    j_flexible: np.ndarray
    accommodation: np.ndarray
    j_wage: np.ndarray
    openings: np.ndarray
    public_welfare: np.ndarray
    j_ptr: np.ndarray
    j_text: list[str]
    villages: list[str]  # village codes (the county's real ones; copies in the prefecture)
    v_lat: np.ndarray
    v_lon: np.ndarray

    @property
    def n(self) -> int:
        return len(self.age)

    @property
    def m(self) -> int:
        return len(self.openings)


def county_villages() -> tuple[list[str], list[str], dict[str, tuple[float, float]]]:
    """西吉县's real villages with their townships, and township centres (WGS-84)."""
    villages, townships = [], []
    with open(DATA / "divisions" / "sample_counties_villages_5level.csv", encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            if row["county_code"] == COUNTY:
                villages.append(row["village_code"])
                townships.append(pad(row["township_code"]))
    points = {**read_points(DATA / "divisions" / "vonng_adcode_ningxia_64_all_levels.csv"), **MISSING_TOWNSHIPS}
    return villages, townships, {t: points[t] for t in set(townships)}


def skill_texts(entries, rng: np.random.Generator):
    """The taxonomy entries in use (N_SKILLS of them, village skills and manual trades the most
    common) and, for each, the ways people write it: the name, its aliases (the classification's
    and our curated ones), and villagers' framings of them (会X, 做过X, X师傅, 有X证 …)."""
    manual = ("4-", "5-", "6-")
    village = [i for i, e in enumerate(entries) if e.kind != "occupation"]
    trades = [i for i, e in enumerate(entries) if e.kind == "occupation" and e.key.startswith(manual)]
    other = [i for i, e in enumerate(entries) if e.kind == "occupation" and not e.key.startswith(manual)]
    rng.shuffle(trades)
    rng.shuffle(other)
    # popularity by rank (Zipf): village skills and trades interleaved first, office jobs last
    head = list(village) + trades
    rng.shuffle(head)
    chosen = (head + other)[:N_SKILLS]
    popularity = 1.0 / np.arange(1, len(chosen) + 1) ** 0.9
    worker_forms, job_forms = [], []
    for i in chosen:
        e = entries[i]
        short = [a for a in e.aliases if 2 <= len(a) <= 8]
        bases = [b for b in [e.name] + short if len(b) <= 6][:3]  # nobody says 熟悉 before a long title
        trade = e.kind != "occupation" or e.key.startswith(manual)
        stem = e.name[:-1] if len(e.name) > 2 and e.name[-1] in "工员师" and e.name[-2:] != "人员" else None
        framed = []
        for b in bases:
            if b.startswith(("会", "有", "做", "开", "当", "干", "能")):  # 会开叉车 is framed already
                continue
            person = b[-1] in "工员师手匠"  # 当过焊工, not 当过缝纫机
            framed += [f"{lead}{b}" for lead in (("会", "做过", "当过", "干过", "懂", "熟悉") if person
                                                 else ("会", "做过", "懂", "熟悉"))]
        if e.kind == "certificate":
            framed += [f"有{b}" for b in bases if not b.startswith("有")]
        elif trade and stem:
            framed.append(f"{stem}师傅")
        if trade and len(e.name) <= 3 and e.name[-1] in "工师":
            framed.append(f"有{e.name}证")  # 有电工证, 有厨师证: certificates people hold
        said = [(e.name, 0.3)] + [(a, 0.25 / len(short)) for a in short]
        said += [(t, 0.45 / len(framed)) for t in framed]
        texts, p = zip(*said)
        worker_forms.append((list(texts), np.array(p) / sum(p)))
        job_forms.append([e.name] + short[:3])
    return chosen, popularity / popularity.sum(), worker_forms, job_forms


def generate(size: str, seed: int = 2026, entries=None, far_openings: tuple[int, int] = (5, 30)) -> Raw:
    spec = SIZES[size]
    rng = np.random.default_rng(seed)
    entries = entries if entries is not None else load_taxonomy(DATA)
    chosen, popularity, worker_forms, job_forms = skill_texts(entries, rng)
    codes, townships, centres = county_villages()
    township_names = sorted(centres)
    # villages around their township centre (a few km), the county repeated side by side
    t_lat = np.array([centres[t][0] for t in townships])
    t_lon = np.array([centres[t][1] for t in townships])
    spread = np.where([t.startswith("640422100") for t in townships], 1.5, 3.5) / KM_PER_DEG
    base_lat = t_lat + np.clip(rng.normal(0, 1, len(codes)), -2.5, 2.5) * spread
    base_lon = t_lon + np.clip(rng.normal(0, 1, len(codes)), -2.5, 2.5) * spread / np.cos(np.radians(36))
    c = spec["counties"]
    villages = [code if k == 0 else f"{code}#{k}" for k in range(c) for code in codes]
    v_lat = np.tile(base_lat, c)
    v_lon = np.concatenate([base_lon + k * COUNTY_STEP_DEG for k in range(c)])
    v_county = np.repeat(np.arange(c), len(codes))
    seats = np.array([centres[t] for t in township_names])
    county_seat = np.array(centres["640422100000"])

    # households: villages of varied size; monitored ~15%, relocated ~15% (some both), ~45% lifted out
    h = spec["households"]
    v_weight = rng.lognormal(0, 0.5, len(villages))
    h_village = rng.choice(len(villages), h, p=v_weight / v_weight.sum())
    h_monitored = rng.random(h) < 0.15
    h_relocated = rng.random(h) < 0.15
    h_lifted_out = rng.random(h) < 0.45
    h_employed = rng.random(h) < 0.30
    # workers: one per household, the rest spread over households (sizes 1-7 or so)
    n = spec["workers"]
    extra = rng.choice(h, n - h, p=(w := rng.gamma(6.0, 1.0, h)) / w.sum())
    household = np.sort(np.concatenate([np.arange(h), extra]))
    v = h_village[household]
    site = rng.integers(0, len(RESETTLEMENT), h)[household]
    relocated = h_relocated[household]
    res_lat = np.array([RESETTLEMENT[s][0] for s in site])
    res_lon = np.array([RESETTLEMENT[s][1] for s in site]) + v_county[v] * COUNTY_STEP_DEG
    jitter = rng.normal(0, 0.4 / KM_PER_DEG, (2, n))
    w_lat = np.where(relocated, res_lat, v_lat[v]) + jitter[0]
    w_lon = np.where(relocated, res_lon, v_lon[v]) + jitter[1]
    age = np.clip(np.round(rng.triangular(16, 38, 66, n)), 16, 65).astype(np.int16)
    health = rng.choice(4, n, p=[0.82, 0.11, 0.04, 0.03]).astype(np.int8)
    flexible = rng.random(n) < 0.12
    commute_km = rng.choice(np.array([5, 10, 15, 20, 30, 50], np.float32), n, p=[.15, .25, .2, .2, .12, .08])
    commute_km[rng.random(n) < 0.10] = np.nan
    migrate = rng.random(n) < np.where(age < 40, 0.40, 0.15)
    wage = (np.round(rng.lognormal(np.log(3500), 0.25, n) / 500) * 500).astype(np.float32)
    wage[rng.random(n) < 0.10] = np.nan
    # skills: 0-4 mentions, as people say them; a few say nothing a skill could be made of
    counts = rng.choice(5, n, p=[0.08, 0.30, 0.35, 0.19, 0.08])
    w_ptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    picks = rng.choice(len(chosen), int(w_ptr[-1]), p=popularity)
    junk = rng.random(len(picks)) < 0.03
    w_text = []
    for s, j in zip(picks, junk):
        if j:
            w_text.append(JUNK[rng.integers(len(JUNK))])
        else:
            texts, p = worker_forms[s]
            w_text.append(texts[rng.choice(len(texts), p=p)])
    w_certified = rng.random(len(w_text)) < 0.08

    # jobs: county seat and township seats, village workshops, the prefecture seat, far away
    m = spec["jobs"]
    j_kind = rng.choice(6, m, p=[0.35, 0.25, 0.15, 0.07, 0.08, 0.10])
    j_kind[j_kind == 5] = np.where(rng.random(int((j_kind == 5).sum())) < 0.2, 5, 1)  # 2% unplaced
    j_county = rng.integers(0, c, m)
    j_lat, j_lon = np.empty(m), np.empty(m)
    for k in range(m):
        kind = j_kind[k]
        if kind == 0:
            lat, lon = county_seat + rng.normal(0, 1.5 / KM_PER_DEG, 2)
            lon += j_county[k] * COUNTY_STEP_DEG
        elif kind == 1:
            lat, lon = seats[rng.integers(len(seats))] + rng.normal(0, 1.0 / KM_PER_DEG, 2)
            lon += j_county[k] * COUNTY_STEP_DEG
        elif kind == 2:
            vv = rng.integers(len(villages))
            lat, lon = v_lat[vv], v_lon[vv]
        elif kind == 3:
            lat, lon = np.array(GUYUAN) + rng.normal(0, 3 / KM_PER_DEG, 2)
        elif kind == 4:
            lat, lon = np.array(FAR_SITES[rng.integers(len(FAR_SITES))]) + rng.normal(0, 10 / KM_PER_DEG, 2)
        else:
            lat = lon = np.nan
        j_lat[k], j_lon[k] = lat, lon
    far = j_kind == 4
    public_welfare = (j_kind == 2) & (rng.random(m) < 0.35)  # ~5% of all: village posts
    accommodation = far | ((j_kind == 3) & (rng.random(m) < 0.5)) | (rng.random(m) < 0.12)
    accommodation &= ~public_welfare
    min_age = np.where(rng.random(m) < 0.6, rng.choice([16, 18], m), np.nan).astype(np.float32)
    max_age = np.where(rng.random(m) < 0.65, rng.choice([45, 50, 55, 60], m), np.nan).astype(np.float32)
    demand = rng.choice(3, m, p=[0.30, 0.45, 0.25]).astype(np.int8)
    j_flexible = rng.random(m) < 0.20
    j_wage = (np.round(np.where(far, rng.uniform(5000, 9000, m), rng.lognormal(np.log(3800), 0.3, m)) / 100)
              * 100).astype(np.float32)
    j_wage[rng.random(m) < 0.08] = np.nan  # piece rate
    # labour-export batches (劳务输出) are big; most local postings want one or a few people
    local = rng.choice([1, 2, 3, 4, 5, 6, 8, 10, 15, 20], m, p=[.45, .18, .10, .06, .06, .04, .04, .02, .03, .02])
    openings = np.where(far, rng.integers(far_openings[0], far_openings[1] + 1, m), local)
    # public-welfare posts: light, flexible, ~1,800 yuan, no skill needed
    demand[public_welfare] = rules.LIGHT
    j_flexible |= public_welfare
    j_wage[public_welfare] = rng.choice([1500, 1800, 2000], int(public_welfare.sum()))
    openings[public_welfare] = rng.integers(1, 4, int(public_welfare.sum()))
    j_counts = np.where(public_welfare, 0, rng.choice(4, m, p=[0.15, 0.55, 0.22, 0.08]))
    j_ptr = np.concatenate([[0], np.cumsum(j_counts)]).astype(np.int64)
    j_picks = rng.choice(len(chosen), int(j_ptr[-1]), p=popularity)
    j_text = [JOB_JUNK[rng.integers(len(JOB_JUNK))] if rng.random() < 0.02
              else job_forms[s][rng.integers(len(job_forms[s]))] for s in j_picks]
    return Raw(w_lat=w_lat, w_lon=w_lon, age=age, health=health, flexible=flexible, commute_km=commute_km,
               migrate=migrate, wage=wage, household=household.astype(np.int64), w_ptr=w_ptr, w_text=w_text,
               w_certified=w_certified, h_village=h_village, h_monitored=h_monitored, h_relocated=h_relocated,
               h_lifted_out=h_lifted_out, h_employed=h_employed, j_lat=j_lat, j_lon=j_lon, j_kind=j_kind,
               min_age=min_age, max_age=max_age, demand=demand, j_flexible=j_flexible, accommodation=accommodation,
               j_wage=j_wage, openings=openings.astype(np.int32), public_welfare=public_welfare, j_ptr=j_ptr,
               j_text=j_text, villages=villages, v_lat=v_lat, v_lon=v_lon)


# -- the pipeline ----------------------------------------------------------------------------------
