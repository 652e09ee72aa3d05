"""What the subsidy ledger pays from: one payment a day per person whatever the courses, sessions
within their course's dates, and a subsidy per day that is fixed once attendance is recorded."""
import io
import re
import threading
from datetime import timedelta

from openpyxl import load_workbook

from core.models import china_today
from tests.conftest import VILLAGE
from tests.training.conftest import course_body, dated_course

MORNING, EVENING = ("08:30", "11:30"), ("19:00", "21:00")


def course_with_sessions(provider, days, hours=EVENING, **fields):
    """A course from the first to the last of `days`, open to late joiners, with a session on each
    day; returns its id and the session ids in the order of `days`."""
    cid = dated_course(provider, starts_on=min(days).isoformat(), ends_on=max(days).isoformat(),
                       rolling_admission=True, capacity=10, **fields)
    sessions = []
    for day in days:
        made = provider.post(f"/api/v1/courses/{cid}/sessions",
                             json={"day": day.isoformat(), "starts_at": hours[0], "ends_at": hours[1]})
        assert made.status_code == 201, made.json
        sessions.append(made.json["id"])
    return cid, sessions


def enrol(station, course_id, worker_id) -> int:
    response = station.post(f"/api/v1/courses/{course_id}/enrollments", json={"worker_id": worker_id})
    assert response.status_code == 201 and response.json["status"] == "enrolled", response.json
    return response.json["id"]


def mark(provider, session_id, present):
    response = provider.put(f"/api/v1/sessions/{session_id}/attendance", json={"present": present})
    assert response.status_code == 200, response.json


def paid(client, **args) -> dict[tuple[int, int], tuple[int, int]]:
    """(worker, course) -> (days, yuan) of the ledger's per-person lines."""
    return {(x["worker_id"], x["course_id"]): (x["days"], x["amount"])
            for x in client.get("/api/v1/training/subsidies", query_string=args).json["people"]}


# --- one payment a day -------------------------------------------------------------------------

def test_a_day_with_two_courses_is_paid_once_on_the_course_that_pays_most(
        api_as, login_as, make_worker, make_household):
    today, yesterday = china_today(), china_today() - timedelta(days=1)
    welding_school, kitchen = api_as("provider"), api_as("provider")
    welding, (welding_yesterday, welding_today) = course_with_sessions(
        welding_school, [yesterday, today], MORNING, subsidy_per_day=30, mode="onsite")
    cooking, (cooking_today,) = course_with_sessions(kitchen, [today], EVENING, subsidy_per_day=50, title="中式烹调夜校")
    household = make_household()
    both, sister = make_worker(household), make_worker(household)
    station = api_as("station", [VILLAGE])
    both_welding, sister_welding = enrol(station, welding, both), enrol(station, welding, sister)
    both_cooking = enrol(station, cooking, both)
    mark(welding_school, welding_yesterday, [both_welding, sister_welding])
    mark(welding_school, welding_today, [both_welding, sister_welding])
    mark(kitchen, cooking_today, [both_cooking])

    # today is paid once to the one in both courses: on cooking (50), not on welding (30) too
    expected = {(both, welding): (1, 30), (both, cooking): (1, 50), (sister, welding): (2, 60)}
    ledger = station.get("/api/v1/training/subsidies").json
    assert paid(station) == expected and ledger["total"] == 140
    assert [(h["household_code"], h["people"], h["days"], h["amount"]) for h in ledger["households"]] == [
        (household, 2, 4, 140)]
    # each provider, and each course on its own, shows its part of the same payments
    assert paid(welding_school) == {k: v for k, v in expected.items() if k[1] == welding}
    assert paid(kitchen) == {(both, cooking): (1, 50)}
    assert paid(station, course_id=welding) == paid(welding_school)

    book = load_workbook(io.BytesIO(station.get("/api/v1/training/subsidies/export").data))
    people = list(book["按人"].iter_rows(min_row=2, values_only=True))
    assert sorted((r[3], r[4], r[6]) for r in people[:-1]) == sorted(
        [("焊工培训", 1, 30), ("焊工培训", 2, 60), ("中式烹调夜校", 1, 50)])
    assert people[-1][0] == "合计" and (people[-1][4], people[-1][6]) == (4, 140)
    assert [(r[0], r[3], r[4]) for r in book["按户"].iter_rows(min_row=2, values_only=True)] == [(household, 4, 140)]

    page = login_as("station", [VILLAGE]).get("/training/subsidies").get_data(as_text=True)
    assert re.search(r'id="total-amount">140<', page) and re.search(r'id="total-days">4<', page)
    assert f'id="household-{household}" data-amount="140" data-days="4"' in page
    assert f'id="line-{both_welding}" data-worker-id="{both}" data-days="1" data-amount="30"' in page


