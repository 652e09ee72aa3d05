"""The monthly roster of monitored households (.xlsx, Chinese headers) and the monitoring overview
in figures (issue 16), on a small set of households built here: exact rows, exact counts, and
only the caller's areas."""
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from core.extensions import db
from core.models import AuditEvent, china_today
from tests.conftest import COUNTY, OTHER_VILLAGE, VILLAGE

HEADER = ["户编号", "乡镇", "村", "户主", "人口", "监测类型", "风险类型", "纳入监测日期", "收入年度",
          "人均纯收入（元）", "监测线（元）", "低于监测线", "务工人数", "帮扶责任人", "未处理预警", "风险消除日期"]


@pytest.fixture
def county_set(api_as, make_household, make_worker):
    """In 团结村 (the station's village):
    poor   脱贫不稳定户 since 2020, 因病、缺技术, head 马德福 and his father, 5,000 a person (under 7,000)
    fresh  边缘易致贫户 from today, 因灾, one member in work, 20,000 a person
    hit    一般户 put under monitoring today as 突发严重困难户, 因病, no income on file
    plain  一般户, 5,000 a person: under the line, not monitored
    done   monitored since 2020, its risk eliminated today
    In 龙王坝村 (another village of the county): away, 脱贫不稳定户, 缺劳力."""
    admin, station, county = api_as("admin"), api_as("station", [VILLAGE]), api_as("county", [COUNTY])
    assert admin.put(f"/api/v1/areas/{COUNTY}/monitoring-lines/2025", json={"amount": 7000}).status_code == 200
    poor = make_household(monitoring_status="unstable", monitoring_since="2020-03-01",
                          risk_types=["illness", "lack_of_skills"])
    make_worker(poor, birth="19500101", name="马老汉", relation="parent")
    make_worker(poor, birth="19800101", name="马德福", relation="head")
    fresh = make_household(monitoring_status="marginal", risk_types=["disaster"])
    make_worker(fresh, name="田文", relation="head", employment_status="local")
    hit = make_household()
    plain = make_household()
    make_worker(plain, name="李四", relation="head")
    done = make_household(monitoring_status="unstable", monitoring_since="2020-03-01", risk_types=["lack_of_funds"])
    make_worker(done, name="海平", relation="head")
    away = make_household(OTHER_VILLAGE, monitoring_status="unstable", risk_types=["lack_of_labour"])

    for code, wage in ((poor, 10000), (fresh, 20000), (plain, 5000), (done, 30000)):
        assert station.put(f"/api/v1/households/{code}/incomes/2025", json={"wage_income": wage}).status_code == 200
    assert station.put(f"/api/v1/households/{poor}/helpers",
                       json=[{"role": "responsible", "name": "王建华", "phone": "13912345678"}]).status_code == 200
    assert station.post(f"/api/v1/households/{hit}/monitoring",
                        json={"status": "sudden_hardship", "risk_types": ["因病"], "reason": "户主重病"}).status_code == 201
    proposal = station.post(f"/api/v1/households/{done}/risk-elimination", json={"reason": "稳定"}).json["id"]
    assert county.post(f"/api/v1/risk-eliminations/{proposal}/decision",
                       json={"approved": True, "reason": "同意"}).status_code == 200
    return {"poor": poor, "fresh": fresh, "hit": hit, "plain": plain, "done": done, "away": away}


def _rows(response) -> list[list]:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return [list(row) for row in load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True)]


