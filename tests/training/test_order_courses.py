"""Order-based training (订单式培训, issue 18): a course an employer orders for one of its postings
names the posting; passing it puts the person forward for that posting at once (status referred,
source order) while it has openings; failing does not; a full or closed posting takes nobody and
the pass stands. The order shows on the course's pages and on the posting's, where the employer
sees its graduates coming. Assertions look at status codes, fields, ids and data attributes."""
import re

import pytest
from sqlalchemy import func, select

from core.auth import authenticate, issue_token
from core.extensions import db
from core.models import china_today
from jobs.models import Referral, ReferralSource, ReferralStatus
from tests.conftest import VILLAGE, ApiClient, csrf_token
from tests.jobs import conftest as jobs_fixtures
from tests.training.conftest import course_body
from tests.training.test_subsidy_rules import enrol, mark
from training.models import Course

make_employer, make_job, refer = jobs_fixtures.make_employer, jobs_fixtures.make_job, jobs_fixtures.refer  # fixtures

def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(model.id)).where(*where))


def referrals_of(app, worker_id: int) -> list[tuple[int, ReferralStatus, ReferralSource]]:
    with app.app_context():
        return [(r.job_id, r.status, r.source) for r in
                db.session.scalars(select(Referral).where(Referral.worker_id == worker_id))]


@pytest.fixture
def school(app, client, make_user):
    """A provider as one user: its API client and its signed-in page client."""
    username, password = make_user("provider", display_name="县职业技术学校")
    with app.app_context():
        api = ApiClient(client, issue_token(authenticate(username, password)))
        db.session.commit()
    page = app.test_client()
    page.post("/login", data={"username": username, "password": password,
                              "csrf_token": csrf_token(page.get("/login").get_data(as_text=True))})
    return api, page


@pytest.fixture
def ordered(school, make_employer, make_job):
    """A posting of three openings and a course ordered for it that began today with one session
    today (so results can be recorded now)."""
    api, page = school
    employer = make_employer()
    job = make_job(employer, title="马铃薯分拣工", openings=3)

    def make(job_id: int = job, **fields):
        today = china_today().isoformat()
        body = course_body(title="马铃薯分拣订单班", starts_on=today, capacity=5, job_id=job_id, **fields)
        created = api.post("/api/v1/courses", json=body)
        assert created.status_code == 201, created.json
        cid = created.json["id"]
        meeting = api.post(f"/api/v1/courses/{cid}/sessions",
                           json={"day": today, "starts_at": "08:00", "ends_at": "09:00", "place": "村委会"})
        assert meeting.status_code == 201, meeting.json
        return cid, meeting.json["id"]
    return {"api": api, "page": page, "employer": employer, "job": job, "make": make}


def in_class(api, api_as, course_id: int, session_id: int, make_worker) -> tuple[int, int]:
    """A worker enrolled by the village's station and present at the session: (worker, enrolment)."""
    worker = make_worker(name="马小兰")
    enrollment = enrol(api_as("station", [VILLAGE]), course_id, worker)
    mark(api, session_id, [enrollment])
    return worker, enrollment


# --- the order through the API -------------------------------------------------------------------

def test_an_order_course_names_the_posting_and_takes_its_employer(ordered):
    api = ordered["api"]
    course, _session = ordered["make"]()
    shown = api.get(f"/api/v1/courses/{course}").json
    assert shown["job_id"] == ordered["job"] and shown["employer_id"] == ordered["employer"]
    assert shown["hire_commitment"] == 3  # not said: the posting's openings left
    assert shown["order"] == {"employer_id": ordered["employer"], "employer": shown["order"]["employer"],
                              "job_id": ordered["job"], "job_title": "马铃薯分拣工", "hire_commitment": 3,
                              "openings_left": 3, "job_open": True}
    assert api.get("/api/v1/courses/{}".format(ordered["make"](hire_commitment=2)[0])).json["hire_commitment"] == 2


def test_a_posting_of_another_employer_is_refused_naming_the_posting(app, ordered, make_employer):
    before = count(app, Course)
    other = make_employer()
    refused = ordered["api"].post("/api/v1/courses", json=course_body(employer_id=other, job_id=ordered["job"]))
    assert refused.status_code == 422 and "job_id" in refused.json["error"]["fields"]
    unknown = ordered["api"].post("/api/v1/courses", json=course_body(job_id=999_999))
    assert unknown.status_code == 422 and "job_id" in unknown.json["error"]["fields"]
    too_many = ordered["api"].post("/api/v1/courses", json=course_body(job_id=ordered["job"], hire_commitment=4))
    assert too_many.status_code == 422 and "hire_commitment" in too_many.json["error"]["fields"]
    assert count(app, Course) == before  # nothing written