def test_between_courses_that_pay_the_same_the_day_goes_to_the_older_course(api_as, make_worker):
    today = china_today()
    provider = api_as("provider")
    first, (first_today,) = course_with_sessions(provider, [today], MORNING, subsidy_per_day=40, mode="onsite")
    second, (second_today,) = course_with_sessions(provider, [today], EVENING, subsidy_per_day=40, title="电工夜校")
    assert first < second
    station, person = api_as("station", [VILLAGE]), make_worker()
    mark(provider, second_today, [enrol(station, second, person)])
    assert paid(station) == {(person, second): (1, 40)}  # alone that day, the second course pays it
    mark(provider, first_today, [enrol(station, first, person)])
    assert paid(station) == {(person, first): (1, 40)}  # the line of the second course is gone
    assert paid(station, course_id=second) == {}
    assert station.get("/api/v1/training/subsidies").json["total"] == 40


# --- sessions within the course's dates -------------------------------------------------------

def session_at(provider, course_id, day):
    return provider.post(f"/api/v1/courses/{course_id}/sessions",
                         json={"day": day.isoformat(), "starts_at": "19:00", "ends_at": "21:00"})


def test_a_session_falls_within_its_course_dates_which_must_be_set_first(api_as):
    provider = api_as("provider")
    start = china_today() + timedelta(days=10)
    cid = provider.post("/api/v1/courses", json=course_body(starts_on=start.isoformat(),
                                                             ends_on=(start + timedelta(days=5)).isoformat())).json["id"]
    assert session_at(provider, cid, start).status_code == 201
    assert session_at(provider, cid, start + timedelta(days=5)).status_code == 201
    for day in (start - timedelta(days=1), start + timedelta(days=6)):
        refused = session_at(provider, cid, day)
        assert refused.status_code == 422 and set(refused.json["error"]["fields"]) == {"day"}
    assert len(provider.get(f"/api/v1/courses/{cid}").json["sessions"]) == 2

    for dates in ({"starts_on": None, "ends_on": None}, {"starts_on": start.isoformat(), "ends_on": None}):
        undated = provider.post("/api/v1/courses", json=course_body(**dates)).json["id"]
        refused = session_at(provider, undated, start)
        assert refused.status_code == 422 and set(refused.json["error"]["fields"]) == {"day"}
        assert provider.get(f"/api/v1/courses/{undated}").json["sessions"] == []


def test_new_dates_must_keep_every_session_of_the_course(api_as):
    provider = api_as("provider")
    start = china_today() + timedelta(days=10)
    cid, _sessions = course_with_sessions(provider, [start, start + timedelta(days=5)])
    day = lambda n: (start + timedelta(days=n)).isoformat()  # noqa: E731

    for change, field in (({"starts_on": day(1)}, "starts_on"), ({"ends_on": day(4)}, "ends_on"),
                          ({"starts_on": None}, "starts_on"), ({"ends_on": None}, "ends_on"),
                          ({"starts_on": day(6), "ends_on": day(9)}, "starts_on")):
        refused = provider.patch(f"/api/v1/courses/{cid}", json=change)
        assert refused.status_code == 422 and field in refused.json["error"]["fields"], (change, refused.json)
    course = provider.get(f"/api/v1/courses/{cid}").json
    assert (course["starts_on"], course["ends_on"]) == (day(0), day(5))
    wider = provider.patch(f"/api/v1/courses/{cid}", json={"starts_on": day(-3), "ends_on": day(20)})
    assert wider.status_code == 200 and (wider.json["starts_on"], wider.json["ends_on"]) == (day(-3), day(20))
    exact = provider.patch(f"/api/v1/courses/{cid}", json={"starts_on": day(0), "ends_on": day(5)})
    assert exact.status_code == 200


