"""Withdrawing from a course asks first, and someone who withdrew may enrol again while the course
still takes people (before it starts): the same enrolment, behind those already waiting.

Assertions look at data, ids and data attributes rather than at interface text."""
import re
from datetime import timedelta

from sqlalchemy import func, select

from core.extensions import db
from core.models import china_today
from tests.conftest import VILLAGE
from tests.jobs.conftest import post_form
from tests.training.conftest import course_body
from training.models import Course, Enrollment, EnrollmentStatus


def make_course(provider, **fields) -> int:
    response = provider.post("/api/v1/courses", json=course_body(**fields))
    assert response.status_code == 201, response.json
    return response.json["id"]


def enrollment_of(app, course_id: int, worker_id: int) -> Enrollment:
    with app.app_context():
        enrollment = db.session.scalar(select(Enrollment).where(Enrollment.course_id == course_id,
                                                                Enrollment.worker_id == worker_id))
        db.session.expunge_all()
        return enrollment


def seats_taken(app, course_id: int) -> tuple[int, int]:
    """(enrolled_count as the course keeps it, enrolments holding a seat)."""
    with app.app_context():
        return (db.session.get(Course, course_id).enrolled_count,
                db.session.scalar(select(func.count(Enrollment.id)).where(
                    Enrollment.course_id == course_id, Enrollment.status == EnrollmentStatus.enrolled)))


def enrol(page, course_id):
    return post_form(page, f"/courses/{course_id}/enrol", {}, form_url=f"/courses/{course_id}")


def trainee(login_as, make_worker, **fields):
    worker_id = make_worker(**fields)
    return worker_id, login_as("worker", worker_id=worker_id)


def test_withdrawing_asks_first_and_says_until_when_one_may_come_back(app, api_as, login_as, make_worker):
    course = make_course(api_as("provider"), capacity=2)
    wid, page = trainee(login_as, make_worker)
    assert enrol(page, course).status_code == 302
    enrollment = enrollment_of(app, course, wid)

    html = page.get(f"/courses/{course}").get_data(as_text=True)
    link = re.search(r'<a role="button" class="secondary outline" id="withdraw-button"\s+href="([^"]+)"', html)
    assert link and link.group(1).startswith(f"/enrollments/{enrollment.id}/withdraw")
    assert 'class="withdraw-form"' not in html  # no one-tap withdrawal any more

    confirm = page.get(link.group(1).replace("&amp;", "&"))
    text = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and 'id="withdraw-confirm"' in text and 'id="confirm-withdraw"' in text
    starts = (china_today() + timedelta(days=10)).isoformat()
    assert f'id="come-back" data-until="{starts}"' in text
    assert f'href="/courses/{course}" id="keep-place"' in text  # "no": back where they came from
    assert enrollment_of(app, course, wid).status is EnrollmentStatus.enrolled  # asking changes nothing

    done = post_form(page, f"/enrollments/{enrollment.id}/withdraw", {"next": f"/courses/{course}"},
                     form_url=f"/enrollments/{enrollment.id}/withdraw")
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/courses/{course}")
    assert enrollment_of(app, course, wid).status is EnrollmentStatus.withdrawn
    assert seats_taken(app, course) == (0, 0)

    # someone else's enrolment is not found, asking included
    _other, stranger = trainee(login_as, make_worker)
    assert stranger.get(f"/enrollments/{enrollment.id}/withdraw").status_code == 404


def test_one_who_withdrew_enrols_again_before_the_start(app, api_as, login_as, make_worker):
    course = make_course(api_as("provider"), capacity=2)
    wid, page = trainee(login_as, make_worker)
    enrol(page, course)
    first = enrollment_of(app, course, wid)
    post_form(page, f"/enrollments/{first.id}/withdraw", {}, form_url="/my/courses")
    assert enrollment_of(app, course, wid).withdrawn_on == china_today()

    html = page.get(f"/courses/{course}").get_data(as_text=True)
    assert 'id="withdrawn-note" data-status="withdrawn"' in html and 'id="enrol-button" data-full="0"' in html
    assert enrol(page, course).status_code == 302
    again = enrollment_of(app, course, wid)
    assert (again.id, again.status, again.withdrawn_on) == (first.id, EnrollmentStatus.enrolled, None)
    assert seats_taken(app, course) == (1, 1)
    html = page.get(f"/courses/{course}").get_data(as_text=True)
    assert 'id="my-status" data-status="enrolled"' in html and 'id="withdrawn-note"' not in html

    assert enrol(page, course).status_code == 302  # a second time: already in, nothing doubled
    assert seats_taken(app, course) == (1, 1)


def test_coming_back_to_a_full_course_means_the_back_of_the_waitlist(app, api_as, login_as, make_worker):
    course = make_course(api_as("provider"), capacity=1)
    people = [trainee(login_as, make_worker) for _ in range(3)]
    for _wid, page in people:
        enrol(page, course)
    leaver = enrollment_of(app, course, people[0][0])
    post_form(people[0][1], f"/enrollments/{leaver.id}/withdraw", {}, form_url="/my/courses")
    assert enrollment_of(app, course, people[1][0]).status is EnrollmentStatus.enrolled  # the seat went on

    assert enrol(people[0][1], course).status_code == 302
    assert enrollment_of(app, course, people[0][0]).status is EnrollmentStatus.waitlisted
    html = people[0][1].get(f"/courses/{course}").get_data(as_text=True)
    assert 'id="waitlist-position" data-position="2"' in html  # behind the one already waiting
    assert seats_taken(app, course) == (1, 1)


def test_after_the_start_there_is_no_coming_back(app, api_as, login_as, make_worker):
    course = make_course(api_as("provider"), capacity=2)
    wid, page = trainee(login_as, make_worker)
    enrol(page, course)
    enrollment = enrollment_of(app, course, wid)
    post_form(page, f"/enrollments/{enrollment.id}/withdraw", {}, form_url="/my/courses")
    with app.app_context():  # the course has started since
        db.session.get(Course, course).starts_on = china_today() - timedelta(days=1)
        db.session.commit()

    html = page.get(f"/courses/{course}").get_data(as_text=True)
    assert 'id="admission-closed"' in html and 'id="enrol-button"' not in html
    assert enrol(page, course).status_code == 302
    assert enrollment_of(app, course, wid).status is EnrollmentStatus.withdrawn
    station = api_as("station", [VILLAGE])
    refused = station.post(f"/api/v1/courses/{course}/enrollments", json={"worker_id": wid})
    assert refused.status_code == 409 and seats_taken(app, course) == (0, 0)


def test_the_station_enrols_again_someone_who_withdrew(app, api_as, make_worker):
    course = make_course(api_as("provider"), capacity=2)
    wid = make_worker()
    station = api_as("station", [VILLAGE])
    first = station.post(f"/api/v1/courses/{course}/enrollments", json={"worker_id": wid})
    assert first.status_code == 201
    assert station.post(f"/api/v1/enrollments/{first.json['id']}/withdraw").status_code == 200
    again = station.post(f"/api/v1/courses/{course}/enrollments", json={"worker_id": wid})
    assert again.status_code == 201 and (again.json["id"], again.json["status"]) == (first.json["id"], "enrolled")
    assert station.post(f"/api/v1/courses/{course}/enrollments", json={"worker_id": wid}).status_code == 409
    assert seats_taken(app, course) == (1, 1)
