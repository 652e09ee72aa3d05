"""The household file (issue 16): one household's file as the station reads it, putting it under
monitoring and the history that keeps, its 5+N helper team, the help it has had on one timeline,
and who may read and write it."""
from datetime import timedelta

from sqlalchemy import select

from core.extensions import db
from core.models import User, china_today
from tests.conftest import COUNTY, OTHER_VILLAGE, VILLAGE
from tests.jobs.conftest import post_form
from tests.training.conftest import course_body


def _user_id(app, display_name: str) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.display_name == display_name))


def test_the_file_names_the_head_its_size_risks_income_helpers_and_alerts(app, api_as, make_household, make_worker,
                                                                            run):
    home = make_household(monitoring_status="unstable", monitoring_since="2024-05-01", risk_types=["因病", "lack_of_skills"])
    make_worker(home, birth="20100101", name="马小军", relation="child", school_stage="junior")
    make_worker(home, birth="19750101", name="马德福", relation="head")
    make_worker(home, birth="19720101", name="李秀兰", relation="spouse")  # older than the head
    api_as("admin").put(f"/api/v1/areas/{COUNTY}/monitoring-lines/2025", json={"amount": 7000})
    station = api_as("station", [VILLAGE])
    assert station.put(f"/api/v1/households/{home}/incomes/2025", json={"wage_income": 18000}).status_code == 200
    helped = station.put(f"/api/v1/households/{home}/helpers",
                         json=[{"role": "responsible", "name": "王建华", "phone": "13912345678"}])
    assert helped.status_code == 200, helped.json
    run()  # nobody in work, under the line, not visited since 2024: three alerts

    file = station.get(f"/api/v1/households/{home}")

    assert file.status_code == 200, file.json
    body = file.json
    assert body["head_name"] == "马德福"  # the member registered as 户主, not the eldest or the first
    assert body["size"] == 3
    assert body["risk_types"] == ["illness", "lack_of_skills"]
    assert body["monitoring_since"] == "2024-05-01"
    assert (body["income"]["year"], body["income"]["per_capita"], body["income"]["line"],
            body["income"]["below_line"]) == (2025, 6000.0, 7000, True)
    assert [(h["role"], h["name"], h["phone_masked"]) for h in body["helpers"]] == [
        ("responsible", "王建华", "139****5678")]
    assert "13912345678" not in file.get_data(as_text=True)  # the helper's number is never shown whole
    rules = [a["rule"] for a in body["open_alerts"]]
    assert sorted(rules[:2]) == ["income_below_line", "monitored_no_work"] and rules[2:] == ["not_visited"]
    assert [(e["kind"], e["date"], e["status"]) for e in body["monitoring_history"]] == [
        ("identified", "2024-05-01", "unstable")]


def test_putting_a_household_under_monitoring_and_changing_it(api_as, make_household):
    ordinary = make_household()
    station = api_as("station", [VILLAGE])
    today = china_today().isoformat()

    started = station.post(f"/api/v1/households/{ordinary}/monitoring",
                           json={"status": "marginal", "risk_types": ["因灾", "lack_of_funds"], "reason": "冰雹毁了庄稼"})

    assert started.status_code == 201, started.json
    assert (started.json["kind"], started.json["date"], started.json["status"]) == ("identified", today, "marginal")
    file = station.get(f"/api/v1/households/{ordinary}").json
    assert (file["monitoring_status"], file["monitoring_since"], file["risk_types"]) == (
        "marginal", today, ["disaster", "lack_of_funds"])
    assert [(e["kind"], e["date"], e["reason"]) for e in file["monitoring_history"]] == [
        ("identified", today, "冰雹毁了庄稼")]

    # a household monitored for a while: a change is "changed", and monitoring still began when it began
    old = make_household(monitoring_status="unstable", monitoring_since="2024-05-01", risk_types=["illness"])
    changed = station.post(f"/api/v1/households/{old}/monitoring",
                           json={"status": "sudden_hardship", "risk_types": ["accident"], "reason": "户主车祸"})
    assert changed.status_code == 201, changed.json
    file = station.get(f"/api/v1/households/{old}").json
    assert (file["monitoring_status"], file["monitoring_since"], file["risk_types"]) == (
        "sudden_hardship", "2024-05-01", ["accident"])
    assert [(e["kind"], e["date"], e["status"], e["risk_types"]) for e in file["monitoring_history"]] == [
        ("identified", "2024-05-01", "unstable", ["illness"]), ("changed", today, "sudden_hardship", ["accident"])]


