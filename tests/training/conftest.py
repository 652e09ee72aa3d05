"""Builders for the training tests: a course through the API, with sessions."""
from datetime import date, timedelta

import pytest

from core.models import china_today


def course_body(**fields):
    start = date.today() + timedelta(days=10)
    return {"title": "焊工培训", "provider": "县职业技术学校", "skills_taught": ["焊工"], "certificate": "焊工五级",
            "mode": "night", "lat": 35.96, "lon": 105.75, "capacity": 2, "starts_on": start.isoformat(),
            "ends_on": (start + timedelta(days=30)).isoformat(), "fee": 0, "subsidy_per_day": 30, **fields}


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
