"""Every member of a household on file (issue 16): relation to the head, school stage, labour
ability; children, pupils and the old are registered but never matched or referred to jobs; the
ledger's columns for them and for the household's risks; households under the line rank in plans
like monitored ones."""
import io
from datetime import date, timedelta

import numpy as np
from openpyxl import Workbook

from core.extensions import db
from core.models import china_today
from tests.conftest import COUNTY, VILLAGE, id_number

HOME = (35.964, 105.748)  # 吉强镇's point, where 团结村's people live


def born(age: int) -> str:
    """A birth date (YYYYMMDD) that makes someone `age` today: 1 January of that year."""
    return f"{china_today().year - age}0101"


def _job(make_job, **fields):
    return make_job(**{"title": "保洁员", "required_skills": [], "openings": 10, "physical_demand": "light",
                       "lat": HOME[0] + 2 / 111.0, "lon": HOME[1], **fields})


def _upload(api, kind, rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    stream = io.BytesIO()
    book.save(stream)
    stream.seek(0)
    response = api.post(f"/api/v1/{kind}/import", data={"file": (stream, "台账.xlsx")}, content_type="multipart/form-data")
    assert response.status_code == 200, response.json
    return response.json


def test_any_member_is_registered_with_relation_school_stage_and_labour_ability(api_as, make_household):
    home = make_household()
    station = api_as("station", [VILLAGE])
    pupil = station.post("/api/v1/workers", json={
        "id_number": id_number(born(10), 1), "name": "马小花", "household_code": home,
        "relation": "grandchild", "school_stage": "primary", "labour_ability": "none"})
    grandfather = station.post("/api/v1/workers", json={
        "id_number": id_number(born(70), 2), "name": "马老汉", "household_code": home,
        "relation": "户主", "labour_ability": "弱劳动能力或半劳动能力"})  # Chinese labels as the ledger writes them

    assert pupil.status_code == 201, pupil.json
    assert (pupil.json["age"], pupil.json["relation"], pupil.json["school_stage"], pupil.json["labour_ability"]) == (
        10, "grandchild", "primary", "none")
    assert grandfather.status_code == 201, grandfather.json
    assert (grandfather.json["age"], grandfather.json["relation"], grandfather.json["school_stage"],
            grandfather.json["labour_ability"]) == (70, "head", "none", "weak")
    wrong = station.post("/api/v1/workers", json={"id_number": id_number(born(30), 3), "name": "甲", "household_code": home,
                                                  "relation": "表哥", "school_stage": "幼儿班"})
    assert wrong.status_code == 422 and set(wrong.json["error"]["fields"]) == {"relation", "school_stage"}
    members = station.get(f"/api/v1/households/{home}").json["members"]
    assert {(m["name"], m["relation"], m["school_stage"]) for m in members} == {
        ("马小花", "grandchild", "primary"), ("马老汉", "head", "none")}


def test_only_people_of_working_age_able_and_not_at_school_are_candidates(app, api_as, make_household, make_worker,
                                                                          make_job):
    def person(age, **fields):  # each in a household of their own: a plan may place every one
        return make_worker(make_household(), birth=born(age), max_commute_km=30, **fields)
    pupil = person(17, relation="child", school_stage="senior")
    child = person(10, relation="child", school_stage="primary")
    old = person(70, relation="parent")
    too_young = person(15, relation="child")  # left school, still too young
    unable = person(40, labour_ability="none")
    adult = person(40, relation="head")
    school_leaver = person(17, relation="child")  # 16 and not at school: may work
    oldest = person(65, relation="head")
    job = _job(make_job)
    station = api_as("station", [VILLAGE])
    may_work = {adult, school_leaver, oldest}

    candidates = station.get(f"/api/v1/jobs/{job}/candidates")
    assert candidates.status_code == 200, candidates.json
    assert {i["worker_id"] for i in candidates.json["items"]} == may_work

    plan = station.post("/api/v1/allocations", json={"area_code": VILLAGE})
    assert plan.status_code == 200, plan.json
    assert {a["worker_id"] for a in plan.json["assignments"]} == may_work
    assert plan.json["households_total"] == 3  # the others' households are not looking for work
    assert not {pupil, child, old, too_young, unable} & {a["worker_id"] for a in plan.json["assignments"]}


def test_the_station_cannot_refer_a_pupil_a_child_or_someone_over_65(api_as, make_household, make_worker, make_job):
    home = make_household()
    pupil = make_worker(home, birth=born(17), relation="child", school_stage="senior", max_commute_km=30)
    child = make_worker(home, birth=born(10), relation="grandchild", school_stage="none", max_commute_km=30)
    old = make_worker(home, birth=born(70), relation="parent", max_commute_km=30)
    unable = make_worker(home, birth=born(45), relation="sibling", labour_ability="none", max_commute_km=30)
    adult = make_worker(home, birth=born(40), relation="head", max_commute_km=30)
    job = _job(make_job)
    station = api_as("station", [VILLAGE])

    for worker in (pupil, child, old, unable):
        refused = station.post("/api/v1/referrals", json={"worker_id": worker, "job_id": job,
                                                          "override_reason": "家里急需用钱"})
        assert refused.status_code == 422, (worker, refused.json)
        assert list(refused.json["error"]["fields"]) == ["worker_id"]  # no reason lets it through
    assert station.post("/api/v1/referrals", json={"worker_id": adult, "job_id": job}).status_code == 201
    listed = station.get("/api/v1/referrals", query_string={"job_id": job}).json["items"]
    assert [r["worker_id"] for r in listed] == [adult]


def test_the_worker_ledger_reads_relation_and_school_stage(api_as, make_household):
    home = make_household()
    station = api_as("station", [VILLAGE])
    result = _upload(station, "workers", [
        ["户编号", "姓名", "身份证号", "与户主关系", "在校生情况", "劳动能力"],
        [home, "马德福", id_number(born(45), 1), "户主", "非在校生", "有劳动能力"],
        [home, "马小军", id_number(born(17), 2), "子女", "高中", "有劳动能力"],
        [home, "马表哥", id_number(born(30), 3), "表哥", "非在校生", "有劳动能力"],
        [home, "马小妹", id_number(born(8), 4), "子女", "幼儿班", "无劳动能力"],
        [home, "马奶奶", id_number(born(72), 5), "父母", None, "无劳动能力"],
    ])

    assert result["created"] == 3
    assert sorted((e["row"], e["field"]) for e in result["errors"]) == [(4, "relation"), (5, "school_stage")]
    members = station.get(f"/api/v1/households/{home}").json["members"]
    assert {(m["name"], m["relation"], m["school_stage"], m["labour_ability"]) for m in members} == {
        ("马德福", "head", "none", "full"), ("马小军", "child", "senior", "full"), ("马奶奶", "parent", "none", "none")}
    assert station.get(f"/api/v1/households/{home}").json["head_name"] == "马德福"


def test_the_household_ledger_reads_risk_types_and_when_monitoring_began(api_as, areas):
    station = api_as("station", [VILLAGE])
    tomorrow = (china_today() + timedelta(days=1)).isoformat()
    result = _upload(station, "households", [
        ["户编号", "村代码", "监测类型", "纳入监测日期", "风险类型"],
        ["R1", VILLAGE, "边缘易致贫户", "2025-03-01", "因病、缺技术"],
        ["R2", VILLAGE, "脱贫不稳定户", None, "因病"],
        ["R3", VILLAGE, "脱贫不稳定户", tomorrow, "因病"],
        ["R4", VILLAGE, "脱贫不稳定户", "2025-03-01", "因穷"],
    ])

    assert result["created"] == 2
    assert [(e["row"], e["field"].split(".")[0]) for e in result["errors"]] == [
        (4, "monitoring_since"), (5, "risk_types")]
    r1 = station.get("/api/v1/households/R1").json
    assert (r1["monitoring_status"], r1["monitoring_since"], r1["risk_types"]) == (
        "marginal", "2025-03-01", ["illness", "lack_of_skills"])
    assert [(e["kind"], e["date"], e["status"], e["risk_types"]) for e in r1["monitoring_history"]] == [
        ("identified", "2025-03-01", "marginal", ["illness", "lack_of_skills"])]
    r2 = station.get("/api/v1/households/R2").json  # monitored without a date: from today
    assert r2["monitoring_since"] == china_today().isoformat()
    assert [(e["kind"], e["date"]) for e in r2["monitoring_history"]] == [("identified", china_today().isoformat())]


def test_a_household_under_the_line_ranks_in_plans_like_a_monitored_one(app, api_as, make_household, make_worker,
                                                                         make_job):
    relocated_home = make_household(relocated=True, resettlement_site="吉强镇移民安置点")
    relocated = make_worker(relocated_home, birth=born(40), max_commute_km=30, skills=["缝纫"])
    poor_home = make_household()
    poor = make_worker(poor_home, birth=born(40), max_commute_km=30, skills=["缝纫"])
    job = _job(make_job, title="缝纫工", required_skills=["缝纫"], openings=1)
    station = api_as("station", [VILLAGE])

    def placed():
        plan = station.post("/api/v1/allocations", json={"area_code": VILLAGE})
        assert plan.status_code == 200, plan.json
        return [(a["worker_id"], a["job_id"]) for a in plan.json["assignments"]]
    assert placed() == [(relocated, job)]  # before the income check: relocated first

    assert api_as("admin").put(f"/api/v1/areas/{COUNTY}/monitoring-lines/2025", json={"amount": 7000}).status_code == 200
    checked = station.put(f"/api/v1/households/{poor_home}/incomes/2025", json={"wage_income": 6000})
    assert checked.json["below_line"] is True

    assert placed() == [(poor, job)]
    with app.app_context():
        from matching.data import looking_for_work
        from registry.models import Household
        people = looking_for_work(db.session, area_code=VILLAGE)
        ids = {db.session.get(Household, int(h)).code: n for n, h in enumerate(people.households)}
        assert int(people.household_priority[ids[poor_home]]) == 2  # as a monitored household
        assert int(people.household_priority[ids[relocated_home]]) == 1
        assert np.array_equal(np.sort(people.table.ids), np.sort(np.array([relocated, poor])))


def test_pupils_and_people_past_working_age_get_no_recommendations(api_as, make_worker, make_job):
    year = china_today().year
    pupil = make_worker(birth=f"{year - 17}0101", school_stage="senior", max_commute_km=30)
    old = make_worker(birth=f"{year - 70}0101", max_commute_km=30)
    job = make_job(title="保洁员", required_skills=[], physical_demand="light", lat=35.97, lon=105.748)
    station = api_as("station", [VILLAGE])
    for worker in (pupil, old):
        assert station.get(f"/api/v1/workers/{worker}/recommendations").json["jobs"] == []
        assert station.get(f"/api/v1/workers/{worker}/why-not/{job}").json["feasible"] is False


def test_a_date_typed_into_the_household_ledger_is_read(api_as, areas):
    book = Workbook()
    book.active.append(["户编号", "村代码", "监测类型", "纳入监测日期"])
    book.active.append(["D1", VILLAGE, "边缘易致贫户", date(2025, 3, 1)])  # as Excel stores a typed date
    stream = io.BytesIO()
    book.save(stream)
    stream.seek(0)
    station = api_as("station", [VILLAGE])
    result = station.post("/api/v1/households/import", data={"file": (stream, "户.xlsx")},
                          content_type="multipart/form-data").json
    assert (result["created"], result["errors"]) == (1, [])
    assert station.get("/api/v1/households/D1").json["monitoring_since"] == "2025-03-01"
