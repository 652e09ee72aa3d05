"""A posting's way from an employer to a villager's household, in the real browser, at phone width
and in Chinese (the default): an employer signs up and posts a job, which villagers cannot see
until a county officer verifies the employer; the station refers two members of a household (one
from the person's page, one from the posting's candidates); the employer hires one of them from
its inbox in one click; the household then counts one person employed.

The assertions look at data (names, codes, counts) and at ids and data attributes, never at
interface text, so they hold whatever the Chinese catalogue says."""
import re

import pytest
from playwright.sync_api import expect

from tests.conftest import credit_code, id_number
from tests.e2e.accounts import from_menu, sign_in, sign_out
from tests.e2e.paper import printed_on_a4

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
COUNTY, TOWNSHIP = "640422000000", "640422100000"  # 西吉县, 吉强镇
# A station of its own, in another village of 吉强镇, so that this journey's people never show up
# in the lists of the conftest's station (test_station_journey counts its workers).
VILLAGE = "640422100002"  # 中街社区居民委员会
STATION_LOGIN = ("station-zhongjie", "station-pass-456")
HOUSEHOLD = "ZJ-JOBS-0001"
MEMBERS = [("马小军", "19930303", 41), ("马小梅", "19950505", 42)]
EMPLOYER = "西吉县吉强镇扶贫车间"
EMPLOYER_LOGIN = (credit_code("91640422MA76JQ001"), "workshop-pass-123")  # employers sign in with the code
OFFICER_LOGIN = ("county-xiji", "county-pass-123")
JOB = "服装缝纫工"




@pytest.fixture(scope="module")
def people(live_server):
    """A county officer, a station of 中街社区 and a household there with two workers looking for
    work, made in the live server's database (the registry's own pages are driven by
    test_station_journey)."""
    from core.auth import create_user
    from core.extensions import db
    from core.models import Role, User
    from registry import services
    from registry.schemas import HouseholdIn, WorkerIn

    loader = User(role=Role.admin, username="e2e-loader")
    with live_server.app.test_request_context():
        create_user(db.session, *OFFICER_LOGIN, Role.county, [COUNTY], display_name="西吉县就业局")
        create_user(db.session, *STATION_LOGIN, Role.station, [VILLAGE], display_name="中街社区劳保站")
        services.create_household(db.session, HouseholdIn().load(
            {"code": HOUSEHOLD, "village_code": VILLAGE, "monitoring_status": "unstable",
             "lifted_out": True}), loader)
        ids = []
        for name, birth, seq in MEMBERS:
            worker = services.create_worker(db.session, WorkerIn().load(
                {"household_code": HOUSEHOLD, "name": name, "id_number": id_number(birth, seq),
                 "skills": ["缝纫"], "max_commute_km": 30}), loader)
            ids.append(worker.id)
        db.session.commit()
        db.session.remove()
    return ids




def assert_fits_the_phone(page, what: str) -> None:
    """Nothing wider than the screen: tables scroll inside their own box."""
    too_wide = page.evaluate("document.documentElement.scrollWidth") - PHONE["width"]
    assert too_wide <= 0, f"{what} is wider than the phone by {too_wide}px"
    for field in page.locator("main form input:not([type=hidden]), main form select, main form button").all():
        box = field.bounding_box()
        if box is not None and box["width"] > 0:
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1, (what, field, box)


