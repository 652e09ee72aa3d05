"""A training provider reads the training reports for its own courses (issue 17): the subsidy
ledger and its .xlsx, course outcomes, and the demand by township (counts of wishes, nobody named:
all of it, or the skills its courses teach). Assertions look at data, ids and data attributes."""
import io
import re

import pytest
from openpyxl import load_workbook

from core.auth import authenticate, issue_token
from core.extensions import db
from core.models import china_today
from tests.conftest import FAR_VILLAGE, VILLAGE, ApiClient, csrf_token
from tests.jobs.conftest import text_of
from tests.training.conftest import course_body
from tests.training.test_subsidy_rules import enrol, mark

REPORTS = ("/training/subsidies", "/training/subsidies.xlsx", "/training/outcomes", "/training/demand")


@pytest.fixture
def provider(app, client, make_user, areas):
    """A provider as one user on both sides: `(api client, signed-in page client)`."""
    def make():
        username, password = make_user("provider", display_name="县职业技术学校")
        with app.app_context():
            api = ApiClient(client, issue_token(authenticate(username, password)))
            db.session.commit()
        page = app.test_client()
        token = csrf_token(page.get("/login").get_data(as_text=True))
        assert page.post("/login", data={"username": username, "password": password,
                                         "csrf_token": token}).status_code == 302
        return api, page
    return make


@pytest.fixture
def two_schools(provider, api_as, make_worker, make_household):
    """Two providers, a course each with a session today, and people of one household in each,
    present today: the welding school's 马成 and 马兰 (30 yuan a day), the kitchen's 李强 (50)."""
    welding_api, welding_page = provider()
    kitchen_api, kitchen_page = provider()
    station = api_as("station", [VILLAGE])
    made = {}
    for name, api, title, rate, people in (("welding", welding_api, "电焊工夜校", 30, ["马成", "马兰"]),
                                           ("kitchen", kitchen_api, "中式烹调夜校", 50, ["李强"])):
        body = dict(title=title, subsidy_per_day=rate, capacity=5, skills_taught=[title[:2]])
        cid = api.post("/api/v1/courses", json=_body(**body)).json["id"]
        sid = api.post(f"/api/v1/courses/{cid}/sessions", json={
            "day": china_today().isoformat(), "starts_at": "19:00", "ends_at": "21:00"}).json["id"]
        household = make_household()
        enrolments = [enrol(station, cid, make_worker(household, name=n)) for n in people]
        mark(api, sid, enrolments)
        made[name] = {"course": cid, "enrolments": enrolments, "household": household}
    return {"welding": (welding_api, welding_page, made["welding"]),
            "kitchen": (kitchen_api, kitchen_page, made["kitchen"])}


def _body(**fields):
    """A course that starts today and takes late joiners."""
    return course_body(starts_on=china_today().isoformat(), rolling_admission=True, **fields)


def line_ids(html: str) -> set[int]:
    return {int(n) for n in re.findall(r'id="line-(\d+)"', html)}


def test_providers_open_the_three_reports_and_others_outside_staff_do_not(login_as, areas):
    page = login_as("provider")
    for url in REPORTS:
        assert page.get(url).status_code == 200, url
    for role in ("employer", "worker"):
        refused = login_as(role)
        assert {url: refused.get(url).status_code for url in REPORTS} == {url: 403 for url in REPORTS}


def test_the_ledger_page_holds_only_the_providers_own_courses(two_schools):
    _api, page, welding = two_schools["welding"]
    _other_api, _other_page, kitchen = two_schools["kitchen"]
    html = page.get("/training/subsidies").get_data(as_text=True)
    assert line_ids(html) == set(welding["enrolments"])
    assert text_of(html, "total-amount") == "60" and text_of(html, "total-days") == "2"
    assert f'id="household-{welding["household"]}"' in html and f'id="household-{kitchen["household"]}"' not in html
    assert 'href="/workers/' not in html and 'href="/households/' not in html  # no way into staff pages
    assert 'name="area"' not in html  # a provider filters by course, not by village
    assert re.search(rf'<option value="{welding["course"]}"', html)
    assert not re.search(rf'<option value="{kitchen["course"]}"', html)
    # another provider's course asked for: ignored, the provider's own lines stay
    asked = page.get("/training/subsidies", query_string={"course": kitchen["course"]}).get_data(as_text=True)
    assert line_ids(asked) == set(welding["enrolments"]) and text_of(asked, "total-amount") == "60"


