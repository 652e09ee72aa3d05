"""`/api/v1/me`: who is signed in, a worker's own record, and the few things a worker changes about
themself (with the registry's own rules, audited as their change). Pages: "my details" and "my
household". Assertions look at data, ids and data attributes."""
import re

from sqlalchemy import select

from core.extensions import db
from core.models import AuditEvent
from registry.models import Worker
from tests.conftest import VILLAGE
from tests.jobs.conftest import post_form


def worker_of(app, worker_id: int) -> Worker:
    with app.app_context():
        worker = db.session.get(Worker, worker_id)
        skills = sorted((s.name, s.certified) for s in worker.skills)
        db.session.expunge_all()
        worker.skill_list = skills
        return worker


def test_a_worker_reads_their_own_record_with_their_account(api_as, make_worker):
    mine = make_worker(name="马成", skills=["电焊"], expected_wage=3500)
    make_worker(name="田秀英")
    me = api_as("worker", worker_id=mine)
    answer = me.get("/api/v1/me")
    assert answer.status_code == 200, answer.json
    body = answer.json
    assert (body["id"], body["worker_id"], body["name"], body["role"]) == (mine, mine, "马成", "worker")
    assert body["expected_wage"] == 3500 and [s["name"] for s in body["skills"]] == ["电焊"]
    assert body["username"].startswith("worker") and isinstance(body["user_id"], int)
    assert body["birth_date"] == "1988-08-08"  # their own: the birth date, which others do not get
    assert "*" in body["id_number_masked"] and "id_number" not in body


def test_others_get_their_account_with_its_areas(api_as, areas):
    station = api_as("station", [VILLAGE], display_name="团结村劳保站").get("/api/v1/me").json
    assert (station["role"], station["display_name"]) == ("station", "团结村劳保站")
    assert [a["code"] for a in station["areas"]] == [VILLAGE] and station["areas"][0]["name"] == "团结村委会"
    assert "expected_wage" not in station and "name" not in station
    employer = api_as("employer").get("/api/v1/me").json
    assert employer["role"] == "employer" and employer["areas"] == []
    unlinked = api_as("worker").get("/api/v1/me").json
    assert unlinked["role"] == "worker" and unlinked["worker_id"] is None and "expected_wage" not in unlinked


def test_a_worker_changes_their_wage_commute_hours_and_skills_and_it_is_audited(app, api_as, make_worker):
    mine = make_worker(skills=["养牛"])
    me = api_as("worker", worker_id=mine)
    changed = me.patch("/api/v1/me", json={"expected_wage": 4000, "max_commute_km": 20, "willing_to_migrate": True,
                                           "needs_flexible_hours": False, "skills": ["电焊", "开叉车"]})
    assert changed.status_code == 200, changed.json
    assert changed.json["expected_wage"] == 4000 and changed.json["willing_to_migrate"] is True
    worker = worker_of(app, mine)
    assert (worker.expected_wage, worker.max_commute_km, worker.willing_to_migrate) == (4000, 20, True)
    assert worker.skill_list == [("开叉车", False), ("电焊", False)]
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.entity == "worker", AuditEvent.action == "update"))
        assert event.entity_id == str(mine) and event.user_id == changed.json["user_id"]
        assert event.fields == ["expected_wage", "max_commute_km", "skills", "willing_to_migrate"]

    as_one_string = me.patch("/api/v1/me", json={"skills": "放羊，电焊"})  # as people type them
    assert as_one_string.status_code == 200 and worker_of(app, mine).skill_list == [("放羊", False), ("电焊", False)]


def test_nothing_else_and_nothing_out_of_range(app, api_as, make_worker):
    mine = make_worker(name="马成", expected_wage=3000)
    me = api_as("worker", worker_id=mine)
    for body, field in [({"name": "马大成"}, "name"), ({"employment_status": "employed"}, "employment_status"),
                        ({"household_code": "H9999"}, "household_code"), ({"phone": "13900000000"}, "phone"),
                        ({"expected_wage": -1}, "expected_wage"), ({"expected_wage": "a lot"}, "expected_wage"),
                        ({"max_commute_km": 99999}, "max_commute_km"), ({"skills": [""]}, "skills")]:
        refused = me.patch("/api/v1/me", json=body)
        assert refused.status_code == 422, body
        assert field in refused.json["error"]["fields"] or any(k.startswith(field) for k in refused.json["error"]["fields"])
    worker = worker_of(app, mine)
    assert (worker.name, worker.expected_wage, worker.employment_status.name) == ("马成", 3000, "unemployed")


