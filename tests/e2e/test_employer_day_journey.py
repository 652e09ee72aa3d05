"""An employer's day on a 390 px phone: its home is short (postings first, then the people waiting
for an answer; fifteen earlier hires are on their own page), it asks for the phone of a person the
station put forward (recorded in the audit log), hires her on a day after confirming, undoes the
hire, and hires her again.

Assertions look at data, ids and data attributes, not at interface text."""
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from core.models import china_today
from tests.conftest import credit_code, id_number
from tests.e2e.accounts import sign_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
VILLAGE = "640422100209"  # 套子湾村委会, 吉强镇: a village of its own, so other journeys' counts are untouched
EMPLOYER = "西吉县套子湾马铃薯加工厂"
EMPLOYER_LOGIN = (credit_code("91640422MA76TJW01"), "potato-pass-209")
HOUSEHOLD = "TZW-0001"
PERSON, PERSON_PHONE = "马小花", "13895002090"
EARLIER_HIRES = 15


@pytest.fixture(scope="module")
def employer_day(live_server):
    """A verified employer with an account and two postings; fifteen people it hired a week ago; two
    people of 套子湾 the station put forward to its packing posting. Returns the ids that matter."""
    from datetime import datetime, timezone

    from core.auth import create_user
    from core.extensions import db
    from core.models import Role, User
    from jobs import referral_lifecycle
    from jobs import services as job_services
    from jobs.models import Referral, ReferralStatus
    from jobs.schemas import EmployerIn, JobIn
    from registry import services
    from registry.schemas import HouseholdIn, WorkerIn

    admin = User(role=Role.admin, username="e2e-loader")
    week_ago = china_today() - timedelta(days=7)
    with live_server.app.test_request_context():
        employer = job_services.create_employer(db.session, EmployerIn().load({
            "name": EMPLOYER, "uscc": EMPLOYER_LOGIN[0], "area_code": "640422100000", "contact_phone": "13895009999"}),
            admin)
        create_user(db.session, *EMPLOYER_LOGIN, Role.employer, employer_id=employer.id, display_name=EMPLOYER)
        expires = (china_today() + timedelta(days=60)).isoformat()
        line = job_services.create_job(db.session, JobIn().load({
            "employer_id": employer.id, "title": "马铃薯分拣工", "openings": 20, "wage_min": 2800, "wage_max": 3600,
            "expires_on": expires}), admin)
        packing = job_services.create_job(db.session, JobIn().load({
            "employer_id": employer.id, "title": "包装工（计件）", "openings": 3, "wage_min": 1, "wage_max": 2,
            "wage_unit": "piece", "expires_on": expires}), admin)
        services.create_household(db.session, HouseholdIn().load(
            {"code": HOUSEHOLD, "village_code": VILLAGE, "monitoring_status": "marginal"}), admin)
        waiting = []
        for seq, name, phone in [(502, PERSON, PERSON_PHONE), (504, "杨小红", "13895002092")]:
            worker = services.create_worker(db.session, WorkerIn().load(
                {"household_code": HOUSEHOLD, "name": name, "id_number": id_number("19860412", seq), "phone": phone}),
                admin)
            waiting.append(referral_lifecycle.create_referral(db.session, worker.id, packing.id, admin).id)
        for n in range(EARLIER_HIRES):
            code = f"TZW-1{n:03d}"
            services.create_household(db.session, HouseholdIn().load({"code": code, "village_code": VILLAGE}), admin)
            worker = services.create_worker(db.session, WorkerIn().load(
                {"household_code": code, "name": f"马{n}", "id_number": id_number("19860412", 601 + 2 * n)}), admin)
            referral = referral_lifecycle.create_referral(db.session, worker.id, line.id, admin)
            referral.created_at = datetime.now(timezone.utc) - timedelta(days=9)
            referral_lifecycle.change_referral(db.session, referral, ReferralStatus.hired, admin, on=week_ago)
            referral.status_changed_at = datetime.now(timezone.utc) - timedelta(days=7)  # long past undoing
        db.session.commit()
        ids = {"line": line.id, "packing": packing.id, "person": db.session.get(Referral, waiting[0]).worker_id,
               "referral": waiting[0]}
        db.session.remove()
    return ids


def fits_the_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


