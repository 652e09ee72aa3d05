"""A training provider's day on a phone, in the real browser (issue 17): from the course list to
the subsidy ledger and the outcomes of its own courses, then the attendance sheet of today's
session, the class roster and a trainee's certificate, each printed on one A4 portrait page; the certificate's QR
code leads to its public check, which opens without signing in, names nobody in full, and says a
forged number is not genuine.

The assertions look at data, ids and data attributes; screenshots of each step are kept under
test-artifacts/e2e/."""
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.conftest import id_number
from tests.e2e.accounts import sign_in
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.paper import A4, printed_on_a4

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
TOWNSHIP = "640422100000"  # 吉强镇
# A village of its own, so that these people show up in no other journey's lists.
VILLAGE = "640422100211"  # 芦子沟村委会, 吉强镇
HOUSEHOLD = "LZG-PROV-0001"
PROVIDER_LOGIN = ("luzigou-skills-school", "provider-pass-211")
PROVIDER = "西吉县芦子沟职业技能培训学校"
COURSE = "马铃薯种植与仓储管理实用技术培训班（芦子沟村夜校）"
OTHER_COURSE = "别家的烹饪班"
NAME = "test_a_providers_day_from_the_ledger_to_a_certificate_checked_by_anyone"  # its screenshots' prefix
MEMBERS = [("马玉梅", "19900606", 81, "13895211081"), ("马建国", "19880303", 82, "13895211082")]


@pytest.fixture(scope="module")
def day(live_server):
    """The provider's course of the journey (started today, 20 yuan a day, two sessions today), two
    villagers of 芦子沟村 in it, both present at both sessions; 马玉梅 passed with 92 points. Another
    provider's course with a trainee of the same household, present tonight, who must show nowhere
    in this provider's reports."""
    from core.auth import create_user
    from core.extensions import db
    from core.models import Role, User, china_today
    from registry import services as registry
    from registry.schemas import HouseholdIn, WorkerIn
    from training import results
    from training import services as training
    from training.schemas import CourseIn, SessionIn

    today = china_today()
    loader = User(role=Role.admin, username="e2e-provider-day-loader")
    with live_server.app.test_request_context():
        registry.create_household(db.session, HouseholdIn().load(
            {"code": HOUSEHOLD, "village_code": VILLAGE, "monitoring_status": "unstable"}), loader)
        workers = [registry.create_worker(db.session, WorkerIn().load(
            {"household_code": HOUSEHOLD, "name": name, "id_number": id_number(birth, seq), "phone": phone}), loader)
            for name, birth, seq, phone in MEMBERS]
        provider = create_user(db.session, *PROVIDER_LOGIN, Role.provider, display_name=PROVIDER)
        other = create_user(db.session, "e2e-other-school", "other-pass-211", Role.provider)

        def course(title, owner, **extra):
            return training.create_course(db.session, CourseIn().load({
                "title": title, "provider": PROVIDER, "skills_taught": ["种植"], "mode": "night", "area_code": TOWNSHIP,
                "address": "吉强镇芦子沟村村部", "capacity": 10, "starts_on": today.isoformat(),
                "ends_on": (today + timedelta(days=20)).isoformat(), "subsidy_per_day": 20, "fee_waived": True,
                "certificate": "马铃薯种植培训合格证", "certificate_kind": "training", "completion_threshold": 80,
                **extra}), owner)

        night = course(COURSE, provider)
        sessions = [training.add_session(db.session, night, SessionIn().load(
            {"day": today.isoformat(), "starts_at": start, "ends_at": end, "place": "芦子沟村村部", "topic": topic}),
            provider) for start, end, topic in (("08:30", "11:30", "选种与播种"), ("14:00", "17:00", "窖藏管理"))]
        enrolled = [training.enrol(db.session, night, w.id, loader) for w in workers]
        for meeting in sessions:
            results.take_attendance(db.session, meeting, {e.id for e in enrolled}, provider)
        results.complete(db.session, enrolled[0], True, provider, post_score=92)
        elsewhere = course(OTHER_COURSE, other)
        their_trainee = registry.create_worker(db.session, WorkerIn().load(
            {"household_code": HOUSEHOLD, "name": "马小军", "id_number": id_number("19950505", 83)}), loader)
        theirs = training.enrol(db.session, elsewhere, their_trainee.id, loader)
        their_session = training.add_session(db.session, elsewhere, SessionIn().load(
            {"day": today.isoformat(), "starts_at": "19:00", "ends_at": "21:00"}), other)
        results.take_attendance(db.session, their_session, {theirs.id}, other)
        db.session.commit()
        ids = {"course": night.id, "other": elsewhere.id, "sessions": [s.id for s in sessions],
               "enrolments": [e.id for e in enrolled], "theirs": theirs.id,
               "code": enrolled[0].certificate_no}
        db.session.remove()
    return ids


def too_wide(page) -> int:
    """How far the page is wider than the phone (compared with the screen, not innerWidth)."""
    return page.evaluate("document.documentElement.scrollWidth") - PHONE["width"]


