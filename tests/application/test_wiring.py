"""The composition root wires the packages: what a lower package announces reaches the higher
ones that answer it (docs/architecture.md)."""
from tests.conftest import VILLAGE
from tests.training.conftest import course_body

DRIVER = "4-02-02-01"  # 客运车辆驾驶员


def test_a_correction_repoints_the_countys_postings_and_courses_through_the_signal(api_as, make_job):
    """The registry cannot import jobs or training: its `skill_corrected` signal, connected in
    application/, lets them re-point what they keep under the corrected text."""
    posting = make_job(title="班车司机", required_skills=["跑滴滴"])
    provider = api_as("provider")
    course = provider.post("/api/v1/courses", json=course_body(title="网约车司机培训", skills_taught=["跑滴滴"],
                                                                area_code=VILLAGE))
    assert course.status_code == 201, course.json
    station = api_as("station", [VILLAGE])

    done = station.post("/api/v1/skills/corrections", json={"text": "跑滴滴", "code": DRIVER})

    assert done.status_code == 201, done.json
    assert (done.json["postings"], done.json["courses"]) == (1, 1)
    taught = station.get(f"/api/v1/courses/{course.json['id']}").json["skills_taught"]
    assert [s["canonical"] for s in taught] == ["客运车辆驾驶员"]
    asked = station.get(f"/api/v1/jobs/{posting}").json["required_skills"]
    assert [s["canonical"] for s in asked] == ["客运车辆驾驶员"]
