"""Builders for the training tests: a course through the API, with sessions."""
from datetime import date, timedelta

import pytest
from sqlalchemy import update

from core.extensions import db
from core.models import china_today
from training.models import Course


def course_body(**fields):
    start = date.today() + timedelta(days=10)
    return {"title": "焊工培训", "provider": "县职业技术学校", "skills_taught": ["焊工"], "certificate": "焊工五级",
            "mode": "night", "lat": 35.96, "lon": 105.75, "capacity": 2, "starts_on": start.isoformat(),
            "ends_on": (start + timedelta(days=30)).isoformat(), "fee": 0, "subsidy_per_day": 30, **fields}


def dated_course(client, **fields) -> int:
    """A course through the API with the dates asked for, past ones too: a new course cannot be
    dated in the past, so it is published with its past dates moved to today, then dated as if it
    had been published before it began. `client` is an API client (tests.conftest.ApiClient)."""
    body = course_body(**fields)
    today = china_today().isoformat()
    dates = {k: body[k] for k in ("starts_on", "ends_on") if body.get(k)}
    published = {k: max(v, today) for k, v in dates.items()}  # ISO dates compare as text
    created = client.post("/api/v1/courses", json={**body, **published})
    assert created.status_code == 201, created.json
    if published != dates:
        with client.client.application.app_context():
            db.session.execute(update(Course).where(Course.id == created.json["id"])
                               .values(**{k: date.fromisoformat(v) for k, v in dates.items()}))
            db.session.commit()
    return created.json["id"]


@pytest.fixture
def running_course(api_as):
    """A course that started today, with `sessions` evening sessions from today on; returns the
    provider's client and the course id."""
    def make(sessions: int = 3, **fields):
        provider = api_as("provider")
        today = china_today()
        body = course_body(starts_on=today.isoformat(), ends_on=(today + timedelta(days=30)).isoformat(), **fields)
        response = provider.post("/api/v1/courses", json=body)
        assert response.status_code == 201, response.json
        cid = response.json["id"]
        for n in range(sessions):
            day = (today + timedelta(days=n)).isoformat()
            created = provider.post(f"/api/v1/courses/{cid}/sessions",
                                    json={"day": day, "starts_at": "19:00", "ends_at": "21:00", "place": "村委会"})
            assert created.status_code == 201, created.json
        return provider, cid
    return make