def test_the_roster_of_monitored_households_of_the_stations_village(app, api_as, county_set):
    station = api_as("station", [VILLAGE])
    today = china_today().isoformat()

    rows = _rows(station.get("/api/v1/households/export", query_string={"area_code": VILLAGE, "monitored": "true"}))

    assert rows[0] == HEADER
    assert rows[1:] == [
        [county_set["poor"], "吉强镇", "团结村委会", "马德福", 2, "脱贫不稳定户", "因病、缺技术", "2020-03-01", 2025,
         5000, 7000, "是", 0, "王建华", 1, None],  # under the line: warned when the income was recorded
        [county_set["fresh"], "吉强镇", "团结村委会", "田文", 1, "边缘易致贫户", "因灾", today, 2025,
         20000, 7000, "否", 1, None, 0, None],
        [county_set["hit"], "吉强镇", "团结村委会", None, 0, "突发严重困难户", "因病", today, None,
         None, None, None, 0, None, 0, None],
    ]
    with app.app_context():  # the heads' names left the application: said in the audit log
        assert db.session.scalars(select(AuditEvent.action).where(AuditEvent.entity == "households")).all() == [
            "export"]


def test_the_roster_of_every_household_shows_the_eliminated_risk(api_as, county_set):
    rows = _rows(api_as("station", [VILLAGE]).get("/api/v1/households/export", query_string={"area_code": VILLAGE}))
    by_code = {row[0]: row for row in rows[1:]}
    assert set(by_code) == {county_set[k] for k in ("poor", "fresh", "hit", "plain", "done")}
    done = by_code[county_set["done"]]
    assert (done[3], done[5], done[6], done[7], done[15]) == ("海平", "一般户", None, None, china_today().isoformat())
    plain = by_code[county_set["plain"]]
    assert (plain[5], plain[9], plain[11]) == ("一般户", 5000, "是")


def test_the_roster_holds_only_the_callers_areas(api_as, county_set):
    station = api_as("station", [VILLAGE])
    mine = _rows(station.get("/api/v1/households/export", query_string={"monitored": "true"}))
    assert county_set["away"] not in {row[0] for row in mine[1:]} and len(mine) == 4
    elsewhere = station.get("/api/v1/households/export", query_string={"area_code": OTHER_VILLAGE, "monitored": "true"})
    assert _rows(elsewhere) == [HEADER]  # another village's households are not the station's to list
    county = _rows(api_as("county", [COUNTY]).get("/api/v1/households/export", query_string={"monitored": "true"}))
    assert {row[0] for row in county[1:]} == {county_set[k] for k in ("poor", "fresh", "hit", "away")}
    assert api_as("employer").get("/api/v1/households/export").status_code == 403


def test_the_overview_counts_the_stations_households(api_as, county_set):
    station = api_as("station", [VILLAGE])

    answer = station.get("/api/v1/monitoring/overview", query_string={"area_code": VILLAGE})

    assert answer.status_code == 200, answer.json
    figures = answer.json
    assert figures["by_status"] == {"unstable": 1, "marginal": 1, "sudden_hardship": 1}
    assert {k: v for k, v in figures["by_risk_type"].items() if v} == {
        "illness": 2, "lack_of_skills": 1, "disaster": 1}  # 缺资金 went with the eliminated risk
    assert len(figures["by_risk_type"]) == 11
    assert figures["below_line"] == 2  # the monitored poor household, and the plain one under the line
    assert figures["identified_this_year"] == 2  # fresh and hit; poor and done were identified in 2020
    assert figures["eliminated_this_year"] == 1
    assert station.get("/api/v1/monitoring/overview").json == figures  # the station's areas by default


def test_the_county_overview_adds_its_other_villages(api_as, county_set):
    county = api_as("county", [COUNTY])
    figures = county.get("/api/v1/monitoring/overview").json
    assert figures["by_status"] == {"unstable": 2, "marginal": 1, "sudden_hardship": 1}
    assert figures["by_risk_type"]["lack_of_labour"] == 1
    assert (figures["below_line"], figures["identified_this_year"], figures["eliminated_this_year"]) == (2, 3, 1)
    village = county.get("/api/v1/monitoring/overview", query_string={"area_code": OTHER_VILLAGE}).json
    assert village["by_status"] == {"unstable": 1, "marginal": 0, "sudden_hardship": 0}
    assert (village["below_line"], village["identified_this_year"], village["eliminated_this_year"]) == (0, 1, 0)
    assert api_as("employer").get("/api/v1/monitoring/overview").status_code == 403
