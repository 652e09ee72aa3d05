"""Load test (issue 7): the county of bench/matching_app.py (20,000 people looking for work, about
21,800 workers, 2,000 postings) in PostgreSQL with 40 courses, served by gunicorn on loopback, and
50 concurrent locust users (bench/locustfile.py): station staff asking for recommendations and
opening their pages, county officers on the overview, trainees on the course finder and their own
recommendations, employers on their inbox and candidates. Prints p50/p95/max and failures per page
against the target (p95 ≤ 200 ms, no errors).

The database given is emptied first (its `public` schema is dropped): by default the test suite's
PostgreSQL database, TEST_POSTGRES_URL. Do not point it at anything you want to keep.

Run: `make bench` or `.venv/bin/python bench/load.py [--database URL] [--users 50] [--seconds 120] [--reuse]`.
"""
from __future__ import annotations

import argparse
import base64
import csv
import hashlib
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))  # first: the application's `matching`, not bench/matching.py

from sqlalchemy import func, select, text  # noqa: E402

TARGET_P95_MS = 200.0
PASSWORD = "load-test-2026"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


TRAINEES = 20  # people of the station's village with an account of their own
EMPLOYERS = 5  # employers with an account, each with people referred to its postings
COURSES = 40


def build(url: str, env: dict, seed: int) -> dict:
    """The county, a station of its most populous village, a county officer, trainees with
    accounts, employers with referrals to answer, and a catalogue of courses."""
    os.environ.update(env)
    from county_generator import generate
    from matching_app import load_county

    from application import create_app
    from core.auth import create_user
    from core.extensions import db
    from core.models import Role
    from monitoring.tasks import run_task
    from registry.models import Household, Worker
    app = create_app({"APP_ENV": "production"})
    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        start = time.perf_counter()
        rng = random.Random(seed)
        load_county(generate("county", seed), rng)
        village, _n = db.session.execute(select(Household.village_code, func.count(Worker.id)).join(Worker)
                                         .group_by(Household.village_code)
                                         .order_by(func.count(Worker.id).desc())).first()
        station = create_user(db.session, "load-station", PASSWORD, Role.station, [village])
        create_user(db.session, "load-county", PASSWORD, Role.county, ["640422000000"])
        looking = _looking_for_work(village)
        _courses_and_trainees(station, looking[:TRAINEES], rng)
        _employers_with_referrals(station, looking[TRAINEES:])
        db.session.commit()
        run_task(db.session, "early_warning", app.config, runner="load")  # alerts, as a running county has
        total = db.session.scalar(select(func.count(Worker.id)))
        print(f"county loaded in {time.perf_counter() - start:.0f} s: {total:,} workers; the station's village "
              f"{village} has {len(looking)} people looking for work; {COURSES} courses, {TRAINEES} trainees "
              f"and {EMPLOYERS} employers with accounts")
        db.session.remove()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))  # as a county's database in service is, not fresh from a bulk load
        db.engine.dispose()
    return _world(app, village)


def _looking_for_work(village: str) -> list[int]:
    from core.extensions import db
    from registry.models import EmploymentStatus, Household, Worker
    return list(db.session.scalars(select(Worker.id).join(Household).where(
        Household.village_code == village,
        Worker.employment_status.in_([EmploymentStatus.unemployed, EmploymentStatus.in_training]))
        .order_by(Worker.id)))


