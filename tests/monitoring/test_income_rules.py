"""The income warnings (issue 16, point 3): a household whose latest per-capita income is under the
line, and one whose per-capita income fell by 30% or more; each is one alert per year's check,
however often the check is corrected or the rules run."""
from tests.conftest import COUNTY, VILLAGE


def _record(api, code, year, wage):
    response = api.put(f"/api/v1/households/{code}/incomes/{year}", json={"wage_income": wage})
    assert response.status_code == 200, response.json
    return response.json


def test_income_under_the_line_warns_once_per_years_check(api_as, make_household, make_worker, run, alerts_of):
    poor, fine = make_household(), make_household()
    for home in (poor, fine):
        make_worker(home)
        make_worker(home, birth="19900101")
    api_as("admin").put(f"/api/v1/areas/{COUNTY}/monitoring-lines/2026", json={"amount": 7000})
    station = api_as("station", [VILLAGE])
    _record(station, poor, 2026, 13000)  # 6,500 a person
    _record(station, fine, 2026, 15000)  # 7,500 a person
    run()
    assert alerts_of(poor) == {"income_below_line": ("high", "open", 1)}
    assert alerts_of(fine) == {}

    _record(station, poor, 2026, 13500)  # corrected, still under: the same year's event
    run()
    assert alerts_of(poor) == {"income_below_line": ("high", "open", 1)}


def test_a_fall_of_thirty_percent_warns_even_above_the_line(api_as, make_household, make_worker, run, alerts_of):
    fell, dipped = make_household(), make_household()
    for home in (fell, dipped):
        make_worker(home)
    api_as("admin").put(f"/api/v1/areas/{COUNTY}/monitoring-lines/2026", json={"amount": 7000})
    station = api_as("station", [VILLAGE])
    _record(station, fell, 2025, 20000)
    _record(station, fell, 2026, 14000)  # -30%, still above the line
    _record(station, dipped, 2025, 20000)
    _record(station, dipped, 2026, 14100)  # -29.5%
    run()
    assert alerts_of(fell) == {"income_drop": ("medium", "open", 1)}
    assert alerts_of(dipped) == {}
    run()
    assert alerts_of(fell) == {"income_drop": ("medium", "open", 1)}


def test_no_income_warning_without_a_line_or_a_year_before(api_as, make_household, make_worker, run, alerts_of):
    home = make_household()
    make_worker(home)
    station = api_as("station", [VILLAGE])
    _record(station, home, 2024, 30000)
    _record(station, home, 2026, 1000)  # 2025 missing: no year-on-year; no line for 2026
    run()
    assert alerts_of(home) == {}


def test_recording_an_income_under_the_line_warns_at_once(api_as, make_household, make_worker, run, alerts_of):
    home = make_household()
    make_worker(home)
    api_as("admin").put(f"/api/v1/areas/{COUNTY}/monitoring-lines/2026", json={"amount": 7000})
    station = api_as("station", [VILLAGE])
    _record(station, home, 2026, 5000)
    assert [a["rule"] for a in station.get(f"/api/v1/households/{home}").json["open_alerts"]] == ["income_below_line"]
    run()  # the nightly run finds the same event: nothing new
    assert alerts_of(home) == {"income_below_line": ("high", "open", 1)}
