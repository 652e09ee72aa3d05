"""The provider's pages: a course through its form, its sessions, attendance for the whole class,
assessment and results. Assertions look at data, ids and data attributes, not at interface text."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.models import Role, User, china_today
from registry.models import Worker
from tests.conftest import COUNTY, OTHER_COUNTY, OTHER_TOWNSHIP, TOWNSHIP, VILLAGE, csrf_token
from tests.jobs.conftest import post_form
from training.models import Attendance, Course, CourseSession, Enrollment, EnrollmentStatus


def course_form(**fields) -> dict:
    """What a provider types into the course form: a night class that starts today."""
    today = china_today()
    data = {"title": "焊工培训班", "provider": "西吉县职业技术学校", "skills_taught": "焊工、电焊",
            "certificate": "焊工职业技能等级证书（五级）", "certificate_kind": "skill_level", "certificate_level": "5",
            "mode": "night", "description": "每晚两小时", "address": "吉强镇文化站", "area_code": TOWNSHIP,
            "capacity": "3", "starts_on": today.isoformat(), "ends_on": (today + timedelta(days=30)).isoformat(),
            "fee": "0", "fee_waived": "y", "subsidy_per_day": "30", "employer_id": "", "hire_commitment": "",
            "min_age": "18", "max_age": "55", "min_education": "", "completion_threshold": "50", **fields}
    return {k: v for k, v in data.items() if v is not None}


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(model.id)).where(*where))


def field_errors(html: str) -> set[str]:
    return set(re.findall(r'id="([a-z_]+)-error"', html))


@pytest.fixture
def provider_page(login_as, areas):
    return login_as("provider")


@pytest.fixture
def new_course(app, provider_page):
    """`new_course(**fields)` -> the id of a course made through the form by `provider_page`."""
    def make(**fields) -> int:
        response = post_form(provider_page, "/provider/courses/new", course_form(**fields))
        assert response.status_code == 302, response.get_data(as_text=True)
        return int(re.search(r"/provider/courses/(\d+)$", response.headers["Location"])[1])
    return make


def add_session(page, course_id, day, starts="19:00", ends="21:00", **fields):
    return post_form(page, f"/provider/courses/{course_id}/sessions",
                     {"day": day.isoformat(), "starts_at": starts, "ends_at": ends, "place": "村委会",
                      "topic": "安全操作", **fields}, form_url=f"/provider/courses/{course_id}")


def session_ids(app, course_id) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(CourseSession.id).where(CourseSession.course_id == course_id)
                                       .order_by(CourseSession.day)))


@pytest.fixture
def class_of_three(app, provider_page, new_course, make_worker, api_as):
    """A course with a session today and one next week, and three workers enrolled by the station.
    Returns the course id, the two session ids and the three enrolment ids."""
    cid = new_course()
    today = china_today()
    assert add_session(provider_page, cid, today).status_code == 302
    assert add_session(provider_page, cid, today + timedelta(days=7)).status_code == 302
    station = api_as("station", [VILLAGE])
    enrolments = []
    for name in ("马成", "李梅", "王强"):
        response = station.post(f"/api/v1/courses/{cid}/enrollments", json={"worker_id": make_worker(name=name)})
        assert response.status_code == 201, response.json
        assert response.json["status"] == "enrolled"
        enrolments.append(response.json["id"])
    today_session, next_week = session_ids(app, cid)
    return cid, (today_session, next_week), enrolments


def marks(app, session_id) -> dict[int, bool]:
    with app.app_context():
        return dict(db.session.execute(select(Attendance.enrollment_id, Attendance.present)
                                       .where(Attendance.session_id == session_id)).all())


def enrolment(app, enrollment_id) -> Enrollment:
    with app.app_context():
        e = db.session.get(Enrollment, enrollment_id)
        db.session.expunge(e)
        return e


# --- the course form ---------------------------------------------------------------------------

def test_a_provider_creates_a_course_through_the_form(app, provider_page):
    blank = provider_page.get("/provider/courses/new")
    assert blank.status_code == 200
    with app.app_context():
        username = db.session.scalar(select(User.username).where(User.role == Role.provider))
    assert re.search(rf'id="provider"[^>]*value="{username}"', blank.get_data(as_text=True))

    response = post_form(provider_page, "/provider/courses/new", course_form())
    assert response.status_code == 302
    with app.app_context():
        course = db.session.scalar(select(Course))
        assert response.headers["Location"].endswith(f"/provider/courses/{course.id}")
        assert course.title == "焊工培训班" and course.capacity == 3 and course.mode.name == "night"
        assert [s.name for s in course.skills_taught] == ["焊工", "电焊"]
        assert course.certificate_kind.name == "skill_level" and course.certificate_level == 5
        assert course.fee_waived is True and course.rolling_admission is False
        assert course.subsidy_per_day == 30 and course.completion_threshold == 50
        assert (course.min_age, course.max_age, course.area_code) == (18, 55, TOWNSHIP)
        owner = db.session.scalar(select(User.id).where(User.username == username))
        assert course.provider_user_id == owner
        cid = course.id
    home = provider_page.get("/provider").get_data(as_text=True)
    assert f'data-course-id="{cid}"' in home and "焊工培训班" in home
    assert 'data-enrolled="0" data-capacity="3"' in home and 'data-sessions="0"' in home
    assert f'href="/provider/courses/{cid}/edit"' in home and 'id="new-course"' in home


def test_a_bad_course_is_refused_on_its_fields_and_nothing_is_written(app, provider_page):
    today = china_today()
    response = post_form(provider_page, "/provider/courses/new",
                         course_form(capacity="-1", mode="teleport", starts_on=today.isoformat(),
                                     ends_on=(today - timedelta(days=1)).isoformat()))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert {"capacity", "mode", "ends_on"} <= field_errors(html)
    assert 'value="焊工培训班"' in html  # what was typed is kept
    inconsistent = post_form(provider_page, "/provider/courses/new",
                             course_form(min_age="50", max_age="30", certificate_kind="training", hire_commitment="5"))
    assert inconsistent.status_code == 422
    assert {"max_age", "certificate_level", "hire_commitment"} <= field_errors(inconsistent.get_data(as_text=True))
    forged = post_form(provider_page, "/provider/courses/new", course_form(area_code="999999999999"))
    assert forged.status_code == 422 and "area_code" in field_errors(forged.get_data(as_text=True))
    assert count(app, Course) == 0


def test_a_provider_edits_its_course_and_cannot_go_below_the_seats_taken(app, provider_page, new_course, make_worker,
                                                                        api_as):
    cid = new_course()
    form = provider_page.get(f"/provider/courses/{cid}/edit")
    html = form.get_data(as_text=True)
    assert form.status_code == 200 and 'value="焊工培训班"' in html and 'value="焊工、电焊"' in html
    response = post_form(provider_page, f"/provider/courses/{cid}/edit",
                         course_form(title="电焊夜校", skills_taught="焊工", capacity="2", rolling_admission="y",
                                     fee_waived=None, certificate_kind="", certificate_level="", max_age=""))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/provider/courses/{cid}")
    with app.app_context():
        course = db.session.get(Course, cid)
        assert course.title == "电焊夜校" and course.capacity == 2 and course.rolling_admission is True
        assert [s.name for s in course.skills_taught] == ["焊工"] and course.fee_waived is False
        assert course.certificate_kind is None and course.certificate_level is None and course.max_age is None

    station = api_as("station", [VILLAGE])
    for _n in range(2):
        assert station.post(f"/api/v1/courses/{cid}/enrollments", json={"worker_id": make_worker()}).status_code == 201
    refused = post_form(provider_page, f"/provider/courses/{cid}/edit", course_form(title="电焊夜校", capacity="1"))
    assert refused.status_code == 422 and "capacity" in field_errors(refused.get_data(as_text=True))
    with app.app_context():
        assert db.session.get(Course, cid).capacity == 2


def test_other_providers_and_other_roles_are_kept_out(app, login_as, provider_page, new_course):
    cid = new_course()
    add_session(provider_page, cid, china_today())
    (meeting,) = session_ids(app, cid)
    other = login_as("provider")
    for url in (f"/provider/courses/{cid}", f"/provider/courses/{cid}/edit", f"/provider/courses/{cid}/results",
                f"/provider/sessions/{meeting}/attendance"):
        assert other.get(url).status_code == 403, url
    token = csrf_token(other.get("/provider/courses/new").get_data(as_text=True))
    assert other.post(f"/provider/courses/{cid}/sessions", data={"csrf_token": token, "day": "2030-01-01",
                                                                 "starts_at": "08:00", "ends_at": "09:00"}).status_code == 403
    assert other.post(f"/provider/sessions/{meeting}/attendance", data={"csrf_token": token}).status_code == 403
    assert other.post(f"/provider/sessions/{meeting}/delete", data={"csrf_token": token}).status_code == 403
    assert f'data-course-id="{cid}"' not in other.get("/provider").get_data(as_text=True)
    assert count(app, CourseSession) == 1
    assert login_as("station", [VILLAGE]).get("/provider").status_code == 403
    assert login_as("employer").get(f"/provider/courses/{cid}").status_code == 403
    admin = login_as("admin")
    assert f'data-course-id="{cid}"' in admin.get("/provider").get_data(as_text=True)
    assert admin.get(f"/provider/courses/{cid}").status_code == 200
    assert app.test_client().get("/provider").status_code == 302  # to the login page


def test_a_county_officer_publishes_and_manages_courses_in_their_county(app, login_as, areas):
    county = login_as("county", [COUNTY])
    form = county.get("/provider/courses/new").get_data(as_text=True)
    assert f'value="{TOWNSHIP}"' in form and f'value="{OTHER_TOWNSHIP}"' not in form
    outside = post_form(county, "/provider/courses/new", course_form(area_code=OTHER_TOWNSHIP))
    assert outside.status_code == 422 and "area_code" in field_errors(outside.get_data(as_text=True))
    response = post_form(county, "/provider/courses/new", course_form())
    assert response.status_code == 302
    with app.app_context():
        course = db.session.scalar(select(Course))
        assert course.provider_user_id is None and course.area_code == TOWNSHIP
    assert f'data-course-id="{course.id}"' in county.get("/provider").get_data(as_text=True)
    assert county.get(f"/provider/courses/{course.id}/edit").status_code == 200
    assert login_as("county", [OTHER_COUNTY]).get(f"/provider/courses/{course.id}").status_code == 403


# --- sessions ----------------------------------------------------------------------------------

def test_sessions_are_added_within_the_course_and_deleted_until_attendance_is_taken(app, provider_page, new_course):
    cid = new_course()
    today = china_today()
    assert add_session(provider_page, cid, today).status_code == 302
    assert add_session(provider_page, cid, today + timedelta(days=1), starts="08:30", ends="11:30").status_code == 302
    backwards = add_session(provider_page, cid, today + timedelta(days=2), starts="21:00", ends="19:00")
    assert backwards.status_code == 422 and "ends_at" in field_errors(backwards.get_data(as_text=True))
    outside = add_session(provider_page, cid, today + timedelta(days=60))
    assert outside.status_code == 422 and "day" in field_errors(outside.get_data(as_text=True))
    missing = add_session(provider_page, cid, today, starts="")
    assert missing.status_code == 422 and "starts_at" in field_errors(missing.get_data(as_text=True))
    today_session, tomorrow = session_ids(app, cid)

    html = provider_page.get(f"/provider/courses/{cid}").get_data(as_text=True)
    assert f'id="session-{today_session}" data-day="{today.isoformat()}"' in html and "08:30–11:30" in html
    assert f'href="/provider/sessions/{today_session}/attendance"' in html
    home = provider_page.get("/provider").get_data(as_text=True)
    assert 'data-sessions="2"' in home and f'href="/provider/sessions/{today_session}/attendance"' in home

    deleted = post_form(provider_page, f"/provider/sessions/{tomorrow}/delete", {}, form_url=f"/provider/courses/{cid}")
    assert deleted.status_code == 302 and session_ids(app, cid) == [today_session]


def test_sessions_wait_for_the_course_dates_and_the_dates_keep_the_sessions(app, provider_page, new_course):
    cid = new_course(starts_on="", ends_on="")
    html = provider_page.get(f"/provider/courses/{cid}").get_data(as_text=True)
    assert 'id="dates-needed"' in html and 'id="session-form"' not in html
    today = china_today()
    refused = add_session(provider_page, cid, today)
    assert refused.status_code == 422 and field_errors(refused.get_data(as_text=True)) == {"day"}
    assert session_ids(app, cid) == []

    dated = post_form(provider_page, f"/provider/courses/{cid}/edit", course_form())
    assert dated.status_code == 302
    html = provider_page.get(f"/provider/courses/{cid}").get_data(as_text=True)
    assert 'id="dates-needed"' not in html and f'min="{today.isoformat()}"' in html  # the picker offers the course's days
    assert add_session(provider_page, cid, today).status_code == 302
    later = post_form(provider_page, f"/provider/courses/{cid}/edit",
                      course_form(starts_on=(today + timedelta(days=1)).isoformat()))
    assert later.status_code == 422 and field_errors(later.get_data(as_text=True)) == {"starts_on"}
    with app.app_context():
        assert db.session.get(Course, cid).starts_on == today


def test_the_subsidy_per_day_is_read_only_once_attendance_is_recorded(app, provider_page, class_of_three):
    cid, (today_session, _next_week), (first, _second, _third) = class_of_three
    rate_input = re.compile(r'<input[^>]*id="subsidy_per_day"[^>]*>')
    assert "readonly" not in rate_input.search(provider_page.get(f"/provider/courses/{cid}/edit").get_data(as_text=True))[0]
    taken = post_form(provider_page, f"/provider/sessions/{today_session}/attendance", {"present": str(first)})
    assert taken.status_code == 302

    form = provider_page.get(f"/provider/courses/{cid}/edit").get_data(as_text=True)
    assert "readonly" in rate_input.search(form)[0] and 'value="30"' in rate_input.search(form)[0]
    raised = post_form(provider_page, f"/provider/courses/{cid}/edit", course_form(subsidy_per_day="10000"))
    assert raised.status_code == 422 and field_errors(raised.get_data(as_text=True)) == {"subsidy_per_day"}
    assert 'value="30"' in rate_input.search(raised.get_data(as_text=True))[0]  # the rate that stands, to save again
    renamed = post_form(provider_page, f"/provider/courses/{cid}/edit", course_form(title="焊工培训班（二期）"))
    assert renamed.status_code == 302
    with app.app_context():
        course = db.session.get(Course, cid)
        assert (course.subsidy_per_day, course.title) == (30, "焊工培训班（二期）")


# --- the class, attendance ---------------------------------------------------------------------

def test_the_class_list_shows_names_and_masked_phones_only(app, provider_page, class_of_three):
    cid, _sessions, enrolments = class_of_three
    html = provider_page.get(f"/provider/courses/{cid}").get_data(as_text=True)
    with app.app_context():
        workers = db.session.scalars(select(Worker).order_by(Worker.id)).all()
        for w in workers:
            assert w.name in html and w.phone_masked in html
            assert w.id_number_masked not in html and w.id_number_masked[:6] + w.birth_date.strftime("%Y%m%d") not in html
    assert not re.search(r"1389500\d{4}", html)  # the full phones are never on the page
    for e in enrolments:
        assert f'id="enrollment-{e}" data-status="enrolled" data-attended="0"' in html
    assert 'data-enrolled="3" data-capacity="3"' in html


def test_a_waitlisted_person_is_listed_in_order(app, provider_page, class_of_three, make_worker, api_as):
    cid, _sessions, _enrolments = class_of_three
    response = api_as("station", [VILLAGE]).post(f"/api/v1/courses/{cid}/enrollments",
                                                 json={"worker_id": make_worker(name="赵兰")})
    assert response.json["status"] == "waitlisted"
    html = provider_page.get(f"/provider/courses/{cid}").get_data(as_text=True)
    assert f'id="enrollment-{response.json["id"]}" data-status="waitlisted"' in html
    assert html.index('id="waitlist"') < html.index("赵兰")


def test_attendance_for_the_whole_class_at_once(app, provider_page, class_of_three):
    cid, (today_session, next_week), (first, second, third) = class_of_three
    url = f"/provider/sessions/{today_session}/attendance"
    page = provider_page.get(url).get_data(as_text=True)
    assert all(f'name="present" value="{e}"' in page for e in (first, second, third))

    token = csrf_token(page)
    saved = provider_page.post(url, data={"csrf_token": token, "present": [str(first), str(second)]})
    assert saved.status_code == 302 and saved.headers["Location"].endswith(f"/provider/courses/{cid}#sessions")
    assert marks(app, today_session) == {first: True, second: True, third: False}
    again = provider_page.get(url).get_data(as_text=True)
    assert re.search(rf'value="{first}" id="present-{first}" checked', again)
    assert not re.search(rf'value="{third}" id="present-{third}" checked', again)

    corrected = provider_page.post(url, data={"csrf_token": token, "present": [str(first), str(third)]})
    assert corrected.status_code == 302
    assert marks(app, today_session) == {first: True, second: False, third: True}
    assert count(app, Attendance) == 3
    course_page = provider_page.get(f"/provider/courses/{cid}").get_data(as_text=True)
    assert f'id="session-{today_session}" data-day="{china_today().isoformat()}" data-present="2"' in course_page
    assert f'id="enrollment-{second}" data-status="enrolled" data-attended="0"' in course_page
    assert f'id="enrollment-{third}" data-status="enrolled" data-attended="1"' in course_page

    assert f'action="/provider/sessions/{today_session}/delete"' not in course_page
    kept = provider_page.post(f"/provider/sessions/{today_session}/delete", data={"csrf_token": token})
    assert kept.status_code == 302 and session_ids(app, cid) == [today_session, next_week]

    everyone = provider_page.post(url, data={"csrf_token": token, "all": "1"})
    assert everyone.status_code == 302 and set(marks(app, today_session).values()) == {True}

    future = provider_page.post(f"/provider/sessions/{next_week}/attendance",
                                data={"csrf_token": token, "present": [str(first)]})
    assert future.status_code == 409 and 'id="future-session"' in future.get_data(as_text=True)
    assert marks(app, next_week) == {}
    stranger = provider_page.post(url, data={"csrf_token": token, "present": ["999999"]})
    assert stranger.status_code == 422 and set(marks(app, today_session).values()) == {True}
    assert provider_page.post(url, data={"present": [str(first)]}).status_code == 400  # no CSRF token


# --- results -----------------------------------------------------------------------------------

def test_results_complete_those_who_attended_enough_and_refuse_the_others(app, provider_page, class_of_three, api_as):
    cid, (today_session, next_week), (first, second, third) = class_of_three
    early = post_form(provider_page, f"/provider/courses/{cid}/results", {
        f"pre_score-{first}": "", f"post_score-{first}": "", f"outcome-{first}": "fail"})
    assert early.status_code == 422 and enrolment(app, first).status is EnrollmentStatus.enrolled  # a session to come
    # next week's session is called off, so today's was the last
    post_form(provider_page, f"/provider/sessions/{next_week}/delete", {}, form_url=f"/provider/courses/{cid}")
    provider_page.post(f"/provider/sessions/{today_session}/attendance",
                       data={"csrf_token": csrf_token(provider_page.get(f"/provider/courses/{cid}").get_data(as_text=True)),
                             "present": [str(first), str(second)]})
    url = f"/provider/courses/{cid}/results"
    page = provider_page.get(url).get_data(as_text=True)
    assert f'id="result-{first}" data-status="enrolled" data-attended="1"' in page
    assert f'id="result-{third}" data-status="enrolled" data-attended="0"' in page

    response = post_form(provider_page, url, {
        f"pre_score-{first}": "40", f"post_score-{first}": "85", f"outcome-{first}": "pass",
        f"pre_score-{second}": "30", f"post_score-{second}": "150", f"outcome-{second}": "fail",
        f"pre_score-{third}": "20", f"post_score-{third}": "70", f"outcome-{third}": "pass"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="outcome-{third}-error"' in html and f'id="post_score-{second}-error"' in html
    assert f'id="outcome-{first}-error"' not in html and f'id="pre_score-{first}-error"' not in html
    passed, out_of_range, refused = enrolment(app, first), enrolment(app, second), enrolment(app, third)
    assert passed.status is EnrollmentStatus.completed and (passed.pre_score, passed.post_score) == (40, 85)
    assert passed.certificate_no and passed.certificate_no in html
    assert out_of_range.status is EnrollmentStatus.enrolled and out_of_range.pre_score is None  # nothing written
    assert refused.status is EnrollmentStatus.enrolled and refused.pre_score is None and refused.certificate_no is None
    assert re.search(rf'name="post_score-{second}"\s+value="150"', html)  # kept as typed

    failed = post_form(provider_page, url, {f"pre_score-{second}": "30", f"post_score-{second}": "45",
                                            f"outcome-{second}": "fail", f"pre_score-{third}": "", f"post_score-{third}": ""})
    assert failed.status_code == 302
    failed_one = enrolment(app, second)
    assert failed_one.status is EnrollmentStatus.failed and failed_one.post_score == 45
    assert failed_one.certificate_no is None
    assert enrolment(app, third).status is EnrollmentStatus.enrolled

    final = provider_page.get(url).get_data(as_text=True)
    assert f'id="certificate-{first}">{passed.certificate_no}<' in final
    assert f'id="result-{second}" data-status="failed"' in final
    roster = provider_page.get(f"/provider/courses/{cid}").get_data(as_text=True)
    assert passed.certificate_no in roster

    station = api_as("station", [VILLAGE])
    skills = station.get(f"/api/v1/workers/{passed.worker_id}").json["skills"]
    assert any(s["certified"] and "焊工" in (s["name"], s["canonical"]) for s in skills)
    assert any(s["certified"] and s["name"] == "电焊" for s in skills)
    assert station.get(f"/api/v1/workers/{failed_one.worker_id}").json["skills"] == []
    assert station.get(f"/api/v1/workers/{refused.worker_id}").json["skills"] == []
