"""Benchmark: the matcher through the application, with the county of bench/matching.py's generator
(20,000 people looking for work in ~6,000 households, 2,000 postings of verified employers) in a
fresh database built by the application's own code: migrations, 西吉县's real divisions, workers
through registry.services.worker_values + insert_workers (ID numbers validated and encrypted,
skills resolved by the app's resolver), postings with their required skills resolved the same way.

Then, with Flask's test client and an admin bearer token: POST /api/v1/allocations for the county
(3 runs) and GET /api/v1/workers/{id}/recommendations for 200 random people (p50/p95/max), and
a check that the application's plan is the in-memory pipeline's plan for the same data.

With `--size prefecture` (opt-in: ~5 minutes to load), the generator's prefecture instead: 100,000
people looking for work, 10,000 postings. The application has no prefecture level and one plan
must cover everyone (as the in-memory pipeline's prefecture does), so its five counties are 西吉县
and four copies of its townships inside it (`village_code`); the POST asks for 西吉县.

Run: `make bench` or `.venv/bin/python bench/matching_app.py [--database URL] [--gets 200]
[--size prefecture]`.
"""
from __future__ import annotations

import argparse
import gc
import os
import random
import resource
import shutil
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from county_generator import COUNTY_STEP_DEG, DATA, generate  # noqa: E402
from cryptography.fernet import Fernet  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from pipeline import pipeline, skill_space  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402

from core.auth import create_user, issue_token  # noqa: E402
from core.extensions import db  # noqa: E402
from core.models import Role, china_today, utcnow  # noqa: E402
from core.validators import check_id_number  # noqa: E402
from jobs.models import Employer, EmployerKind, Job, JobSkill, PhysicalDemand, WageUnit  # noqa: E402
from registry.demo import GIVEN, SURNAMES, id_number  # noqa: E402
from registry.divisions import import_divisions  # noqa: E402
from registry.models import (  # noqa: E402
    Area,
    AreaLevel,
    EmploymentStatus,
    Health,
    Household,
    LabourAbility,
    MonitoringStatus,
    Worker,
)
from registry.services import insert_workers, worker_values  # noqa: E402
from registry.skills import load_taxonomy  # noqa: E402
from registry.taxonomy import get_index, sync_taxonomy  # noqa: E402

COUNTY_CODE = "640422000000"
HEALTH = [Health.healthy, Health.chronic, Health.serious_illness, Health.disabled]
DEMAND = [PhysicalDemand.light, PhysicalDemand.medium, PhysicalDemand.heavy]
MONITORED = [MonitoringStatus.unstable, MonitoringStatus.marginal, MonitoringStatus.sudden_hardship]
TARGET_POST_S, TARGET_GET_P95_MS = 5.0, 200.0


def valid_uscc(n: int) -> str:
    """A unified social credit code with a correct check digit (GB 32100)."""
    from stdnum.cn import uscc
    body = f"9164042200{n:07d}"
    return body + uscc.calc_check_digit(body)


def birth_for(age: int, rng: random.Random, today: date) -> date:
    """A birthday that makes the person `age` today."""
    latest = date(today.year - age, today.month, min(today.day, 28))
    return latest - timedelta(days=rng.randint(0, 360))


def village_code(name: str) -> str:
    """The area code of a generated village: 西吉县's own, or for the prefecture's k-th copy of the
    county (the generator's `code#k`) the same village in a copy of its township whose code is the
    real one plus 20·k (640422100 → 640422120, 640422140, …; the real ones are 1xx and 2xx, xx ≤ 15)."""
    code, _, copy = name.partition("#")
    return code if not copy else code[:7] + f"{int(code[7:9]) + 20 * int(copy):02d}" + code[9:]


def copy_divisions(session, raw) -> None:
    """The townships and villages of the prefecture's copies of 西吉县, inside 西吉县: townships
    shifted east as the generator shifts the counties, villages where the generator put them."""
    real = {a.code: a for a in session.scalars(select(Area).where(Area.code.like(COUNTY_CODE[:6] + "%")))}
    townships, villages = {}, []
    for i, name in enumerate(raw.villages):
        if "#" not in name:
            continue
        original, _, copy = name.partition("#")
        code, k = village_code(name), int(copy)
        township, township_code = real[original[:9] + "000"], code[:9] + "000"
        townships[township_code] = dict(
            code=township_code, name=f"{township.name}（{k + 1}）", level=AreaLevel.township,
            parent_code=COUNTY_CODE, lat=township.lat,
            lon=None if township.lon is None else township.lon + k * COUNTY_STEP_DEG)
        villages.append(dict(code=code, name=f"{real[original].name}（{k + 1}）", level=AreaLevel.village,
                             parent_code=township_code, lat=float(raw.v_lat[i]), lon=float(raw.v_lon[i])))
    if villages:
        session.execute(insert(Area), list(townships.values()))
        session.execute(insert(Area), villages)