def test_a_closed_posting_is_refused(app, api_as, ordered):
    assert api_as("admin").post(f"/api/v1/jobs/{ordered['job']}/close").status_code == 200
    refused = ordered["api"].post("/api/v1/courses", json=course_body(job_id=ordered["job"]))
    assert refused.status_code == 409 and "job_id" in refused.json["error"]["fields"]
    assert count(app, Course) == 0


def test_a_course_is_ordered_for_a_posting_by_a_change_too(api_as, ordered, make_job):
    api = ordered["api"]
    plain = api.post("/api/v1/courses", json=course_body()).json["id"]
    changed = api.patch(f"/api/v1/courses/{plain}", json={"job_id": ordered["job"]})
    assert changed.status_code == 200, changed.json
    assert changed.json["employer_id"] == ordered["employer"] and changed.json["order"]["job_id"] == ordered["job"]
    closed = make_job(ordered["employer"])
    assert api_as("admin").post(f"/api/v1/jobs/{closed}/close").status_code == 200
    refused = api.patch(f"/api/v1/courses/{plain}", json={"job_id": closed})
    assert refused.status_code == 409 and "job_id" in refused.json["error"]["fields"]
    ended = api.patch(f"/api/v1/courses/{plain}", json={"job_id": None})
    assert ended.status_code == 200 and ended.json["job_id"] is None


# --- passing refers at once ----------------------------------------------------------------------

def test_passing_an_order_course_refers_the_person_to_the_posting_at_once(app, api_as, ordered, make_worker):
    api = ordered["api"]
    course, meeting = ordered["make"]()
    worker, enrollment = in_class(api, api_as, course, meeting, make_worker)
    done = api.post(f"/api/v1/enrollments/{enrollment}/complete", json={"passed": True})
    assert done.status_code == 200, done.json
    assert done.json["status"] == "completed"
    assert done.json["order_referral"]["outcome"] == "referred" and done.json["order_referral"]["status"] == "referred"
    assert referrals_of(app, worker) == [(ordered["job"], ReferralStatus.referred, ReferralSource.order)]
    # the employer sees the graduate coming, marked as from order-based training
    employer = api_as("employer", employer_id=ordered["employer"])
    inbox = employer.get("/api/v1/referrals", query_string={"job_id": ordered["job"]}).json["items"]
    assert [(r["worker_id"], r["status"], r["source"]) for r in inbox] == [(worker, "referred", "order")]


def test_failing_an_order_course_refers_nobody(app, api_as, ordered, make_worker):
    api = ordered["api"]
    course, meeting = ordered["make"]()
    worker, enrollment = in_class(api, api_as, course, meeting, make_worker)
    done = api.post(f"/api/v1/enrollments/{enrollment}/complete", json={"passed": False})
    assert done.status_code == 200 and done.json["status"] == "failed"
    assert done.json["order_referral"] is None
    assert referrals_of(app, worker) == []


def test_a_full_posting_takes_no_graduate_and_the_pass_stands(app, api_as, ordered, make_worker, make_job, refer):
    api = ordered["api"]
    job = make_job(ordered["employer"], openings=1)
    course, meeting = ordered["make"](job_id=job)
    hired = refer(make_worker(name="李强"), job)
    assert api_as("admin").patch(f"/api/v1/referrals/{hired}", json={"status": "hired"}).status_code == 200
    worker, enrollment = in_class(api, api_as, course, meeting, make_worker)
    done = api.post(f"/api/v1/enrollments/{enrollment}/complete", json={"passed": True})
    assert done.status_code == 200 and done.json["status"] == "completed" and done.json["certificate_no"]
    assert done.json["order_referral"]["outcome"] == "no_openings" and done.json["order_referral"]["referral_id"] is None
    assert referrals_of(app, worker) == []


def test_a_closed_posting_takes_no_graduate(app, api_as, ordered, make_worker):
    api = ordered["api"]
    course, meeting = ordered["make"]()
    worker, enrollment = in_class(api, api_as, course, meeting, make_worker)
    assert api_as("admin").post(f"/api/v1/jobs/{ordered['job']}/close").status_code == 200
    done = api.post(f"/api/v1/enrollments/{enrollment}/complete", json={"passed": True})
    assert done.status_code == 200 and done.json["order_referral"]["outcome"] == "posting_closed"
    assert referrals_of(app, worker) == []


