"""A night course from the finder to a certified skill, in the real browser, at phone width and in
Chinese (the default): a trainee finds a night course near home, enrols, and the next one sees the
waitlist; the provider takes attendance and completes the course; the worker's page shows the
certified skill.

The assertions look at data (names, titles, numbers) and at ids and data attributes, never at
interface text, so they hold whatever the Chinese catalogue says."""
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.conftest import id_number
from tests.e2e.accounts import from_menu, sign_in, sign_out

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
TOWNSHIP = "640422100000"  # 吉强镇: the night course is held at the township's point
FAR_TOWNSHIP = "640422202000"  # 田坪乡, some 35 km west of 吉强镇
# A village of its own, so that these people never show up in the other journeys' lists
# (test_station_journey: 团结村委会 640422100200; test_jobs_journey: 中街社区 640422100002).
VILLAGE = "640422100201"  # 大营村委会, 吉强镇
HOUSEHOLD = "DY-TRAIN-0001"
MEMBERS = [("马永福", "19910707", 61), ("马永兰", "19940404", 62)]  # trainee 1, trainee 2
TRAINEE_LOGINS = [("trainee-yongfu", "trainee-pass-123"), ("trainee-yonglan", "trainee-pass-456")]
PROVIDER_LOGIN = ("xiji-skills-centre", "provider-pass-123")
PROVIDER = "西吉县职业技能培训中心"
SKILL = "焊工"
NIGHT = "电焊工夜校（吉强镇）"  # the course of the journey: one seat, two evenings
FAR_NIGHT = "电焊工夜校（田坪乡）"  # also at night, but far from home
DAYTIME = "焊工集中面授班"  # near home, but in the daytime
CERTIFICATE_NO = re.compile(r"^PX\d{4}-\d{5}-\d{6}-[2-9A-HJ-NP-Z]{8}$")  # with its keyed check code



@pytest.fixture(scope="module")
def people(live_server):
    """A household of 大营村 with two workers who have accounts, a training provider's account,
    and three courses of that provider teaching 焊工: the night course of the journey (one seat,
    sessions yesterday and today 19:00–21:00, open to late joiners, at 吉强镇, the trainees' home township), a night course
    35 km away and a daytime course near home. Made in the live server's database."""
    from core.auth import create_user
    from core.extensions import db
    from core.models import Role, User, china_today
    from registry import services as registry
    from registry.schemas import HouseholdIn, WorkerIn
    from training import services as training
    from training.schemas import CourseIn, SessionIn

    today = china_today()
    loader = User(role=Role.admin, username="e2e-loader")
    with live_server.app.test_request_context():
        registry.create_household(db.session, HouseholdIn().load(
            {"code": HOUSEHOLD, "village_code": VILLAGE, "monitoring_status": "unstable",
             "lifted_out": True}), loader)
        workers = []
        for (name, birth, seq), (username, password) in zip(MEMBERS, TRAINEE_LOGINS):
            worker = registry.create_worker(db.session, WorkerIn().load(
                {"household_code": HOUSEHOLD, "name": name, "id_number": id_number(birth, seq),
                 "skills": ["种植"], "max_commute_km": 20}), loader)  # no coordinates: the village's
            assert worker.lat is not None and worker.coords_from_village
            create_user(db.session, username, password, Role.worker, worker_id=worker.id, display_name=name)
            workers.append(worker.id)
        provider = create_user(db.session, *PROVIDER_LOGIN, Role.provider, display_name=PROVIDER)

        def course(title, mode, area, capacity, starts, days, address, **extra):
            return training.create_course(db.session, CourseIn().load({**extra,
                "title": title, "provider": PROVIDER, "skills_taught": [SKILL], "mode": mode,
                "area_code": area, "address": address, "capacity": capacity,
                "starts_on": starts.isoformat(), "ends_on": (starts + timedelta(days=days)).isoformat(),
                "fee_waived": True, "subsidy_per_day": 30, "certificate": "焊工培训合格证",
                "certificate_kind": "training", "completion_threshold": 50}), provider)

        night = course(NIGHT, "night", TOWNSHIP, 1, today, 0, "吉强镇大营村村部", rolling_admission=True)
        night.starts_on = today - timedelta(days=1)  # published before it began yesterday evening; people may join mid-course
        sessions = [training.add_session(db.session, night, SessionIn().load(
            {"day": day.isoformat(), "starts_at": "19:00", "ends_at": "21:00", "place": "吉强镇大营村村部",
             "topic": topic}), provider)
            for day, topic in ((today - timedelta(days=1), "焊接安全"), (today, "手工电弧焊"))]
        far = course(FAR_NIGHT, "night", FAR_TOWNSHIP, 20, today + timedelta(days=3), 7, "田坪乡政府")
        day = course(DAYTIME, "onsite", TOWNSHIP, 30, today + timedelta(days=7), 10, "吉强镇职业技能实训基地")
        db.session.commit()
        ids = {"workers": workers, "night": night.id, "far": far.id, "day": day.id,
               "sessions": [s.id for s in sessions]}
        db.session.remove()
    return ids




