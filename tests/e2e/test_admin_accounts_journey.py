"""The administrator's accounts, in the real browser on a phone (390 px): the admin makes a station
account and reads its initial password once; the new user signs in, is made to choose a password of
their own first, then reaches the station's home; the admin deactivates the account and the user's
next page load is the sign-in page. The audit log and the areas fit the phone too.

Assertions look at data, ids and URLs, not at interface text."""
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.accounts import sign_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}  # a common phone, CSS pixels
ADMIN_LOGIN = ("admin-accounts", "admin-pass-654")
VILLAGE = "640422100010"  # 西街社区, a village of 吉强镇 of its own
NEW_USER = "xijie-station"
OWN_PASSWORD = "Xijie-labour-2026"


@pytest.fixture(scope="module")
def administrator(live_server):
    from core.auth import create_user
    from core.extensions import db
    from core.models import Role
    with live_server.app.app_context():
        create_user(db.session, *ADMIN_LOGIN, Role.admin, display_name="系统管理员")
        db.session.commit()
        db.session.remove()
    return ADMIN_LOGIN


def fits_the_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


@pytest.mark.viewport(**PHONE)
def test_an_administrator_makes_a_station_account_and_deactivates_it(page, browser, live_server, administrator,
                                                                      snap):
    # --- the admin makes the account and reads its initial password ----------------------------
    sign_in(page, *administrator)
    page.goto("/accounts")
    fits_the_phone(page)
    page.locator("#new-account").click()
    expect(page).to_have_url(re.compile(r"/accounts/new$"))
    page.locator("#username").fill(NEW_USER)
    page.locator("#display_name").fill("西街社区劳保站")
    page.locator("#role").select_option("station")
    village = page.locator(f'input[name="area_codes"][value="{VILLAGE}"]')
    page.locator("#area-codes details", has=village).locator("summary").click()
    village.check()
    fits_the_phone(page)
    snap("1-new-account")
    page.locator("#account-form button[type=submit]").click()
    password = page.locator("#initial-password")
    expect(password).to_be_visible()
    expect(page.locator("#made-username")).to_have_text(NEW_USER)
    initial = password.inner_text().strip()
    assert len(initial) >= 12
    fits_the_phone(page)
    snap("2-initial-password")
    page.locator("#to-account").click()
    expect(page).to_have_url(re.compile(r"/accounts/\d+$"))
    account_url = page.url
    expect(page.locator("main")).not_to_contain_text(initial)  # shown that once only

    # --- the new user, on a phone of their own, must choose a password first ---------------------
    phone = browser.new_context(base_url=live_server.url, viewport=PHONE, locale="zh-CN",
                                timezone_id="Asia/Shanghai", is_mobile=True, has_touch=True, device_scale_factor=2)
    try:
        user = phone.new_page()
        sign_in(user, NEW_USER, initial)
        expect(user).to_have_url(re.compile(r"/account/password$"))
        expect(user.locator("#initial-password-note")).to_be_visible()
        user.goto("/households")
        expect(user).to_have_url(re.compile(r"/account/password$"))  # nothing else opens yet
        fits_the_phone(user)
        user.locator("#old").fill(initial)
        user.locator("#new").fill(OWN_PASSWORD)
        user.locator("#repeat").fill(OWN_PASSWORD)
        user.locator("main form button[type=submit]").click()
        expect(user).to_have_url(re.compile(r"/station$"))  # the station's home
        expect(user.locator("header")).to_contain_text("西街社区劳保站")
        user.screenshot(path=str(snap_path("3-station-home")), full_page=True)

        # --- the admin deactivates the account; the user's next page load is the sign-in ---------
        page.goto(account_url)
        expect(page.locator("#account-facts")).to_have_attribute("data-active", "1")
        page.locator("#deactivate summary").click()
        page.locator("#deactivate button[type=submit]").click()
        expect(page.locator("#account-facts")).to_have_attribute("data-active", "0")
        fits_the_phone(page)
        snap("4-deactivated")
        user.reload()
        expect(user).to_have_url(re.compile(r"/login"))
        expect(user.locator("#username")).to_be_visible()
    finally:
        phone.close()

    page.goto(f"/accounts?q={NEW_USER}")
    expect(page.locator(f'.account-row[data-username="{NEW_USER}"]')).to_have_attribute("data-active", "0")
    page.goto("/audit")
    expect(page.locator('.audit-row[data-action="deactivate"]').first).to_have_attribute("data-entity-id", NEW_USER)
    fits_the_phone(page)
    snap("5-audit")

    # --- the areas, by county, township and village ------------------------------------------
    page.goto("/areas")
    township = page.locator('details.area-township[data-code="640422100000"]')
    township.locator("summary").click()
    expect(township.locator(f'.area-row[data-code="{VILLAGE}"]')).to_have_attribute("data-parent", "640422100000")
    fits_the_phone(page)
    snap("6-areas")


def snap_path(step):
    """Where `snap` would keep a step's screenshot, for a page of another context."""
    from tests.e2e.conftest import ARTIFACTS
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / f"test_an_administrator_makes_a_station_account_and_deactivates_it--{step}.png"
