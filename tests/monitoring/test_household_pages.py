"""The household pages a village cadre lives in (issue 16, point 6): the list with its columns and
filters, the file on one screen, its forms, and the county's queue of risk eliminations."""
import re

from tests.conftest import COUNTY, OTHER_VILLAGE, VILLAGE, csrf_token


def text_of(html: str, element_id: str) -> str:
    """The text inside the element with this id, tags removed."""
    start = html.index(f'id="{element_id}"')
    closing = {"ul": "</ul>", "table": "</table>", "p": "</p>", "dd": "</dd>", "section": "</section>"}
    tag = html[html.rindex("<", 0, start) + 1:start].split()[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[start:html.index(closing[tag], start)]))


def family(make_household, make_worker, village=VILLAGE, **household):
    home = make_household(village, **household)
    make_worker(home, birth="19800302", name="马德福", relation="head")
    make_worker(home, birth="19830611", name="李秀兰", relation="spouse", employment_status="local")
    make_worker(home, birth="20150901", name="马小燕", relation="child", school_stage="primary", labour_ability="none")
    return home


def test_the_list_shows_each_households_standing_and_filters_by_risk_and_line(
        api_as, login_as, make_household, make_worker, run):
    poor = family(make_household, make_worker, monitoring_status="unstable", risk_types=["illness", "schooling"],
                  monitoring_since="2024-01-05")
    fine = family(make_household, make_worker)
    family(make_household, make_worker, OTHER_VILLAGE, monitoring_status="marginal", risk_types=["illness"])
    api_as("admin").put(f"/api/v1/areas/{COUNTY}/monitoring-lines/2026", json={"amount": 7000})
    station = api_as("station", [VILLAGE])
    station.put(f"/api/v1/households/{poor}/incomes/2026", json={"wage_income": 15000})  # 5,000 a person
    station.put(f"/api/v1/households/{fine}/incomes/2026", json={"wage_income": 30000})
    run()
    page = login_as("station", [VILLAGE])

    listed = text_of(page.get("/households").get_data(as_text=True), "households")
    assert listed.count("马德福") == 2  # the head's name, twice: the other village's household is not shown
    row = listed[:listed.index(fine)]
    assert "脱贫不稳定户" in row and "因病" in row and "因学" in row
    assert "5,000 / 7,000" in row and "务工 1/3 人" in row and "2 条预警待处理" in row  # below the line, no one new

    below = text_of(page.get("/households?below_line=1").get_data(as_text=True), "households")
    assert poor in below and fine not in below
    by_risk = text_of(page.get("/households?risk_type=schooling").get_data(as_text=True), "households")
    assert poor in by_risk and fine not in by_risk
    assert fine in text_of(page.get("/households?risk_type=").get_data(as_text=True), "households")


def test_the_file_shows_members_income_alerts_helpers_and_help(api_as, login_as, make_household, make_worker, run):
    home = family(make_household, make_worker, monitoring_status="marginal", risk_types=["schooling"],
                  monitoring_since="2025-03-01")
    api_as("admin").put(f"/api/v1/areas/{COUNTY}/monitoring-lines/2026", json={"amount": 7000})
    station = api_as("station", [VILLAGE])
    station.put(f"/api/v1/households/{home}/incomes/2026", json={"wage_income": 18000})
    station.put(f"/api/v1/households/{home}/helpers", json=[
        {"role": "first_secretary", "name": "王书记", "phone": "13895001234"},
        {"role": "responsible", "name": "张帮扶", "phone": None}])
    station.post(f"/api/v1/households/{home}/measures", json={
        "kind": "education", "date": "2026-09-01", "description": "落实雨露计划助学补助", "helper_name": "张帮扶"})
    run()

    html = login_as("station", [VILLAGE]).get(f"/households/{home}").get_data(as_text=True)

    assert "<h1>马德福" in html  # the head of household names the file
    members = text_of(html, "members")
    assert "马德福 户主" in members and "马小燕 子女" in members and "小学" in members
    assert "6,000" in text_of(html, "latest-income") and "7,000" in text_of(html, "latest-income")
    alerts = text_of(html, "open-alerts")
    assert "人均纯收入低于防返贫监测线" in alerts and "自纳入监测（2025-03-01）以来未走访" in alerts
    helpers = text_of(html, "helper-team")
    assert "王书记 · 驻村第一书记 · 138****1234" in helpers and "13895001234" not in html
    assert "落实雨露计划助学补助" in text_of(html, "timeline-items")
    history = text_of(html, "monitoring-history")
    assert "纳入监测" in history and "2025-03-01" in history
    checks = text_of(html, "elimination-checks")
    assert "✗ 2026 年人均纯收入 6,000 元，监测线 7,000 元。" in checks and "✗ 有 2 条预警未处理。" in checks