def overflow(page) -> int:
    """How far the page is wider than the phone (innerWidth grows with the content in mobile
    emulation: compare with the screen itself)."""
    return page.evaluate("document.documentElement.scrollWidth") - PHONE["width"]


@pytest.mark.viewport(**PHONE)
def test_a_night_course_from_the_finder_to_a_certified_skill(page, people, snap):
    first, second = people["workers"]
    night, far, daytime = people["night"], people["far"], people["day"]
    yesterday_session, today_session = people["sessions"]
    too_wide = {}

    def fits(what):
        too_wide[what] = overflow(page)

    # --- trainee 1 finds the night course near home ---------------------------------------------
    sign_in(page, *TRAINEE_LOGINS[0])
    from_menu(page, 'a[href="/courses"]').click()
    expect(page).to_have_url(re.compile(r"/courses$"))
    expect(page.locator("#near-me")).to_be_visible()  # a trainee with a home: nearest first
    cards = page.locator(".course-list article.course-card")
    for course_id in (night, far, daytime):
        expect(page.locator(f'article.course-card[data-course-id="{course_id}"]')).to_have_count(1)
    fits("finder")
    snap("1-finder")

    page.locator('nav.mode-chips a[data-mode="night"]').click()
    expect(page).to_have_url(re.compile(r"/courses\?(.*&)?mode=night"))
    expect(page.locator('nav.mode-chips a[data-mode="night"]')).to_have_attribute("aria-current", "true")
    expect(page.locator(f'article.course-card[data-course-id="{daytime}"]')).to_have_count(0)
    expect(page.locator(f'article.course-card[data-course-id="{far}"]')).to_have_count(1)
    modes = cards.evaluate_all("cards => cards.map(c => c.dataset.mode)")
    assert modes and set(modes) == {"night"}, modes
    first_card = cards.first
    expect(first_card).to_have_attribute("data-course-id", str(night))
    expect(first_card.locator("h2 a")).to_have_text(NIGHT)
    assert float(first_card.get_attribute("data-km")) < 1, first_card.get_attribute("data-km")
    assert float(page.locator(f'article.course-card[data-course-id="{far}"]').get_attribute("data-km")) > 20
    distances = [float(km) for km in cards.evaluate_all("cards => cards.map(c => c.dataset.km)")]
    assert distances == sorted(distances), distances  # nearest first
    expect(first_card.locator(".seats")).to_have_attribute("data-seats-left", "1")
    fits("finder, night")
    snap("2-night-courses")

    first_card.locator("h2 a").click()
    expect(page).to_have_url(re.compile(rf"/courses/{night}$"))
    expect(page.locator("#course-title")).to_have_text(NIGHT)
    expect(page.locator("article.course-detail")).to_have_attribute("data-course-id", str(night))
    expect(page.locator("#course-skills")).to_contain_text(SKILL)
    expect(page.locator(f'#sessions tr[data-session-id="{today_session}"]')).to_be_visible()
    expect(page.locator(f'#sessions tr[data-session-id="{yesterday_session}"]')).to_be_visible()
    expect(page.locator("#seats-left")).to_have_attribute("data-seats-left", "1")
    expect(page.locator("#enrol-button")).to_have_attribute("data-full", "0")
    fits("course")
    snap("3-course")

    page.locator("#enrol-button").click()
    expect(page).to_have_url(re.compile(rf"/courses/{night}$"))
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator("#my-status")).to_have_attribute("data-status", "enrolled")
    expect(page.locator("#seats-left")).to_have_attribute("data-seats-left", "0")
    expect(page.locator("#waitlist-position")).to_have_count(0)
    expect(page.locator("#enrol-button")).to_have_count(0)
    expect(page.locator("#withdraw-button")).to_be_visible()
    fits("course, enrolled")
    snap("4-enrolled")
    sign_out(page)

    # --- trainee 2 finds it full and joins the waitlist -----------------------------------------
    sign_in(page, *TRAINEE_LOGINS[1])
    page.goto("/courses?mode=night")
    card = page.locator(f'article.course-card[data-course-id="{night}"]')
    expect(card.locator(".seats")).to_have_attribute("data-seats-left", "0")
    card.locator("h2 a").click()
    expect(page).to_have_url(re.compile(rf"/courses/{night}$"))
    expect(page.locator("#seats-left")).to_have_attribute("data-seats-left", "0")
    expect(page.locator("#waitlist-length")).to_have_attribute("data-waitlist", "0")
    expect(page.locator("#enrol-button")).to_have_attribute("data-full", "1")
    snap("5-full")
    page.locator("#enrol-button").click()
    expect(page).to_have_url(re.compile(rf"/courses/{night}$"))
    expect(page.locator(".flash-info")).to_be_visible()
    expect(page.locator("#my-status")).to_have_attribute("data-status", "waitlisted")
    expect(page.locator("#waitlist-position")).to_have_attribute("data-position", "1")
    expect(page.locator("#waitlist-length")).to_have_attribute("data-waitlist", "1")
    expect(page.locator("#seats-left")).to_have_attribute("data-seats-left", "0")
    fits("course, waitlisted")
    snap("6-waitlisted")
    sign_out(page)

    # --- the provider takes attendance at tonight's session -------------------------------------
    sign_in(page, *PROVIDER_LOGIN)
    expect(page).to_have_url(re.compile(r"/provider$"))
    home_card = page.locator(f'#current-courses article[data-course-id="{night}"]')
    expect(home_card.locator(".course-seats")).to_have_attribute("data-enrolled", "1")
    expect(home_card.locator("[data-waitlisted]")).to_have_attribute("data-waitlisted", "1")
    expect(home_card.locator(f'a.attendance-link[href="/provider/sessions/{today_session}/attendance"]')).to_be_visible()
    fits("provider home")
    snap("7-provider-home")

    home_card.locator("a.manage-link").click()
    expect(page).to_have_url(re.compile(rf"/provider/courses/{night}$"))
    expect(page.locator("#course-seats")).to_have_attribute("data-enrolled", "1")
    expect(page.locator("#course-seats")).to_have_attribute("data-capacity", "1")
    in_class = page.locator('#roster tbody tr[id^="enrollment-"]')
    expect(in_class).to_have_count(1)
    row = in_class.filter(has_text=MEMBERS[0][0])
    expect(row).to_have_attribute("data-status", "enrolled")
    expect(row).to_have_attribute("data-attended", "0")
    enrollment = int(row.get_attribute("id").removeprefix("enrollment-"))
    expect(page.locator("#waitlist li", has_text=MEMBERS[1][0])).to_have_attribute("data-status", "waitlisted")
    expect(page.locator(f"#session-{today_session}")).not_to_have_attribute("data-present", re.compile(".*"))
    fits("class")
    snap("8-class")

    page.locator("#today-attendance").click()
    expect(page).to_have_url(re.compile(rf"/provider/sessions/{today_session}/attendance$"))
    expect(page.locator("#session-when")).to_have_attribute("data-session-id", str(today_session))
    expect(page.locator("#future-session")).to_have_count(0)
    expect(page.locator("label.attendee")).to_have_count(1)  # the waitlist is not in class
    box = page.locator(f"#present-{enrollment}")
    expect(page.locator("label.attendee", has_text=MEMBERS[0][0]).locator("input[name=present]")) \
        .to_have_attribute("value", str(enrollment))
    expect(box).not_to_be_checked()
    box.check()
    fits("attendance")
    snap("9-attendance")
    page.locator("#save-attendance").click()
    expect(page).to_have_url(re.compile(rf"/provider/courses/{night}#sessions$"))
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator(f"#session-{today_session}")).to_have_attribute("data-present", "1")
    expect(page.locator(f"#enrollment-{enrollment}")).to_have_attribute("data-attended", "1")

    # --- ... and completes the course: a pass, with scores, gives a certificate ------------------
    page.locator("#results-link").click()
    expect(page).to_have_url(re.compile(rf"/provider/courses/{night}/results$"))
    result = page.locator(f"#result-{enrollment}")
    expect(page.locator("tbody.result")).to_have_count(1)
    expect(result).to_have_attribute("data-status", "enrolled")
    expect(result).to_have_attribute("data-attended", "1")
    expect(result).to_contain_text(MEMBERS[0][0])
    page.locator(f"#pre_score-{enrollment}").fill("52")
    page.locator(f"#post_score-{enrollment}").fill("86")
    page.locator(f"#outcome-{enrollment}").select_option("pass")
    fits("results")
    snap("10-results")
    page.locator("#save-results").click()
    expect(page).to_have_url(re.compile(rf"/provider/courses/{night}/results$"))
    expect(page.locator(".flash-success")).to_be_visible()
    expect(result).to_have_attribute("data-status", "completed")
    expect(page.locator(f"#post_score-{enrollment}")).to_have_value("86")
    expect(page.locator(f"#outcome-{enrollment}")).to_have_count(0)  # decided
    certificate = page.locator(f"#certificate-{enrollment}")
    expect(certificate).to_have_text(CERTIFICATE_NO)
    number = certificate.inner_text().strip()
    assert f"-{night:05d}-{enrollment:06d}" in number, number
    fits("results, saved")
    snap("11-certificate")

    page.locator(f'main a[href="/provider/courses/{night}"]').first.click()
    expect(page.locator(f"#enrollment-{enrollment}")).to_have_attribute("data-status", "completed")
    expect(page.locator(f"#enrollment-{enrollment} .certificate-no")).to_have_text(number)
    sign_out(page)

    # --- the worker's own record shows the skill, certified; my training shows the certificate ---
    sign_in(page, *TRAINEE_LOGINS[0])
    page.goto(f"/workers/{first}")
    expect(page).to_have_url(re.compile(rf"/workers/{first}$"))
    expect(page.locator("main h1")).to_contain_text(MEMBERS[0][0])
    skills = page.locator("ul.skills > li")
    expect(skills).to_have_count(2)  # 种植, as reported, and 焊工 from the course
    welding = skills.filter(has_text=SKILL)
    expect(welding).to_have_count(1)
    expect(welding.locator(".badge.badge-ok")).to_be_visible()  # certified
    expect(skills.filter(has_text="种植").locator(".badge")).to_have_count(0)  # self-reported only
    fits("my record")
    snap("12-my-record")

    page.locator("#training-link").click()
    expect(page).to_have_url(re.compile(r"/my/courses$"))
    mine = page.locator(f"#enrollment-{enrollment}")
    expect(mine).to_have_attribute("data-status", "completed")
    expect(mine.locator(".attendance")).to_have_attribute("data-attended", "1")
    expect(mine.locator(".attendance")).to_have_attribute("data-sessions", "2")
    held = page.locator(f'#certificates article.certificate[data-certificate-no="{number}"]')
    expect(held).to_have_count(1)
    expect(held.locator(".certificate-no")).to_have_text(number)
    expect(held).to_contain_text(NIGHT)
    expect(page.locator("#no-certificates")).to_have_count(0)
    expect(page.locator(f"#rating-form-{enrollment}")).to_be_visible()  # a completer may rate it
    fits("my training")
    snap("13-my-training")

    # the course page says so too
    page.goto(f"/courses/{night}")
    expect(page.locator("#my-status")).to_have_attribute("data-status", "completed")
    expect(page.locator("#seat-box .certificate-no")).to_have_text(number)
    snap("14-course-completed")

    # and the second trainee is still first in line, the seat still taken
    sign_out(page)
    sign_in(page, *TRAINEE_LOGINS[1])
    page.goto("/my/courses")
    waiting = page.locator('#my-courses article.my-course[data-status="waitlisted"]')
    expect(waiting).to_have_count(1)
    expect(waiting.locator(".waitlist-position")).to_have_attribute("data-position", "1")
    expect(page.locator("#no-certificates")).to_be_visible()
    page.goto(f"/workers/{second}")
    expect(page.locator("ul.skills > li .badge")).to_have_count(0)

    wide = {what: px for what, px in too_wide.items() if px > 0}
    assert not wide, f"pages wider than the phone, by (px): {wide}"
