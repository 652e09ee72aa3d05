"""An employment certificate in the real browser (issue 18): the station of 酸刺沟村 opens the
referrals of a person hired today, prints the 就业证明 on one A4 portrait page (QR code, masked ID
number), and a stranger on a phone scans it: the public check opens without signing in and shows a
masked name, the employer, the post and the date, nothing more; a walked code is not genuine.

The assertions look at data, ids and data attributes; screenshots under test-artifacts/e2e/."""
import re

import pytest
from playwright.sync_api import expect

from tests.conftest import id_number
from tests.e2e.accounts import sign_in
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.paper import printed_on_a4

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
# A village of its own, so that these people show up in no other journey's lists.
VILLAGE = "640422100224"  # 酸刺沟村委会, 吉强镇
HOUSEHOLD = "SCG-CERT-0001"
STATION_LOGIN = ("suancigou-station", "station-pass-224")
EMPLOYER = "西吉县酸刺沟马铃薯粉条帮扶车间"
POST = "粉条加工工"
NAME, BIRTH, SEQ, MOBILE = "马秀兰", "19900909", 241, "13895224241"
ARTIFACT = "test_a_station_prints_an_employment_certificate_and_anyone_checks_it"


@pytest.fixture(scope="module")
def hire(live_server):
    """马秀兰 of 酸刺沟村, hired today by a workshop of the village; the village's station account."""
    from core.auth import create_user
    from core.extensions import db
    from core.models import Role, User
    from jobs import referral_lifecycle
    from jobs import services as jobs
    from jobs.models import ReferralStatus
    from jobs.schemas import EmployerIn, JobIn
    from registry import services as registry
    from registry.schemas import HouseholdIn, WorkerIn
    from tests.conftest import credit_code

    loader = User(role=Role.admin, username="e2e-certificate-loader")
    with live_server.app.test_request_context():
        registry.create_household(db.session, HouseholdIn().load({"code": HOUSEHOLD, "village_code": VILLAGE}), loader)
        worker = registry.create_worker(db.session, WorkerIn().load(
            {"household_code": HOUSEHOLD, "name": NAME, "id_number": id_number(BIRTH, SEQ), "phone": MOBILE}), loader)
        employer = jobs.create_employer(db.session, EmployerIn().load(
            {"name": EMPLOYER, "uscc": credit_code("91640422MA7BCG224"), "area_code": "640422100000"}), loader)
        job = jobs.create_job(db.session, JobIn().load(
            {"employer_id": employer.id, "title": POST, "openings": 1, "area_code": VILLAGE, "required_skills": [],
             "wage_min": 2800, "wage_max": 3500}), loader)
        referral = referral_lifecycle.create_referral(db.session, worker.id, job.id, loader)
        referral_lifecycle.change_referral(db.session, referral, ReferralStatus.hired, loader)
        create_user(db.session, *STATION_LOGIN, Role.station, [VILLAGE], display_name="酸刺沟村劳保站")
        db.session.commit()
        ids = {"worker": worker.id, "referral": referral.id}
        db.session.remove()
    return ids


@pytest.mark.viewport(**PHONE)
def test_a_station_prints_an_employment_certificate_and_anyone_checks_it(page, browser, live_server, hire, snap):
    sign_in(page, *STATION_LOGIN)
    page.goto(f"/workers/{hire['worker']}/referrals")
    page.locator("#employment-certificate-link").click()
    expect(page).to_have_url(re.compile(rf"/workers/{hire['worker']}/employment-certificate$"))
    paper = page.locator("#employment-certificate")
    code = paper.get_attribute("data-code")
    assert re.fullmatch(rf"JY\d{{4}}-{hire['referral']:06d}-[2-9A-HJ-NP-Z]{{8}}", code), code
    expect(paper).to_have_attribute("data-kind", "local")
    expect(page.locator("#employment-name")).to_have_text(NAME)
    expect(page.locator("#employment-employer")).to_have_text(EMPLOYER)
    expect(page.locator("#employment-qr svg.qr")).to_be_visible()
    expect(paper).not_to_contain_text(id_number(BIRTH, SEQ))
    expect(paper).not_to_contain_text(MOBILE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "wider than the phone"
    snap("1-certificate-phone")
    printed_on_a4(page)
    url = page.locator("#employment-qr").get_attribute("data-url")
    assert url == f"{live_server.url}/verify/{code}"

    stranger = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    try:
        check = stranger.new_page()
        check.goto(url)
        expect(check).to_have_url(url)  # not sent to the sign-in
        expect(check.locator("#employment-check")).to_have_attribute("data-state", "in_work")
        expect(check.locator("#check-name")).to_have_text(NAME[0] + "**")
        expect(check.locator("#check-employer")).to_have_text(EMPLOYER)
        expect(check.locator("#check-post")).to_have_text(POST)
        expect(check.locator("main")).not_to_contain_text(NAME)
        expect(check.locator("main")).not_to_contain_text(MOBILE[-4:])
        assert check.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        check.screenshot(path=str(ARTIFACTS / f"{ARTIFACT}--2-check-genuine.png"), full_page=True)
        year, _number, check_letters = code.split("-")
        walked = check.goto(f"{live_server.url}/verify/{year}-{hire['referral'] + 1:06d}-{check_letters}")
        assert walked.status == 404
        expect(check.locator("#not-genuine")).to_be_visible()
        check.screenshot(path=str(ARTIFACTS / f"{ARTIFACT}--3-check-walked.png"), full_page=True)
    finally:
        stranger.close()
