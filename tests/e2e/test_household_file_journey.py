"""A village cadre's day with the household file, on a 390 px phone: open a monitored household
from the list, record this year's income, see the warning it raises, record a home visit, propose
ending the monitoring and see it refused with the reasons.

Assertions look at data, ids and data attributes, not at interface text."""
import re

import pytest
from playwright.sync_api import expect

from core.models import china_today
from tests.conftest import id_number
from tests.e2e.accounts import sign_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
VILLAGE = "640422100203"  # 泉儿湾村委会, 吉强镇: a village of its own, so other journeys' counts are untouched
STATION_LOGIN = ("station-quanerwan", "station-pass-203")
HOUSEHOLD = "QEW-0001"


@pytest.fixture(scope="module")
def monitored(live_server):
    """A household monitored since early 2025 for illness: the head, his wife, a daughter at
    primary school; the village's line for this year is 7,800 yuan a person."""
    from core.auth import create_user
    from core.extensions import db
    from core.models import Role, User
    from registry import services
    from registry.incomes import set_line
    from registry.schemas import HouseholdIn, WorkerIn

    loader = User(role=Role.admin, username="e2e-loader")
    with live_server.app.test_request_context():
        create_user(db.session, *STATION_LOGIN, Role.station, [VILLAGE], display_name="泉儿湾村劳保站")
        services.create_household(db.session, HouseholdIn().load(
            {"code": HOUSEHOLD, "village_code": VILLAGE, "monitoring_status": "unstable", "lifted_out": True,
             "monitoring_since": "2025-01-10", "risk_types": ["illness"]}), loader)
        for seq, name, birth, extra in [  # an odd sequence number is a man's, an even one a woman's
                (203, "马福贵", "19810318", {"relation": "head"}),
                (204, "杨桂花", "19830905", {"relation": "spouse", "health": "chronic"}),
                (206, "马雨婷", "20160420", {"relation": "child", "school_stage": "primary", "labour_ability": "none"})]:
            services.create_worker(db.session, WorkerIn().load(
                {"household_code": HOUSEHOLD, "name": name, "id_number": id_number(birth, seq), **extra}), loader)
        set_line(db.session, VILLAGE, china_today().year, 7800, User(role=Role.admin, username="e2e"))
        db.session.commit()
        db.session.remove()


def no_wider_than_the_phone(page) -> None:
    # innerWidth grows with the content in mobile emulation: compare with the screen itself
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


@pytest.mark.viewport(**PHONE)
def test_a_cadres_day_with_a_monitored_household(page, live_server, monitored, snap):
    sign_in(page, *STATION_LOGIN)

    # the monitored households of the village; the family is found by its head
    page.goto("/households?monitoring_status=monitored")
    row = page.locator("#households .household-row", has_text=HOUSEHOLD)
    expect(row).to_have_count(1)
    no_wider_than_the_phone(page)
    snap("list")
    row.locator("a").first.click()
    expect(page).to_have_url(re.compile(rf"/households/{HOUSEHOLD}$"))
    expect(page.locator("#members li")).to_have_count(3)
    no_wider_than_the_phone(page)
    snap("file")

    # this year's income check: 12,000 yuan for three people is under the line
    year = str(china_today().year)
    page.locator("details:has(#income-form) > summary").click()
    expect(page.locator("#income-form #year")).to_have_value(year)
    page.locator("#income-form #wage_income").fill("9000")
    page.locator("#income-form #transfer_income").fill("3000")
    page.locator("#income-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/households/{HOUSEHOLD}#income$"))
    expect(page.locator(f'#incomes tr[data-year="{year}"]')).to_have_attribute("data-below-line", "yes")

    # the warning it raised is on the file at once
    expect(page.locator('#open-alerts li[data-rule="income_below_line"]')).to_have_count(1)
    snap("income-warning")

    # a home visit, today, by the helper
    page.locator("details:has(#measure-form) > summary").click()
    page.locator("#measure-form #kind").select_option("visit")
    expect(page.locator("#measure-form #date")).to_have_value(china_today().isoformat())
    page.locator("#measure-form #description").fill("入户走访，了解收入下降的原因：妻子住院两个月")
    page.locator("#measure-form #helper_name").fill("马书记")
    page.locator("#measure-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/households/{HOUSEHOLD}#timeline$"))
    expect(page.locator('#timeline-items li[data-kind="visit"]')).to_have_count(1)

    # ending the monitoring is refused: the income is under the line and a warning is open
    page.locator("details:has(#elimination-form) > summary").click()
    page.locator("#elimination-form #reason").fill("家庭收入已稳定")
    page.locator("#elimination-form button[type=submit]").click()
    expect(page.locator(".flash-error")).to_have_count(1)
    checks = page.locator("#elimination-checks li")
    expect(checks.locator("xpath=self::*[@data-check='income_at_or_above_line']")).to_have_class("failed")
    expect(checks.locator("xpath=self::*[@data-check='no_open_alert']")).to_have_class("failed")
    expect(checks.locator("xpath=self::*[@data-check='monitored_long_enough']")).to_have_class("passed")
    expect(page.locator("#pending-elimination")).to_have_count(0)
    no_wider_than_the_phone(page)
    snap("refused")
