"""The matcher's advice on paper, in the real browser (issue 14): a recommendation card says how
far the posting is; the allocation plan prints on A4 portrait and fits a phone; the reviewer's
unticks survive a reload; after referring, the referral slips print one A4 page each, none wider
than the paper.

A4 is 210 mm wide, 794 px at 96 dpi. Screenshots of each step are kept under test-artifacts/e2e/.
The assertions look at data, ids and data attributes, and at the few words the issue names."""
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.conftest import credit_code, id_number
from tests.e2e.accounts import sign_in

pytestmark = pytest.mark.e2e

A4 = {"width": 794, "height": 1123}  # 210 × 297 mm at 96 dpi
PHONE = {"width": 390, "height": 844}
# The size of the @page rules, as the browser read them.
PAGE_SIZE = """[...document.styleSheets].flatMap(s => [...s.cssRules])
  .filter(r => r instanceof CSSPageRule && !r.selectorText).map(r => r.style.getPropertyValue("size")).join(",")"""
TOWNSHIP = "640422100000"  # 吉强镇
# A village of its own (the other journeys use 100002, 100004, 100005, 100012, 100200, 100201).
VILLAGE = "640422100206"  # 夏家大路村委会, 吉强镇
STATION_LOGIN = ("station-xiajia", "station-pass-206")
EMPLOYER = "西吉县夏家大路村农业产业化联合体扶贫车间（马铃薯淀粉深加工及包装分拣基地）"
POSTING = "马铃薯产业园职工食堂大锅菜厨师（长期，年龄五十至六十岁，包吃住）"
NO_SKILL = "马铃薯淀粉车间包装分拣普工（长期）"
ADDRESS = "西吉县吉强镇夏家大路村农业产业园区马铃薯淀粉深加工车间二号楼东侧包装分拣区"
# Born in 1970: 56, inside the postings' 50–60, which no one of the other journeys is, so that
# these postings never show up in their recommendations or plans. Everyone cooks, which the
# kitchen asks for and no other journey's posting: their plan places them all there.
MEMBERS = [("XJ-PAPER-0001", "unstable", "马福祥", 31), ("XJ-PAPER-0002", "none", "马占海", 32),
           ("XJ-PAPER-0003", "marginal", "马尔布都·阿卜杜热合曼·买买提", 33)]


@pytest.fixture(scope="module")
def world(live_server):
    """A station of 夏家大路村, three households there with one person each looking for work (who
    cook), and a verified employer with a long name and two postings for people of 50 to 60: a
    kitchen at home asking for cooking, a packing floor asking no skill 5 km away."""
    from core.auth import create_user
    from core.extensions import db
    from core.models import Role, User, china_today
    from jobs import services as jobs
    from jobs.schemas import EmployerIn, JobIn
    from registry import services as registry
    from registry.schemas import HouseholdIn, WorkerIn

    admin = User(role=Role.admin, username="e2e-paper-loader")
    with live_server.app.test_request_context():
        create_user(db.session, *STATION_LOGIN, Role.station, [VILLAGE], display_name="夏家大路村劳保站")
        workers = []
        for code, status, name, seq in MEMBERS:
            registry.create_household(db.session, HouseholdIn().load(
                {"code": code, "village_code": VILLAGE, "monitoring_status": status}), admin)
            workers.append(registry.create_worker(db.session, WorkerIn().load(
                {"household_code": code, "name": name, "id_number": id_number("19700505", seq), "skills": ["做饭"],
                 "max_commute_km": 30, "expected_wage": 3000, "phone": f"1389520{seq:04d}"}), admin))
        home = (workers[0].lat, workers[0].lon)
        assert home[0] is not None
        employer = jobs.create_employer(db.session, EmployerIn().load(
            {"name": EMPLOYER, "uscc": credit_code("91640422MA76XJ206"), "kind": "enterprise",
             "contact_name": "马主任", "contact_phone": "13895206206", "address": ADDRESS, "area_code": TOWNSHIP,
             "lat": home[0] + 0.05, "lon": home[1]}), admin)
        def posting(title, skills, openings, north):
            return jobs.create_job(db.session, JobIn().load({
                "employer_id": employer.id, "title": title, "required_skills": skills, "openings": openings,
                "wage_min": 2800, "wage_max": 3600, "physical_demand": "light", "address": ADDRESS,
                "min_age": 50, "max_age": 60, "lat": home[0] + north, "lon": home[1],
                "expires_on": (china_today() + timedelta(days=60)).isoformat()}), admin).id
        ids = {"workers": [w.id for w in workers], "job": posting(POSTING, ["家常菜烹饪"], 3, 0.0),
               "no_skill": posting(NO_SKILL, [], 1, 0.05)}
        db.session.commit()
        db.session.remove()
    return ids


