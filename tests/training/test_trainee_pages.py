"""The trainee pages, as a villager uses them on a phone: the course finder, a course, enrolment
and the waitlist, my courses with certificates and ratings, and what I want to learn.

The assertions look at data, ids and data attributes rather than at interface text, so they hold
whatever the Chinese catalogue says."""
import re
from datetime import timedelta

from sqlalchemy import func, select

from core.extensions import db
from core.models import china_today
from tests.conftest import VILLAGE
from tests.jobs.conftest import post_form
from tests.training.conftest import course_body, dated_course
from training.models import Enrollment, EnrollmentStatus, TrainingWish

HOME = (35.964, 105.748)  # 吉强镇


def make_course(provider, **fields) -> int:
    response = provider.post("/api/v1/courses", json=course_body(**fields))
    assert response.status_code == 201, response.json
    return response.json["id"]


def card_ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'class="course-card" data-course-id="(\d+)"', html)]


def enrol_page(page, course_id):
    return post_form(page, f"/courses/{course_id}/enrol", {}, form_url=f"/courses/{course_id}")


def enrollment_of(app, course_id: int, worker_id: int) -> Enrollment:
    with app.app_context():
        enrollment = db.session.scalar(select(Enrollment).where(Enrollment.course_id == course_id,
                                                                Enrollment.worker_id == worker_id))
        db.session.expunge_all()
        return enrollment


def trainee(login_as, make_worker, **fields):
    worker_id = make_worker(**fields)
    return worker_id, login_as("worker", worker_id=worker_id)


# --- the course finder -------------------------------------------------------------------------

def test_the_finder_is_public_and_filters_by_mode_skill_and_seats(app, client, api_as, make_worker):
    provider = api_as("provider")
    welding = make_course(provider, title="电焊夜校", skills_taught=["电焊"], mode="night", capacity=2)
    potatoes = make_course(provider, title="马铃薯田间课", skills_taught=["种马铃薯"], mode="field", capacity=40,
                           fee=200, fee_waived=True)
    live = make_course(provider, title="直播带货", skills_taught=["手机直播"], mode="online", capacity=100)
    forklift = provider.post("/api/v1/courses", json=course_body(title="叉车司机", skills_taught=["会开叉车"],
                                                                  mode="onsite", capacity=1))
    full = forklift.json["id"]
    past_start = china_today() - timedelta(days=5)
    ended = dated_course(provider, title="已开班", starts_on=past_start.isoformat(),
                         ends_on=(past_start + timedelta(days=30)).isoformat())
    station = api_as("station", [VILLAGE])
    assert station.post(f"/api/v1/courses/{full}/enrollments", json={"worker_id": make_worker()}).status_code == 201

    everything = client.get("/courses")
    html = everything.get_data(as_text=True)
    assert everything.status_code == 200
    assert set(card_ids(html)) == {welding, potatoes, live, full}  # not the one that started without 插班
    assert ended not in card_ids(html)
    card = html[html.index(f'data-course-id="{welding}"'):]
    assert 'data-seats-left="2"' in card[:card.index("</article>")] and "电焊夜校" in html
    assert 'data-fee="waived"' in html and 'data-seats-left="0"' in html

    assert card_ids(client.get("/courses?mode=night").get_data(as_text=True)) == [welding]
    by_label = client.get("/courses?mode=夜校").get_data(as_text=True)
    assert card_ids(by_label) == [welding] and '<option value="night" selected' in by_label
    assert set(card_ids(client.get("/courses?mode=after_work").get_data(as_text=True))) == {welding, live}
    assert card_ids(client.get("/courses?skill=电焊").get_data(as_text=True)) == [welding]
    canonical = forklift.json["skills_taught"][0]["canonical"]
    assert canonical and canonical != "会开叉车"
    assert card_ids(client.get("/courses", query_string={"skill": canonical}).get_data(as_text=True)) == [full]
    assert full not in card_ids(client.get("/courses?seats=1").get_data(as_text=True))
    assert card_ids(client.get("/courses?mode=field&seats=1").get_data(as_text=True)) == [potatoes]
    assert client.get("/courses?mode=nonsense&page=99").status_code == 200