def test_only_a_linked_worker_changes_anything(api_as, make_worker, areas):
    body = {"expected_wage": 4000}
    assert api_as("station", [VILLAGE]).patch("/api/v1/me", json=body).status_code == 403
    assert api_as("admin").patch("/api/v1/me", json=body).status_code == 403
    unlinked = api_as("worker").patch("/api/v1/me", json=body)
    assert unlinked.status_code == 409 and unlinked.json["error"]["code"] == "conflict"


# --- the pages: my details, my household -----------------------------------------------------------

def test_my_details_page_changes_the_same_things_with_the_same_rules(app, login_as, make_worker):
    mine = make_worker(skills=["养牛"], expected_wage=2500)
    page = login_as("worker", worker_id=mine)
    html = page.get("/me/edit").get_data(as_text=True)
    assert 'id="expected_wage"' in html and 'value="2500"' in html and "养牛" in html
    assert 'name="name"' not in html and 'name="id_number"' not in html and 'name="phone"' not in html

    refused = post_form(page, "/me/edit", {"expected_wage": "-5", "max_commute_km": "30", "skills": "电焊"})
    assert refused.status_code == 422 and 'id="expected_wage-error"' in refused.get_data(as_text=True)
    assert worker_of(app, mine).expected_wage == 2500  # nothing half-written

    saved = post_form(page, "/me/edit", {"expected_wage": "4000", "max_commute_km": "30", "willing_to_migrate": "y",
                                         "skills": "电焊、开叉车"})
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/me/edit")
    worker = worker_of(app, mine)
    assert (worker.expected_wage, worker.max_commute_km, worker.willing_to_migrate) == (4000, 30, True)
    assert worker.needs_flexible_hours is False and worker.skill_list == [("开叉车", False), ("电焊", False)]
    # an unticked switch and an emptied box say so: no wage in mind, not willing to move any more
    post_form(page, "/me/edit", {"expected_wage": "", "max_commute_km": "30", "skills": "电焊"})
    worker = worker_of(app, mine)
    assert (worker.expected_wage, worker.willing_to_migrate, worker.skill_list) == (None, False, [("电焊", False)])


def test_my_household_shows_names_and_relations_only(login_as, make_household, make_worker):
    home = make_household()
    mine = make_worker(home, name="马福贵", relation="head", phone="13895001234")
    make_worker(home, name="杨桂花", birth="19830905", relation="spouse", phone="13895005678")
    make_worker(name="田秀英")  # another household
    page = login_as("worker", worker_id=mine)
    html = page.get("/me/household").get_data(as_text=True)
    assert 'data-count="2"' in html and "马福贵" in html and "杨桂花" in html and "田秀英" not in html
    assert 'data-relation="spouse"' in html and 'data-me="1"' in html
    members = html.split('id="members"')[1].split("</ul>")[0]
    assert "1234" not in members and "5678" not in members  # no phones
    assert "640422" not in members and "1983" not in members and "*" not in members  # no ID numbers, not even masked
    unlinked = login_as("worker").get("/me/household")
    assert unlinked.status_code == 200 and 'id="not-linked"' in unlinked.get_data(as_text=True)


def test_a_worker_reading_their_own_record_sees_no_occupation_codes(app, login_as, make_worker):
    worker = make_worker(skills=["电焊"])
    page = login_as("worker", worker_id=worker)
    html = page.get(f"/workers/{worker}").get_data(as_text=True)
    assert "焊工" in html and not re.search(r"\d-\d\d-\d\d-\d\d", html)  # the skill in words, not 6-18-02-04