def overflow(page) -> int:
    """How many pixels the document is wider than the window (0 or less: it fits)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.viewport(**A4)
def test_the_plan_prints_on_a4_portrait(page, world, snap):
    sign_in(page, *STATION_LOGIN)
    page.goto(f"/allocations/print?area={VILLAGE}")
    expect(page.locator("#plan-print tr.assignment")).to_have_count(3)
    page.emulate_media(media="print")
    expect(page.locator("header.site-header")).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= A4["width"], "the plan is wider than A4"
    assert overflow(page) <= 0
    table = page.locator("#plan-print table.plan").bounding_box()
    assert table["x"] >= 0 and table["x"] + table["width"] <= A4["width"]
    snap("plan-print-a4")
    # the page's own @page rule (named ones, for other papers, are also in the shared sheet)
    assert page.evaluate(PAGE_SIZE).lower() in ("a4", "a4 portrait")  # Chromium reads "A4 portrait" as "a4"



@pytest.mark.viewport(**PHONE)
def test_the_plan_fits_a_phone(page, world, snap):
    sign_in(page, *STATION_LOGIN)
    page.goto(f"/allocations?area={VILLAGE}")
    expect(page.locator("#plan tr.assignment")).to_have_count(3)
    expect(page.locator("#min_score")).to_have_value("40")
    assert overflow(page) <= 0, f"the plan is wider than the phone by {overflow(page)}px"
    snap("plan-phone")


def test_a_card_says_how_far_and_the_slips_print_one_a4_page_each(page, world, snap):
    first, second, third = world["workers"]
    job = world["job"]
    sign_in(page, *STATION_LOGIN)

    # --- the recommendation says how far the posting is; no skill figure for a posting asking none
    page.goto(f"/workers/{first}/recommendations")
    expect(page.locator(f"#job-{job}")).to_have_attribute("data-pending", "0")
    card = page.locator(f"#job-{world['no_skill']}")
    expect(card).to_be_visible()
    expect(card.locator("li.reason", has_text="公里")).to_have_count(1)
    expect(card.locator('[data-component="skills"]')).to_have_count(0)
    expect(card.locator('[data-component="distance"]')).to_be_visible()
    snap("1-recommendation-km")

    # --- the plan: the reviewer's untick survives a reload ---------------------------------------
    page.goto(f"/allocations?area={VILLAGE}")
    boxes = page.locator("#plan tr.assignment input[type=checkbox]")
    expect(page.locator("#plan tr.assignment")).to_have_count(3)
    expect(page.locator(f'#plan tr.assignment[data-job-id="{job}"]')).to_have_count(3)
    third_box = page.locator(f"#pair-{third}-{job} input[type=checkbox]")
    expect(third_box).to_be_checked()
    third_box.uncheck()
    page.reload()
    expect(page.locator(f"#pair-{third}-{job} input[type=checkbox]")).not_to_be_checked()
    expect(page.locator(f"#pair-{first}-{job} input[type=checkbox]")).to_be_checked()
    assert boxes.first.get_attribute("autocomplete") == "off"
    snap("2-plan-after-reload")

    # --- refer the ticked two, then print their slips ---------------------------------------------
    page.locator("#refer-ticked").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator(f"#pair-{first}-{job}")).to_have_attribute("data-referred", "yes")
    expect(page.locator(f"#pair-{second}-{job}")).to_have_attribute("data-referred", "yes")
    expect(page.locator(f"#pair-{third}-{job}")).to_have_attribute("data-referred", "no")
    offer = page.locator("#slips-offer")
    expect(offer).to_have_attribute("data-count", "2")
    snap("3-referred-slips-offer")
    offer.locator("a.slips-link").click()
    expect(page).to_have_url(re.compile(r"/allocations/slips\?ids="))
    slips = page.locator("article.slip")
    expect(slips).to_have_count(2)
    for worker, (_code, _status, name, seq) in zip((first, second), MEMBERS):
        slip = page.locator(f'article.slip[data-worker-id="{worker}"]')
        expect(slip).to_contain_text(name)
        expect(slip.locator(".slip-id")).to_have_text(re.compile(r"^\d{6}\*{10}\d{2}$"))
        expect(slip).not_to_contain_text(id_number("19700505", seq))
        expect(slip.locator(".slip-contact")).to_contain_text("13895206206")
        expect(slip.locator("svg.qr")).to_be_visible()
    snap("4-slips-screen")

    # --- on paper: A4 wide at most, one slip a page -----------------------------------------------
    page.set_viewport_size(A4)
    page.emulate_media(media="print")
    expect(page.locator("header.site-header")).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= A4["width"], "a slip is wider than A4"
    for box in (slips.nth(0).bounding_box(), slips.nth(1).bounding_box()):
        assert box["x"] >= 0 and box["x"] + box["width"] <= A4["width"]
    assert page.evaluate("getComputedStyle(document.querySelector('article.slip')).breakAfter") == "page"
    snap("5-slips-print")
    pdf = page.pdf(format="A4", prefer_css_page_size=True, print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert pages == 2, f"{pages} pages for 2 slips"
