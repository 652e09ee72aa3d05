"""A county officer's day on a 390 px phone: the overview with its monitoring figures and charts,
the drill-down from a risk type to the households, and a risk elimination approved from the queue.

Assertions look at data, ids and data attributes, not at interface text."""
import re

import pytest
from playwright.sync_api import expect

from core.models import china_today
from tests.conftest import id_number
from tests.e2e.accounts import sign_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
VILLAGE = "640422100204"  # 高同村委会, 吉强镇: a village of its own, so other journeys' counts are untouched
OFFICER_LOGIN = ("county-gaotong", "county-pass-204")
HOUSEHOLD = "GT-0001"


@pytest.fixture(scope="module")
def proposal(live_server):
    """A household monitored since 2024 for lack of skills, two earners well above this year's line,
    whose station has proposed ending its monitoring."""
    from core.auth import create_user
    from core.extensions import db
    from core.models import Role, User
    from monitoring import elimination
    from registry import services
    from registry.incomes import record_income, set_line
    from registry.schemas import HouseholdIn, WorkerIn

    loader = User(role=Role.admin, username="e2e-loader")
    with live_server.app.test_request_context():
        create_user(db.session, *OFFICER_LOGIN, Role.county, ["640422000000"], display_name="西吉县乡村振兴局")
        household = services.create_household(db.session, HouseholdIn().load(
            {"code": HOUSEHOLD, "village_code": VILLAGE, "monitoring_status": "marginal", "lifted_out": False,
             "monitoring_since": "2024-04-01", "risk_types": ["lack_of_skills"]}), loader)
        for seq, name, birth in ((205, "马德胜", "19820505"), (206, "李梅", "19840808")):
            services.create_worker(db.session, WorkerIn().load(
                {"household_code": HOUSEHOLD, "name": name, "id_number": id_number(birth, seq),
                 "relation": "head" if seq == 205 else "spouse", "employment_status": "local"}), loader)
        set_line(db.session, VILLAGE, china_today().year, 7800, loader)
        record_income(db.session, household, china_today().year, {"wage_income": 52000}, loader)
        proposed = elimination.propose(db.session, household, "两人在县内稳定务工，收入高于监测线", loader)
        db.session.commit()
        proposal_id = proposed.id
        db.session.remove()
    return proposal_id


def no_wider_than_the_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


@pytest.mark.viewport(**PHONE)
def test_a_county_officers_day(page, live_server, proposal, snap):
    sign_in(page, *OFFICER_LOGIN)
    expect(page).to_have_url(re.compile(r"/county$"))  # the officer starts on the county's overview
    expect(page.locator("#monitoring-overview")).to_be_visible()
    expect(page.locator("canvas#chart-risks")).to_be_visible()
    drawn = page.evaluate("() => [...document.querySelectorAll('canvas[data-chart]')].every(c => Chart.getChart(c))")
    assert drawn
    no_wider_than_the_phone(page)
    snap("overview")

    # from a risk type to the households that have it
    page.locator('#risks-drill-down a[href*="risk_type=lack_of_skills"]').click()
    expect(page).to_have_url(re.compile(r"risk_type=lack_of_skills"))
    expect(page.locator("#households .household-row", has_text=HOUSEHOLD)).to_have_count(1)
    no_wider_than_the_phone(page)

    # the queue: the proposal with its checks, approved with a reason
    page.goto("/risk-eliminations")
    item = page.locator("#eliminations .household-row", has_text=HOUSEHOLD)
    expect(item.locator(".checks li.passed")).to_have_count(3)
    no_wider_than_the_phone(page)
    snap("queue")
    item.locator("select[name=approved]").select_option("1")
    item.locator("textarea[name=reason]").fill("入户核实，收入稳定")
    item.locator("button[type=submit]").click()
    expect(page.locator(".flash-success")).to_have_count(1)
    expect(page.locator("#eliminations .household-row", has_text=HOUSEHOLD)).to_have_count(0)

    # the household keeps its history, now ended
    page.goto(f"/households/{HOUSEHOLD}")
    expect(page.locator("#household-status .badge").first).not_to_have_class(re.compile("badge-warn"))
    expect(page.locator("#monitoring-history li")).to_have_count(3)  # identified, proposed, eliminated
    no_wider_than_the_phone(page)
    snap("household-after")
