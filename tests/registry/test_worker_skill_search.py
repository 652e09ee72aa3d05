"""Finding people by skill as people say it (issue 14): "电焊" finds a welder whatever words the
station wrote, a certificate meets its occupation, text that names no skill still finds what was
written, and the search stays inside the user's areas. The API and the worker search page."""
import re

import pytest

from tests.conftest import OTHER_VILLAGE, VILLAGE, csrf_token


def found(client, **query) -> set[int]:
    response = client.get("/api/v1/workers", query_string=query)
    assert response.status_code == 200, response.json
    assert response.json["total"] == len(response.json["items"])
    return {w["id"] for w in response.json["items"]}


def row_ids(html: str) -> set[int]:
    return {int(n) for n in re.findall(r'href="/workers/(\d+)"', html)}


@pytest.fixture
def people(make_household, make_worker):
    here, there = make_household(), make_household(OTHER_VILLAGE)
    return {
        "welder": make_worker(here, skills=["电焊"]),
        "welder_cert": make_worker(here, skills=["焊工证"]),
        "forklift": make_worker(here, skills=["叉车司机", "种地"]),
        "nursery": make_worker(here, skills=["育婴员证"]),
        "hats": make_worker(here, skills=["编草帽子"]),
        "nothing": make_worker(here, skills=[]),
        "welder_elsewhere": make_worker(there, skills=["电焊工"]),
    }


def test_the_api_finds_people_by_what_people_say(api_as, people):
    station = api_as("station", [VILLAGE])
    assert found(station, skill="焊工") == {people["welder"], people["welder_cert"]}
    assert found(station, skill="会电焊") == {people["welder"], people["welder_cert"]}
    assert found(station, skill="会开叉车") == {people["forklift"]}
    assert found(station, skill="育婴员") == {people["nursery"]}, "a certificate meets its occupation"
    county = api_as("county", ["640422000000"])
    assert found(county, skill="电焊") == {people["welder"], people["welder_cert"], people["welder_elsewhere"]}
    assert found(county, skill="电焊", area_code=OTHER_VILLAGE) == {people["welder_elsewhere"]}
    assert found(county, skill="电焊", q="马") == {people["welder"], people["welder_cert"], people["welder_elsewhere"]}


def test_text_that_names_no_skill_finds_what_was_written(api_as, people):
    station = api_as("station", [VILLAGE])
    assert found(station, skill="编草帽") == {people["hats"]}
    assert found(station, skill="完全没有这种手艺zz") == set()
    assert found(station, skill="100%_") == set()
    assert len(found(station, skill="")) == 6


def test_a_too_long_skill_is_a_named_error(api_as, areas):
    response = api_as("station", [VILLAGE]).get("/api/v1/workers", query_string={"skill": "焊" * 65})
    assert response.status_code == 422
    assert "skill" in response.json["error"]["fields"]


def test_the_worker_search_page_finds_by_what_people_say(login_as, people):
    page = login_as("station", [VILLAGE])
    for said, expected in [("电焊", {"welder", "welder_cert"}), ("会开叉车", {"forklift"}),
                           ("育婴员", {"nursery"}), ("编草帽", {"hats"}), ("完全没有这种手艺zz", set())]:
        response = page.get("/workers", query_string={"skill": said})
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert row_ids(html) == {people[k] for k in expected}, said
        assert 'name="skill"' in html and f'value="{said}"' in html


def test_the_search_form_keeps_the_skill_in_the_address(login_as, people):
    page = login_as("station", [VILLAGE])
    token = csrf_token(page.get("/workers").get_data(as_text=True))
    response = page.post("/workers", data={"csrf_token": token, "q": "", "skill": "会开叉车"})
    assert response.status_code == 302 and "skill=" in response.headers["Location"]
    html = page.get(response.headers["Location"]).get_data(as_text=True)
    assert row_ids(html) == {people["forklift"]}
