"""The public job board on a 390 px phone, without signing in: a villager filters the postings of
白崖乡 by housing and wage, opens one and learns how to apply; a full posting says so and offers
no apply button. A station prints a posting's notice for the village notice board: one A4 page,
portrait, with a QR code of the posting's public page; nobody's name or phone on any of it.

Assertions look at data, ids and data attributes, not at interface text."""
import re

import pytest
from playwright.sync_api import expect

from tests.conftest import credit_code, id_number
from tests.e2e.accounts import sign_in
from tests.e2e.paper import printed_on_a4

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
# 白崖乡 and two of its villages: a township no other journey posts in, so the counts are this test's
TOWNSHIP, VILLAGE, OTHER_VILLAGE = "640422214000", "640422214200", "640422214201"
STATION_LOGIN = ("station-baiya", "station-pass-214")
WORKER_NAME, WORKER_PHONE = "马文秀", "13995214214"
CONTACT_NAME, CONTACT_PHONE = "苏有福", "13709521421"


@pytest.fixture(scope="module")
def postings(live_server):
    """An employer of 白崖乡 (its contact a person with a phone) with three postings: a welder's
    with meals and housing, a day wage without, and a cleaner's whose one opening is filled by a
    villager of 白崖村."""
    from core.auth import create_user
    from core.extensions import db
    from core.models import Role, User
    from jobs import referral_lifecycle, services
    from jobs.models import ReferralStatus
    from jobs.schemas import EmployerIn, JobIn
    from registry import services as registry_services
    from registry.schemas import HouseholdIn, WorkerIn

    admin = User(role=Role.admin, username="e2e-loader")
    with live_server.app.test_request_context():
        create_user(db.session, *STATION_LOGIN, Role.station, [VILLAGE], display_name="白崖村劳保站")
        employer = services.create_employer(db.session, EmployerIn().load(
            {"name": "白崖乡马铃薯加工合作社", "uscc": credit_code("93640422MA76BY214"), "kind": "cooperative",
             "contact_name": CONTACT_NAME, "contact_phone": CONTACT_PHONE, "area_code": TOWNSHIP}), admin)
        common = {"employer_id": employer.id, "physical_demand": "medium"}
        ids = {
            "welder": services.create_job(db.session, JobIn().load(
                {**common, "title": "电焊工（包吃住）", "openings": 3, "wage_min": 5000, "wage_max": 7000,
                 "area_code": VILLAGE, "accommodation": True, "meals": True, "required_skills": ["电焊"],
                 "description": f"车间在白崖村口。有意者联系{CONTACT_PHONE}。" + "按月发放工资，缴纳社保。" * 30,
                 "min_age": 18, "max_age": 55}), admin).id,
            "sorter": services.create_job(db.session, JobIn().load(
                {**common, "title": "马铃薯分拣工", "openings": 10, "wage_min": 120, "wage_max": 160,
                 "wage_unit": "day", "area_code": OTHER_VILLAGE}), admin).id,
            "cleaner": services.create_job(db.session, JobIn().load(
                {**common, "title": "车间保洁员", "openings": 1, "wage_min": 2600, "wage_max": 2600,
                 "area_code": VILLAGE, "accommodation": True}), admin).id,
        }
        registry_services.create_household(db.session, HouseholdIn().load(
            {"code": "BY-BOARD-0001", "village_code": VILLAGE}), admin)
        worker = registry_services.create_worker(db.session, WorkerIn().load(
            {"household_code": "BY-BOARD-0001", "name": WORKER_NAME, "phone": WORKER_PHONE,
             "id_number": id_number("19900214", 214)}), admin)
        referral = referral_lifecycle.create_referral(db.session, worker.id, ids["cleaner"], admin)
        referral_lifecycle.change_referral(db.session, referral, ReferralStatus.hired, admin)
        db.session.commit()
        db.session.remove()
    return ids


def no_wider_than_the_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


def nothing_personal(page) -> None:
    text = page.content()
    for secret in (WORKER_NAME, WORKER_PHONE, CONTACT_NAME, CONTACT_PHONE):
        assert secret not in text, (secret, page.url)