def _courses_and_trainees(station, trainees: list[int], rng: random.Random) -> None:
    """Courses over the next three months in the county's townships, teaching the skills the
    postings ask for most; each trainee with an account enrolled in one or two."""
    from core.auth import create_user
    from core.extensions import db
    from core.models import Role, china_today
    from jobs.models import JobSkill
    from registry.models import Area, AreaLevel, Worker
    from training import services as training
    from training.models import CourseMode
    provider = create_user(db.session, "load-provider", PASSWORD, Role.provider)
    skills = db.session.scalars(select(JobSkill.name).where(JobSkill.skill_id.is_not(None)).group_by(JobSkill.name)
                                .order_by(func.count(JobSkill.id).desc(), JobSkill.name).limit(COURSES)).all()
    towns = db.session.scalars(select(Area).where(Area.level == AreaLevel.township, Area.lat.is_not(None),
                                                  Area.code.like("640422%")).order_by(Area.code)).all()
    modes, today, courses = list(CourseMode), china_today(), []
    for n in range(COURSES):
        skill, town = skills[n % len(skills)], towns[n % len(towns)]
        starts = today + timedelta(days=rng.randint(7, 90))
        courses.append(training.create_course(db.session, {
            "title": f"{skill}培训班（第{n + 1}期）", "provider": "西吉县职业技术培训中心", "skills_taught": [skill],
            "mode": modes[n % len(modes)], "capacity": rng.choice([20, 30, 40]), "starts_on": starts,
            "ends_on": starts + timedelta(days=rng.randint(10, 40)), "fee": 0, "fee_waived": True,
            "subsidy_per_day": 30, "area_code": town.code, "address": f"{town.name}职教点",
            "lat": town.lat, "lon": town.lon}, provider))
    for n, worker_id in enumerate(trainees):
        create_user(db.session, f"load-trainee-{n}", PASSWORD, Role.worker, worker_id=worker_id)
        for course in rng.sample(courses, rng.randint(1, 2)):
            if training.clashing_course(db.session, db.session.get(Worker, worker_id), course) is None:
                training.enrol(db.session, course, worker_id, station)


def _employers_with_referrals(station, people: list[int]) -> None:
    """The employers with the most open postings get accounts; each has eight people referred to
    its postings by the station: some hired, some still to answer."""
    from core.auth import create_user
    from core.extensions import db
    from core.models import Role
    from jobs import referral_lifecycle
    from jobs.models import Job, ReferralStatus
    employers = db.session.scalars(select(Job.employer_id).group_by(Job.employer_id)
                                   .order_by(func.count(Job.id).desc(), Job.employer_id).limit(EMPLOYERS)).all()
    people = iter(people)
    for n, employer_id in enumerate(employers):
        account = create_user(db.session, f"load-employer-{n}", PASSWORD, Role.employer, employer_id=employer_id)
        jobs = db.session.scalars(select(Job).where(Job.employer_id == employer_id).order_by(Job.id)).all()
        for k in range(8):
            job = jobs[k % len(jobs)]
            if job.public_welfare or job.openings_left <= 0:
                continue
            referral = referral_lifecycle.create_referral(db.session, next(people), job.id, station)
            if k % 3 == 0:
                referral_lifecycle.change_referral(db.session, referral, ReferralStatus.hired, account)
            elif k % 3 == 1:
                referral_lifecycle.change_referral(db.session, referral, ReferralStatus.interviewing, account)


def reuse(env: dict) -> dict:
    """The county a previous run loaded (--reuse)."""
    os.environ.update(env)
    from application import create_app
    from core.extensions import db
    from core.models import User
    app = create_app({"APP_ENV": "production"})
    with app.app_context():
        station = db.session.scalar(select(User).where(User.username == "load-station"))
        if station is None or db.session.scalar(select(User).where(User.username == "load-provider")) is None:
            raise SystemExit("--reuse: no county loaded by an earlier run (of this version) in this database")
        village = station.area_codes[0]
        db.session.remove()
    print(f"reusing the county loaded earlier (village {village})")
    return _world(app, village)


def _world(app, village: str) -> dict:
    """What the users of the locust file need: the people looking for work in the station's
    village, the trainees' accounts and ids, the employers' accounts and postings."""
    from core.extensions import db
    from core.models import Role, User
    from jobs.models import Job
    with app.app_context():
        looking = _looking_for_work(village)
        trainees = db.session.execute(select(User.username, User.worker_id).where(User.role == Role.worker)
                                      .order_by(User.username)).all()
        employers = db.session.execute(select(User.username, func.min(Job.id)).join(Job, Job.employer_id == User.employer_id)
                                       .where(User.role == Role.employer).group_by(User.username)
                                       .order_by(User.username)).all()
        db.session.remove()
        db.engine.dispose()
    return {"village": village, "workers": looking,
            "trainees": ",".join(f"{name}:{worker}" for name, worker in trainees),
            "employers": ",".join(f"{name}:{job}" for name, job in employers)}