def test_a_signed_in_worker_sees_the_nearest_courses_first_with_the_distance(client, api_as, login_as, make_worker):
    provider = api_as("provider")
    soon = china_today() + timedelta(days=3)
    far = make_course(provider, title="远处的课", lat=36.5, lon=106.3, starts_on=soon.isoformat())  # ~80 km
    near = make_course(provider, title="近处的课", lat=HOME[0], lon=HOME[1],
                       starts_on=(soon + timedelta(days=20)).isoformat())
    middle = make_course(provider, title="中间的课", lat=35.90, lon=105.60, starts_on=(soon + timedelta(days=10)).isoformat())
    _wid, page = trainee(login_as, make_worker, lat=HOME[0], lon=HOME[1])

    html = page.get("/courses").get_data(as_text=True)
    assert card_ids(html) == [near, middle, far]
    kms = [float(k) for k in re.findall(r'data-course-id="\d+" data-mode="\w+"\s+data-km="([\d.]+)"', html)]
    assert kms[0] == 0.0 and 10 < kms[1] < 20 and kms[2] > 60
    assert card_ids(page.get("/courses?sort=date").get_data(as_text=True)) == [far, middle, near]
    assert 'data-km' not in client.get("/courses").get_data(as_text=True)  # nobody's home on the public page
    assert card_ids(client.get("/courses").get_data(as_text=True)) == [far, middle, near]


# --- a course, enrolment, the waitlist ---------------------------------------------------------

def test_enrolling_through_the_page_until_full_then_the_waitlist_then_withdrawal_promotes(
        app, api_as, login_as, make_worker):
    course = make_course(api_as("provider"), capacity=2)
    people = [trainee(login_as, make_worker) for _ in range(4)]

    first_page = people[0][1].get(f"/courses/{course}").get_data(as_text=True)
    assert 'id="enrol-button" data-full="0"' in first_page
    for _wid, page in people[:2]:
        response = enrol_page(page, course)
        assert response.status_code == 302 and response.headers["Location"].endswith(f"/courses/{course}")
    html = people[2][1].get(f"/courses/{course}").get_data(as_text=True)
    assert 'data-seats-left="0"' in html and 'id="enrol-button" data-full="1"' in html
    for _wid, page in people[2:]:
        assert enrol_page(page, course).status_code == 302
    statuses = [enrollment_of(app, course, wid).status for wid, _page in people]
    assert statuses == [EnrollmentStatus.enrolled] * 2 + [EnrollmentStatus.waitlisted] * 2

    third = people[2][1].get(f"/courses/{course}").get_data(as_text=True)
    assert 'id="waitlist-position" data-position="1"' in third and 'id="enrol-button"' not in third
    assert 'id="waitlist-position" data-position="2"' in people[3][1].get(f"/courses/{course}").get_data(as_text=True)
    assert 'data-waitlist="2"' in third

    again = enrol_page(people[0][1], course)  # already in: flashed, not a 500, nothing doubled
    assert again.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(Enrollment.id))) == 4

    first = enrollment_of(app, course, people[0][0])
    other_page = people[1][1]
    stolen = post_form(other_page, f"/enrollments/{first.id}/withdraw", {}, form_url="/my/courses")
    assert stolen.status_code == 404
    assert enrollment_of(app, course, people[0][0]).status is EnrollmentStatus.enrolled

    left = post_form(people[0][1], f"/enrollments/{first.id}/withdraw", {"next": "/my/courses"},
                     form_url="/my/courses")
    assert left.status_code == 302 and left.headers["Location"].endswith("/my/courses")
    assert enrollment_of(app, course, people[0][0]).status is EnrollmentStatus.withdrawn
    assert enrollment_of(app, course, people[2][0]).status is EnrollmentStatus.enrolled
    assert 'id="waitlist-position" data-position="1"' in people[3][1].get(f"/courses/{course}").get_data(as_text=True)
    mine = people[2][1].get("/my/courses").get_data(as_text=True)
    assert f'id="enrollment-{enrollment_of(app, course, people[2][0]).id}"' in mine and 'data-status="enrolled"' in mine

    fourth = enrollment_of(app, course, people[3][0])
    off_list = post_form(people[3][1], f"/enrollments/{fourth.id}/withdraw", {"next": "https://evil.example/"},
                         form_url="/my/courses")
    assert off_list.status_code == 302 and off_list.headers["Location"].endswith(f"/courses/{course}")
    assert enrollment_of(app, course, people[3][0]).status is EnrollmentStatus.withdrawn


