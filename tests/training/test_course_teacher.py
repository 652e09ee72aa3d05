"""Courses name their teacher (issue 18): a local expert (乡村能手) or leader in prosperity (致富带头人)
on file, or a name typed when the teacher is not on file. The course's pages show the name, the
kind and the trade. Assertions look at status codes, fields, ids and data attributes."""
import re
from datetime import date

import pytest

from core.extensions import db
from core.models import china_today
from registry.models import Exemplar, ExemplarKind
from tests.conftest import COUNTY, OTHER_COUNTY, TOWNSHIP, csrf_token
from tests.training.conftest import course_body
from tests.training.test_printables import opening_tag
from tests.training.test_provider_pages import course_form


@pytest.fixture
def exemplars(app, areas):
    """An expert of 西吉县 who teaches 滩羊养殖, a leader there, a story (not a teacher) and an
    expert of another county: their ids by name."""
    with app.app_context():
        people = [Exemplar(kind=kind, name=name, area_code=area, title="能手", story="……", trade=trade,
                           consent_on=date(2026, 1, 5))
                  for kind, name, area, trade in ((ExemplarKind.expert, "马金花", TOWNSHIP, "滩羊养殖"),
                                                  (ExemplarKind.leader, "李富贵", COUNTY, "马铃薯种植"),
                                                  (ExemplarKind.story, "王小明", TOWNSHIP, None),
                                                  (ExemplarKind.expert, "杨绣娘", OTHER_COUNTY, "刺绣"))]
        db.session.add_all(people)
        db.session.commit()
        return {p.name: p.id for p in people}


def test_a_course_names_a_local_expert_as_its_teacher(api_as, exemplars):
    provider = api_as("provider")
    created = provider.post("/api/v1/courses", json=course_body(teacher_id=exemplars["马金花"]))
    assert created.status_code == 201, created.json
    shown = provider.get(f"/api/v1/courses/{created.json['id']}").json
    assert (shown["teacher_id"], shown["teacher"], shown["teacher_kind"], shown["teacher_trade"]) == (
        exemplars["马金花"], "马金花", "expert", "滩羊养殖")
    assert shown["teacher_kind_label"] == "乡村能手"
    leader = provider.post("/api/v1/courses", json=course_body(teacher_id=exemplars["李富贵"])).json
    assert leader["teacher_kind"] == "leader"


def test_a_teacher_not_on_file_is_named(api_as, areas):
    created = api_as("provider").post("/api/v1/courses", json=course_body(teacher_name="周老师"))
    assert created.status_code == 201
    assert (created.json["teacher"], created.json["teacher_id"], created.json["teacher_kind"]) == ("周老师", None, None)


def test_only_experts_and_leaders_teach_and_one_is_named_once(api_as, exemplars):
    provider = api_as("provider")
    for teacher in (exemplars["王小明"], 999_999):  # a story is no teacher; an id nobody has
        refused = provider.post("/api/v1/courses", json=course_body(teacher_id=teacher))
        assert refused.status_code == 422 and "teacher_id" in refused.json["error"]["fields"]
    both = provider.post("/api/v1/courses", json=course_body(teacher_id=exemplars["马金花"], teacher_name="周老师"))
    assert both.status_code == 422 and "teacher_name" in both.json["error"]["fields"]


def test_a_change_of_teacher_replaces_the_one_before(api_as, exemplars):
    provider = api_as("provider")
    course = provider.post("/api/v1/courses", json=course_body(teacher_name="周老师")).json["id"]
    chosen = provider.patch(f"/api/v1/courses/{course}", json={"teacher_id": exemplars["李富贵"]})
    assert chosen.status_code == 200, chosen.json
    assert (chosen.json["teacher"], chosen.json["teacher_name"]) == ("李富贵", None)
    typed = provider.patch(f"/api/v1/courses/{course}", json={"teacher_name": "周老师"})
    assert (typed.json["teacher"], typed.json["teacher_id"]) == ("周老师", None)
    refused = provider.patch(f"/api/v1/courses/{course}", json={"teacher_id": exemplars["王小明"]})
    assert refused.status_code == 422 and "teacher_id" in refused.json["error"]["fields"]


def test_the_course_pages_show_the_teacher_with_kind_and_trade(client, login_as, exemplars):
    page = login_as("provider")
    form = page.get("/provider/courses/new").get_data(as_text=True)
    offered = set(map(int, re.findall(r'<option value="(\d+)">', re.search(
        r'<select[^>]*id="teacher_id".*?</select>', form, re.S)[0])))
    assert {exemplars["马金花"], exemplars["李富贵"], exemplars["杨绣娘"]} <= offered
    assert exemplars["王小明"] not in offered  # a story, not a teacher
    saved = page.post("/provider/courses/new", data={**course_form(starts_on=china_today().isoformat(),
                                                                   teacher_id=str(exemplars["马金花"])),
                                                     "csrf_token": csrf_token(form)})
    assert saved.status_code == 302, saved.get_data(as_text=True)
    course = int(re.search(r"/provider/courses/(\d+)", saved.headers["Location"])[1])
    for html in (client.get(f"/courses/{course}").get_data(as_text=True),
                 page.get(f"/provider/courses/{course}").get_data(as_text=True)):
        tag = opening_tag(html, "course-teacher")
        assert f'data-teacher-id="{exemplars["马金花"]}"' in tag and 'data-kind="expert"' in tag
        shown = re.search(r'id="course-teacher"[^>]*>(.*?)</dd>', html, re.S)[1]
        assert "马金花" in shown and "乡村能手" in shown and "滩羊养殖" in shown
    # the edit form offers the county's experts and leaders only, now the course has its place
    edit = page.get(f"/provider/courses/{course}/edit").get_data(as_text=True)
    offered = set(map(int, re.findall(r'<option (?:selected )?value="(\d+)"', re.search(
        r'<select[^>]*id="teacher_id".*?</select>', edit, re.S)[0])))
    assert offered == {exemplars["马金花"], exemplars["李富贵"]}
    assert re.search(rf'<option selected value="{exemplars["马金花"]}"', edit)


def test_a_typed_teacher_shows_by_name(client, api_as, areas):
    course = api_as("provider").post("/api/v1/courses", json=course_body(teacher_name="周老师")).json["id"]
    html = client.get(f"/courses/{course}").get_data(as_text=True)
    assert "data-kind" not in opening_tag(html, "course-teacher")
    assert "周老师" in re.search(r'id="course-teacher"[^>]*>(.*?)</dd>', html, re.S)[1]
