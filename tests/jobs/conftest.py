"""Builders for employers and postings."""
from datetime import date, timedelta

import pytest

from core.extensions import db
from core.models import Role, User
from jobs import services
from jobs.schemas import EmployerIn, JobIn


def valid_uscc(n: int) -> str:
    """A valid unified social credit code built around a counter (GB 32100 check digit)."""
    from stdnum.cn import uscc
    body = f"9164042200{n:07d}"
    return body + uscc.calc_check_digit(body)


@pytest.fixture
def make_employer(app, areas):
    counter = iter(range(1, 10_000))

    def make(verified: bool = True, **fields):
        n = next(counter)
        data = {"name": f"西吉县第{n}帮扶车间", "uscc": valid_uscc(n), "contact_name": "李经理",
                "contact_phone": "13800000000", "address": "吉强镇", "area_code": "640422100000",
                "lat": 35.96, "lon": 105.74, **fields}
        with app.test_request_context():
            actor = User(role=Role.admin if verified else Role.employer, username="t")
            employer = services.create_employer(db.session, EmployerIn().load(data), actor)
            db.session.commit()
            return employer.id
    return make


@pytest.fixture
def make_job(app, make_employer):
    def make(employer_id: int | None = None, **fields):
        employer_id = employer_id or make_employer()
        data = {"employer_id": employer_id, "title": "电焊工", "required_skills": ["焊工"], "openings": 2,
                "wage_min": 3000, "wage_max": 4500, "physical_demand": "medium",
                "expires_on": (date.today() + timedelta(days=60)).isoformat(), **fields}
        with app.test_request_context():
            job = services.create_job(db.session, JobIn().load(data), User(role=Role.admin, username="t"))
            db.session.commit()
            return job.id
    return make
