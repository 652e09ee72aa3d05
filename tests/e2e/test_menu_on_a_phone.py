"""The site's menu on a phone folds behind one button; on a wide screen every link shows."""
import pytest
from playwright.sync_api import expect

from tests.e2e.accounts import sign_in

pytestmark = pytest.mark.e2e


@pytest.mark.viewport(width=390, height=844)
def test_on_a_phone_the_menu_opens_behind_its_button(page, sign_in):
    sign_in()
    links, button = page.locator("#nav-links"), page.locator(".menu-button button")
    expect(links).to_be_hidden()
    header = page.locator("header.site-header").bounding_box()
    assert header["height"] < 100  # one line: the name of the site and the button
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(links.locator('a[href="/households"]')).to_be_visible()
    button.click()
    expect(links).to_be_hidden()


def test_on_a_wide_screen_every_link_shows(page, sign_in):
    sign_in()
    expect(page.locator(".menu-button button")).to_be_hidden()
    expect(page.locator('#nav-links a[href="/households"]')).to_be_visible()


VILLAGE = "640422100207"  # 龙王坝村委会: a village of its own, so other journeys' lists are untouched
LOGIN = ("station-longwangba", "station-pass-207")


@pytest.fixture(scope="module")
def villager(live_server):
    """A station of its own village with one villager whose row would be wide: long skills."""
    from core.auth import create_user
    from core.extensions import db
    from core.models import Role, User
    from registry import services
    from registry.schemas import HouseholdIn, WorkerIn
    from tests.conftest import id_number

    loader = User(role=Role.admin, username="e2e-loader")
    with live_server.app.test_request_context():
        create_user(db.session, *LOGIN, Role.station, [VILLAGE], display_name="龙王坝村劳保站")
        services.create_household(db.session, HouseholdIn().load({"code": "LWB-0001", "village_code": VILLAGE}), loader)
        services.create_worker(db.session, WorkerIn().load(
            {"household_code": "LWB-0001", "name": "马万福", "id_number": id_number("19850606", 207),
             "phone": "13895002070", "skills": ["电焊", "开挖掘机", "砌墙抹灰", "种大棚菜", "驾驶小型汽车"]}), loader)
        db.session.commit()
        db.session.remove()


@pytest.mark.viewport(width=390, height=844)
def test_on_a_phone_lists_are_cards_that_hide_no_column(page, villager):
    sign_in(page, *LOGIN)
    for path in ("/workers", "/alerts?open=0", "/station", "/referrals"):
        page.goto(path)
        cut = page.evaluate("""() => [...document.querySelectorAll('main table')]
            .filter(t => t.scrollWidth > t.parentElement.clientWidth + 1).map(t => t.id || t.className)""")
        assert cut == [], (path, cut)
    page.goto("/workers")
    shown = page.evaluate("""() => [...document.querySelectorAll('#worker-list tbody tr:first-child td')]
        .map(td => getComputedStyle(td, '::before').content)""")
    for column in ("身份证号", "手机号", "技能", "就业情况"):  # each cell under its column's name, in sight
        assert any(column in label for label in shown), (column, shown)