def test_the_course_page_shows_what_stands_in_the_way(app, api_as, client, login_as, make_worker):
    provider = api_as("provider")
    young_only = make_course(provider, min_age=18, max_age=30, min_education="senior")
    started = china_today() - timedelta(days=2)
    closed = dated_course(provider, starts_on=started.isoformat(), ends_on=(started + timedelta(days=20)).isoformat())
    wid, page = trainee(login_as, make_worker, birth="19600101", education="primary")

    html = page.get(f"/courses/{young_only}").get_data(as_text=True)
    assert 'id="unmet-prerequisites"' in html and 'id="enrol-button"' not in html
    assert enrol_page(page, young_only).status_code == 302  # forced anyway: refused and flashed
    assert enrollment_of(app, young_only, wid) is None
    closed_page = page.get(f"/courses/{closed}").get_data(as_text=True)
    assert 'id="admission-closed"' in closed_page and 'id="enrol-button"' not in closed_page

    public = client.get(f"/courses/{young_only}").get_data(as_text=True)
    assert 'id="enrol-form"' not in public and "/login" in public
    assert client.post(f"/courses/{young_only}/enrol").status_code in (302, 400)  # no session: to the sign-in
    assert client.get("/courses/999999").status_code == 404


def test_an_ended_course_is_shown_to_visitors_who_are_not_signed_in(api_as, client, login_as, areas):
    """Once a 500: the page asked the visitor who is not signed in for a role."""
    start = china_today() - timedelta(days=40)
    ended = dated_course(api_as("provider"), starts_on=start.isoformat(), ends_on=(start + timedelta(days=30)).isoformat())
    public = client.get(f"/courses/{ended}")
    html = public.get_data(as_text=True)
    assert public.status_code == 200 and 'id="admission-closed"' in html and 'id="outcomes"' in html
    assert 'id="enrol-form"' not in html and 'id="account-not-linked"' not in html
    unlinked = login_as("worker").get(f"/courses/{ended}")  # a trainee's account not linked to a record yet
    assert unlinked.status_code == 200 and 'id="account-not-linked"' in unlinked.get_data(as_text=True)
    staff = login_as("station", [VILLAGE]).get(f"/courses/{ended}")
    assert staff.status_code == 200 and 'id="account-not-linked"' not in staff.get_data(as_text=True)


def test_staff_and_the_provider_get_their_links(app, api_as, login_as, areas):
    course = make_course(api_as("provider"))
    station = login_as("station", [VILLAGE]).get(f"/courses/{course}").get_data(as_text=True)
    admin = login_as("admin").get(f"/courses/{course}").get_data(as_text=True)
    stranger_provider = login_as("provider").get(f"/courses/{course}").get_data(as_text=True)
    assert re.search(rf'id="enrol-worker-link"\s+href="/courses/{course}/enrol-worker"', station)
    assert re.search(rf'id="manage-link"\s+href="/provider/courses/{course}"', admin)
    assert 'id="manage-link"' not in station and 'id="enrol-form"' not in station
    assert 'id="manage-link"' not in stranger_provider and 'id="enrol-worker-link"' not in stranger_provider


# --- my courses: attendance, certificates, ratings ---------------------------------------------

def test_my_courses_is_the_workers_own_page(app, api_as, client, login_as, make_worker):
    provider = api_as("provider")
    mine, theirs = make_course(provider, title="我的课"), make_course(provider, title="别人的课")
    wid, page = trainee(login_as, make_worker)
    other, other_page = trainee(login_as, make_worker)
    enrol_page(page, mine)
    enrol_page(other_page, theirs)
    html = page.get("/my/courses").get_data(as_text=True)
    assert "我的课" in html and "别人的课" not in html
    assert login_as("station", [VILLAGE]).get("/my/courses").status_code == 403
    assert client.get("/my/courses").status_code == 302  # to the sign-in


def test_attendance_and_the_next_session_on_my_courses(app, login_as, make_worker, running_course):
    provider, course = running_course(sessions=3)
    wid, page = trainee(login_as, make_worker)
    enrol_page(page, course)
    enrollment = enrollment_of(app, course, wid)
    sessions = provider.get(f"/api/v1/courses/{course}").json["sessions"]
    marked = provider.put(f"/api/v1/sessions/{sessions[0]['id']}/attendance", json={"present": [enrollment.id]})
    assert marked.status_code == 200, marked.json
    html = page.get("/my/courses").get_data(as_text=True)
    assert 'data-attended="1" data-sessions="3"' in html
    assert f'class="next-session" data-day="{china_today().isoformat()}"' in html
    assert 'id="certificates"' in html and 'class="certificate-no"' not in html


