"""The visit rule (issue 16): a monitored household is visited (走访) at least every 90 days; one
not visited for 90 days since its last visit, or since monitoring began, is warned once; a visit
ends the gap, and the next gap is a new event of the same alert."""
from datetime import timedelta

from core.models import china_today
from tests.conftest import VILLAGE


def _ago(days: int) -> str:
    return (china_today() - timedelta(days=days)).isoformat()


def _measure(api, code, kind="visit", days_ago=0):
    response = api.post(f"/api/v1/households/{code}/measures",
                        json={"kind": kind, "date": _ago(days_ago), "description": "入户了解情况"})
    assert response.status_code == 201, response.json


def test_ninety_days_without_a_visit_since_monitoring_began_warns_once(make_household, run, alerts_of):
    # nobody on file in these households: no other rule has anything to say about them
    overdue = make_household(monitoring_status="marginal", monitoring_since=_ago(90))
    not_yet = make_household(monitoring_status="marginal", monitoring_since=_ago(89))

    first = run()

    assert alerts_of(overdue) == {"not_visited": ("medium", "open", 1)}
    assert alerts_of(not_yet) == {}
    assert first.summary["not_visited"] == {"raised": 1}
    second = run()
    assert second.summary["not_visited"] == {}
    assert alerts_of(overdue) == {"not_visited": ("medium", "open", 1)}  # the same gap: nothing new


def test_a_visit_ends_the_gap_and_the_next_gap_is_a_new_event(api_as, make_household, run, alerts_of):
    station = api_as("station", [VILLAGE])
    visited = make_household(monitoring_status="unstable", monitoring_since=_ago(200))
    helped_otherwise = make_household(monitoring_status="unstable", monitoring_since=_ago(200))
    _measure(station, visited)
    _measure(station, helped_otherwise, kind="medical")  # help, but nobody went to the house

    run()

    assert alerts_of(visited) == {}
    assert alerts_of(helped_otherwise) == {"not_visited": ("medium", "open", 1)}

    run(days=89)
    assert alerts_of(visited) == {}
    run(days=90)  # 90 days after today's visit
    assert alerts_of(visited) == {"not_visited": ("medium", "open", 1)}


def test_an_old_visit_counts_from_its_day_and_a_new_visit_starts_a_new_gap(api_as, make_household, run, alerts_of):
    station = api_as("station", [VILLAGE])
    home = make_household(monitoring_status="sudden_hardship", monitoring_since=_ago(300))
    _measure(station, home, days_ago=100)
    run()
    assert alerts_of(home) == {"not_visited": ("medium", "open", 1)}

    _measure(station, home)  # visited today
    run()
    assert alerts_of(home) == {"not_visited": ("medium", "open", 1)}  # no new event
    run(days=90)
    assert alerts_of(home) == {"not_visited": ("medium", "open", 2)}  # a new gap: a new event


def test_a_household_not_under_monitoring_is_never_warned(make_household, run, alerts_of):
    ordinary = make_household()
    lifted_out = make_household(lifted_out=True)
    run(days=400)
    assert alerts_of(ordinary) == {} and alerts_of(lifted_out) == {}


def test_a_visit_before_monitoring_began_does_not_warn_at_once(api_as, make_household, run, alerts_of):
    station = api_as("station", [VILLAGE])
    home = make_household()
    station.post(f"/api/v1/households/{home}/measures",
                 json={"kind": "visit", "date": (china_today() - timedelta(days=200)).isoformat(), "description": "走访"})
    station.post(f"/api/v1/households/{home}/monitoring",
                 json={"status": "marginal", "risk_types": ["illness"], "reason": "因病"})
    run()
    assert alerts_of(home) == {}  # monitored since today: 90 days have not passed
