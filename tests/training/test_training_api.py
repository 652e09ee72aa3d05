"""Courses and enrolment through the JSON API."""
import threading

from sqlalchemy import select

from core.extensions import db
from tests.conftest import OTHER_VILLAGE, VILLAGE
from tests.training.conftest import course_body
from training.models import Course


def test_enrol_until_full_then_waitlist_and_promote_on_withdrawal(api_as, make_worker):
    provider = api_as("provider")
    course = provider.post("/api/v1/courses", json=course_body())
    assert course.status_code == 201, course.json
    cid = course.json["id"]
    assert course.json["skills_taught"][0]["canonical"] == "焊工"
    station = api_as("station", [VILLAGE])
    a, b, c = make_worker(), make_worker(), make_worker()
    first = station.post(f"/api/v1/courses/{cid}/enrollments", json={"worker_id": a}).json
    station.post(f"/api/v1/courses/{cid}/enrollments", json={"worker_id": b})
    third = station.post(f"/api/v1/courses/{cid}/enrollments", json={"worker_id": c})
    assert first["status"] == "enrolled" and third.status_code == 201 and third.json["status"] == "waitlisted"
    assert station.post(f"/api/v1/courses/{cid}/enrollments", json={"worker_id": a}).status_code == 409
    counts = station.get(f"/api/v1/courses/{cid}").json
    assert (counts["enrolled_count"], counts["waitlisted_count"], counts["seats_left"]) == (2, 1, 0)
    assert station.post(f"/api/v1/enrollments/{first['id']}/withdraw").status_code == 200
    assert station.get(f"/api/v1/enrollments/{third.json['id']}").json["status"] == "enrolled"
    counts = station.get(f"/api/v1/courses/{cid}").json
    assert (counts["enrolled_count"], counts["waitlisted_count"]) == (2, 0)


def test_passing_certifies_the_course_skills_and_failing_adds_nothing(api_as, make_worker):
    provider = api_as("provider")
    cid = provider.post("/api/v1/courses", json=course_body()).json["id"]
    station = api_as("station", [VILLAGE])
    passer, failer = make_worker(skills=["电焊"]), make_worker(skills=["种地"])
    e1 = station.post(f"/api/v1/courses/{cid}/enrollments", json={"worker_id": passer}).json["id"]
    e2 = station.post(f"/api/v1/courses/{cid}/enrollments", json={"worker_id": failer}).json["id"]
    assert provider.post(f"/api/v1/enrollments/{e1}/complete", json={"passed": True}).json["status"] == "completed"
    assert provider.post(f"/api/v1/enrollments/{e2}/complete", json={"passed": False}).json["status"] == "failed"
    skills = station.get(f"/api/v1/workers/{passer}").json["skills"]
    assert [s["certified"] for s in skills if s["canonical"] == "焊工"] == [True]
    assert all(not s["certified"] for s in station.get(f"/api/v1/workers/{failer}").json["skills"])
    other_provider = api_as("provider")
    assert other_provider.post(f"/api/v1/enrollments/{e1}/complete", json={"passed": True}).status_code == 404


def test_bad_courses_get_field_errors_and_nothing_is_written(app, api_as):
    response = api_as("provider").post("/api/v1/courses", json=course_body(
        capacity=-1, mode="weekend", starts_on="2099-02-01", ends_on="2099-01-01"))
    assert response.status_code == 422
    assert {"capacity", "mode", "ends_on"} <= set(response.json["error"]["fields"])
    with app.app_context():
        assert db.session.scalars(select(Course)).all() == []
    assert api_as("employer").post("/api/v1/courses", json=course_body()).status_code == 403


def test_enrolling_someone_from_another_village_is_refused(api_as, make_worker, make_household):
    cid = api_as("provider").post("/api/v1/courses", json=course_body()).json["id"]
    outsider = make_worker(make_household(OTHER_VILLAGE))
    response = api_as("station", [VILLAGE]).post(f"/api/v1/courses/{cid}/enrollments", json={"worker_id": outsider})
    assert response.status_code == 422 and "worker_id" in response.json["error"]["fields"]


def test_overlapping_daytime_courses_are_refused(api_as, make_worker):
    provider = api_as("provider")
    one = provider.post("/api/v1/courses", json=course_body(mode="onsite")).json["id"]
    two = provider.post("/api/v1/courses", json=course_body(mode="field", title="种植培训")).json["id"]
    night = provider.post("/api/v1/courses", json=course_body(mode="night", title="电工夜校")).json["id"]
    station, worker = api_as("station", [VILLAGE]), make_worker()
    assert station.post(f"/api/v1/courses/{one}/enrollments", json={"worker_id": worker}).status_code == 201
    clash = station.post(f"/api/v1/courses/{two}/enrollments", json={"worker_id": worker})
    assert clash.status_code == 409 and "worker_id" in clash.json["error"]["fields"]
    assert station.post(f"/api/v1/courses/{night}/enrollments", json={"worker_id": worker}).status_code == 201


def test_courses_filter_by_skill_and_mode(api_as):
    provider = api_as("provider")
    provider.post("/api/v1/courses", json=course_body())
    provider.post("/api/v1/courses", json=course_body(title="育婴员培训", skills_taught=["育婴员"], mode="onsite"))
    client = api_as("worker")
    assert [c["title"] for c in client.get("/api/v1/courses", query_string={"mode": "夜校"}).json["items"]] == ["焊工培训"]
    assert client.get("/api/v1/courses", query_string={"skill": "育婴员"}).json["total"] == 1


def test_thirty_enrol_at_once_for_ten_seats(app, api_as, make_worker):
    cid = api_as("provider").post("/api/v1/courses", json=course_body(capacity=10)).json["id"]
    admin = api_as("admin")
    workers = [make_worker() for _ in range(30)]
    statuses, start = [], threading.Barrier(len(workers))

    def enrol(worker_id):
        start.wait()
        response = app.test_client().post(f"/api/v1/courses/{cid}/enrollments", json={"worker_id": worker_id},
                                          headers={"Authorization": f"Bearer {admin.token}"})
        statuses.append((response.status_code, response.json.get("status")))

    threads = [threading.Thread(target=enrol, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [s for s, _ in statuses] == [201] * 30
    assert sorted(status for _, status in statuses) == ["enrolled"] * 10 + ["waitlisted"] * 20
    course = admin.get(f"/api/v1/courses/{cid}").json
    assert (course["enrolled_count"], course["waitlisted_count"], course["seats_left"]) == (10, 20, 0)
