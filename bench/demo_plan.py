"""Figures of the advice on `make run`'s demo: the county plan through `POST /api/v1/allocations`
(as an administrator), the way issue 14 measured it. Prints the households covered, the fit of the
assignments (median, how many under 0.4), how many people were placed in postings whose required
skills they have none of (not even one of the same occupational group), and how many open postings
have a place (without one, distance counts for nothing).

Run: `.venv/bin/python bench/demo_plan.py` (a fresh SQLite database in a temporary folder).
"""
import statistics
import sys
import tempfile
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cryptography.fernet import Fernet  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import select  # noqa: E402

from application import create_app  # noqa: E402
from core.auth import create_user, issue_token  # noqa: E402
from core.extensions import db  # noqa: E402
from core.models import Role  # noqa: E402
from jobs import eligibility  # noqa: E402
from jobs.models import Job  # noqa: E402
from matching import data  # noqa: E402
from registry.models import Worker  # noqa: E402

COUNTY = "640422000000"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"APP_ENV": "test", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/demo.db",
                          "SECRET_KEY": uuid.uuid4().hex, "PII_KEY": Fernet.generate_key().decode()})
        with app.app_context():
            upgrade()
        result = app.test_cli_runner().invoke(args=["demo", "load"])
        assert result.exit_code == 0, result.output
        with app.app_context():
            token = issue_token(create_user(db.session, "bench-admin", "Bench-admin-2026", Role.admin))
            db.session.commit()
        plan = app.test_client().post("/api/v1/allocations", json={"area_code": COUNTY},
                                      headers={"Authorization": f"Bearer {token}"}).json
        with app.app_context():
            jobs = {j.id: j for j in db.session.scalars(select(Job))}
            workers = {w.id: w for w in db.session.scalars(select(Worker))}
            open_ids = set(int(i) for i in data.open_postings(db.session).table.ids)
            unskilled = sum(1 for a in plan["assignments"] if not _meets_any(workers[a["worker_id"]], jobs[a["job_id"]]))
            placed = sum(1 for i in open_ids if jobs[i].lat is not None and jobs[i].lon is not None)
            in_plan = {a["job_id"] for a in plan["assignments"]}
            unplaced_in_plan = sum(1 for i in in_plan if jobs[i].lat is None)
        fits = [a["score"] for a in plan["assignments"]]
        print(f"households covered: {plan['households_covered']} of {plan['households_total']}")
        print(f"assignments: {len(fits)}; median fit {statistics.median(fits):.2f}; "
              f"under 0.4: {sum(f < 0.4 for f in fits)}")
        trainees = sum(1 for a in plan["assignments"] if jobs[a["job_id"]].trains_on_job)
        print(f"people placed in postings whose required skills they have none of: {unskilled}; "
              f"trainees placed in postings that teach on the job: {trainees}; "
              f"assignments meeting their posting's skills: {len(fits) - unskilled} of {len(fits)}")
        print(f"open postings with a place: {placed} of {len(open_ids)}; "
              f"postings of the plan without one: {unplaced_in_plan} of {len(in_plan)}")


def _meets_any(worker: Worker, job: Job) -> bool:
    """Holds one of the posting's required skills (under any entry of its occupation), or one of
    the same occupational group; a posting that requires nothing, or teaches its skills on the job
    (以工代训), is met by anyone."""
    required, met, _unmet = eligibility.skills_met(worker, job)
    return required == 0 or met > 0 or job.trains_on_job


if __name__ == "__main__":
    main()