def test_someone_already_put_forward_is_not_referred_twice(app, api_as, ordered, make_worker, refer):
    api = ordered["api"]
    course, meeting = ordered["make"]()
    worker, enrollment = in_class(api, api_as, course, meeting, make_worker)
    refer(worker, ordered["job"])
    done = api.post(f"/api/v1/enrollments/{enrollment}/complete", json={"passed": True})
    assert done.status_code == 200 and done.json["order_referral"]["outcome"] == "already_referred"
    assert referrals_of(app, worker) == [(ordered["job"], ReferralStatus.referred, ReferralSource.station)]


def test_a_pass_on_the_results_page_refers_too(app, api_as, ordered, make_worker):
    api, page = ordered["api"], ordered["page"]
    course, meeting = ordered["make"]()
    worker, enrollment = in_class(api, api_as, course, meeting, make_worker)
    url = f"/provider/courses/{course}/results"
    token = csrf_token(page.get(url).get_data(as_text=True))
    saved = page.post(url, data={"csrf_token": token, f"pre_score-{enrollment}": "", f"post_score-{enrollment}": "90",
                                 f"outcome-{enrollment}": "pass"})
    assert saved.status_code == 302
    assert referrals_of(app, worker) == [(ordered["job"], ReferralStatus.referred, ReferralSource.order)]


# --- the pages -----------------------------------------------------------------------------------

def opening_tag(html: str, element_id: str) -> str:
    found = re.search(rf'<[^>]*id="{element_id}"[^>]*>', html)
    assert found, f"no element #{element_id}"
    return found[0]


def test_the_course_pages_show_the_order_and_link_the_posting(client, ordered):
    course, _meeting = ordered["make"]()
    for html in (client.get(f"/courses/{course}").get_data(as_text=True),
                 ordered["page"].get(f"/provider/courses/{course}").get_data(as_text=True)):
        order = opening_tag(html, "course-order")
        assert f'data-employer-id="{ordered["employer"]}"' in order and f'data-job-id="{ordered["job"]}"' in order
        assert 'data-seats="5"' in order and 'data-hire="3"' in order
        assert f'href="/jobs/{ordered["job"]}"' in opening_tag(html, "course-posting-link")


def test_the_posting_page_shows_its_order_courses_and_the_employer_its_graduates(app, client, api_as, login_as,
                                                                                   ordered, make_worker):
    course, meeting = ordered["make"]()
    _worker, enrollment = in_class(ordered["api"], api_as, course, meeting, make_worker)
    assert ordered["api"].post(f"/api/v1/enrollments/{enrollment}/complete", json={"passed": True}).status_code == 200
    public = client.get(f"/jobs/{ordered['job']}").get_data(as_text=True)
    line = re.search(rf'<li class="order-course" data-course-id="{course}"[^>]*>', public)
    assert line and 'data-seats="5"' in line[0] and 'data-passed' not in line[0]  # the class is the employer's to see
    assert f'href="/courses/{course}"' in public
    own = login_as("employer", employer_id=ordered["employer"]).get(f"/jobs/{ordered['job']}").get_data(as_text=True)
    line = re.search(rf'<li class="order-course" data-course-id="{course}"[^>]*>', own)[0]
    assert 'data-in-class="0"' in line and 'data-passed="1"' in line


def test_the_posting_page_shows_training_on_the_job(client, make_job):
    job = make_job(trains_on_job=True, training_months=3, mentor_name="马师傅")
    html = client.get(f"/jobs/{job}").get_data(as_text=True)
    assert 'data-months="3"' in opening_tag(html, "job-on-the-job")
    assert "马师傅" in re.search(r'id="job-on-the-job"[^>]*>(.*?)</dd>', html, re.S)[1]
    assert 'id="job-on-the-job"' not in client.get(f"/jobs/{make_job()}").get_data(as_text=True)


def test_the_course_form_orders_a_course_for_a_posting(app, ordered):
    page = ordered["page"]
    html = page.get("/provider/courses/new").get_data(as_text=True)
    assert f'<option value="{ordered["job"]}">' in html
    today = china_today().isoformat()
    from tests.training.test_provider_pages import course_form
    saved = page.post("/provider/courses/new", data={**course_form(starts_on=today, job_id=str(ordered["job"])),
                                                     "csrf_token": csrf_token(html)})
    assert saved.status_code == 302, saved.get_data(as_text=True)
    with app.app_context():
        course = db.session.scalar(select(Course).where(Course.title == "焊工培训班"))
        assert (course.job_id, course.employer_id, course.hire_commitment) == (ordered["job"], ordered["employer"], 3)
