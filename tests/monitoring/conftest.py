"""Builders for the early-warning tests: placements made and ended through the jobs services,
and the tasks run as the scheduler runs them (at a chosen moment)."""
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import select

from core.extensions import db
from core.models import CHINA, Role, User, china_today
from jobs import referral_lifecycle
from jobs.models import LeaveReason, Referral, ReferralStatus
from monitoring.models import Alert
from monitoring.tasks import run_task
from registry.models import Household
from tests.jobs.conftest import make_employer, make_job, refer  # noqa: F401  (fixtures)
from tests.training.conftest import running_course  # noqa: F401  (fixture)

ADMIN = User(role=Role.admin, username="t", id=None)


def at(days: int = 0) -> datetime:
    """Noon in China, `days` from today, as the moment a task runs."""
    return datetime.combine(china_today() + timedelta(days=days), time(12), CHINA)


@pytest.fixture
def run(app):
    """`run(name, days=0)`: the task as the scheduler runs it, `days` from today; each call its own
    period, so every call really runs (the claim itself has tests of its own)."""
    def go(name: str = "early_warning", days: int = 0, again: bool = True):
        with app.test_request_context():
            return run_task(db.session, name, app.config, now=at(days), runner="test", again=again)
    return go


@pytest.fixture
def hire(app, make_job, refer):  # noqa: F811  (the imported fixtures)
    """`hire(worker_id, **job fields)` -> referral id of a hire on a new posting."""
    def go(worker_id: int, **job_fields) -> int:
        referral_id = refer(worker_id, make_job(**job_fields))
        with app.test_request_context():
            referral = db.session.get(Referral, referral_id)
            referral_lifecycle.change_referral(db.session, referral, ReferralStatus.hired, ADMIN)
            db.session.commit()
        return referral_id
    return go


@pytest.fixture
def leave(app):
    def go(referral_id: int, reason: LeaveReason = LeaveReason.other) -> None:
        with app.test_request_context():
            referral = db.session.get(Referral, referral_id)
            referral_lifecycle.change_referral(db.session, referral, ReferralStatus.left, ADMIN, leave_reason=reason)
            db.session.commit()
    return go


@pytest.fixture
def alerts_of(app):
    """`alerts_of(household_code)` -> {rule: (severity, status, number of events)}."""
    def read(code: str) -> dict:
        with app.app_context():
            household = db.session.scalar(select(Household).where(Household.code == code))
            alerts = db.session.scalars(select(Alert).where(Alert.household_id == household.id)).all()
            return {a.rule: (a.severity.name, a.status.name, len(a.events)) for a in alerts}
    return read
