"""Training on paper (issue 17): a session's attendance sheet, a course's class roster, a
completed enrolment's certificate with its pass mark, score and QR code, and the public check of a
certificate number. No ID number on any of them; the public check names nobody in full.
Assertions look at data, ids, data attributes and the enumerations' Chinese labels."""
import re

import pytest

from core.auth import authenticate, issue_token
from core.extensions import db
from core.models import china_today
from registry.models import Worker
from tests.conftest import VILLAGE, ApiClient, csrf_token, id_number
from tests.jobs.conftest import text_of
from tests.training.conftest import course_body
from tests.training.test_subsidy_rules import enrol, mark
from training import results
from training.models import Enrollment

PEOPLE = [("马永福", id_number("19910707", 71), "13895000071"), ("马永兰", id_number("19940404", 72), "13895000072"),
          ("李强", id_number("19900101", 73), "13895000073")]


@pytest.fixture
def school(app, client, make_user, api_as, make_worker, make_household, areas):
    """A provider (API and pages as one user) with a course of two seats that began today, two
    sessions today (08:30–11:30, 14:00–17:00, at 村委会): 马永福 and 马永兰 hold the seats, 李强
    waits. 马永福 came to both sessions and passed with 88 points; 马永兰 came to none and failed."""
    username, password = make_user("provider", display_name="县职业技术学校")
    with app.app_context():
        api = ApiClient(client, issue_token(authenticate(username, password)))
        db.session.commit()
    page = app.test_client()
    token = csrf_token(page.get("/login").get_data(as_text=True))
    page.post("/login", data={"username": username, "password": password, "csrf_token": token})
    course = api.post("/api/v1/courses", json=course_body(
        title="电焊工夜校", provider="西吉县职业技能培训中心", starts_on=china_today().isoformat(), capacity=2,
        completion_threshold=80, address="吉强镇文化站", certificate="焊工培训合格证", certificate_kind="training")).json
    sessions = [api.post(f"/api/v1/courses/{course['id']}/sessions", json={
        "day": china_today().isoformat(), "starts_at": start, "ends_at": end, "place": "村委会", "topic": topic}).json["id"]
        for start, end, topic in (("08:30", "11:30", "焊接安全"), ("14:00", "17:00", "手工电弧焊"))]
    station, household = api_as("station", [VILLAGE]), make_household()
    workers = [make_worker(household, name=name, id_number=number, phone=phone) for name, number, phone in PEOPLE]
    passed, failed = (enrol(station, course["id"], w) for w in workers[:2])
    waiting = station.post(f"/api/v1/courses/{course['id']}/enrollments", json={"worker_id": workers[2]}).json
    assert waiting["status"] == "waitlisted"
    for sid in sessions:
        mark(api, sid, [passed])
    done = api.post(f"/api/v1/enrollments/{passed}/complete", json={"passed": True, "post_score": 88})
    assert done.status_code == 200, done.json
    assert api.post(f"/api/v1/enrollments/{failed}/complete", json={"passed": False}).status_code == 200
    return {"api": api, "page": page, "course": course["id"], "sessions": sessions, "workers": workers,
            "passed": passed, "failed": failed, "waiting": waiting["id"], "code": done.json["certificate_no"]}


def no_id_numbers(html: str) -> bool:
    masked = [number[:6] + "*" * 10 + number[-2:] for _name, number, _phone in PEOPLE]
    return not any(number in html for _n, number, _p in PEOPLE) and not any(m in html for m in masked)


def opening_tag(html: str, element_id: str) -> str:
    return re.search(rf'<[^>]*id="{element_id}"[^>]*>', html)[0]


def test_the_attendance_sheet_lists_the_class_to_sign_and_no_id_number(school, login_as):
    sid = school["sessions"][1]
    response = school["page"].get(f"/sessions/{sid}/sheet")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'data-people="2"' in opening_tag(html, "attendance-sheet")
    names = re.findall(r'<tr class="sheet-line" data-enrollment-id="(\d+)"><td>\d+</td><td class="name">([^<]+)</td>'
                       r'<td class="sign"></td>', html)
    assert names == [(str(school["passed"]), "马永福"), (str(school["failed"]), "马永兰")]
    assert "李强" not in html  # waiting, not in the class
    assert text_of(html, "sheet-course") == "电焊工夜校" and text_of(html, "sheet-place") == "村委会"
    assert f'data-day="{china_today().isoformat()}"' in opening_tag(html, "sheet-date")
    assert "14:00–17:00" in text_of(html, "sheet-date")
    assert no_id_numbers(html) and not any(phone in html for _n, _i, phone in PEOPLE)
    assert login_as("provider").get(f"/sessions/{sid}/sheet").status_code == 403  # not their course
    assert login_as("station", [VILLAGE]).get(f"/sessions/{sid}/sheet").status_code == 403
    assert school["page"].get("/sessions/999999/sheet").status_code == 404