def load_county(raw, rng: random.Random) -> dict:
    """The generated county (or prefecture) into the database, through the registry's and the
    jobs' own code."""
    session = db.session
    today = china_today()
    times = {}
    t0 = time.perf_counter()
    upgrade()
    data = Path(ROOT, "data")
    sync_taxonomy(session, data)  # as `flask demo load` does: the taxonomy as data/ has it now
    import_divisions(session, data / "divisions" / "sample_counties_villages_5level.csv", data, county=COUNTY_CODE)
    copy_divisions(session, raw)
    session.commit()
    t1 = time.perf_counter()
    times["schema + divisions"] = t1 - t0

    h = len(raw.h_monitored)
    session.execute(insert(Household), [
        dict(code=f"XJ{i:05d}", village_code=village_code(raw.villages[raw.h_village[i]]),
             monitoring_status=MONITORED[i % 3] if raw.h_monitored[i] else MonitoringStatus.none,
             lifted_out=bool(raw.h_lifted_out[i]), relocated=bool(raw.h_relocated[i]),
             resettlement_site="县城移民安置区" if raw.h_relocated[i] else None,
             created_at=utcnow(), updated_at=utcnow()) for i in range(h)])
    households = {hh.code: hh for hh in session.scalars(select(Household))}
    household = [households[f"XJ{i:05d}"] for i in range(h)]
    t2 = time.perf_counter()
    times["households"] = t2 - t1

    # people looking for work (the generator's), then one member in work for each household that has one
    used, prepared = set(), []

    def person(age: int) -> tuple[str, object]:
        while True:
            birth, seq = birth_for(age, rng, today), rng.randint(1, 999)
            if (birth, seq) not in used:
                used.add((birth, seq))
                number = id_number(birth, seq)
                return number, check_id_number(number)

    for i in range(raw.n):
        number, resident = person(int(raw.age[i]))
        texts = raw.w_text[raw.w_ptr[i]:raw.w_ptr[i + 1]]
        commute, wage = raw.commute_km[i], raw.wage[i]
        values, skills = worker_values(session, household[raw.household[i]], resident, dict(
            name=rng.choice(SURNAMES) + rng.choice(GIVEN), id_number=number, skills=list(texts),
            health=HEALTH[raw.health[i]],
            labour_ability=LabourAbility.full if raw.health[i] == 0 else LabourAbility.weak,
            employment_status=EmploymentStatus.in_training if rng.random() < 0.1 else EmploymentStatus.unemployed,
            expected_wage=None if np.isnan(wage) else int(wage),
            max_commute_km=None if np.isnan(commute) else int(commute),
            willing_to_migrate=bool(raw.migrate[i]), needs_flexible_hours=bool(raw.flexible[i]),
            lat=float(raw.w_lat[i]), lon=float(raw.w_lon[i])))
        for skill, certified in zip(skills, raw.w_certified[raw.w_ptr[i]:raw.w_ptr[i + 1]]):
            skill["certified"] = bool(certified)  # learned on a course
        prepared.append((values, skills))
    employed = np.flatnonzero(raw.h_employed)
    for i in employed:
        number, resident = person(rng.randint(20, 55))
        values, skills = worker_values(session, household[i], resident, dict(
            name=rng.choice(SURNAMES) + rng.choice(GIVEN), id_number=number, skills=[],
            employment_status=rng.choice([EmploymentStatus.local, EmploymentStatus.migrant_out_province]),
            lat=None, lon=None))
        prepared.append((values, skills))
    t3 = time.perf_counter()
    times["workers: check, encrypt, resolve"] = t3 - t2
    insert_workers(session, prepared)
    session.commit()
    t4 = time.perf_counter()
    times["workers: insert"] = t4 - t3

    # verified employers (one per 5 postings) and their postings
    admin = create_user(session, "bench-admin", "bench-admin-2026", Role.admin)
    n_employers = max(1, raw.m // 5)
    session.execute(insert(Employer), [
        dict(name=f"西吉县第{e + 1}用工单位", uscc=valid_uscc(e + 1), kind=EmployerKind.enterprise,
             verified_at=utcnow(), verified_by_id=admin.id, created_at=utcnow()) for e in range(n_employers)])
    employer_ids = session.scalars(select(Employer.id).order_by(Employer.id)).all()
    resolver = get_index(session)
    rows, needs = [], []
    for j in range(raw.m):
        texts = raw.j_text[raw.j_ptr[j]:raw.j_ptr[j + 1]]
        wage = raw.j_wage[j]
        located = not np.isnan(raw.j_lat[j])
        rows.append(dict(
            employer_id=employer_ids[j % n_employers], title=(texts[0] if texts else "公益性岗位") + "（招聘）",
            openings=int(raw.openings[j]), hired_count=0,
            wage_min=None if np.isnan(wage) else int(wage * 0.8), wage_max=None if np.isnan(wage) else int(wage),
            wage_unit=WageUnit.piece if np.isnan(wage) else WageUnit.month,
            lat=float(raw.j_lat[j]) if located else None, lon=float(raw.j_lon[j]) if located else None,
            public_welfare=bool(raw.public_welfare[j]), accommodation=bool(raw.accommodation[j]),
            flexible_hours=bool(raw.j_flexible[j]),
            min_age=None if np.isnan(raw.min_age[j]) else int(raw.min_age[j]),
            max_age=None if np.isnan(raw.max_age[j]) else int(raw.max_age[j]),
            physical_demand=DEMAND[raw.demand[j]], expires_on=today + timedelta(days=60), created_at=utcnow()))
        needs.append(texts)
    job_ids = session.execute(insert(Job).returning(Job.id, sort_by_parameter_order=True), rows).scalars().all()
    session.execute(insert(JobSkill), [dict(job_id=job_id, name=text, skill_id=resolver.skill_id(text))
                                       for job_id, texts in zip(job_ids, needs) for text in texts])
    token = issue_token(admin)
    session.commit()
    times["employers + postings"] = time.perf_counter() - t4
    return dict(times=times, token=token, workers=session.scalar(select(func.count(Worker.id))), job_ids=job_ids)


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values), q))


