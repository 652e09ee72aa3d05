"""Ending a household's monitoring (风险消除, issue 16): the station proposes, and is refused naming
exactly what fails (income under the line or not on file, an open alert, monitored under the
area's months); the county approves or refuses; every step stays in the household's history."""
from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select

from core.extensions import db
from core.models import china_today
from monitoring.models import RiskElimination
from tests.conftest import COUNTY, OTHER_COUNTY, VILLAGE

CHECKS = ["income_at_or_above_line", "no_open_alert", "monitored_long_enough"]


def _monitored(api_as, make_household, make_worker, since="2020-03-01", wage=20000):
    """A monitored household of one member with the year's income on file (None: no income check)."""
    home = make_household(monitoring_status="unstable", monitoring_since=since, risk_types=["illness"])
    make_worker(home)
    if wage is not None:
        station = api_as("station", [VILLAGE])
        assert station.put(f"/api/v1/households/{home}/incomes/2025", json={"wage_income": wage}).status_code == 200
    return home


def _line(api_as):
    assert api_as("admin").put(f"/api/v1/areas/{COUNTY}/monitoring-lines/2025", json={"amount": 7000}).status_code \
        == 200


def _proposals(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(RiskElimination.id)))


def _history(station, home) -> list[str]:
    return [e["kind"] for e in station.get(f"/api/v1/households/{home}").json["monitoring_history"]]


def _refused_for(app, station, home) -> list[str]:
    """Proposes, expects 409; the checks named, after making sure nothing was recorded."""
    before = _history(station, home)
    response = station.post(f"/api/v1/households/{home}/risk-elimination", json={"reason": "收入稳定"})
    assert response.status_code == 409, response.json
    assert _history(station, home) == before and _proposals(app) == 0
    return sorted(response.json["error"]["fields"])


def _close_alerts(station, home) -> None:
    """The station takes up and closes the household's open alerts."""
    found = station.get("/api/v1/alerts", query_string={"open": "true"}).json["items"]
    for alert in (a for a in found if a["household_code"] == home):
        url = f"/api/v1/alerts/{alert['id']}"
        assert station.post(url + "/actions", json={"kind": "visit", "note": "入户核实收入"}).status_code == 201
        assert station.post(url + "/close", json={"note": "已纳入帮扶"}).status_code == 200
    assert station.get(f"/api/v1/households/{home}").json["open_alerts"] == []


def test_income_under_the_line_or_not_on_file_refuses_the_proposal(app, api_as, make_household, make_worker):
    _line(api_as)
    poor = _monitored(api_as, make_household, make_worker, wage=6999)
    unchecked = _monitored(api_as, make_household, make_worker, wage=None)
    station = api_as("station", [VILLAGE])
    assert _refused_for(app, station, poor) == ["income_at_or_above_line", "no_open_alert"]  # warned at once
    _close_alerts(station, poor)
    assert _refused_for(app, station, poor) == ["income_at_or_above_line"]
    assert _refused_for(app, station, unchecked) == ["income_at_or_above_line"]


def test_an_open_alert_refuses_the_proposal(app, api_as, make_household, make_worker, run):
    _line(api_as)
    home = _monitored(api_as, make_household, make_worker)
    run()  # a monitored household with nobody in work, never visited: alerts open
    station = api_as("station", [VILLAGE])
    assert station.get(f"/api/v1/households/{home}").json["open_alerts"]
    assert _refused_for(app, station, home) == ["no_open_alert"]


def test_monitoring_under_six_months_refuses_the_proposal(app, api_as, make_household, make_worker):
    _line(api_as)
    six_months_ago = china_today() - relativedelta(months=6)
    short = _monitored(api_as, make_household, make_worker, since=(six_months_ago + relativedelta(days=1)).isoformat())
    station = api_as("station", [VILLAGE])
    assert _refused_for(app, station, short) == ["monitored_long_enough"]

    enough = _monitored(api_as, make_household, make_worker, since=six_months_ago.isoformat())
    assert station.post(f"/api/v1/households/{enough}/risk-elimination", json={"reason": "满半年"}).status_code == 201


def test_every_check_failing_is_named(app, api_as, make_household, make_worker, run):
    home = _monitored(api_as, make_household, make_worker, since=china_today().isoformat(), wage=None)
    run()
    assert _refused_for(app, api_as("station", [VILLAGE]), home) == sorted(CHECKS)


def test_a_proposal_passing_every_check_awaits_the_county(app, api_as, make_household, make_worker):
    _line(api_as)
    home = _monitored(api_as, make_household, make_worker)
    station = api_as("station", [VILLAGE])

    proposed = station.post(f"/api/v1/households/{home}/risk-elimination", json={"reason": "务工收入稳定"})

    assert proposed.status_code == 201, proposed.json
    assert proposed.json["status"] == "proposed" and proposed.json["household_code"] == home
    assert [(c["name"], c["passed"]) for c in proposed.json["checks"]] == [(name, True) for name in CHECKS]
    file = station.get(f"/api/v1/households/{home}").json
    assert file["monitoring_status"] == "unstable"  # still monitored until the county decides
    assert [e["kind"] for e in file["monitoring_history"]] == ["identified", "proposed"]

    again = station.post(f"/api/v1/households/{home}/risk-elimination", json={"reason": "再报一次"})
    assert again.status_code == 409
    assert _proposals(app) == 1 and _history(station, home) == ["identified", "proposed"]


