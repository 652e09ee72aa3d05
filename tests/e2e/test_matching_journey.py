"""The matcher in the real browser, in Chinese (the default): station staff open a person, see the
jobs recommended with their reasons and the course that opens a better one, ask why a far posting
is not offered, make the allocation plan of their village, print and export it, untick one person,
refer the rest, then the others; the employer, signed in with its own account, finds everyone
referred in its inbox. The recommendations also fit a phone.

The assertions look at data (names, codes, counts) and at ids and data attributes, never at
interface text, so they hold whatever the Chinese catalogue says."""
import io
import re
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.conftest import credit_code, id_number
from tests.e2e.accounts import from_menu, sign_in, sign_out

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
TOWNSHIP = "640422100000"  # 吉强镇
# A village of its own, so that these people never show up in the other journeys' lists
# (test_station_journey: 团结村委会 640422100200; test_jobs_journey: 中街社区 640422100002;
# test_training_journey: 大营村委会 640422100201).
VILLAGE = "640422100012"  # 秀山社区居民委员会, 吉强镇
STATION_LOGIN = ("station-xiushan", "station-pass-789")
EMPLOYER = "西吉县秀山焊接加工厂"
EMPLOYER_LOGIN = ("xiushan-welding", "welding-pass-123")
PROVIDER = "吉强镇技能培训学校"
HOUSEHOLDS = [("XS-MATCH-0001", "unstable"), ("XS-MATCH-0002", "none")]
MEMBERS = [("马建国", "19880303", 71), ("马建华", "19900909", 72)]  # one per household, both weld
WELDING, FORKLIFT, FAR = "电焊工（秀山）", "叉车司机（秀山）", "银川建筑工（秀山）"
COURSE = "叉车司机培训（吉强镇）"




@pytest.fixture(scope="module")
def world(live_server):
    """A station of 秀山社区 and two households there, each with a welder looking for work; a
    verified employer with its own account and three postings (welding and forklift near home, a
    building site 220 km away); a forklift course coming up. Made in the live server's database."""
    from core.auth import create_user
    from core.extensions import db
    from core.models import Role, User, china_today
    from jobs import services as jobs
    from jobs.schemas import EmployerIn, JobIn
    from registry import services as registry
    from registry.schemas import HouseholdIn, WorkerIn
    from training import services as training
    from training.schemas import CourseIn

    admin = User(role=Role.admin, username="e2e-loader")
    today = china_today()
    with live_server.app.test_request_context():
        create_user(db.session, *STATION_LOGIN, Role.station, [VILLAGE], display_name="秀山社区劳保站")
        workers = []
        for (code, status), (name, birth, seq) in zip(HOUSEHOLDS, MEMBERS):
            registry.create_household(db.session, HouseholdIn().load(
                {"code": code, "village_code": VILLAGE, "monitoring_status": status}), admin)
            worker = registry.create_worker(db.session, WorkerIn().load(
                {"household_code": code, "name": name, "id_number": id_number(birth, seq), "skills": ["电焊"],
                 "max_commute_km": 30, "expected_wage": 3500, "phone": f"1389507{seq:04d}"}), admin)
            workers.append(worker)
        home = (workers[0].lat, workers[0].lon)  # the village's point
        assert home[0] is not None
        employer = jobs.create_employer(db.session, EmployerIn().load(
            {"name": EMPLOYER, "uscc": credit_code("91640422MA76XQ001"), "kind": "enterprise", "contact_name": "马厂长",
             "contact_phone": "13895007777", "address": "吉强镇秀山社区工业园", "area_code": TOWNSHIP,
             "lat": home[0] + 0.02, "lon": home[1]}), admin)  # made by an administrator: verified
        create_user(db.session, *EMPLOYER_LOGIN, Role.employer, employer_id=employer.id, display_name=EMPLOYER)

        def posting(title, skills, north, **extra):
            return jobs.create_job(db.session, JobIn().load({
                "employer_id": employer.id, "title": title, "required_skills": skills, "openings": 2,
                "wage_min": 4000, "wage_max": 5500, "physical_demand": "medium", "address": "吉强镇秀山社区工业园",
                "lat": home[0] + north, "lon": home[1], "expires_on": (today + timedelta(days=60)).isoformat(),
                **extra}), admin).id
        ids = {"workers": [w.id for w in workers], "welding": posting(WELDING, ["焊工"], 0.02),
               "forklift": posting(FORKLIFT, ["会开叉车"], 0.02), "far": posting(FAR, [], 2.0)}
        provider = create_user(db.session, "xiushan-school", "school-pass-123", Role.provider, display_name=PROVIDER)
        ids["course"] = training.create_course(db.session, CourseIn().load({
            "title": COURSE, "provider": PROVIDER, "skills_taught": ["会开叉车"], "mode": "onsite",
            "area_code": TOWNSHIP, "address": "吉强镇职业技能实训基地", "capacity": 20,
            "starts_on": (today + timedelta(days=5)).isoformat(), "ends_on": (today + timedelta(days=15)).isoformat(),
            "fee_waived": True}), provider).id
        db.session.commit()
        db.session.remove()
    return ids