def test_a_cadre_records_monitoring_help_and_the_team_on_the_page(login_as, make_household, make_worker):
    home = family(make_household, make_worker)
    page = login_as("station", [VILLAGE])
    token = csrf_token(page.get(f"/households/{home}").get_data(as_text=True))

    no_risk = page.post(f"/households/{home}/monitoring", data={"csrf_token": token, "status": "sudden_hardship",
                                                                "reason": "户主务工受伤"})
    assert no_risk.status_code == 422 and "risk_types" in no_risk.get_data(as_text=True)
    assert page.post(f"/households/{home}/monitoring", data={
        "csrf_token": token, "status": "sudden_hardship", "risk_types": ["accident", "lack_of_labour"],
        "reason": "户主务工受伤"}).status_code == 302
    assert page.post(f"/households/{home}/measures", data={
        "csrf_token": token, "kind": "visit", "date": "2026-11-20", "description": "入户了解伤情",
        "helper_name": "王书记"}).status_code == 302
    team = {"csrf_token": token, "rows-0-role": "responsible", "rows-0-name": "张帮扶", "rows-0-phone": "13895007777",
            "rows-0-user_id": "", "rows-1-role": "party_member", "rows-1-name": "", "rows-1-user_id": ""}
    assert page.post(f"/households/{home}/helpers", data=team).status_code == 302

    html = page.get(f"/households/{home}").get_data(as_text=True)
    assert "突发严重困难户" in text_of(html, "household-status") and "因意外事故" in text_of(html, "household-status")
    assert "入户了解伤情" in text_of(html, "timeline-items")
    assert "张帮扶 · 帮扶责任人 · 138****7777" in text_of(html, "helper-team")  # the blank row is dropped


def test_a_refused_proposal_names_each_failed_check_on_the_page(api_as, login_as, make_household, make_worker):
    home = family(make_household, make_worker, monitoring_status="unstable", risk_types=["illness"])
    page = login_as("station", [VILLAGE])
    token = csrf_token(page.get(f"/households/{home}").get_data(as_text=True))

    refused = page.post(f"/households/{home}/risk-elimination", data={"csrf_token": token, "reason": "收入稳定"})

    assert refused.status_code == 409
    said = refused.get_data(as_text=True)
    assert "尚未录入收入核查。" in said and "至少需监测 6 个月" in said
    history = api_as("station", [VILLAGE]).get(f"/api/v1/households/{home}").json["monitoring_history"]
    assert [e["kind"] for e in history] == ["identified"]  # nothing recorded


