"""The station's and county's training pages: enrolling a worker from a course, a worker's training
and wishes, township demand, the subsidy ledger and its .xlsx, course outcomes. Assertions look at
data, ids and data attributes, not at sentences (they are translated later)."""
import io
import re
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from core.extensions import db
from core.models import AuditEvent, china_today
from tests.conftest import COUNTY, FAR_VILLAGE, OTHER_VILLAGE, TOWNSHIP, VILLAGE, csrf_token
from tests.jobs.conftest import post_form, text_of
from tests.training.conftest import course_body, dated_course
from training.models import Enrollment, EnrollmentStatus, TrainingWish

PAGES = ["/training/demand", "/training/subsidies", "/training/subsidies.xlsx", "/training/outcomes"]


@pytest.fixture
def make_course(api_as):
    """A course published through the API by a new provider; returns (provider client, course id)."""
    def make(**fields):
        provider = api_as("provider")
        response = provider.post("/api/v1/courses", json=course_body(**fields))
        assert response.status_code == 201, response.json
        return provider, response.json["id"]
    return make


def count(app, model, *conditions) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(model.id)).where(*conditions))


def row_of(html: str, element_id: str) -> str:
    """The opening tag of the element with this id (its data attributes)."""
    match = re.search(rf'<[^>]*id="{element_id}"[^>]*>', html)
    assert match, f"no element #{element_id}"
    return match.group(0)


# --- enrolling from a course --------------------------------------------------------------------

def test_the_station_finds_and_enrols_workers_of_its_village_then_the_waitlist(
        app, login_as, make_course, make_household, make_worker):
    _provider, cid = make_course(capacity=1)
    first = make_worker(make_household(), name="马成")
    second = make_worker(make_household(), name="马福")
    stranger = make_worker(make_household(OTHER_VILLAGE), name="马成")
    page = login_as("station", [VILLAGE])
    url = f"/courses/{cid}/enrol-worker"

    found = page.get(url, query_string={"q": "马"}).get_data(as_text=True)
    assert f'id="worker-{first}"' in found and f'id="worker-{second}"' in found
    assert f'id="worker-{stranger}"' not in found  # another village's people are not found
    by_pinyin = page.get(url, query_string={"q": "macheng"}).get_data(as_text=True)
    assert f'id="worker-{first}"' in by_pinyin and f'id="worker-{second}"' not in by_pinyin
    assert f'data-worker-id="{first}" data-course-id="{cid}"' in by_pinyin  # its enrol button

    enrolled = post_form(page, url, {"worker_id": str(first), "q": "马"})
    assert enrolled.status_code == 302 and "q=" in enrolled.headers["Location"]
    html = page.get(enrolled.headers["Location"]).get_data(as_text=True)
    assert 'data-enrolled="enrolled"' in row_of(html, f"worker-{first}")
    assert "马成" in re.search(r'class="flash flash-success"[^>]*>([^<]*)<', html).group(1)
    waiting = post_form(page, url, {"worker_id": str(second)})
    assert waiting.status_code == 302
    html = page.get(waiting.headers["Location"]).get_data(as_text=True)
    flashed = re.search(r'class="flash flash-info"[^>]*>([^<]*)<', html).group(1)
    assert "马福" in flashed and "1" in flashed  # on the waitlist, first in line
    ours = html.split('id="ours"')[1]
    assert f'data-worker-id="{first}" data-status="enrolled"' in ours
    assert f'data-worker-id="{second}" data-status="waitlisted" data-position="1"' in ours
    with app.app_context():
        statuses = dict(db.session.execute(select(Enrollment.worker_id, Enrollment.status)).all())
    assert statuses == {first: EnrollmentStatus.enrolled, second: EnrollmentStatus.waitlisted}

    again = post_form(page, url, {"worker_id": str(first)})  # already in: refused on the field
    assert again.status_code == 422 and 'id="worker_id-error"' in again.get_data(as_text=True)
    assert count(app, Enrollment) == 2


def test_a_worker_of_another_village_is_refused_and_nothing_is_written(
        app, login_as, make_course, make_household, make_worker):
    _provider, cid = make_course()
    stranger = make_worker(make_household(OTHER_VILLAGE))
    page = login_as("station", [VILLAGE])
    url = f"/courses/{cid}/enrol-worker"
    refused = post_form(page, url, {"worker_id": str(stranger)})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert 'id="worker_id-error"' in html and "flash-error" in html
    back = post_form(page, url, {"worker_id": str(stranger), "next": f"/workers/{stranger}/training"})
    assert back.status_code == 302  # from a worker's page: back there with the reason flashed
    for junk in ("abc", "", "0", "99999999999"):
        response = post_form(page, url, {"worker_id": junk})
        assert response.status_code == 422, junk
    assert count(app, Enrollment) == 0
    assert page.post(url, data={"worker_id": str(stranger)}).status_code == 400  # no CSRF token
    assert page.get("/courses/999999/enrol-worker").status_code == 404


