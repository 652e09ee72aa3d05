"""Sessions, attendance, assessment, the completion rule and certificates, through the API."""
from datetime import timedelta

from sqlalchemy import func, select

from core.extensions import db
from core.models import china_today
from tests.conftest import VILLAGE
from tests.training.conftest import course_body, dated_course
from training.models import Attendance, Enrollment


def enrol_all(station, cid, workers):
    return [station.post(f"/api/v1/courses/{cid}/enrollments", json={"worker_id": w}).json["id"] for w in workers]


def test_attendance_decides_who_may_pass_and_a_pass_gives_a_certificate(app, api_as, make_worker, running_course):
    provider, cid = running_course(sessions=5, capacity=3, completion_threshold=80)
    station = api_as("station", [VILLAGE])
    keen, absent = make_worker(skills=["种地"]), make_worker()
    e_keen, e_absent = enrol_all(station, cid, [keen, absent])
    sessions = provider.get(f"/api/v1/courses/{cid}").json["sessions"]
    assert len(sessions) == 5
    with app.app_context():  # the sessions are in the past now, so attendance can be taken
        from training.models import CourseSession
        for n, meeting in enumerate(db.session.scalars(select(CourseSession).order_by(CourseSession.day))):
            meeting.day = china_today() - timedelta(days=5 - n)
        db.session.commit()
    for n, meeting in enumerate(sessions):
        present = [e_keen] + ([e_absent] if n == 0 else [])
        taken = provider.put(f"/api/v1/sessions/{meeting['id']}/attendance", json={"present": present})
        assert taken.status_code == 200 and taken.json == {"session_id": meeting["id"], "present": len(present),
                                                           "enrolled": 2}
    # 1 of 5 attended: 4 are needed at 80%
    refused = provider.post(f"/api/v1/enrollments/{e_absent}/complete", json={"passed": True})
    assert refused.status_code == 409 and "passed" in refused.json["error"]["fields"]
    assert provider.get(f"/api/v1/enrollments/{e_absent}").json["status"] == "enrolled"
    passed = provider.post(f"/api/v1/enrollments/{e_keen}/complete", json={"passed": True, "post_score": 88})
    assert passed.status_code == 200
    assert passed.json["status"] == "completed" and passed.json["post_score"] == 88
    assert passed.json["certificate_no"].startswith(f"PX{china_today().year}-{cid:05d}-")
    assert passed.json["completed_on"] == china_today().isoformat()
    skills = {s["canonical"]: s["certified"] for s in station.get(f"/api/v1/workers/{keen}").json["skills"]}
    assert skills["焊工"] is True
    # failing is always allowed, and certifies nothing
    failed = provider.post(f"/api/v1/enrollments/{e_absent}/complete", json={"passed": False}).json
    assert failed["status"] == "failed" and failed["certificate_no"] is None
    assert all(not s["certified"] for s in station.get(f"/api/v1/workers/{absent}").json["skills"])


def test_retaking_attendance_corrects_it_and_strangers_or_future_sessions_are_refused(
        app, api_as, make_worker, running_course):
    provider, cid = running_course(sessions=2)
    station = api_as("station", [VILLAGE])
    first, second = enrol_all(station, cid, [make_worker(), make_worker()])
    today, tomorrow = provider.get(f"/api/v1/courses/{cid}").json["sessions"]
    assert provider.put(f"/api/v1/sessions/{today['id']}/attendance", json={"present": [first, second]}).json[
        "present"] == 2
    assert provider.put(f"/api/v1/sessions/{today['id']}/attendance", json={"present": [first]}).status_code == 200
    with app.app_context():
        marks = dict(db.session.execute(select(Attendance.enrollment_id, Attendance.present)).all())
    assert marks == {first: True, second: False}
    stranger = provider.put(f"/api/v1/sessions/{today['id']}/attendance", json={"present": [first, 99999]})
    assert stranger.status_code == 422 and "present" in stranger.json["error"]["fields"]
    assert provider.put(f"/api/v1/sessions/{tomorrow['id']}/attendance", json={"present": [first]}).status_code == 409
    other = api_as("provider")
    assert other.put(f"/api/v1/sessions/{today['id']}/attendance", json={"present": []}).status_code == 403
    with app.app_context():
        assert db.session.scalar(select(func.count(Attendance.id))) == 2