def test_a_completer_gets_the_certificate_and_rates_the_course(app, api_as, client, login_as, make_worker):
    provider = api_as("provider")
    course = make_course(provider, certificate_kind="skill_level", certificate_level=5)
    wid, page = trainee(login_as, make_worker)
    idle, idle_page = trainee(login_as, make_worker)
    enrol_page(page, course)
    enrol_page(idle_page, course)
    enrollment = enrollment_of(app, course, wid)
    done = provider.post(f"/api/v1/enrollments/{enrollment.id}/complete", json={"passed": True})
    assert done.status_code == 200, done.json
    number = done.json["certificate_no"]

    html = page.get("/my/courses").get_data(as_text=True)
    certificates = html[html.index('id="certificates"'):]
    assert f'data-certificate-no="{number}"' in certificates and number in certificates
    assert f'id="rating-form-{enrollment.id}"' in html

    bad = post_form(page, f"/enrollments/{enrollment.id}/rate", {"rating": "9", "comment": "好"}, form_url="/my/courses")
    assert bad.status_code == 422 and 'id="rating-error"' in bad.get_data(as_text=True)
    missing = post_form(page, f"/enrollments/{enrollment.id}/rate", {"comment": "好"}, form_url="/my/courses")
    assert missing.status_code == 422 and 'id="rating-error"' in missing.get_data(as_text=True)
    assert enrollment_of(app, course, wid).rating is None

    idle_enrollment = enrollment_of(app, course, idle)
    assert post_form(idle_page, f"/enrollments/{enrollment.id}/rate", {"rating": "1"},
                     form_url="/my/courses").status_code == 404  # someone else's
    not_done = post_form(idle_page, f"/enrollments/{idle_enrollment.id}/rate", {"rating": "5"}, form_url="/my/courses")
    assert not_done.status_code == 302 and enrollment_of(app, course, idle).rating is None

    good = post_form(page, f"/enrollments/{enrollment.id}/rate", {"rating": "4", "comment": "老师讲得清楚"},
                     form_url="/my/courses")
    assert good.status_code == 302
    saved = enrollment_of(app, course, wid)
    assert saved.rating == 4 and saved.rating_comment == "老师讲得清楚"
    after = page.get("/my/courses").get_data(as_text=True)
    assert f'id="rating-form-{enrollment.id}"' not in after and 'data-rating="4"' in after
    public = client.get(f"/courses/{course}").get_data(as_text=True)
    assert 'data-count="1"' in public and 'data-average="4.0"' in public and "老师讲得清楚" in public
    assert 'data-months="3" data-suppressed="1"' in public  # one completer: too few to show


# --- what I want to learn ----------------------------------------------------------------------

def test_a_wish_is_added_shown_and_removed(app, login_as, make_worker):
    wid, page = trainee(login_as, make_worker)
    other, other_page = trainee(login_as, make_worker)
    added = post_form(page, "/my/wishes", {"name": "电焊", "mode": "night"}, form_url="/my/courses")
    assert added.status_code == 302
    with app.app_context():
        wish = db.session.scalar(select(TrainingWish).where(TrainingWish.worker_id == wid))
        wish_id, canonical = wish.id, wish.canonical
    assert canonical == "焊工"  # 电焊 as written, the welding occupation as understood
    html = page.get("/my/courses").get_data(as_text=True)
    assert f'data-wish-id="{wish_id}"' in html and canonical in html
    assert f'data-wish-id="{wish_id}"' not in other_page.get("/my/courses").get_data(as_text=True)

    empty = post_form(page, "/my/wishes", {"name": "  ", "mode": ""}, form_url="/my/courses")
    assert empty.status_code == 422 and 'id="name-error"' in empty.get_data(as_text=True)
    twice = post_form(page, "/my/wishes", {"name": "电焊"}, form_url="/my/courses")
    assert twice.status_code == 422 and 'id="name-error"' in twice.get_data(as_text=True)
    bad_mode = post_form(page, "/my/wishes", {"name": "叉车", "mode": "by-post"}, form_url="/my/courses")
    assert bad_mode.status_code == 422 and 'id="mode-error"' in bad_mode.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(TrainingWish.id))) == 1

    assert post_form(other_page, f"/my/wishes/{wish_id}/remove", {}, form_url="/my/courses").status_code == 404
    removed = post_form(page, f"/my/wishes/{wish_id}/remove", {}, form_url="/my/courses")
    assert removed.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(TrainingWish.id))) == 0
    assert page.get("/my/wishes").status_code == 302