def resident_mib(field: str = "VmRSS") -> float | None:
    """This process's resident memory in MiB: now (VmRSS) or the peak since start or the last
    `reset_peak` (VmHWM); None where /proc has no such line (not Linux)."""
    try:
        with open("/proc/self/status") as f:
            line = next(line for line in f if line.startswith(field + ":"))
    except (OSError, StopIteration):
        return None
    return int(line.split()[1]) / 1024


def reset_peak() -> bool:
    """Starts VmHWM again from the current resident size (Linux ≥ 4.0), so that the peak of the
    requests is not the peak of loading the data; False where that is not possible."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", help="a database URL (default: SQLite in a temporary folder)")
    parser.add_argument("--size", choices=["county", "prefecture"], default="county",
                        help="the generator's area; prefecture: 100,000 people × 10,000 postings, ~5 min to load")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--posts", type=int, default=3)
    parser.add_argument("--gets", type=int, default=200)
    parser.add_argument("--gc-freeze", action="store_true",
                        help="gc.freeze() after the first requests, as a server could after start-up")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="bench-matching-app-")
    try:
        run(args, args.database or "sqlite:///" + os.path.join(tmp, "bench.db"))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(args, url: str) -> None:
    os.environ["DATABASE_URL"] = url
    from application import create_app
    app = create_app({"APP_ENV": "production", "SECRET_KEY": uuid.uuid4().hex,
                      "PII_KEY": Fernet.generate_key().decode()})
    raw = generate(args.size, args.seed)
    rng = random.Random(args.seed)
    print(f"matcher through the application: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}; "
          f"database {app.config['SQLALCHEMY_DATABASE_URI'].split('@')[-1]}")
    with app.app_context():
        t = time.perf_counter()
        built = load_county(raw, rng)
        print(f"{args.size} loaded in {time.perf_counter() - t:.1f} s: {built['workers']:,} workers "
              f"({raw.n:,} looking for work), {len(built['job_ids']):,} postings of verified employers")
        for stage, seconds in built["times"].items():
            print(f"  {stage:<36} {seconds:6.1f} s")
        worker_ids = db.session.scalars(select(Worker.id).where(
            Worker.employment_status.in_([EmploymentStatus.unemployed, EmploymentStatus.in_training]))
            .order_by(Worker.id)).all()
        db.session.remove()
    headers = {"Authorization": f"Bearer {built['token']}"}
    client = app.test_client()

    before, peak_reset = resident_mib(), reset_peak()
    posts = []
    for run in range(args.posts):
        start = time.perf_counter()
        response = client.post("/api/v1/allocations", json={"area_code": COUNTY_CODE}, headers=headers)
        posts.append(time.perf_counter() - start)
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        plan = response.get_json()
        print(f"POST /api/v1/allocations {COUNTY_CODE} run {run + 1}: {posts[-1]:.2f} s "
              f"({len(plan['assignments']):,} assignments, households covered {plan['households_covered']:,} "
              f"of {plan['households_total']:,})" + ("  (first request of the process)" if run == 0 else ""))

    start = time.perf_counter()
    response = client.post("/api/v1/allocations", json={"area_code": COUNTY_CODE, "group_placement": True},
                           headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    print(f"POST /api/v1/allocations with group_placement (two solves; no target): {time.perf_counter() - start:.2f} s")
    if peak_reset:
        print(f"resident memory: {before:.0f} MiB before the POSTs, peak {resident_mib('VmHWM'):.0f} MiB during them "
              f"(VmHWM, reset before them)")

    gets, sample = [], random.Random(args.seed + 1).sample(worker_ids, args.gets)
    if args.gc_freeze:  # what is alive now (modules, the app, the resolver) is never collected again
        gc.collect()
        gc.freeze()
        print(f"gc.freeze(): {gc.get_freeze_count():,} objects moved out of the collector's reach")
    gc_ms, gc_start = [0.0], [0.0]

    def gc_clock(phase, _info):
        if phase == "start":
            gc_start[0] = time.perf_counter()
        else:
            gc_ms[0] += (time.perf_counter() - gc_start[0]) * 1000

    gc.callbacks.append(gc_clock)
    for worker_id in sample:
        start = time.perf_counter()
        response = client.get(f"/api/v1/workers/{worker_id}/recommendations", headers=headers)
        gets.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
    gc.callbacks.remove(gc_clock)
    print(f"GET /api/v1/workers/{{id}}/recommendations, {len(gets)} random people: p50 {percentile(gets, 50):.0f} ms, "
          f"p95 {percentile(gets, 95):.0f} ms, max {max(gets):.0f} ms; {gc_ms[0] / sum(gets):.0%} of it in Python's "
          f"cyclic garbage collector")
    # the same data in memory: the application's plan must be the pipeline's
    memory = pipeline(raw, skill_space(load_taxonomy(DATA)))
    looking = np.array(worker_ids)
    mine = sorted((int(looking[w]), int(built["job_ids"][j])) for w, j in zip(memory["result"].workers,
                                                                                  memory["result"].jobs))
    theirs = sorted((a["worker_id"], a["job_id"]) for a in plan["assignments"])
    same = mine == theirs
    print(f"\nthe application's plan {'is' if same else 'is NOT'} the in-memory pipeline's for the same {args.size} "
          f"({len(theirs):,} vs {len(mine):,} assignments)")

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory of the process: {peak:.0f} MiB; load average {os.getloadavg()[0]:.2f}")
    print("\n== summary (targets from issue 5)")
    verdict = (f"(target ≤ {TARGET_POST_S:.0f} s): {'met' if max(posts) <= TARGET_POST_S else 'NOT met'}"
               if args.size == "county" else "(no target for a prefecture)")
    print(f"POST /api/v1/allocations: {', '.join(f'{p:.2f}' for p in posts)} s, median {np.median(posts):.2f} s "
          + verdict)
    p95 = percentile(gets, 95)
    print(f"GET recommendations p95: {p95:.0f} ms (target ≤ {TARGET_GET_P95_MS:.0f} ms): "
          f"{'met' if p95 <= TARGET_GET_P95_MS else 'NOT met'}")


if __name__ == "__main__":
    main()