def test_the_class_roster_has_names_villages_masked_phones_and_statuses(school, login_as):
    response = school["page"].get(f"/courses/{school['course']}/roster")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    lines = re.findall(r'<tr class="roster-line" data-enrollment-id="(\d+)" data-status="(\w+)">', html)
    assert lines == [(str(school["passed"]), "completed"), (str(school["failed"]), "failed"),
                     (str(school["waiting"]), "waitlisted")]
    shown = html.replace("<wbr>", "")  # a line may break between the stars and the last four digits
    for name, _number, phone in PEOPLE:
        assert name in html and phone not in shown and phone[:3] + "****" + phone[-4:] in shown
    assert html.count("团结村委会") == 3
    assert all(label in html for label in ("已结业", "未通过", "候补"))
    assert no_id_numbers(html)
    assert login_as("provider").get(f"/courses/{school['course']}/roster").status_code == 403


def test_a_certificate_states_attendance_pass_mark_score_and_its_code(school, app, login_as):
    response = school["page"].get(f"/enrollments/{school['passed']}/certificate")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    tag = opening_tag(html, "certificate")
    for attribute, value in (("code", school["code"]), ("attended", "2"), ("sessions", "2"), ("days", "1"),
                             ("hours", "6.0"), ("threshold", "80"), ("needed", "2"), ("score", "88")):
        assert f'data-{attribute}="{value}"' in tag, attribute
    assert text_of(html, "certificate-name") == "马永福" and text_of(html, "certificate-no") == school["code"]
    assert text_of(html, "certificate-course") == "电焊工夜校" and "80" in text_of(html, "pass-mark")
    assert text_of(html, "certificate-title") == "焊工培训合格证"
    url = opening_tag(html, "certificate-qr")
    assert re.search(rf'data-url="http://[^"]+/certificates/{school["code"]}"', url)
    assert re.search(r'<svg[^>]*class="qr"', html) and f"/certificates/{school['code']}</title>" in html
    assert no_id_numbers(html)

    # only a completed enrolment has one; the trainee opens their own, nobody else's
    assert school["page"].get(f"/enrollments/{school['failed']}/certificate").status_code == 404
    assert school["page"].get(f"/enrollments/{school['waiting']}/certificate").status_code == 404
    with app.app_context():
        ids = {w.name: w.id for w in db.session.query(Worker).filter(Worker.id.in_(school["workers"]))}
    own = login_as("worker", worker_id=ids["马永福"]).get(f"/enrollments/{school['passed']}/certificate")
    assert own.status_code == 200 and school["code"] in own.get_data(as_text=True)
    sister = login_as("worker", worker_id=ids["马永兰"])
    assert sister.get(f"/enrollments/{school['passed']}/certificate").status_code == 404
    assert login_as("provider").get(f"/enrollments/{school['passed']}/certificate").status_code == 404


def test_the_course_pages_state_the_pass_mark(school, client):
    course = school["course"]
    managed = school["page"].get(f"/provider/courses/{course}").get_data(as_text=True)
    assert 'data-threshold="80"' in opening_tag(managed, "pass-mark")
    assert 'data-threshold="80"' in opening_tag(client.get(f"/courses/{course}").get_data(as_text=True), "pass-mark")
    assert f'href="/enrollments/{school["passed"]}/certificate"' in managed
    assert f'href="/sessions/{school["sessions"][0]}/sheet"' in managed and f'href="/courses/{course}/roster"' in managed


def test_anyone_checks_a_certificate_number_and_sees_only_what_it_proves(school, client):
    response = client.get(f"/certificates/{school['code']}")  # not signed in
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'data-valid="true"' in opening_tag(html, "verification")
    assert text_of(html, "check-name") == "马**"
    assert text_of(html, "check-course") == "电焊工夜校" and text_of(html, "check-provider") == "西吉县职业技能培训中心"
    assert text_of(html, "check-completed") == china_today().isoformat()
    assert "马永福" not in html and no_id_numbers(html) and not any(p in html for _n, _i, p in PEOPLE)
    assert client.get(f"/certificates/{school['code'].lower()}").status_code == 200  # typed in lower case


def test_a_certificate_number_does_not_give_away_another(app, school):
    """Its check code is keyed: the number another enrolment would have is not the printed one with
    the sequence changed, so numbers cannot be walked on the public check."""
    code = school["code"]
    assert re.fullmatch(r"PX\d{4}-\d{5}-\d{6}-[2-9A-HJ-NP-Z]{8}", code)
    walked = code.replace(f"-{school['passed']:06d}-", f"-{school['failed']:06d}-")
    with app.app_context():
        theirs = results.certificate_number(db.session.get(Enrollment, school["failed"]))
    assert theirs[:20] == walked[:20] and theirs != walked


@pytest.mark.parametrize("code", ["failed", "PX1999-99999-999999", "not-a-certificate", "X" * 500, "%27%20OR%201%3D1"])
def test_a_number_not_on_record_is_not_genuine(school, client, code):
    if code == "failed":  # the number the one who failed would have had: no certificate was issued
        code = school["code"].replace(f"-{school['passed']:06d}-", f"-{school['failed']:06d}-")
        assert code != school["code"]
    response = client.get(f"/certificates/{code}")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert 'data-valid="false"' in opening_tag(html, "verification") and 'id="not-genuine"' in html
    assert '<html lang="zh-CN">' in html and "马" not in text_of(html, "not-genuine")
