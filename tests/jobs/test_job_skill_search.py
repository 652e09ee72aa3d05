"""Finding postings by skill as people say it (issue 14): "会开叉车" finds a forklift posting,
whether the posting asks for the skill or its title names the occupation; a certificate meets its
occupation; text that names no skill still finds what was written. The API and the jobs page."""
import re

import pytest

from tests.conftest import VILLAGE


def found(client, **query) -> set[int]:
    response = client.get("/api/v1/jobs", query_string=query)
    assert response.status_code == 200, response.json
    assert response.json["total"] == len(response.json["items"])
    return {j["id"] for j in response.json["items"]}


def card_ids(html: str) -> set[int]:
    return {int(n) for n in re.findall(r'class="job-card" data-job-id="(\d+)"', html)}


@pytest.fixture
def postings(make_employer, make_job):
    employer = make_employer()
    return {
        "welding": make_job(employer, title="钢结构车间招工", required_skills=["焊工"]),
        "forklift": make_job(employer, title="物流园仓库装卸", required_skills=["叉车司机"]),
        "forklift_title": make_job(employer, title="叉车司机", required_skills=[]),
        "nursery": make_job(employer, title="月嫂育儿嫂", required_skills=["育婴员"]),
        "hats": make_job(employer, title="手工车间", required_skills=["编草帽子"]),
    }


def test_the_api_finds_postings_by_what_people_say(api_as, postings):
    client = api_as("worker")
    assert found(client, skill="电焊") == {postings["welding"]}
    assert found(client, skill="会开叉车") == {postings["forklift"], postings["forklift_title"]}
    assert found(client, skill="叉车司机证") == {postings["forklift"], postings["forklift_title"]}
    assert found(client, skill="育婴员证") == {postings["nursery"]}, "a certificate meets its occupation"
    assert found(client) == set(postings.values())


def test_text_that_names_no_skill_finds_what_was_written(api_as, postings):
    client = api_as("station", [VILLAGE])
    assert found(client, skill="编草帽") == {postings["hats"]}
    assert found(client, skill="完全没有这种手艺zz") == set()
    assert found(client, skill="100%_") == set()


def test_the_skill_filter_combines_with_the_others(api_as, make_employer, make_job, postings):
    client = api_as("worker")
    other = make_employer()
    elsewhere = make_job(other, title="叉车工", required_skills=["会开叉车"])
    assert found(client, skill="会开叉车", employer_id=other) == {elsewhere}
    assert found(client, skill="会开叉车", q="仓库") == {postings["forklift"]}


def test_a_too_long_skill_is_a_named_error(api_as):
    response = api_as("worker").get("/api/v1/jobs", query_string={"skill": "叉" * 65})
    assert response.status_code == 422
    assert "skill" in response.json["error"]["fields"]


def test_the_jobs_page_finds_by_what_people_say(client, postings):
    for said, expected in [("电焊", {"welding"}), ("会开叉车", {"forklift", "forklift_title"}),
                           ("育婴员证", {"nursery"}), ("编草帽", {"hats"})]:
        response = client.get("/jobs", query_string={"skill": said})
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert card_ids(html) == {postings[k] for k in expected}, said
        assert 'name="skill"' in html and f'value="{said}"' in html
    nothing = client.get("/jobs", query_string={"skill": "完全没有这种手艺zz", "q": "车间"})
    assert nothing.status_code == 200 and card_ids(nothing.get_data(as_text=True)) == set()
    both = client.get("/jobs", query_string={"skill": "编草帽", "q": "车间"})
    assert card_ids(both.get_data(as_text=True)) == {postings["hats"]}
