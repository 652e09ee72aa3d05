"""Builders for employers and postings, and helpers for the jobs page tests."""
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from core.auth import system_actor
from core.extensions import db
from core.models import Role, User
from jobs import referral_lifecycle, services
from jobs.models import LeaveReason, Referral, ReferralStatus
from jobs.schemas import EmployerIn, JobIn
from tests.conftest import csrf_token


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
        data = {"employer_id": employer_id, "title": "电焊工", "required_skills": [], "openings": 2,
                "wage_min": 3000, "wage_max": 4500, "physical_demand": "medium",
                "expires_on": (date.today() + timedelta(days=60)).isoformat(), **fields}
        with app.test_request_context():
            job = services.create_job(db.session, JobIn().load(data), User(role=Role.admin, username="t"))
            db.session.commit()
            return job.id
    return make


def post_form(page, url, data, form_url=None):
    """Posts `data` with the CSRF token of the page at `form_url` (default: `url` itself)."""
    token = csrf_token(page.get(form_url or url).get_data(as_text=True))
    return page.post(url, data={**data, "csrf_token": token})


def text_of(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"[^>]*>(.*?)</', html, re.S)
    assert match, f"no element #{element_id}"
    return match.group(1).strip()


@pytest.fixture
def refer(app):
    """`refer(worker_id, job_id)` -> the id of a new referral (made as an administrator)."""
    def make(worker_id: int, job_id: int) -> int:
        with app.test_request_context():
            referral = referral_lifecycle.create_referral(db.session, worker_id, job_id, User(role=Role.admin, username="t"))
            db.session.commit()
            return referral.id
    return make


def referral_status(app, referral_id: int) -> ReferralStatus:
    with app.app_context():
        return db.session.get(Referral, referral_id).status


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(model.id)))


@pytest.fixture
def hire(app):
    """`hire(worker, job, hired_on, left_on=None, leave_reason=wages)` -> the referral id: referred
    (past any rule, with a reason), hired and (when `left_on`) left through the referral lifecycle,
    the days then moved into the past."""
    def make(worker_id: int, job_id: int, hired_on: date, left_on: date | None = None,
             leave_reason: LeaveReason = LeaveReason.wages) -> int:
        with app.test_request_context():
            admin = system_actor("test")
            referral = referral_lifecycle.create_referral(db.session, worker_id, job_id, admin, override_reason="测试")
            referral_lifecycle.change_referral(db.session, referral, ReferralStatus.hired, admin)
            if left_on is not None:
                referral_lifecycle.change_referral(db.session, referral, ReferralStatus.left, admin,
                                                   leave_reason=leave_reason)
            referral.hired_on, referral.left_on = hired_on, left_on
            db.session.commit()
            return referral.id
    return make