@pytest.mark.viewport(**PHONE)
def test_an_employers_day_on_the_phone(page, employer_day, snap):
    person = employer_day["person"]
    sign_in(page, *EMPLOYER_LOGIN)
    expect(page).to_have_url(re.compile(r"/employer$"))

    # --- a short home: the postings first, the people waiting next, the hires on their own page ---
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 3 * PHONE["height"], f"the employer's home is {height}px tall"
    fits_the_phone(page)
    expect(page.locator("#nav-new-job")).to_have_count(1)
    postings_top = page.locator("#postings").bounding_box()["y"]
    assert postings_top < page.locator("#inbox").bounding_box()["y"] < page.locator("#hires").bounding_box()["y"]
    assert page.locator("#new-job").bounding_box()["y"] < PHONE["height"]  # 发布招聘岗位 on the first screen
    packing = page.locator(f'#postings tr[data-job-id="{employer_day["packing"]}"]')
    expect(packing.locator(".waiting")).to_have_text("2")
    expect(packing.locator(".left")).to_have_text("3")
    expect(packing.locator('[data-wage-unit="piece"]')).to_be_visible()
    expect(page.locator("#hires-count")).to_have_text(str(EARLIER_HIRES))
    expect(page.locator("#hires article")).to_have_count(0)  # a week old: on the hires page, not here
    snap("1-home")

    # --- the phone of the person the station put forward: asked for, then shown in full ---------
    card = page.locator(f'#inbox article[data-worker-id="{person}"]')
    expect(card.locator('.person-phone[data-revealed="0"]')).not_to_contain_text(PERSON_PHONE)
    card.locator("button.reveal-contact").click()
    card = page.locator(f'#inbox article[data-worker-id="{person}"]')
    expect(card.locator('a.person-phone[data-revealed="1"]')).to_have_text(PERSON_PHONE)
    expect(card.locator(".contact-name")).to_have_text(PERSON)
    fits_the_phone(page)
    snap("2-contact")

    # --- hire her, on a day, after confirming -----------------------------------------------------
    card.locator("button.hire").click()
    expect(page.locator("#confirm-question")).to_contain_text(PERSON)
    expect(page.locator("#hired_on")).to_have_value(china_today().isoformat())
    fits_the_phone(page)
    snap("3-confirm")
    page.locator("#confirm-answer").click()
    expect(page).to_have_url(re.compile(r"/employer$"))
    expect(page.locator(".flash-success")).to_contain_text(PERSON)
    hired = page.locator(f'#hires article[data-worker-id="{person}"]')
    expect(hired).to_have_attribute("data-status", "hired")
    expect(page.locator("#hires-count")).to_have_text(str(EARLIER_HIRES + 1))
    expect(packing.locator(".left")).to_have_text("2")
    snap("4-hired")

    # --- undo it: she waits for an answer again -----------------------------------------------------
    hired.locator("button.undo").click()
    expect(page.locator(".flash-success")).to_contain_text(PERSON)
    expect(page.locator(f'#inbox article[data-worker-id="{person}"]')).to_have_attribute("data-status", "referred")
    expect(page.locator(f'#hires article[data-worker-id="{person}"]')).to_have_count(0)
    expect(page.locator("#hires-count")).to_have_text(str(EARLIER_HIRES))
    expect(packing.locator(".left")).to_have_text("3")
    snap("5-undone")

    # --- and hire her again -------------------------------------------------------------------------
    page.locator(f'#inbox article[data-worker-id="{person}"] button.hire').click()
    page.locator("#confirm-answer").click()
    expect(page.locator(f'#hires article[data-worker-id="{person}"]')).to_have_attribute("data-status", "hired")
    expect(page.locator("#hires-count")).to_have_text(str(EARLIER_HIRES + 1))

    # --- every hire is on the hires page, ten to a page --------------------------------------------
    page.locator("#all-hires").click()
    expect(page).to_have_url(re.compile(r"/employer/hires$"))
    expect(page.locator("#hire-list li.hire-row")).to_have_count(10)
    expect(page.locator(f'#hire-list li[data-worker-id="{person}"]')).to_have_count(1)  # newest first
    fits_the_phone(page)
    snap("6-hires")

    # --- the posting's people: the other one still waits, to be ticked for a hire with others ------
    page.goto(f"/jobs/{employer_day['packing']}/referrals")
    expect(page.locator("#waiting article.referral")).to_have_count(1)
    expect(page.locator(f'#answered li[data-worker-id="{person}"]')).to_have_attribute("data-status", "hired")
    expect(page.locator("#hired_on")).to_have_value(china_today().isoformat())
    fits_the_phone(page)
    snap("7-posting")