def test_unmet_prerequisites_are_shown_and_enforced(app, login_as, make_course, make_household, make_worker):
    _provider, cid = make_course(min_age=45)
    young = make_worker(make_household(), birth="19980101", name="马小")
    page = login_as("station", [VILLAGE])
    html = page.get(f"/courses/{cid}/enrol-worker", query_string={"q": "马小"}).get_data(as_text=True)
    card = html.split(f'id="worker-{young}"')[1].split("</article>")[0]
    assert 'class="warn unmet"' in card and "45" in card and 'class="enrol"' not in card
    refused = post_form(page, f"/courses/{cid}/enrol-worker", {"worker_id": str(young)},
                        form_url=f"/courses/{cid}/enrol-worker")
    assert refused.status_code == 422 and 'id="worker_id-error"' in refused.get_data(as_text=True)
    assert count(app, Enrollment) == 0


# --- a worker's training page and wishes --------------------------------------------------------

def test_wishes_on_the_workers_training_page_and_enrolling_from_it(
        app, login_as, make_course, make_household, make_worker):
    _provider, welding = make_course(title="电焊工培训班", skills_taught=["电焊"])
    _provider, other = make_course(title="育婴员夜校", skills_taught=["育婴员"])
    worker = make_worker(make_household(), name="马成")
    page = login_as("station", [VILLAGE])
    assert f'href="/workers/{worker}/training"' in page.get(f"/workers/{worker}").get_data(as_text=True)
    url = f"/workers/{worker}/training"
    html = page.get(url).get_data(as_text=True)
    assert 'id="no-enrollments"' in html and f'id="offer-{welding}"' in html  # any upcoming course is offered

    added = post_form(page, f"/workers/{worker}/wishes", {"name": "焊工", "mode": "night"}, form_url=url)
    assert added.status_code == 302
    html = page.get(url).get_data(as_text=True)
    assert 'data-skill="焊工"' in html and text_of(html, "wish-count") == "1"
    matching = html.split('id="offers"')[1].split("<h3>")[1]  # the first group: what the person wishes
    assert f'id="offer-{welding}"' in matching and f'id="offer-{other}"' not in matching

    duplicate = post_form(page, f"/workers/{worker}/wishes", {"name": "焊工"}, form_url=url)
    assert duplicate.status_code == 422 and 'id="name-error"' in duplicate.get_data(as_text=True)
    blank = post_form(page, f"/workers/{worker}/wishes", {"name": "  "}, form_url=url)
    assert blank.status_code == 422 and 'id="name-error"' in blank.get_data(as_text=True)
    with app.app_context():
        wishes = db.session.scalars(select(TrainingWish)).all()
        assert [(w.worker_id, w.name, w.mode.name) for w in wishes] == [(worker, "焊工", "night")]
        wish_id = wishes[0].id

    enrolled = post_form(page, f"/courses/{welding}/enrol-worker", {"worker_id": str(worker), "next": url}, url)
    assert enrolled.status_code == 302 and enrolled.headers["Location"].endswith(url)
    html = page.get(url).get_data(as_text=True)
    assert f'data-course-id="{welding}" data-status="enrolled"' in html
    assert f'id="offer-{welding}"' not in html  # in it already: not offered again

    removed = post_form(page, f"/wishes/{wish_id}/delete", {}, form_url=url)
    assert removed.status_code == 302 and count(app, TrainingWish) == 0


def test_another_villages_worker_and_wish_are_not_found(app, login_as, make_household, make_worker):
    stranger = make_worker(make_household(OTHER_VILLAGE))
    theirs = login_as("station", [OTHER_VILLAGE])
    url = f"/workers/{stranger}/training"
    assert post_form(theirs, f"/workers/{stranger}/wishes", {"name": "焊工"}, form_url=url).status_code == 302
    with app.app_context():
        wish_id = db.session.scalar(select(TrainingWish.id))
    page = login_as("station", [VILLAGE])
    token_page = f"/workers/{make_worker(make_household())}/training"
    assert page.get(url).status_code == 404
    assert post_form(page, f"/workers/{stranger}/wishes", {"name": "木工"}, form_url=token_page).status_code == 404
    assert post_form(page, f"/wishes/{wish_id}/delete", {}, form_url=token_page).status_code == 404
    assert count(app, TrainingWish) == 1


# --- township demand ----------------------------------------------------------------------------

