"""Finding courses by skill as people say it (issue 14): "电焊" finds a course teaching 焊工, a
certificate finds a course teaching its occupation, and text that names no skill still finds what
was written. The API and the course finder page."""
import re

import pytest

from core.extensions import db
from registry.models import Skill
from registry.taxonomy import resolve_skill, skills_meant
from tests.training.conftest import course_body


def make_course(provider, **fields) -> int:
    response = provider.post("/api/v1/courses", json=course_body(**fields))
    assert response.status_code == 201, response.json
    return response.json["id"]


def found(client, skill: str) -> set[int]:
    response = client.get("/api/v1/courses", query_string={"skill": skill})
    assert response.status_code == 200, response.json
    assert response.json["total"] == len(response.json["items"])
    return {c["id"] for c in response.json["items"]}


def card_ids(html: str) -> set[int]:
    return {int(n) for n in re.findall(r'class="course-card" data-course-id="(\d+)"', html)}


@pytest.fixture
def courses(api_as):
    provider = api_as("provider")
    return provider, {
        "welding": make_course(provider, title="焊接技能培训", skills_taught=["焊工"]),
        "nursery": make_course(provider, title="育婴员培训", skills_taught=["育婴员"], mode="onsite"),
        "forklift": make_course(provider, title="叉车司机证培训", skills_taught=["叉车司机"], mode="onsite"),
        "hats": make_course(provider, title="草帽编织", skills_taught=["编草帽子"], mode="field"),
    }


def test_skills_meant_are_the_entries_of_the_same_occupation(app):
    with app.app_context():
        welder = resolve_skill(db.session, "焊工")
        meant = skills_meant(db.session, "电焊")
        assert welder in meant
        assert {db.session.get(Skill, i).code for i in meant} == {db.session.get(Skill, welder).code}
        assert len(meant) > 1, "the welding certificate is filed under the same occupation"
        assert set(skills_meant(db.session, "育婴员证")) == set(skills_meant(db.session, "育婴员"))
        assert skills_meant(db.session, "编草帽子") is None
        assert skills_meant(db.session, "  ") is None and skills_meant(db.session, None) is None
        health = resolve_skill(db.session, "健康证")  # an entry with no occupation code is only itself
        assert db.session.get(Skill, health).code is None
        assert skills_meant(db.session, "健康证") == [health]


def test_the_api_finds_courses_by_what_people_say(api_as, courses):
    _provider, ids = courses
    client = api_as("worker")
    assert found(client, "电焊") == {ids["welding"]}
    assert found(client, "电焊工") == {ids["welding"]}
    assert found(client, "会开叉车") == {ids["forklift"]}
    assert found(client, "育婴员证") == {ids["nursery"]}, "a certificate meets its occupation"
    assert found(client, "育婴员") == {ids["nursery"]}


def test_a_certificate_taught_is_found_by_the_occupation(api_as):
    provider = api_as("provider")
    course = make_course(provider, title="育婴员证考前班", skills_taught=["育婴员证"])
    assert found(provider, "育婴员") == {course}


def test_text_that_names_no_skill_finds_what_was_written(courses):
    client, ids = courses
    assert found(client, "编草帽") == {ids["hats"]}
    assert found(client, "草帽子") == {ids["hats"]}
    assert found(client, "完全没有这种手艺zz") == set()
    assert found(client, "100%_") == set()


def test_the_skill_filter_combines_with_the_others(courses):
    client, ids = courses
    response = client.get("/api/v1/courses", query_string={"skill": "会开叉车", "mode": "night"})
    assert response.status_code == 200 and response.json["total"] == 0
    response = client.get("/api/v1/courses", query_string={"skill": "会开叉车", "mode": "onsite"})
    assert {c["id"] for c in response.json["items"]} == {ids["forklift"]}


def test_a_too_long_skill_is_a_named_error(api_as):
    response = api_as("worker").get("/api/v1/courses", query_string={"skill": "焊" * 65})
    assert response.status_code in (400, 422)
    assert "skill" in response.json["error"]["fields"]


def test_the_course_finder_page_finds_by_what_people_say(client, courses):
    _provider, ids = courses
    for said, course in [("电焊", "welding"), ("会开叉车", "forklift"), ("育婴员证", "nursery"), ("编草帽", "hats")]:
        response = client.get("/courses", query_string={"skill": said})
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert card_ids(html) == {ids[course]}, said
        assert f'value="{said}"' in html
    nothing = client.get("/courses", query_string={"skill": "完全没有这种手艺zz"})
    assert nothing.status_code == 200 and card_ids(nothing.get_data(as_text=True)) == set()