def test_from_recommendations_to_the_plan_to_the_employers_inbox(page, world, snap):
    first, second = world["workers"]
    welding, forklift, far, course = world["welding"], world["forklift"], world["far"], world["course"]

    # --- the station opens a person: jobs best first, with reasons, and the course -------------
    sign_in(page, *STATION_LOGIN)
    page.goto(f"/workers/{first}")
    page.locator("#recommendations-link").click()
    expect(page).to_have_url(re.compile(rf"/workers/{first}/recommendations$"))
    expect(page.locator("main h1")).to_contain_text(MEMBERS[0][0])
    recommended = page.locator("#recommended article.recommendation")
    expect(recommended.first).to_have_attribute("data-job-id", str(welding))
    best = page.locator(f"#job-{welding}")
    expect(best).to_contain_text(EMPLOYER)
    expect(best.locator("li.reason").first).to_be_visible()
    expect(best.locator("li.reason", has_text="焊工")).to_have_count(1)
    expect(best.locator(".missing-skill")).to_have_count(0)
    expect(best.locator("progress")).to_be_visible()
    expect(best.locator('[data-component="skills"]')).to_have_attribute("data-value", "0.8")
    expect(page.locator(f"#job-{forklift}")).to_have_count(0)  # closed to them until they learn to drive one
    expect(page.locator(f"#after-{forklift}")).to_contain_text("学会")
    expect(page.locator(f"#job-{far}")).to_have_count(0)  # 220 km away, no housing
    advice = page.locator(f'#courses article[data-course-id="{course}"]')
    expect(advice).to_contain_text(COURSE)
    expect(advice.locator(f'a.opens-job[data-job-id="{forklift}"]')).to_be_visible()
    expect(advice.locator(".seats")).to_have_attribute("data-seats-left", "20")
    snap("1-recommendations")

    # --- why not the far posting? ---------------------------------------------------------------
    page.locator("#job").select_option(str(far))
    page.locator("#why-not-button").click()
    result = page.locator("#why-not-result")
    expect(result).to_have_attribute("data-job-id", str(far))
    expect(result).to_have_attribute("data-feasible", "no")
    expect(result.locator("li.blocker")).to_have_count(1)
    expect(result.locator("li.blocker")).to_contain_text(re.compile(r"\b22\d\b"))  # km
    snap("2-why-not")

    # --- the allocation plan of the village -----------------------------------------------------
    from_menu(page, 'a[href="/allocations"]').click()
    expect(page).to_have_url(re.compile(r"/allocations$"))
    expect(page.locator("#area option[value]:not([value=''])")).to_have_count(1)  # the station's one village
    page.locator("#area").select_option(VILLAGE)
    page.locator("#run-plan").click()
    expect(page.locator("#plan")).to_have_attribute("data-area", VILLAGE)
    expect(page.locator("#households-covered")).to_have_text("2")
    expect(page.locator("#households-total")).to_have_text("2")
    rows = page.locator("#plan tr.assignment")
    expect(rows).to_have_count(2)
    for worker, (code, status) in zip((first, second), HOUSEHOLDS):
        household = page.locator(f"#household-{code}")
        expect(household.locator(f'tr[data-worker-id="{worker}"]')).to_have_attribute("data-job-id", str(welding))
        expect(household.locator(f'[data-monitoring="{status}"]')).to_be_visible()
        expect(page.locator(f"#pair-{worker}-{welding} input[type=checkbox]")).to_be_checked()
    expect(page.locator("#plan")).not_to_contain_text(id_number(MEMBERS[0][1], MEMBERS[0][2]))
    snap("3-plan")

    # print view and workbook
    page.locator("#print-link").click()
    expect(page.locator("#plan-print tr.assignment")).to_have_count(2)
    expect(page.locator("#plan-print")).to_contain_text(MEMBERS[1][0])
    snap("4-print")
    page.emulate_media(media="print")  # what the paper shows: no header, no links back
    expect(page.locator("header.site-header")).to_be_hidden()
    expect(page.locator("#back-link")).to_be_hidden()
    snap("4b-print-media")
    page.emulate_media(media="screen")
    page.locator("#back-link").click()
    with page.expect_download() as download:
        page.locator("#export-link").click()
    book = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
    sheet = list(book["分配方案"].iter_rows(values_only=True))
    assert sorted((r[0], r[3], r[4]) for r in sheet[1:]) == [
        (HOUSEHOLDS[0][0], MEMBERS[0][0], WELDING), (HOUSEHOLDS[1][0], MEMBERS[1][0], WELDING)]

    # untick the second person, refer the first
    page.locator(f"#pair-{second}-{welding} input[type=checkbox]").uncheck()
    page.locator("#refer-ticked").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator(f"#pair-{first}-{welding}")).to_have_attribute("data-referred", "yes")
    expect(page.locator(f"#pair-{first}-{welding} input[type=checkbox]")).not_to_be_checked()
    expect(page.locator(f"#pair-{second}-{welding}")).to_have_attribute("data-referred", "no")
    expect(page.locator(f"#pair-{second}-{welding} input[type=checkbox]")).to_be_checked()
    snap("5-first-referred")

    # ticking the first again is refused on its row, and the second is not referred either
    page.locator(f"#pair-{first}-{welding} input[type=checkbox]").check()
    page.locator("#refer-ticked").click()
    expect(page.locator(f"#pair-{first}-{welding}")).to_have_attribute("data-refused", "yes")
    expect(page.locator(f"#refusal-{first}-{welding}")).to_be_visible()
    expect(page.locator(f"#pair-{second}-{welding}")).to_have_attribute("data-referred", "no")
    expect(page.locator(".flash-error")).to_be_visible()
    snap("6-refused")

    # the rest of the plan
    page.locator(f"#pair-{first}-{welding} input[type=checkbox]").uncheck()
    page.locator("#refer-ticked").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator(f"#pair-{second}-{welding}")).to_have_attribute("data-referred", "yes")
    sign_out(page)

    # --- the employer, with its own account, finds both in its inbox ----------------------------
    sign_in(page, *EMPLOYER_LOGIN)
    expect(page).to_have_url(re.compile(r"/employer$"))
    expect(page.locator("#inbox-count")).to_have_text("2")
    for worker, (name, _birth, _seq) in zip((first, second), MEMBERS):
        card = page.locator(f'#inbox article.referral[data-worker-id="{worker}"]')
        expect(card).to_have_attribute("data-status", "referred")
        expect(card).to_contain_text(name)
        expect(card).to_contain_text(WELDING)
    snap("7-employer-inbox")


@pytest.mark.viewport(**PHONE)
def test_the_recommendations_fit_a_phone(page, world, snap):
    first = world["workers"][0]
    sign_in(page, *STATION_LOGIN)
    page.goto(f"/workers/{first}/recommendations?job={world['far']}#why-not")
    expect(page.locator("#why-not-result")).to_have_attribute("data-feasible", "no")
    too_wide = page.evaluate("document.documentElement.scrollWidth") - PHONE["width"]
    assert too_wide <= 0, f"the recommendations are wider than the phone by {too_wide}px"
    snap("recommendations-phone")
    page.goto(f"/allocations?area={VILLAGE}")
    expect(page.locator("#plan tr.assignment")).to_have_count(2)
    too_wide = page.evaluate("document.documentElement.scrollWidth") - PHONE["width"]
    assert too_wide <= 0, f"the plan is wider than the phone by {too_wide}px"
    snap("plan-phone")