def test_demand_counts_people_per_skill_and_township_in_my_area(
        app, login_as, make_course, make_household, make_worker):
    make_course(capacity=5)  # teaches 焊工: seats offered
    mine = [make_worker(make_household(), name=n) for n in ("马成", "马福")]
    theirs = make_worker(make_household(OTHER_VILLAGE), name="李强")
    page = login_as("station", [VILLAGE])
    for worker in mine:
        url = f"/workers/{worker}/training"
        assert post_form(page, f"/workers/{worker}/wishes", {"name": "焊工"}, form_url=url).status_code == 302
    assert post_form(page, f"/workers/{mine[0]}/wishes", {"name": "育婴员"},
                     form_url=f"/workers/{mine[0]}/training").status_code == 302
    other_station = login_as("station", [OTHER_VILLAGE])
    assert post_form(other_station, f"/workers/{theirs}/wishes", {"name": "电焊"},
                     form_url=f"/workers/{theirs}/training").status_code == 302

    html = page.get("/training/demand").get_data(as_text=True)
    assert f'<tr data-skill="焊工" data-township="{TOWNSHIP}" data-people="2" data-seats="5">' in html
    rows = re.findall(r'<tr data-skill="([^"]+)" data-township="\d+" data-people="(\d+)"', html)
    assert rows[0] == ("焊工", "2") and len(rows) == 2  # most wanted first; 育婴员 by one person
    assert f'value="{TOWNSHIP}"' in html  # the township of my village is a filter
    filtered = page.get("/training/demand", query_string={"area": TOWNSHIP}).get_data(as_text=True)
    assert 'data-skill="焊工" data-township="' + TOWNSHIP + '" data-people="2"' in filtered
    # the other station counts its own person only; the county counts everyone
    assert 'data-skill="焊工" data-township="' + TOWNSHIP + '" data-people="1"' in \
        other_station.get("/training/demand").get_data(as_text=True)
    county = login_as("county", [COUNTY]).get("/training/demand").get_data(as_text=True)
    assert 'data-skill="焊工" data-township="' + TOWNSHIP + '" data-people="3"' in county
    for link in ("/training/subsidies", "/training/outcomes", "/courses"):
        assert f'href="{link}"' in html


# --- the subsidy ledger -------------------------------------------------------------------------

def test_the_subsidy_ledger_per_person_and_household_and_its_xlsx(
        app, api_as, login_as, make_household, make_worker):
    provider = api_as("provider")
    today = china_today()
    cid = dated_course(provider, title="焊工培训", starts_on=(today - timedelta(days=2)).isoformat(),
                       rolling_admission=True, ends_on=(today + timedelta(days=20)).isoformat(), capacity=5,
                       subsidy_per_day=30)
    sessions = []
    for n in (2, 1, 0):
        created = provider.post(f"/api/v1/courses/{cid}/sessions", json={
            "day": (today - timedelta(days=n)).isoformat(), "starts_at": "19:00", "ends_at": "21:00"})
        assert created.status_code == 201, created.json
        sessions.append(created.json["id"])
    one, two = make_household(), make_household()
    father, daughter, neighbour = make_worker(one, name="马成"), make_worker(one, name="马兰"), make_worker(two, name="李强")
    page = login_as("station", [VILLAGE])
    enrolment = {}
    for worker in (father, daughter, neighbour):
        assert post_form(page, f"/courses/{cid}/enrol-worker", {"worker_id": str(worker)}).status_code == 302
    with app.app_context():
        enrolment = dict(db.session.execute(select(Enrollment.worker_id, Enrollment.id)).all())
    present = [[father, daughter, neighbour], [father, daughter], [father]]  # 3, 2 and 1 days
    for sid, people in zip(sessions, present):
        taken = provider.put(f"/api/v1/sessions/{sid}/attendance", json={"present": [enrolment[w] for w in people]})
        assert taken.status_code == 200, taken.json

    html = page.get("/training/subsidies").get_data(as_text=True)
    assert 'data-days="3" data-amount="90"' in row_of(html, f"line-{enrolment[father]}")
    assert 'data-days="2" data-amount="60"' in row_of(html, f"line-{enrolment[daughter]}")
    assert 'data-days="1" data-amount="30"' in row_of(html, f"line-{enrolment[neighbour]}")
    assert 'data-amount="150" data-days="5"' in row_of(html, f"household-{one}")
    assert 'data-amount="30" data-days="1"' in row_of(html, f"household-{two}")
    assert text_of(html, "total-amount") == "180" and text_of(html, "total-days") == "6"
    by_course = page.get("/training/subsidies", query_string={"course": cid, "area": VILLAGE}).get_data(as_text=True)
    assert text_of(by_course, "total-amount") == "180"
    assert text_of(page.get("/training/subsidies", query_string={"area": OTHER_VILLAGE, "course": "x"})
                   .get_data(as_text=True), "total-amount") == "180"  # not my village, not a course: ignored
    elsewhere = login_as("station", [OTHER_VILLAGE]).get("/training/subsidies").get_data(as_text=True)
    assert text_of(elsewhere, "total-amount") == "0"

    download = page.get(f"/training/subsidies.xlsx?course={cid}")
    assert download.status_code == 200 and download.headers["Content-Disposition"].startswith("attachment")
    book = load_workbook(io.BytesIO(download.data))
    people = list(book["按人"].iter_rows(values_only=True))
    assert people[-1][0] == "合计" and (people[-1][4], people[-1][6]) == (6, 180)
    assert sorted((r[2], r[6]) for r in people[1:-1]) == [("李强", 30), ("马兰", 60), ("马成", 90)]
    households = {r[0]: r[4] for r in list(book["按户"].iter_rows(values_only=True))[1:]}
    assert households == {one: 150, two: 30}
    assert count(app, AuditEvent, AuditEvent.entity == "subsidies", AuditEvent.action == "export") == 1