def test_who_decides(app, api_as, make_household, make_worker):
    _line(api_as)
    home = _monitored(api_as, make_household, make_worker)
    station = api_as("station", [VILLAGE])
    proposal = station.post(f"/api/v1/households/{home}/risk-elimination", json={"reason": "稳定"}).json["id"]
    url = f"/api/v1/risk-eliminations/{proposal}/decision"

    assert station.post(url, json={"approved": True, "reason": "同意"}).status_code == 403
    assert api_as("county", [OTHER_COUNTY]).post(url, json={"approved": True, "reason": "同意"}).status_code == 404
    assert api_as("employer").post(url, json={"approved": True, "reason": "同意"}).status_code == 403
    assert api_as("county", [COUNTY]).post("/api/v1/risk-eliminations/99999/decision",
                                           json={"approved": True, "reason": "同意"}).status_code == 404
    file = station.get(f"/api/v1/households/{home}").json
    assert file["monitoring_status"] == "unstable" and file["risk_eliminated_on"] is None


def test_the_county_refuses_and_the_household_stays_monitored(app, api_as, make_household, make_worker):
    _line(api_as)
    home = _monitored(api_as, make_household, make_worker)
    station, county = api_as("station", [VILLAGE]), api_as("county", [COUNTY])
    proposal = station.post(f"/api/v1/households/{home}/risk-elimination", json={"reason": "稳定"}).json["id"]

    refused = county.post(f"/api/v1/risk-eliminations/{proposal}/decision",
                          json={"approved": False, "reason": "务工不满一年"})

    assert refused.status_code == 200, refused.json
    assert (refused.json["status"], refused.json["decision_reason"]) == ("refused", "务工不满一年")
    file = station.get(f"/api/v1/households/{home}").json
    assert (file["monitoring_status"], file["monitoring_since"], file["risk_eliminated_on"]) == (
        "unstable", "2020-03-01", None)
    assert [(e["kind"], e["reason"]) for e in file["monitoring_history"]] == [
        ("identified", None), ("proposed", "稳定"), ("refused", "务工不满一年")]
    assert county.post(f"/api/v1/risk-eliminations/{proposal}/decision",
                       json={"approved": True, "reason": "改主意"}).status_code == 409
    # refused, it may be proposed again
    assert station.post(f"/api/v1/households/{home}/risk-elimination", json={"reason": "又一年"}).status_code == 201


def test_the_county_approves_and_monitoring_ends_today(app, api_as, make_household, make_worker):
    _line(api_as)
    home = _monitored(api_as, make_household, make_worker)
    station, county = api_as("station", [VILLAGE]), api_as("county", [COUNTY])
    proposal = station.post(f"/api/v1/households/{home}/risk-elimination", json={"reason": "稳定"}).json["id"]

    approved = county.post(f"/api/v1/risk-eliminations/{proposal}/decision", json={"approved": True, "reason": "同意"})

    assert approved.status_code == 200, approved.json
    assert approved.json["status"] == "approved"
    file = station.get(f"/api/v1/households/{home}").json
    today = china_today().isoformat()
    assert (file["monitoring_status"], file["risk_eliminated_on"]) == ("none", today)
    assert [(e["kind"], e["date"]) for e in file["monitoring_history"]] == [
        ("identified", "2020-03-01"), ("proposed", today), ("eliminated", today)]
    assert file["monitoring_history"][-1]["status"] == "none"
    twice = county.post(f"/api/v1/risk-eliminations/{proposal}/decision", json={"approved": False, "reason": "再议"})
    assert twice.status_code == 409
    assert station.get(f"/api/v1/households/{home}").json["monitoring_status"] == "none"
    assert [e["kind"] for e in station.get(f"/api/v1/households/{home}").json["monitoring_history"]][-1] == "eliminated"


def test_the_countys_policy_sets_the_months_of_monitoring_needed(app, api_as, make_household, make_worker):
    _line(api_as)
    eight_months = _monitored(api_as, make_household, make_worker,
                              since=(china_today() - relativedelta(months=8)).isoformat())
    county, station = api_as("county", [COUNTY]), api_as("station", [VILLAGE])
    assert station.put(f"/api/v1/areas/{COUNTY}/policy", json={"elimination_months": 12}).status_code == 403
    assert county.put(f"/api/v1/areas/{OTHER_COUNTY}/policy", json={"elimination_months": 3}).status_code == 403
    bad = county.put(f"/api/v1/areas/{COUNTY}/policy", json={"elimination_months": 0})
    assert bad.status_code == 422 and "elimination_months" in bad.json["error"]["fields"]

    set_ = county.put(f"/api/v1/areas/{COUNTY}/policy", json={"elimination_months": 12})

    assert set_.status_code == 200 and set_.json["elimination_months"] == 12
    assert _refused_for(app, station, eight_months) == ["monitored_long_enough"]
    assert county.put(f"/api/v1/areas/{COUNTY}/policy", json={"elimination_months": 8}).status_code == 200
    assert station.post(f"/api/v1/households/{eight_months}/risk-elimination",
                        json={"reason": "满八个月"}).status_code == 201


def test_editing_monitoring_since_does_not_shorten_the_six_months(api_as, make_household, make_worker):
    home = make_household(monitoring_status="unstable")  # from today
    make_worker(home)
    api_as("admin").put(f"/api/v1/areas/{COUNTY}/monitoring-lines/2025", json={"amount": 7000})
    station = api_as("station", [VILLAGE])
    station.put(f"/api/v1/households/{home}/incomes/2025", json={"wage_income": 20000})
    moved = station.patch(f"/api/v1/households/{home}", json={"monitoring_since": "2020-01-01"})
    assert moved.status_code == 422 and "monitoring_since" in moved.json["error"]["fields"]
    proposed = station.post(f"/api/v1/households/{home}/risk-elimination", json={"reason": "稳定"})
    assert proposed.status_code == 409 and "monitored_long_enough" in proposed.json["error"]["fields"]