def test_the_county_decides_in_its_queue(api_as, login_as, make_household, make_worker):
    home = family(make_household, make_worker, monitoring_status="unstable", risk_types=["illness"],
                  monitoring_since="2023-05-01")
    api_as("admin").put(f"/api/v1/areas/{COUNTY}/monitoring-lines/2026", json={"amount": 7000})
    station = api_as("station", [VILLAGE])
    station.put(f"/api/v1/households/{home}/incomes/2026", json={"wage_income": 36000})
    proposed = station.post(f"/api/v1/households/{home}/risk-elimination", json={"reason": "两人稳定务工"})
    assert proposed.status_code == 201, proposed.json
    county = login_as("county", [COUNTY])
    queue = county.get("/risk-eliminations").get_data(as_text=True)
    assert "两人稳定务工" in text_of(queue, "eliminations") and "马德福" in text_of(queue, "eliminations")
    assert login_as("station", [VILLAGE]).get("/risk-eliminations").status_code == 403

    decided = county.post(f"/risk-eliminations/{proposed.json['id']}/decision",
                          data={"csrf_token": csrf_token(queue), "approved": "1", "reason": "核实无误"})

    assert decided.status_code == 302
    assert "没有待审核的申请。" in county.get("/risk-eliminations").get_data(as_text=True)
    file = station.get(f"/api/v1/households/{home}").json
    assert file["monitoring_status"] == "none" and file["risk_eliminated_on"] is not None
    assert [e["kind"] for e in file["monitoring_history"]] == ["identified", "proposed", "eliminated"]


def test_the_county_overview_counts_monitored_households_by_risk(login_as, make_household, make_worker):
    family(make_household, make_worker, monitoring_status="unstable", risk_types=["illness", "schooling"])
    family(make_household, make_worker, monitoring_status="marginal", risk_types=["illness"])
    family(make_household, make_worker)
    html = login_as("county", [COUNTY]).get(f"/county?area_code={COUNTY}").get_data(as_text=True)
    drill = text_of(html, "risks-drill-down")
    assert "因病 2" in drill and "因学 1" in drill and "缺劳力" not in drill
    assert 'risk_type=illness' in html[html.index('id="risks-drill-down"'):]


def test_the_timeline_holds_the_members_training_and_its_subsidy(api_as, login_as, make_household, make_worker):
    from datetime import timedelta

    from core.models import china_today
    from tests.training.test_subsidy_rules import course_with_sessions, enrol, mark
    home = family(make_household, make_worker)
    station, provider = api_as("station", [VILLAGE]), api_as("provider")
    today = china_today()
    course, (first,) = course_with_sessions(provider, [today], subsidy_per_day=40, title="育婴员夜校")
    mother = station.get(f"/api/v1/households/{home}").json["members"][1]["id"]  # 李秀兰, by birth date
    enrolment = enrol(station, course, mother)
    neighbour = enrol(station, course, make_worker(make_household(), name="马邻居"))  # same village, another home
    mark(provider, first, [enrolment, neighbour])
    station.post(f"/api/v1/households/{home}/measures", json={
        "kind": "training", "date": (today - timedelta(days=2)).isoformat(), "description": "动员参加育婴员培训"})

    items = station.get(f"/api/v1/households/{home}/measures").json["items"]

    assert [(i["source"], i["date"]) for i in items] == [
        ("subsidy", today.isoformat()), ("enrolment", today.isoformat()),
        ("measure", (today - timedelta(days=2)).isoformat())]
    assert items[0]["description"] == "李秀兰 · 育婴员夜校：1 天，40 元"
    html = login_as("station", [VILLAGE]).get(f"/households/{home}").get_data(as_text=True)
    assert "育婴员夜校" in text_of(html, "timeline-items") and "40 元" in text_of(html, "timeline-items")


def test_the_file_suggests_postings_for_members_who_may_work(login_as, make_household, make_worker, make_job):
    home = family(make_household, make_worker)
    make_job(title="保洁员", required_skills=[], physical_demand="light", lat=35.97, lon=105.748)
    members = text_of(login_as("station", [VILLAGE]).get(f"/households/{home}").get_data(as_text=True), "members")
    head, rest = members.split("李秀兰")
    assert "推荐岗位： 保洁员" in head  # the head, out of work, is offered the posting
    assert "保洁员" not in rest  # not the mother, in work, nor the pupil