@pytest.mark.viewport(**PHONE)
def test_a_villager_filters_the_board_and_opens_a_posting(page, postings, snap):
    page.goto("/board")
    expect(page.locator("#board-list")).to_be_visible()
    no_wider_than_the_phone(page)

    # 白崖乡, with housing, at least 4,000 a month: the welder's posting alone
    page.locator("#area_code").select_option(TOWNSHIP)
    page.locator("#accommodation").check()
    page.locator("#wage_min").fill("4000")
    page.locator("#board-search").click()
    expect(page).to_have_url(re.compile(rf"area_code={TOWNSHIP}"))
    cards = page.locator(".board-card")
    expect(cards).to_have_count(1)
    card = page.locator(f'.board-card[data-job-id="{postings["welder"]}"]')
    expect(card.locator('[data-flag="meals"]')).to_be_visible()
    expect(card.locator('[data-flag="accommodation"]')).to_be_visible()
    expect(card.locator(".openings-left")).to_have_attribute("data-openings-left", "3")
    expect(card.locator(".board-place")).to_have_attribute("data-area-code", VILLAGE)
    expect(card.locator(".board-wage")).to_contain_text("5000–7000 元/月")
    expect(page.locator("#area_code")).to_have_value(TOWNSHIP)
    no_wider_than_the_phone(page)
    nothing_personal(page)
    snap("1-filtered")

    card.locator("h2 a").click()
    expect(page).to_have_url(re.compile(rf"/board/jobs/{postings['welder']}$"))
    expect(page.locator("#how-to-apply")).to_be_visible()
    expect(page.locator("#sign-in-to-apply")).to_be_visible()
    expect(page.locator("#apply-form")).to_have_count(0)
    expect(page.locator("#openings-left")).to_have_attribute("data-openings-left", "3")
    no_wider_than_the_phone(page)
    nothing_personal(page)
    snap("2-posting")

    # the whole township: a day wage says so, and the full posting comes last, marked full
    page.goto(f"/board?area_code={TOWNSHIP}")
    expect(cards).to_have_count(3)
    expect(cards.last).to_have_attribute("data-job-id", str(postings["cleaner"]))
    expect(cards.last).to_have_attribute("data-state", "full")
    expect(cards.last.locator('[data-state="full"]')).to_be_visible()
    expect(page.locator(f'.board-card[data-job-id="{postings["sorter"]}"] .board-wage')).to_contain_text("元/天")
    no_wider_than_the_phone(page)
    nothing_personal(page)
    snap("3-township")
    cards.last.locator("h2 a").click()
    expect(page.locator("#posting-full")).to_be_visible()
    expect(page.locator("#apply-form")).to_have_count(0)
    expect(page.locator("#board-job")).to_have_attribute("data-state", "full")
    nothing_personal(page)


@pytest.mark.viewport(**PHONE)
def test_a_bad_wage_on_the_board_is_named_not_a_failure(page, postings):
    response = page.goto(f"/board?area_code={TOWNSHIP}&wage_min=-1")
    assert response.status == 400
    expect(page.locator("#wage_min-error")).to_be_visible()
    expect(page.locator("#wage_min")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".board-card")).to_have_count(3)
    no_wider_than_the_phone(page)


@pytest.mark.viewport(**PHONE)
def test_a_station_prints_a_postings_notice_on_one_a4_page(page, live_server, postings, snap):
    sign_in(page, *STATION_LOGIN)
    page.goto(f"/jobs/{postings['welder']}")
    page.locator("#notice-link").click()
    expect(page).to_have_url(re.compile(rf"/jobs/{postings['welder']}/notice$"))
    qr = page.locator("#notice-qr svg.qr")
    expect(qr).to_be_visible()
    public_url = f"{live_server.url}/board/jobs/{postings['welder']}"
    expect(page.locator("#notice-qr")).to_have_attribute("data-url", public_url)
    expect(page.locator("#notice-wage")).to_contain_text("5000–7000 元/月")
    expect(page.locator("#notice-openings")).to_have_attribute("data-openings-left", "3")
    expect(page.locator("#notice-how")).to_contain_text("白崖")
    no_wider_than_the_phone(page)
    nothing_personal(page)
    snap("1-notice-phone")

    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 px an inch
    page.emulate_media(media="print")
    expect(page.locator("header.site-header")).to_be_hidden()
    expect(page.locator("#print-notice")).to_be_hidden()
    box = qr.bounding_box()
    assert box["width"] >= 150, "the QR code is large enough to scan from a notice board"
    snap("2-notice-print")
    printed_on_a4(page)  # the page's own @page size wins: A4 portrait