def test_sessions_must_fit_the_course(api_as):
    provider = api_as("provider")
    body = course_body()
    cid = provider.post("/api/v1/courses", json=body).json["id"]
    backwards = provider.post(f"/api/v1/courses/{cid}/sessions",
                              json={"day": body["starts_on"], "starts_at": "21:00", "ends_at": "19:00"})
    assert backwards.status_code == 422 and "ends_at" in backwards.json["error"]["fields"]
    outside = provider.post(f"/api/v1/courses/{cid}/sessions",
                            json={"day": "2099-12-31", "starts_at": "19:00", "ends_at": "21:00"})
    assert outside.status_code == 422 and "day" in outside.json["error"]["fields"]
    nonsense = provider.post(f"/api/v1/courses/{cid}/sessions", json={"day": "tomorrow", "starts_at": "25:00"})
    assert nonsense.status_code == 422
    assert {"day", "starts_at", "ends_at"} <= set(nonsense.json["error"]["fields"])
    assert provider.get(f"/api/v1/courses/{cid}").json["sessions"] == []


def test_prerequisites_and_admission_are_enforced(api_as, make_worker):
    provider, station = api_as("provider"), api_as("station", [VILLAGE])
    strict = provider.post("/api/v1/courses", json=course_body(min_age=18, max_age=45, min_education="junior")).json
    old = make_worker(birth="19600101", education="senior")
    unschooled = make_worker(birth="19900101", education="primary")
    fit = make_worker(birth="19900101", education="vocational")
    for worker in (old, unschooled):
        refused = station.post(f"/api/v1/courses/{strict['id']}/enrollments", json={"worker_id": worker})
        assert refused.status_code == 422 and "worker_id" in refused.json["error"]["fields"]
    assert station.post(f"/api/v1/courses/{strict['id']}/enrollments", json={"worker_id": fit}).status_code == 201

    today = china_today()
    started = dict(starts_on=(today - timedelta(days=3)).isoformat(), ends_on=(today + timedelta(days=20)).isoformat())
    closed = dated_course(provider, title="已开班", **started)
    rolling = dated_course(provider, title="插班", rolling_admission=True, **started)
    assert station.post(f"/api/v1/courses/{closed}/enrollments", json={"worker_id": fit}).status_code == 409
    assert station.post(f"/api/v1/courses/{rolling}/enrollments", json={"worker_id": fit}).status_code == 201


def test_courses_meeting_at_the_same_hours_clash(api_as, make_worker, running_course):
    _provider, evening = running_course(sessions=2, title="电工夜校")
    provider2, also_evening = running_course(sessions=2, title="厨师夜校")
    provider3, morning = running_course(sessions=0, title="上午课", mode="onsite")
    provider3.post(f"/api/v1/courses/{morning}/sessions",
                   json={"day": china_today().isoformat(), "starts_at": "08:30", "ends_at": "11:30"})
    station, worker = api_as("station", [VILLAGE]), make_worker()
    assert station.post(f"/api/v1/courses/{evening}/enrollments", json={"worker_id": worker}).status_code == 201
    clash = station.post(f"/api/v1/courses/{also_evening}/enrollments", json={"worker_id": worker})
    assert clash.status_code == 409 and "worker_id" in clash.json["error"]["fields"]
    assert station.post(f"/api/v1/courses/{morning}/enrollments", json={"worker_id": worker}).status_code == 201


def test_more_seats_go_to_the_waitlist_and_fewer_than_taken_are_refused(app, api_as, make_worker):
    provider, station = api_as("provider"), api_as("station", [VILLAGE])
    cid = provider.post("/api/v1/courses", json=course_body(capacity=1)).json["id"]
    enrolled, waiting = enrol_all(station, cid, [make_worker(), make_worker()])
    assert station.get(f"/api/v1/enrollments/{waiting}").json["status"] == "waitlisted"
    grown = provider.patch(f"/api/v1/courses/{cid}", json={"capacity": 2})
    assert grown.status_code == 200 and grown.json["seats_left"] == 0 and grown.json["waitlisted_count"] == 0
    assert station.get(f"/api/v1/enrollments/{waiting}").json["status"] == "enrolled"
    shrunk = provider.patch(f"/api/v1/courses/{cid}", json={"capacity": 1})
    assert shrunk.status_code == 422 and "capacity" in shrunk.json["error"]["fields"]
    assert provider.get(f"/api/v1/courses/{cid}").json["capacity"] == 2
    assert api_as("provider").patch(f"/api/v1/courses/{cid}", json={"capacity": 5}).status_code == 403