@pytest.mark.viewport(**PHONE)
def test_a_providers_day_from_the_ledger_to_a_certificate_checked_by_anyone(page, browser, live_server, day, snap):
    passed, second = day["enrolments"]
    widths = {}

    # --- the course list leads to the reports -----------------------------------------------------
    sign_in(page, *PROVIDER_LOGIN)
    page.goto("/provider")
    expect(page.locator(f'article.course-card[data-course-id="{day["course"]}"]')).to_be_visible()
    page.locator('#training-nav a[href="/training/subsidies"]').click()
    expect(page).to_have_url(re.compile(r"/training/subsidies$"))

    # --- the ledger: its own two trainees, a day each at 20 yuan; not the other school's -------------
    lines = page.locator("#per-person tr[id^=line-]")
    expect(lines).to_have_count(2)
    for enrolment in (passed, second):
        expect(page.locator(f"#line-{enrolment}")).to_have_attribute("data-amount", "20")
    expect(page.locator(f"#line-{day['theirs']}")).to_have_count(0)
    expect(page.locator("#total-amount")).to_have_text("40")
    expect(page.locator(f"#household-{HOUSEHOLD}")).to_have_attribute("data-amount", "40")
    expect(page.locator('#per-person a[href^="/workers/"]')).to_have_count(0)
    amount = page.locator(f"#line-{passed} td").last.bounding_box()  # the amount: in sight, not scrolled away
    assert amount["x"] + amount["width"] <= PHONE["width"], amount
    widths["ledger"] = too_wide(page)
    snap("1-ledger")
    expect(page.locator("button[data-print]")).to_be_visible()  # the ledger goes to the county on paper
    printed_on_a4(page)

    # --- outcomes of its own courses only ----------------------------------------------------------
    page.locator('#training-nav a[href="/training/outcomes"]').click()
    expect(page).to_have_url(re.compile(r"/training/outcomes$"))
    mine = page.locator(f'article.course-outcome[data-course-id="{day["course"]}"]')
    expect(mine).to_have_attribute("data-completed", "1")
    expect(mine).to_have_attribute("data-enrolled", "1")
    expect(page.locator(f'article.course-outcome[data-course-id="{day["other"]}"]')).to_have_count(0)
    widths["outcomes"] = too_wide(page)
    snap("2-outcomes")

    # --- the sign-in sheet of the afternoon session ------------------------------------------------
    page.goto(f"/provider/courses/{day['course']}")
    expect(page.locator("#pass-mark")).to_have_attribute("data-threshold", "80")
    page.locator(f'#session-{day["sessions"][1]} a.sheet-link').click()
    expect(page).to_have_url(re.compile(rf"/sessions/{day['sessions'][1]}/sheet$"))
    sheet = page.locator("#attendance-sheet")
    expect(sheet).to_have_attribute("data-people", "2")
    for name, birth, seq, phone in MEMBERS:
        expect(sheet.locator("td.name", has_text=name)).to_have_count(1)
        expect(sheet).not_to_contain_text(id_number(birth, seq))
        expect(sheet).not_to_contain_text(phone)
    expect(page.locator("#sheet-place")).to_have_text("芦子沟村村部")
    widths["sheet"] = too_wide(page)
    snap("3-sheet-phone")
    printed_on_a4(page)

    # --- the class roster: villages and masked phones, printed ------------------------------------------
    page.goto(f"/provider/courses/{day['course']}")
    page.locator("#roster-print-link").click()
    expect(page.locator("#class-roster tr.roster-line")).to_have_count(2)
    expect(page.locator(f'#class-roster tr[data-enrollment-id="{passed}"]')).to_have_attribute("data-status", "completed")
    expect(page.locator("#class-roster td.phone").first).to_have_text(re.compile(r"^\d{3}\*+\d{4}$"))
    widths["roster"] = too_wide(page)
    snap("4-roster-phone")
    printed_on_a4(page)

    # --- a certificate, printed ----------------------------------------------------------------------
    page.goto(f"/provider/courses/{day['course']}")
    page.locator(f"#enrollment-{passed} a.certificate-link").click()
    expect(page).to_have_url(re.compile(rf"/enrollments/{passed}/certificate$"))
    certificate = page.locator("#certificate")
    expect(certificate).to_have_attribute("data-code", day["code"])
    expect(certificate).to_have_attribute("data-score", "92")
    expect(certificate).to_have_attribute("data-threshold", "80")
    expect(certificate).to_have_attribute("data-hours", "6.0")
    expect(page.locator("#certificate-name")).to_have_text(MEMBERS[0][0])
    expect(page.locator("#certificate-qr svg.qr")).to_be_visible()
    expect(certificate).not_to_contain_text(id_number(MEMBERS[0][1], MEMBERS[0][2]))
    widths["certificate"] = too_wide(page)
    snap("5-certificate-phone")
    page.set_viewport_size(A4)
    page.emulate_media(media="print")
    assert page.evaluate("document.documentElement.scrollWidth") <= A4["width"], "the certificate is wider than A4"
    snap("6-certificate-print")
    printed_on_a4(page)
    url = page.locator("#certificate-qr").get_attribute("data-url")
    assert url == f"{live_server.url}/certificates/{day['code']}"

    assert widths == {k: v for k, v in widths.items() if v <= 0}, f"wider than the phone: {widths}"

    # --- anyone checks it, without signing in ----------------------------------------------------------
    stranger = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    try:
        check = stranger.new_page()
        check.goto(url)
        expect(check).to_have_url(url)  # not sent to the sign-in
        expect(check.locator("#verification")).to_have_attribute("data-valid", "true")
        expect(check.locator("#check-name")).to_have_text(MEMBERS[0][0][0] + "**")
        expect(check.locator("#check-course")).to_have_text(COURSE)
        expect(check.locator("main")).not_to_contain_text(MEMBERS[0][0])
        assert check.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        check.screenshot(path=str(ARTIFACTS / f"{NAME}--7-check-genuine.png"), full_page=True)
        forged = check.goto(f"{live_server.url}/certificates/{day['code'][:13]}999999")
        assert forged.status == 404
        expect(check.locator("#not-genuine")).to_be_visible()
        expect(check.locator("#verification")).to_have_attribute("data-valid", "false")
        assert check.evaluate("document.documentElement.lang") == "zh-CN"
        check.screenshot(path=str(ARTIFACTS / f"{NAME}--8-check-forged.png"), full_page=True)
    finally:
        stranger.close()