def wait_until_up(url: str, seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url + "/login", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("gunicorn did not answer")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default=os.environ.get(
        "TEST_POSTGRES_URL", "postgresql://labour:labour@127.0.0.1:5432/labour_test"))
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--gunicorn-workers", type=int, default=2, help="default: one per core of this machine")
    parser.add_argument("--threads", type=int, default=8, help="threads per gunicorn worker")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--reuse", action="store_true",
                        help="keep the county an earlier run loaded (same --database and PII key file)")
    args = parser.parse_args()

    # the key derives from the seed so that --reuse reads the personal data an earlier run stored
    # (made-up people in a database emptied for the purpose)
    pii_key = base64.urlsafe_b64encode(hashlib.sha256(f"load-test-{args.seed}".encode()).digest()).decode()
    env = {"APP_ENV": "production", "DATABASE_URL": args.database, "SECRET_KEY": uuid.uuid4().hex, "PII_KEY": pii_key}
    print(f"load test: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}; "
          f"database {args.database.split('@')[-1]} (emptied first)")
    world = reuse(env) if args.reuse else build(args.database, env, args.seed)

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    bin_dir = Path(sys.executable).parent
    server = subprocess.Popen(
        [str(bin_dir / "gunicorn"), "--workers", str(args.gunicorn_workers), "--threads", str(args.threads),
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
         # longer than locust's pauses: a kept-alive connection is not closed just as it is reused
         "--keep-alive", "30", "wsgi:app"],
        cwd=ROOT, env={**os.environ, **env})
    try:
        wait_until_up(base)
        with tempfile.TemporaryDirectory() as tmp:
            prefix = os.path.join(tmp, "load")
            users_env = {**os.environ, "LOAD_STATION_USER": "load-station", "LOAD_COUNTY_USER": "load-county",
                         "LOAD_PASSWORD": PASSWORD, "LOAD_WORKER_IDS": ",".join(map(str, world["workers"])),
                         "LOAD_TRAINEES": world["trainees"], "LOAD_EMPLOYERS": world["employers"]}
            warm = subprocess.run([str(bin_dir / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
                                   "-u", "20", "-r", "20", "-t", "30s", "--host", base, "--only-summary"],
                                  env=users_env, capture_output=True, text=True)
            if warm.returncode not in (0, 1):
                raise SystemExit(warm.stderr[-2000:])
            print("warm-up: 20 users for 30 s (each gunicorn worker loads the resolver, the kernel, and the postings "
                  "and people it keeps)")
            done = subprocess.run([str(bin_dir / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
                                   "-u", str(args.users), "-r", str(max(1, args.users // 5)), "-t", f"{args.seconds}s",
                                   "--host", base, "--csv", prefix, "--only-summary"],
                                  env=users_env, capture_output=True, text=True)
            if done.returncode not in (0, 1):
                raise SystemExit(done.stderr[-2000:])
            with open(prefix + "_stats.csv", newline="") as f:
                rows = list(csv.DictReader(f))
            with open(prefix + "_failures.csv", newline="") as f:
                failed = list(csv.DictReader(f))
    finally:
        server.terminate()
        server.wait(timeout=30)

    print(f"\n{args.users} users for {args.seconds} s against gunicorn ({args.gunicorn_workers} workers × "
          f"{args.threads} threads) on loopback; load average now {os.getloadavg()[0]:.2f}")
    print(f"{'page':<42} {'requests':>9} {'failures':>9} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7}  target")
    worst, failures = 0.0, 0
    for row in rows:
        name = row["Name"]
        if name in ("Aggregated",) or name.startswith("/login") or name.startswith("/api/v1/auth"):
            continue
        p95, fails = float(row["95%"]), int(row["Failure Count"])
        worst, failures = max(worst, p95), failures + fails
        verdict = "met" if p95 <= TARGET_P95_MS and fails == 0 else "NOT met"
        print(f"{name:<42} {int(row['Request Count']):>9,} {fails:>9} {float(row['50%']):>7.0f} {p95:>7.0f} "
              f"{float(row['Max Response Time']):>7.0f}  {verdict}")
    for row in failed:
        print(f"  failed: {row['Method']} {row['Name']} ×{row['Occurrences']}: {row['Error'][:160]}")
    total = next(r for r in rows if r["Name"] == "Aggregated")
    print(f"{'all requests':<42} {int(total['Request Count']):>9,} {int(total['Failure Count']):>9} "
          f"{float(total['50%']):>7.0f} {float(total['95%']):>7.0f} {float(total['Max Response Time']):>7.0f}")
    print(f"\nsummary: worst page p95 {worst:.0f} ms (target ≤ {TARGET_P95_MS:.0f} ms), {failures} failures: "
          + ("met" if worst <= TARGET_P95_MS and failures == 0 else "NOT met"))


if __name__ == "__main__":
    main()