def test_the_ledger_export_holds_only_the_providers_own_lines(two_schools):
    _api, page, _welding = two_schools["welding"]
    download = page.get("/training/subsidies.xlsx")
    assert download.status_code == 200
    people = list(load_workbook(io.BytesIO(download.data))["按人"].iter_rows(min_row=2, values_only=True))
    assert sorted(row[2] for row in people[:-1]) == ["马兰", "马成"]
    assert {row[3] for row in people[:-1]} == {"电焊工夜校"}
    assert people[-1][0] == "合计" and people[-1][4] == 2 and people[-1][6] == 60
    _kitchen_api, kitchen_page, _kitchen = two_schools["kitchen"]
    other = list(load_workbook(io.BytesIO(kitchen_page.get("/training/subsidies.xlsx").data))["按人"]
                 .iter_rows(min_row=2, values_only=True))
    assert [(row[2], row[6]) for row in other[:-1]] == [("李强", 50)]


def test_the_outcomes_page_lists_the_providers_own_courses(two_schools):
    _api, page, welding = two_schools["welding"]
    _other_api, _other_page, kitchen = two_schools["kitchen"]
    html = page.get("/training/outcomes").get_data(as_text=True)
    assert set(map(int, re.findall(r'data-course-id="(\d+)"', html))) == {welding["course"]}
    assert 'data-enrolled="2"' in re.search(rf'<article[^>]*id="course-{welding["course"]}"[^>]*>', html)[0]
    assert text_of(html, "course-count") == "1"
    assert f'id="course-{kitchen["course"]}"' not in html


def demand_rows(html: str) -> list[tuple[str, str, int]]:
    return [(skill, township, int(people)) for skill, township, people in
            re.findall(r'<tr data-skill="([^"]+)" data-township="(\d+)" data-people="(\d+)"', html)]


def test_a_provider_reads_every_townships_demand_or_the_skills_of_its_courses(
        provider, api_as, make_worker, make_household):
    api, page = provider()
    course = api.post("/api/v1/courses", json=_body(title="电焊工夜校", skills_taught=["电焊"])).json
    taught = course["skills_taught"][0]["canonical"]  # the catalogue's name of what is taught
    here, far = api_as("station", [VILLAGE]), api_as("station", [FAR_VILLAGE])
    wishes = [(here, VILLAGE, "电焊", "马成"), (here, VILLAGE, "挖掘机", "马兰"), (far, FAR_VILLAGE, "电焊", "杨秀英")]
    for station, village, skill, name in wishes:
        worker = make_worker(make_household(village), name=name)
        assert station.post(f"/api/v1/workers/{worker}/training-wishes", json={"name": skill}).status_code == 201

    html = page.get("/training/demand").get_data(as_text=True)
    rows = demand_rows(html)
    assert len(rows) == 3 and sum(people for _s, _t, people in rows) == 3
    assert len({township for _s, township, _p in rows}) == 2  # the townships of both counties
    assert not any(name in html for _s, _v, _k, name in wishes)  # counts: nobody is named
    mine = page.get("/training/demand", query_string={"mine": "1"}).get_data(as_text=True)
    assert {skill for skill, _t, _p in demand_rows(mine)} == {taught} and len(demand_rows(mine)) == 2
    assert "checked" in re.search(r'<input[^>]*id="mine"[^>]*>', mine)[0]
    # the API gives the provider the same counts
    items = api.get("/api/v1/training/demand").json["items"]
    assert sorted(i["people"] for i in items) == [1, 1, 1] and all("name" not in i for i in items)


def test_a_station_does_not_get_the_providers_filter(login_as, areas):
    html = login_as("station", [VILLAGE]).get("/training/demand", query_string={"mine": "1"}).get_data(as_text=True)
    assert 'id="mine"' not in html
