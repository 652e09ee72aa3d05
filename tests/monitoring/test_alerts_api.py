"""The alerts API: scoped to the caller's areas, handled by the station, refusals named."""
from jobs.models import LeaveReason


def _alert_in(run, make_household, make_worker, hire, leave, village="640422100200"):
    household = make_household(village)
    leave(hire(make_worker(household)), LeaveReason.adaptation)
    run()
    return household


def test_the_list_of_alerts_by_area(app, api_as, make_household, make_worker, hire, leave, run):
    ours = _alert_in(run, make_household, make_worker, hire, leave)
    _alert_in(run, make_household, make_worker, hire, leave, village="640422100201")
    station = api_as("station", ["640422100200"])
    listed = station.get("/api/v1/alerts", query_string={"area_code": "640422100200"})
    assert listed.status_code == 200
    assert {i["household_code"] for i in listed.json["items"]} == {ours}
    assert listed.json["total"] == 2  # the job lost, and the placement that ended for adaptation
    first = listed.json["items"][0]
    assert set(first) >= {"id", "household_code", "rule", "severity", "opened_at"}
    assert first["severity"] == "high"  # the most urgent first
    county = api_as("county", ["640422000000"])
    assert county.get("/api/v1/alerts").json["total"] == 4
    assert county.get("/api/v1/alerts", query_string={"rule": "employment_lost"}).json["total"] == 2
    assert county.get("/api/v1/alerts", query_string={"open": "false"}).json["total"] == 0


def test_handling_an_alert(app, api_as, make_household, make_worker, hire, leave, run):
    _alert_in(run, make_household, make_worker, hire, leave)
    station = api_as("station", ["640422100200"])
    alert = station.get("/api/v1/alerts", query_string={"rule": "placement_ended_adaptation"}).json["items"][0]
    url = f"/api/v1/alerts/{alert['id']}"
    refused = station.post(url + "/close", json={"note": "好了"})
    assert refused.status_code == 409 and "actions" in refused.json["error"]["fields"]
    assert station.post(url + "/acknowledge").json["status"] == "acknowledged"
    bad = station.post(url + "/actions", json={"kind": "magic", "note": ""})
    assert bad.status_code == 422 and set(bad.json["error"]["fields"]) == {"kind", "note"}
    done = station.post(url + "/actions", json={"kind": "visit", "note": "入户走访，了解到不适应夜班"})
    assert done.status_code == 201 and done.json["kind"] == "visit"
    closed = station.post(url + "/close", json={"note": "已推荐到县城白班岗位"})
    assert closed.status_code == 200 and closed.json["status"] == "closed"
    shown = station.get(url).json
    assert [a["note"] for a in shown["actions"]] == ["入户走访，了解到不适应夜班"]
    assert shown["closing_note"] == "已推荐到县城白班岗位" and len(shown["events"]) == 1
    assert station.get("/api/v1/alerts", query_string={"open": "true", "rule": "placement_ended_adaptation"}).json[
        "total"] == 0


def test_who_may_see_and_handle(app, api_as, make_household, make_worker, hire, leave, run):
    _alert_in(run, make_household, make_worker, hire, leave)
    alert_id = api_as("admin").get("/api/v1/alerts").json["items"][0]["id"]
    elsewhere = api_as("station", ["640422100201"])
    assert elsewhere.get(f"/api/v1/alerts/{alert_id}").status_code == 404
    assert elsewhere.post(f"/api/v1/alerts/{alert_id}/acknowledge").status_code == 404
    county = api_as("county", ["640422000000"])
    assert county.get(f"/api/v1/alerts/{alert_id}").status_code == 200
    assert county.post(f"/api/v1/alerts/{alert_id}/acknowledge").status_code == 403
    assert api_as("employer").get("/api/v1/alerts").status_code == 403
    assert api_as("admin").get("/api/v1/alerts/99999999999999").status_code == 404


def test_a_household_names_its_helper_account_and_their_alerts_are_theirs(app, api_as, make_user, make_worker, run):
    from sqlalchemy import select

    from core.extensions import db
    from core.models import User
    station = api_as("station", ["640422100200"])
    helper_name, _password = make_user("station", ["640422100200"], display_name="马书记")
    elsewhere_name, _password = make_user("station", ["640422100201"])
    with app.app_context():
        helper = db.session.scalar(select(User.id).where(User.username == helper_name))
        elsewhere = db.session.scalar(select(User.id).where(User.username == elsewhere_name))
    body = {"code": "HLP-1", "village_code": "640422100200", "monitoring_status": "unstable"}
    refused = station.post("/api/v1/households", json={**body, "helper_id": elsewhere})
    assert refused.status_code == 422 and "helper_id" in refused.json["error"]["fields"]
    made = station.post("/api/v1/households", json={**body, "helper_id": helper})
    assert made.status_code == 201 and made.json["helper_id"] == helper
    make_worker("HLP-1")
    make_worker(station.post("/api/v1/households", json={**body, "code": "HLP-2"}).json["code"])
    run()
    mine = api_as("station", ["640422100200"]).get("/api/v1/alerts", query_string={"mine": "true"})
    assert mine.json["total"] == 0  # another account of the station helps nobody
    listed = station.get("/api/v1/alerts").json["items"]
    assert {(i["household_code"], i["helper_name"]) for i in listed} == {("HLP-1", "马书记"), ("HLP-2", None)}