def test_monitoring_is_not_ended_by_a_post_an_edit_or_a_form(api_as, login_as, make_household):
    home = make_household(monitoring_status="unstable", monitoring_since="2024-05-01", risk_types=["illness"])
    station = api_as("station", [VILLAGE])

    none = station.post(f"/api/v1/households/{home}/monitoring",
                        json={"status": "none", "risk_types": ["illness"], "reason": "好了"})
    assert none.status_code == 422 and "status" in none.json["error"]["fields"]
    patched = station.patch(f"/api/v1/households/{home}", json={"monitoring_status": "none"})
    assert patched.status_code == 409 and "monitoring_status" in patched.json["error"]["fields"]

    page = login_as("station", [VILLAGE])
    form = post_form(page, f"/households/{home}/edit", {"village_code": VILLAGE, "monitoring_status": "none"})
    assert form.status_code == 422  # shown again with the reason, not saved

    file = station.get(f"/api/v1/households/{home}").json
    assert (file["monitoring_status"], file["monitoring_since"], file["risk_types"]) == (
        "unstable", "2024-05-01", ["illness"])
    assert [e["kind"] for e in file["monitoring_history"]] == ["identified"]


def test_monitoring_cannot_begin_in_the_future(api_as, areas):
    station = api_as("station", [VILLAGE])
    tomorrow = (china_today() + timedelta(days=1)).isoformat()
    refused = station.post("/api/v1/households", json={"code": "F1", "village_code": VILLAGE,
                                                       "monitoring_status": "marginal", "monitoring_since": tomorrow})
    assert refused.status_code == 422 and list(refused.json["error"]["fields"]) == ["monitoring_since"]
    assert station.get("/api/v1/households/F1").status_code == 404
    today = china_today().isoformat()
    made = station.post("/api/v1/households", json={"code": "F2", "village_code": VILLAGE,
                                                    "monitoring_status": "marginal", "monitoring_since": today})
    assert made.status_code == 201 and made.json["monitoring_since"] == today


def test_the_helper_team_is_replaced_and_its_first_responsible_is_the_households_helper(app, api_as, make_user,
                                                                                        make_household):
    home = make_household(monitoring_status="marginal")
    make_user("station", [VILLAGE], display_name="马书记")
    make_user("station", [OTHER_VILLAGE], display_name="别村干部")
    ours, theirs = _user_id(app, "马书记"), _user_id(app, "别村干部")
    station = api_as("station", [VILLAGE])
    team = [{"role": "first_secretary", "name": "张第一书记", "phone": "13912345678"},
            {"role": "responsible", "name": "马书记", "phone": "13800001111", "user_id": ours},
            {"role": "responsible", "name": "田大姐"}]

    put = station.put(f"/api/v1/households/{home}/helpers", json=team)

    assert put.status_code == 200, put.json
    assert [(h["role"], h["name"], h["phone_masked"], h["user_id"]) for h in put.json["items"]] == [
        ("first_secretary", "张第一书记", "139****5678", None), ("responsible", "马书记", "138****1111", ours),
        ("responsible", "田大姐", None, None)]
    assert "13912345678" not in put.get_data(as_text=True)
    file = station.get(f"/api/v1/households/{home}").json
    assert (file["helper_name"], file["helper_id"]) == ("马书记", ours)

    refused = station.put(f"/api/v1/households/{home}/helpers",
                          json=[{"role": "party_member", "name": "外村人", "user_id": theirs}])
    assert refused.status_code == 422
    assert [k for k in refused.json["error"]["fields"] if k.endswith("user_id")]
    assert [h["name"] for h in station.get(f"/api/v1/households/{home}").json["helpers"]] == [
        "张第一书记", "马书记", "田大姐"]  # unchanged

    replaced = station.put(f"/api/v1/households/{home}/helpers", json=[{"role": "party_member", "name": "李党员"}])
    assert replaced.status_code == 200
    file = station.get(f"/api/v1/households/{home}").json
    assert [(h["role"], h["name"]) for h in file["helpers"]] == [("party_member", "李党员")]
    assert (file["helper_name"], file["helper_id"]) == (None, None)  # no responsible helper any more


def test_the_households_alerts_reach_a_helper_of_its_team(app, api_as, make_household, make_worker, run):
    helped, other = make_household(monitoring_status="unstable"), make_household(monitoring_status="unstable")
    make_worker(helped)
    make_worker(other)
    secretary = api_as("station", [VILLAGE], display_name="驻村第一书记张")
    run()
    assert secretary.get("/api/v1/alerts", query_string={"mine": "true"}).json["total"] == 0  # nobody's helper yet

    station = api_as("station", [VILLAGE])
    team = [{"role": "first_secretary", "name": "张书记", "user_id": _user_id(app, "驻村第一书记张")}]
    assert station.put(f"/api/v1/households/{helped}/helpers", json=team).status_code == 200

    mine = secretary.get("/api/v1/alerts", query_string={"mine": "true"})
    assert mine.status_code == 200
    assert [(i["household_code"], i["rule"]) for i in mine.json["items"]] == [(helped, "monitored_no_work")]
    assert mine.json["total"] == 1
    assert secretary.get("/api/v1/alerts").json["total"] == 2  # without `mine`: the whole village