@pytest.mark.viewport(**PHONE)
def test_a_posting_from_the_employer_to_a_household(page, people, snap):
    first, second = people
    submit = page.locator("main form button[type=submit]")

    # --- an employer signs up on the public page and posts a job -------------------------------
    page.goto("/jobs")
    from_menu(page, 'a[href="/employers/register"]').click()
    expect(page).to_have_url(re.compile(r"/employers/register$"))
    page.locator("#name").fill(EMPLOYER)
    page.locator("#uscc").fill(credit_code("91640422MA76JQ001"))
    page.locator("#kind").select_option("workshop")
    page.locator("#contact_name").fill("李经理")
    page.locator("#contact_phone").fill("13895006666")
    page.locator("#address").fill("吉强镇中街社区扶贫车间")
    page.locator("#area_code").select_option(TOWNSHIP)
    page.locator("#password").fill(EMPLOYER_LOGIN[1])
    page.locator("#confirm").fill(EMPLOYER_LOGIN[1])
    assert_fits_the_phone(page, "the sign-up form")
    snap("0-sign-up")
    submit.click()
    expect(page).to_have_url(re.compile(r"/employer$"))
    expect(page.locator("#unverified-banner")).to_be_visible()
    expect(page.locator("main h1")).to_have_text(EMPLOYER)
    expect(page.locator("header")).to_contain_text(EMPLOYER)

    page.locator("#new-job").click()
    expect(page).to_have_url(re.compile(r"/jobs/new$"))
    page.locator("#title").fill(JOB)
    page.locator("#required_skills").fill("缝纫")
    page.locator("#openings").fill("2")
    page.locator("#wage_min").fill("2200")
    page.locator("#wage_max").fill("3200")
    page.locator("#address").fill("吉强镇中街社区扶贫车间")
    page.locator("#meals").check()
    page.locator("#accommodation").check()
    page.locator("#flexible_hours").check()
    page.locator("#workshop").check()
    page.locator("#physical_demand").select_option("light")
    assert_fits_the_phone(page, "the posting form")
    snap("0b-posting-form")
    submit.click()
    expect(page).to_have_url(re.compile(r"/jobs/\d+$"))
    job_id = int(page.url.rsplit("/", 1)[1])
    expect(page.locator("#job-title")).to_have_text(JOB)
    expect(page.locator('[data-state="unverified"]')).to_be_visible()
    sign_out(page)

    # --- villagers do not see it before the employer is verified --------------------------------
    page.goto("/jobs")
    expect(page.locator(f'[data-job-id="{job_id}"]')).to_have_count(0)
    assert page.goto(f"/jobs/{job_id}").status == 404

    # --- a county officer verifies the employer -------------------------------------------------
    sign_in(page, *OFFICER_LOGIN)
    from_menu(page, 'a[href="/employers?verified=0"]').click()
    row = page.locator("main tbody tr", has_text=EMPLOYER)
    expect(row).to_have_attribute("data-verified", "no")
    expect(row).to_contain_text(credit_code("91640422MA76JQ001"))
    row.locator("button.verify").click()
    expect(page.locator(".flash-success")).to_contain_text(EMPLOYER)
    expect(page.locator("main tbody tr", has_text=EMPLOYER)).to_have_count(0)  # no longer waiting
    sign_out(page)

    # --- now the posting is public: what a villager's phone shows -------------------------------
    page.goto("/jobs")
    card = page.locator(f'article[data-job-id="{job_id}"]')
    expect(card).to_contain_text(JOB)
    expect(card).to_contain_text(EMPLOYER)
    expect(card).to_contain_text("2200–3200")
    expect(card.locator(".openings-left")).to_have_attribute("data-openings-left", "2")
    expect(card.locator('[data-flag="board"]')).to_be_visible()
    expect(card.locator('[data-flag="flexible_hours"]')).to_be_visible()
    assert_fits_the_phone(page, "the public list")
    snap("1a-public-list")
    card.locator("h2 a").click()
    expect(page).to_have_url(re.compile(rf"/jobs/{job_id}$"))
    expect(page.locator("#job-employer")).to_contain_text(EMPLOYER)
    expect(page.locator("#openings-left")).to_have_attribute("data-openings-left", "2")
    expect(page.locator("#job-contact")).to_have_count(0)  # the employer's phone is for staff and itself
    expect(page.locator("#candidates-link")).to_have_count(0)
    assert_fits_the_phone(page, "the public posting")
    snap("1-public-job")

    # --- the station refers both members: one from the person's page, one from the candidates ---
    sign_in(page, *STATION_LOGIN)
    page.goto(f"/workers/{first}")
    page.locator("#referrals-link").click()
    expect(page).to_have_url(re.compile(rf"/workers/{first}/referrals$"))
    page.locator("#job_id").select_option(str(job_id))
    page.locator("#note").fill("会缝纫，家门口就业")
    submit.click()
    expect(page.locator("#confirm-question")).to_contain_text(MEMBERS[0][0])  # asked once more first
    expect(page.locator("#confirm-employer")).to_have_text(EMPLOYER)
    assert_fits_the_phone(page, "the question before a referral")
    snap("2-refer-question")
    page.locator("#confirm-referral").click()
    expect(page.locator(".flash-success")).to_be_visible()
    referred = page.locator("table.referrals tbody tr")
    expect(referred).to_have_count(1)
    expect(referred.first).to_have_attribute("data-status", "referred")
    expect(referred.first).to_contain_text(JOB)
    snap("2-worker-referrals")

    referred.first.locator("a.slip-link").click()
    expect(page.locator("#slip-worker")).to_have_text(MEMBERS[0][0])
    number = id_number(MEMBERS[0][1], MEMBERS[0][2])
    expect(page.locator("#slip-id")).to_have_text(number[:6] + "*" * 10 + number[-2:])
    expect(page.locator("body")).not_to_contain_text(number)
    expect(page.locator("#slip-job")).to_have_text(JOB)
    expect(page.locator("#slip-employer")).to_have_text(EMPLOYER)
    snap("3-slip")
    printed_on_a4(page)  # the person takes it to the employer on paper

    page.goto(f"/jobs/{job_id}")
    page.locator("#candidates-link").click()
    expect(page).to_have_url(re.compile(rf"/jobs/{job_id}/candidates$"))
    expect(page.locator(f'tr[data-worker-id="{first}"]')).to_have_count(0)  # referred already
    candidate = page.locator(f'tr[data-worker-id="{second}"]')
    expect(candidate).to_contain_text(MEMBERS[1][0])
    snap("4-candidates")
    candidate.locator("button.refer").click()
    page.locator("#confirm-referral").click()
    expect(page.locator(".flash-success")).to_contain_text(MEMBERS[1][0])
    expect(page.locator(f'tr[data-worker-id="{second}"]')).to_have_count(0)
    sign_out(page)

    # --- the employer hires one of them from its inbox, in one click ----------------------------
    sign_in(page, *EMPLOYER_LOGIN)
    from_menu(page, 'a[href="/employer"]').click()
    expect(page.locator("#unverified-banner")).to_have_count(0)
    inbox = page.locator("#inbox article.referral")
    expect(inbox).to_have_count(2)
    expect(page.locator("#inbox-count")).to_have_text("2")
    for name, _birth, _seq in MEMBERS:  # referred to this employer: shown by name
        expect(page.locator("#inbox")).to_contain_text(name)
    assert_fits_the_phone(page, "the employer's inbox")
    snap("5-employer-inbox")
    page.locator(f'#inbox article[data-worker-id="{first}"] button.hire').click()
    page.locator("#confirm-answer").click()  # 确认录用: nothing changes before
    expect(page.locator(".flash-success")).to_contain_text(MEMBERS[0][0])
    expect(inbox).to_have_count(1)
    expect(page.locator(f'#inbox article[data-worker-id="{second}"]')).to_be_visible()
    expect(page.locator("#hires-count")).to_have_text("1")
    expect(page.locator(f'#hires article[data-worker-id="{first}"]')).to_have_attribute("data-status", "hired")
    posting = page.locator(f'#postings tr[data-job-id="{job_id}"]')
    expect(posting.locator(".hired")).to_have_text("1")
    expect(posting.locator(".left")).to_have_text("1")
    snap("6-after-hire")
    sign_out(page)

    # --- the household now has one person employed ----------------------------------------------
    sign_in(page, *STATION_LOGIN)
    page.goto(f"/households/{HOUSEHOLD}")
    expect(page.locator("#employed-count")).to_contain_text("1")
    expect(page.locator("#employed-count")).not_to_contain_text("0")
    page.locator("#referrals-link").click()
    expect(page.locator(f'table.referrals tr[data-worker-id="{first}"]')).to_have_attribute("data-status", "hired")
    expect(page.locator(f'table.referrals tr[data-worker-id="{second}"]')).to_have_attribute("data-status", "referred")
    snap("7-household-referrals")

    # --- the station's list: the other member still waits for the employer's answer -------------
    from_menu(page, 'a[href="/referrals"]').click()
    expect(page.locator("#open-count")).to_have_text("1")
    expect(page.locator(f'#open-referrals tr[data-worker-id="{second}"]')).to_have_attribute("data-status", "referred")
    expect(page.locator(f'#open-referrals tr[data-worker-id="{second}"] button.withdraw')).to_be_visible()  # made today
    expect(page.locator("#due-count")).to_have_text("0")  # the first follow-up is a month away
    assert_fits_the_phone(page, "the station's referrals")
    snap("8-station-referrals")