# --- who may open these pages -------------------------------------------------------------------

@pytest.mark.parametrize("role", ["provider", "employer", "worker"])
def test_other_roles_are_forbidden(app, role, areas, login_as, make_course, make_household, make_worker):
    _provider, cid = make_course()
    worker = make_worker(make_household())
    page = login_as(role, worker_id=worker) if role == "worker" else login_as(role)
    reports = [] if role == "provider" else PAGES  # a provider reads them for its own courses (test_provider_reports)
    for url in reports + [f"/courses/{cid}/enrol-worker", f"/workers/{worker}/training"]:
        assert page.get(url).status_code == 403, url
    token = csrf_token(page.get(f"/workers/{worker}/training").get_data(as_text=True))  # the sign-out form's, on the 403 page
    for url, data in ((f"/courses/{cid}/enrol-worker", {"worker_id": str(worker)}),
                      (f"/workers/{worker}/wishes", {"name": "焊工"})):
        assert page.post(url, data={**data, "csrf_token": token}).status_code == 403, url
    assert count(app, Enrollment) == 0 and count(app, TrainingWish) == 0
    if role == "worker":  # their own record links to their own training page instead
        own = page.get(f"/workers/{worker}").get_data(as_text=True)
        assert 'id="training-link" href="/my/courses"' in own and f"/workers/{worker}/training" not in own


def test_signed_out_visitors_are_sent_to_sign_in(client):
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


# --- outcomes -----------------------------------------------------------------------------------

def test_outcomes_lists_the_courses_of_my_area_with_their_counts(
        app, api_as, login_as, make_course, make_household, make_worker):
    provider, cid = make_course(title="焊工培训", area_code=TOWNSHIP, capacity=3)
    _far, far_cid = make_course(title="望谟县刺绣班", area_code="522326001000")
    station = api_as("station", [VILLAGE])
    people = [make_worker(make_household(), name=n) for n in ("马成", "马福", "马兰")]
    ids = [station.post(f"/api/v1/courses/{cid}/enrollments", json={"worker_id": w}).json["id"] for w in people]
    assert provider.post(f"/api/v1/enrollments/{ids[0]}/complete", json={"passed": True}).status_code == 200
    assert provider.post(f"/api/v1/enrollments/{ids[1]}/complete", json={"passed": False}).status_code == 200
    trainee = api_as("worker", worker_id=people[0])
    assert trainee.post(f"/api/v1/enrollments/{ids[0]}/rating", json={"rating": 4}).status_code == 200

    html = login_as("station", [VILLAGE]).get("/training/outcomes").get_data(as_text=True)
    row = row_of(html, f"course-{cid}")
    assert 'data-enrolled="1" data-completed="1" data-failed="1"' in row
    assert f'id="course-{far_cid}"' not in html  # another county's course
    mine = html.split(f'id="course-{cid}"')[1].split("</article>")[0]
    assert "焊工培训" in mine and "4.0" in mine
    assert mine.count('data-suppressed="true"') == 2  # one completer: no share shown
    county = login_as("county", [COUNTY]).get("/training/outcomes").get_data(as_text=True)
    assert f'id="course-{cid}"' in county and f'id="course-{far_cid}"' not in county
    admin = login_as("admin").get("/training/outcomes").get_data(as_text=True)
    assert f'id="course-{cid}"' in admin and f'id="course-{far_cid}"' in admin
    far = login_as("station", [FAR_VILLAGE]).get("/training/outcomes").get_data(as_text=True)
    assert f'id="course-{far_cid}"' in far and f'id="course-{cid}"' not in far