def test_measures_and_the_members_steps_on_one_timeline_newest_first(api_as, make_household, make_worker, make_job):
    home = make_household(monitoring_status="marginal")
    son = make_worker(home, name="马成", birth="19950101")
    elsewhere = make_household()
    station = api_as("station", [VILLAGE])
    today = china_today()

    future = station.post(f"/api/v1/households/{home}/measures",
                          json={"kind": "visit", "date": (today + timedelta(days=1)).isoformat(),
                                "description": "还没去"})
    assert future.status_code == 422 and list(future.json["error"]["fields"]) == ["date"]
    visit = station.post(f"/api/v1/households/{home}/measures",
                         json={"kind": "visit", "date": (today - timedelta(days=30)).isoformat(),
                               "description": "入户走访", "helper_name": "王建华"})
    assert visit.status_code == 201, visit.json
    assert (visit.json["source"], visit.json["kind"], visit.json["kind_label"]) == ("measure", "visit", "走访")
    assert station.post(f"/api/v1/households/{home}/measures",
                        json={"kind": "medical", "date": (today - timedelta(days=10)).isoformat(),
                              "description": "大病救助 3000 元"}).status_code == 201
    assert station.post(f"/api/v1/households/{elsewhere}/measures",
                        json={"kind": "housing", "date": today.isoformat(), "description": "别家的"}).status_code == 201
    job = make_job(title="缝纫工", required_skills=[])
    referral = station.post("/api/v1/referrals", json={"worker_id": son, "job_id": job})
    assert referral.status_code == 201, referral.json
    assert api_as("admin").patch(f"/api/v1/referrals/{referral.json['id']}", json={"status": "hired"}).status_code == 200
    course = api_as("provider").post("/api/v1/courses", json=course_body(title="电焊培训")).json["id"]
    assert station.post(f"/api/v1/courses/{course}/enrollments", json={"worker_id": son}).status_code == 201

    listed = station.get(f"/api/v1/households/{home}/measures")

    assert listed.status_code == 200, listed.json
    items = listed.json["items"]
    assert listed.json["total"] == 5
    assert [(i["source"], i["date"]) for i in items[3:]] == [
        ("measure", (today - timedelta(days=10)).isoformat()), ("measure", (today - timedelta(days=30)).isoformat())]
    assert {(i["source"], i["date"]) for i in items[:3]} == {
        ("referral", today.isoformat()), ("hire", today.isoformat()), ("enrolment", today.isoformat())}
    steps = {i["source"]: i["description"] for i in items[:3]}
    assert "马成" in steps["hire"] and "缝纫工" in steps["hire"] and "电焊培训" in steps["enrolment"]
    assert items[4]["helper_name"] == "王建华" and items[3]["kind"] == "medical"
    assert "别家的" not in listed.get_data(as_text=True)


def test_only_staff_of_the_village_reach_the_file(api_as, make_household, make_worker):
    home = make_household(monitoring_status="unstable", monitoring_since="2020-03-01")
    member = make_worker(home)
    writes = [
        ("post", f"/api/v1/households/{home}/monitoring",
         {"status": "marginal", "risk_types": ["illness"], "reason": "x"}),
        ("put", f"/api/v1/households/{home}/helpers", [{"role": "party_member", "name": "李党员"}]),
        ("post", f"/api/v1/households/{home}/measures",
         {"kind": "visit", "date": china_today().isoformat(), "description": "走访"}),
        ("post", f"/api/v1/households/{home}/risk-elimination", {"reason": "稳定了"}),
    ]
    reads = [f"/api/v1/households/{home}", f"/api/v1/households/{home}/measures"]

    stranger = api_as("station", [OTHER_VILLAGE])
    for url in reads:
        assert stranger.get(url).status_code == 404, url
    for method, url, body in writes:
        assert getattr(stranger, method)(url, json=body).status_code == 404, url

    for outsider in (api_as("employer"), api_as("provider"), api_as("worker", worker_id=member)):
        for url in reads:
            assert outsider.get(url).status_code == 403, url
        for method, url, body in writes:
            assert getattr(outsider, method)(url, json=body).status_code == 403, url

    station = api_as("station", [VILLAGE])
    file = station.get(f"/api/v1/households/{home}").json
    assert (file["monitoring_status"], file["helpers"], [e["kind"] for e in file["monitoring_history"]]) == (
        "unstable", [], ["identified"])  # nothing the others tried was kept
    assert station.get(f"/api/v1/households/{home}/measures").json["total"] == 0


def test_an_edit_that_starts_monitoring_keeps_the_day_it_began_and_changed_risks_are_history(
        api_as, make_household):
    home = make_household()
    station = api_as("station", [VILLAGE])
    started = station.patch(f"/api/v1/households/{home}", json={
        "monitoring_status": "marginal", "risk_types": ["illness"], "monitoring_since": "2024-05-01"})
    assert started.status_code == 200, started.json
    assert started.json["monitoring_since"] == "2024-05-01"
    station.patch(f"/api/v1/households/{home}", json={"risk_types": ["illness", "schooling"]})
    history = station.get(f"/api/v1/households/{home}").json["monitoring_history"]
    assert [(e["kind"], e["date"], e["risk_types"]) for e in history] == [
        ("identified", "2024-05-01", ["illness"]),
        ("changed", china_today().isoformat(), ["illness", "schooling"])]