# --- the subsidy per day, fixed once attendance is recorded ------------------------------------

def test_the_subsidy_per_day_is_fixed_once_attendance_is_recorded(api_as, make_worker, running_course):
    provider, cid = running_course(sessions=1, subsidy_per_day=100, capacity=5)
    assert provider.patch(f"/api/v1/courses/{cid}", json={"subsidy_per_day": 120}).json["subsidy_per_day"] == 120
    assert provider.patch(f"/api/v1/courses/{cid}", json={"subsidy_per_day": 100}).status_code == 200
    station, admin = api_as("station", [VILLAGE]), api_as("admin")
    eid = enrol(station, cid, make_worker())
    (meeting,) = provider.get(f"/api/v1/courses/{cid}").json["sessions"]
    mark(provider, meeting["id"], [])  # everyone absent is attendance recorded too

    for manager in (provider, admin):
        refused = manager.patch(f"/api/v1/courses/{cid}", json={"subsidy_per_day": 10000})
        assert refused.status_code == 409 and set(refused.json["error"]["fields"]) == {"subsidy_per_day"}
        assert manager.patch(f"/api/v1/courses/{cid}", json={"subsidy_per_day": 0}).status_code == 409
    same = provider.patch(f"/api/v1/courses/{cid}", json={"subsidy_per_day": 100, "title": "焊工培训（夜班）"})
    assert same.status_code == 200 and same.json["title"] == "焊工培训（夜班）"  # the whole form saved again
    mark(provider, meeting["id"], [eid])
    assert provider.get(f"/api/v1/courses/{cid}").json["subsidy_per_day"] == 100
    assert list(paid(station).values()) == [(1, 100)]


def test_a_rate_change_while_the_first_attendance_is_written_waits_for_it_and_is_refused(
        app, api_as, make_worker, running_course, monkeypatch):
    """The first attendance of a course is written but not committed yet when the provider raises
    the rate: the change must wait for it and then be refused. (Without the course's row lock on
    both sides, the change does not see the marks in flight and goes through.)"""
    from training import results
    provider, cid = running_course(sessions=1, subsidy_per_day=100, capacity=5)
    station = api_as("station", [VILLAGE])
    eid = enrol(station, cid, make_worker())
    (meeting,) = provider.get(f"/api/v1/courses/{cid}").json["sessions"]
    real, written, resume = results.take_attendance, threading.Event(), threading.Event()

    def take_attendance_then_pause(*args, **kwargs):
        present = real(*args, **kwargs)  # the marks are in the transaction, not committed
        written.set()
        resume.wait(10)
        return present
    monkeypatch.setattr(results, "take_attendance", take_attendance_then_pause)
    answers = {}

    def send(name, method, url, body):
        response = getattr(app.test_client(), method)(url, json=body,
                                                      headers={"Authorization": f"Bearer {provider.token}"})
        answers[name] = (response.status_code, sorted(response.json.get("error", {}).get("fields", {})))

    attendance = threading.Thread(target=send, args=("attendance", "put", f"/api/v1/sessions/{meeting['id']}/attendance",
                                                     {"present": [eid]}))
    change = threading.Thread(target=send, args=("change", "patch", f"/api/v1/courses/{cid}", {"subsidy_per_day": 10000}))
    attendance.start()
    assert written.wait(10)
    change.start()
    change.join(1)  # the change is under way while the marks are not committed
    resume.set()
    attendance.join(10)
    change.join(10)
    assert answers == {"attendance": (200, []), "change": (409, ["subsidy_per_day"])}
    assert provider.get(f"/api/v1/courses/{cid}").json["subsidy_per_day"] == 100
    assert station.get("/api/v1/training/subsidies").json["total"] == 100
