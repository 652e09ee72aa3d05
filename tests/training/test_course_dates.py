"""A course's dates are not in the past when it is published or its dates change (a running course
keeps its first day), and a course's sessions do not overlap on one day (issue 17). Refusals name
the field, through the API and the provider's forms alike, and leave nothing written."""
import re
from datetime import timedelta

from sqlalchemy import func, select, update

from core.extensions import db
from core.models import china_today
from tests.jobs.conftest import post_form
from tests.training.conftest import course_body
from tests.training.test_provider_pages import course_form, field_errors
from training.models import Course, CourseSession


def courses(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Course.id)))


def sessions_of(app, course_id) -> list[tuple[str, str, str]]:
    with app.app_context():
        return [(s.day.isoformat(), s.starts_at.strftime("%H:%M"), s.ends_at.strftime("%H:%M")) for s in
                db.session.scalars(select(CourseSession).where(CourseSession.course_id == course_id)
                                   .order_by(CourseSession.day, CourseSession.starts_at))]


def started_days_ago(app, course_id, days: int):
    """The course as it stands once it has run for `days` days (it was published before it began)."""
    with app.app_context():
        db.session.execute(update(Course).where(Course.id == course_id)
                           .values(starts_on=china_today() - timedelta(days=days)))
        db.session.commit()


def dates_of(app, course_id):
    with app.app_context():
        course = db.session.get(Course, course_id)
        return course.starts_on, course.ends_on


# --- dates in the past ---------------------------------------------------------------------------

def test_a_new_course_cannot_start_or_end_in_the_past(app, api_as, areas):
    provider = api_as("provider")
    today = china_today()
    yesterday = (today - timedelta(days=1)).isoformat()
    late_start = provider.post("/api/v1/courses", json=course_body(starts_on=yesterday))
    assert late_start.status_code == 422 and set(late_start.json["error"]["fields"]) == {"starts_on"}
    both = provider.post("/api/v1/courses", json=course_body(starts_on="2020-03-01", ends_on="2020-03-20"))
    assert both.status_code == 422 and set(both.json["error"]["fields"]) == {"starts_on", "ends_on"}
    assert courses(app) == 0
    starting_today = provider.post("/api/v1/courses", json=course_body(starts_on=today.isoformat(),
                                                                        ends_on=today.isoformat()))
    assert starting_today.status_code == 201, starting_today.json
    assert provider.post("/api/v1/courses", json=course_body(starts_on=None, ends_on=None)).status_code == 201


def test_the_course_form_refuses_a_past_first_day_on_the_field(app, login_as, areas):
    page = login_as("provider")
    past = china_today() - timedelta(days=3)
    refused = post_form(page, "/provider/courses/new", course_form(starts_on=past.isoformat()))
    assert refused.status_code == 422
    assert "starts_on" in field_errors(refused.get_data(as_text=True))
    assert courses(app) == 0


def test_a_running_course_keeps_its_first_day_but_its_dates_cannot_move_into_the_past(app, api_as, login_as, areas):
    provider = api_as("provider")
    today = china_today()
    cid = provider.post("/api/v1/courses", json=course_body(starts_on=today.isoformat())).json["id"]
    started_days_ago(app, cid, 5)
    start, end = dates_of(app, cid)

    # the API: any other change goes through; so does the first day sent again as it is
    assert provider.patch(f"/api/v1/courses/{cid}", json={"capacity": 5}).status_code == 200
    assert provider.patch(f"/api/v1/courses/{cid}", json={"starts_on": start.isoformat(),
                                                           "title": "焊工培训（二期）"}).status_code == 200
    moved = provider.patch(f"/api/v1/courses/{cid}", json={"starts_on": (start - timedelta(days=1)).isoformat()})
    assert moved.status_code == 422 and set(moved.json["error"]["fields"]) == {"starts_on"}
    ended = provider.patch(f"/api/v1/courses/{cid}", json={"ends_on": (today - timedelta(days=1)).isoformat()})
    assert ended.status_code == 422 and set(ended.json["error"]["fields"]) == {"ends_on"}
    assert dates_of(app, cid) == (start, end)
    later = provider.patch(f"/api/v1/courses/{cid}", json={"ends_on": (end + timedelta(days=7)).isoformat()})
    assert later.status_code == 200 and dates_of(app, cid) == (start, end + timedelta(days=7))


def test_the_edit_form_of_a_running_course_saves_with_its_first_day_kept(app, login_as, areas):
    page = login_as("provider")
    made = post_form(page, "/provider/courses/new", course_form())
    cid = int(re.search(r"/provider/courses/(\d+)$", made.headers["Location"])[1])
    started_days_ago(app, cid, 4)
    start, end = dates_of(app, cid)
    url = f"/provider/courses/{cid}/edit"
    form = course_form(starts_on=start.isoformat(), ends_on=end.isoformat(), capacity="8")
    assert post_form(page, url, form).status_code == 302
    with app.app_context():
        assert db.session.get(Course, cid).capacity == 8
    refused = post_form(page, url, {**form, "starts_on": (start - timedelta(days=2)).isoformat()})
    assert refused.status_code == 422 and "starts_on" in field_errors(refused.get_data(as_text=True))
    assert dates_of(app, cid) == (start, end)


# --- sessions that overlap -----------------------------------------------------------------------

def test_a_session_overlapping_another_of_the_course_that_day_is_refused(app, running_course):
    provider, cid = running_course(sessions=1)  # today 19:00–21:00
    today = china_today()

    def add(day, starts, ends):
        return provider.post(f"/api/v1/courses/{cid}/sessions",
                             json={"day": day.isoformat(), "starts_at": starts, "ends_at": ends})

    for starts, ends in (("20:00", "22:00"), ("18:00", "19:30"), ("19:00", "21:00"), ("19:30", "20:30")):
        refused = add(today, starts, ends)
        assert refused.status_code == 422 and set(refused.json["error"]["fields"]) == {"starts_at"}, (starts, ends)
    backwards = add(today, "22:00", "21:30")
    assert backwards.status_code == 422 and set(backwards.json["error"]["fields"]) == {"ends_at"}
    assert sessions_of(app, cid) == [(today.isoformat(), "19:00", "21:00")]

    assert add(today, "21:00", "22:00").status_code == 201  # right after: no overlap
    assert add(today + timedelta(days=1), "19:30", "20:30").status_code == 201  # another day
    assert len(sessions_of(app, cid)) == 3


def test_the_session_form_names_the_start_time_of_an_overlap(app, login_as, areas):
    page = login_as("provider")
    made = post_form(page, "/provider/courses/new", course_form())
    cid = int(re.search(r"/provider/courses/(\d+)$", made.headers["Location"])[1])
    day = china_today() + timedelta(days=2)

    def add(starts, ends):
        return post_form(page, f"/provider/courses/{cid}/sessions",
                         {"day": day.isoformat(), "starts_at": starts, "ends_at": ends, "place": "村委会"},
                         form_url=f"/provider/courses/{cid}")

    assert add("08:30", "11:30").status_code == 302
    refused = add("11:00", "12:00")
    assert refused.status_code == 422 and "starts_at" in field_errors(refused.get_data(as_text=True))
    assert sessions_of(app, cid) == [(day.isoformat(), "08:30", "11:30")]