def test_assessment_scores_are_recorded_within_range(api_as, make_worker):
    provider, station = api_as("provider"), api_as("station", [VILLAGE])
    cid = provider.post("/api/v1/courses", json=course_body()).json["id"]
    [eid] = enrol_all(station, cid, [make_worker()])
    assert provider.patch(f"/api/v1/enrollments/{eid}", json={"pre_score": 35}).json["pre_score"] == 35
    bad = provider.patch(f"/api/v1/enrollments/{eid}", json={"post_score": 101})
    assert bad.status_code == 422 and "post_score" in bad.json["error"]["fields"]
    assert station.patch(f"/api/v1/enrollments/{eid}", json={"pre_score": 90}).status_code == 403
    roster = provider.get(f"/api/v1/courses/{cid}/enrollments").json
    assert [(e["id"], e["pre_score"], e["post_score"]) for e in roster] == [(eid, 35, None)]


def test_only_completers_rate_a_course(app, api_as, make_worker, make_user):
    provider, station = api_as("provider"), api_as("station", [VILLAGE])
    cid = provider.post("/api/v1/courses", json=course_body()).json["id"]
    done, dropped = make_worker(), make_worker()
    e_done, e_dropped = enrol_all(station, cid, [done, dropped])
    provider.post(f"/api/v1/enrollments/{e_done}/complete", json={"passed": True})
    me, other = api_as("worker", worker_id=done), api_as("worker", worker_id=dropped)
    assert me.post(f"/api/v1/enrollments/{e_done}/rating", json={"rating": 6}).status_code == 422
    rated = me.post(f"/api/v1/enrollments/{e_done}/rating", json={"rating": 4, "comment": "老师教得细"})
    assert rated.status_code == 200 and rated.json["rating"] == 4
    assert other.post(f"/api/v1/enrollments/{e_dropped}/rating", json={"rating": 1}).status_code == 409
    assert other.post(f"/api/v1/enrollments/{e_done}/rating", json={"rating": 1}).status_code == 404
    summary = station.get(f"/api/v1/courses/{cid}/outcomes").json
    assert (summary["rating_count"], summary["rating_average"], summary["completed"]) == (1, 4.0, 1)
    with app.app_context():
        assert db.session.get(Enrollment, e_dropped).rating is None


def test_a_change_must_leave_the_course_consistent(api_as):
    provider = api_as("provider")
    cid = provider.post("/api/v1/courses", json=course_body(min_age=18, max_age=45)).json["id"]
    for change, field in [({"min_age": 50}, "max_age"), ({"hire_commitment": 5}, "hire_commitment"),
                          ({"certificate_level": 4}, "certificate_level"), ({"ends_on": "2000-01-01"}, "ends_on")]:
        refused = provider.patch(f"/api/v1/courses/{cid}", json=change)
        assert refused.status_code == 422 and field in refused.json["error"]["fields"], change
    course = provider.get(f"/api/v1/courses/{cid}").json
    assert (course["min_age"], course["hire_commitment"], course["certificate_level"]) == (18, None, None)
    assert provider.patch(f"/api/v1/courses/{cid}", json={"certificate_kind": "skill_level",
                                                         "certificate_level": 4}).status_code == 200


def test_results_wait_for_the_last_session(api_as, make_worker, running_course):
    provider, cid = running_course(sessions=2, completion_threshold=50)
    [eid] = enrol_all(api_as("station", [VILLAGE]), cid, [make_worker()])
    today = provider.get(f"/api/v1/courses/{cid}").json["sessions"][0]
    provider.put(f"/api/v1/sessions/{today['id']}/attendance", json={"present": [eid]})
    early = provider.post(f"/api/v1/enrollments/{eid}/complete", json={"passed": True})
    assert early.status_code == 409 and "passed" in early.json["error"]["fields"]
    assert provider.get(f"/api/v1/enrollments/{eid}").json["status"] == "enrolled"
