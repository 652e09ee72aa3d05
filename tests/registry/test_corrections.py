"""Learning from the station (issue 14, point 7): a correction of what a text resolves to is kept
for the county, resolves the county's workers and postings that wrote it again at once, and
decides how that text resolves there from then on; other counties keep the resolver's answer."""
from sqlalchemy import select

from core.extensions import db
from core.models import AuditEvent
from tests.conftest import COUNTY, FAR_VILLAGE, VILLAGE

DRIVER = "4-02-02-01"  # 客运车辆驾驶员


def skill_code(api, worker_id, written):
    skills = api.get(f"/api/v1/workers/{worker_id}").json["skills"]
    return next(s["code"] for s in skills if s["name"] == written)


def test_a_correction_resolves_the_county_again_and_from_then_on(app, api_as, make_worker, make_household,
                                                                 make_job):
    driver = make_worker(skills=["跑滴滴"], max_commute_km=20)
    far = make_worker(make_household(FAR_VILLAGE), skills=["跑滴滴"])
    posting = make_job(title="班车司机", required_skills=["跑滴滴"], physical_demand="light")
    station, admin = api_as("station", [VILLAGE]), api_as("admin")
    before = admin.get(f"/api/v1/workers/{far}").json["skills"][0]["code"]

    done = station.post("/api/v1/skills/corrections", json={"text": "跑滴滴 ", "code": DRIVER})
    assert done.status_code == 201, done.json
    assert (done.json["county_code"], done.json["code"], done.json["workers"], done.json["postings"]) == \
        (COUNTY, DRIVER, 1, 1)
    assert skill_code(station, driver, "跑滴滴") == DRIVER
    assert admin.get(f"/api/v1/workers/{far}").json["skills"][0]["code"] == before  # another county
    assert [s["canonical"] for s in station.get(f"/api/v1/jobs/{posting}").json["required_skills"]] == ["客运车辆驾驶员"]
    items = station.get(f"/api/v1/jobs/{posting}/candidates").json["items"]
    assert [(i["worker_id"], i["missing_skills"]) for i in items] == [(driver, [])]  # the matcher sees it at once

    newcomer = make_worker(skills=["跑滴滴"])
    assert skill_code(station, newcomer, "跑滴滴") == DRIVER
    later = station.get(f"/api/v1/jobs/{make_job(title='跑滴滴', required_skills=['跑滴滴'])}").json
    assert [s["canonical"] for s in later["required_skills"]] == ["客运车辆驾驶员"]
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "correct"))
        assert event.area_code == COUNTY and "跑滴滴" in event.detail


def test_corrections_are_for_staff_and_name_a_known_entry(api_as, areas):
    assert api_as("employer").post("/api/v1/skills/corrections", json={"text": "跑滴滴", "code": DRIVER}).status_code == 403
    unknown = api_as("station", [VILLAGE]).post("/api/v1/skills/corrections", json={"text": "跑滴滴", "code": "9-99"})
    assert unknown.status_code == 422 and "code" in unknown.json["error"]["fields"]
    admin = api_as("admin").post("/api/v1/skills/corrections", json={"text": "跑滴滴", "code": DRIVER})
    assert admin.status_code == 422 and "area_code" in admin.json["error"]["fields"]  # which county?
    stranger = api_as("station", [VILLAGE]).post("/api/v1/skills/corrections", json={
        "text": "跑滴滴", "code": DRIVER, "area_code": FAR_VILLAGE})
    assert stranger.status_code == 403
