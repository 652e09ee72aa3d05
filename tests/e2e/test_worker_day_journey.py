"""A villager's day on a 390 px phone, in Chinese (the default): she signs in, is greeted by her name
and told the next step, opens the jobs that fit her and applies to one; the posting then says
"applied" with the status instead of the button, and the application is listed under "my
applications"; she sets the wage she wants (a wrong number is refused on its box) and opens her
household, which shows its members and nothing more.

Assertions look at data (names, titles, numbers), ids and data attributes, not at interface text."""
import re

import pytest
from playwright.sync_api import expect

from tests.conftest import credit_code, id_number
from tests.e2e.accounts import sign_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
TOWNSHIP = "640422100000"  # 吉强镇
VILLAGE = "640422100208"  # 马营村委会, 吉强镇: a village of its own, so other journeys' lists are untouched
HOUSEHOLD = "MY-DAY-0001"
WORKER = ("马海燕", "19900303", 172)  # an even sequence number: a woman
HUSBAND = ("李建国", "19880808", 171)
LOGIN = ("worker-mahaiyan", "haiyan-pass-172")
JOB = "养蜂工"  # asks for a skill nobody else in the journeys has
EMPLOYER = "西吉县马营养蜂合作社"


@pytest.fixture(scope="module")
def villager(live_server):
    """A household of 马营村 (her husband is its head), her account, and an open posting of a
    verified employer in 吉强镇 asking for 养蜂, which she can do. Returns (worker id, job id)."""
    from core.auth import create_user
    from core.extensions import db
    from core.models import Role, User
    from jobs import services as jobs
    from jobs.schemas import EmployerIn, JobIn
    from registry import services as registry
    from registry.schemas import HouseholdIn, WorkerIn

    loader = User(role=Role.admin, username="e2e-loader")
    with live_server.app.test_request_context():
        registry.create_household(db.session, HouseholdIn().load(
            {"code": HOUSEHOLD, "village_code": VILLAGE, "lifted_out": True}), loader)
        registry.create_worker(db.session, WorkerIn().load(
            {"household_code": HOUSEHOLD, "name": HUSBAND[0], "id_number": id_number(*HUSBAND[1:]),
             "relation": "head", "phone": "13895001171"}), loader)
        worker = registry.create_worker(db.session, WorkerIn().load(
            {"household_code": HOUSEHOLD, "name": WORKER[0], "id_number": id_number(*WORKER[1:]),
             "relation": "spouse", "skills": ["养蜂"], "max_commute_km": 40}), loader)
        create_user(db.session, *LOGIN, Role.worker, worker_id=worker.id, display_name="海燕")
        employer = jobs.create_employer(db.session, EmployerIn().load(
            {"name": EMPLOYER, "uscc": credit_code("93640422MA76MY172"), "area_code": TOWNSHIP,
             "contact_name": "马社长", "contact_phone": "13800001720"}), loader)
        job = jobs.create_job(db.session, JobIn().load(
            {"employer_id": employer.id, "title": JOB, "required_skills": ["养蜂"], "openings": 3,
             "wage_min": 3000, "wage_max": 4000, "area_code": TOWNSHIP, "physical_demand": "light"}), loader)
        db.session.commit()
        ids = worker.id, job.id
        db.session.remove()
    return ids


def fits_the_phone(page, what: str) -> None:
    # innerWidth grows with the content in mobile emulation: compare with the screen itself
    too_wide = page.evaluate("document.documentElement.scrollWidth") - PHONE["width"]
    assert too_wide <= 0, f"{what} is wider than the phone by {too_wide}px"


@pytest.mark.viewport(**PHONE)
def test_a_villagers_day_on_her_phone(page, villager, snap):
    worker_id, job_id = villager
    sign_in(page, *LOGIN)

    # greeted by her own name; the next step: say the wage she wants (her skills are on file)
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("#greeting")).to_contain_text(WORKER[0])
    expect(page.locator("#next-steps li.next-step").first).to_have_attribute("data-step", "details")
    expect(page.locator('#next-steps li[data-step="waiting"]')).to_have_count(0)
    for link in ("#start-applications", "#start-recommended", "#start-courses", "#start-household"):
        expect(page.locator(link)).to_be_visible()
    fits_the_phone(page, "home")
    snap("1-home")

    # the jobs that fit her: in plain words, without the weighting of the score
    page.locator("#start-recommended").click()
    expect(page).to_have_url(re.compile(rf"/workers/{worker_id}/recommendations$"))
    card = page.locator(f"#job-{job_id}")
    expect(card).to_be_visible()
    expect(page.locator("#weights-note")).to_have_count(0)
    expect(page.locator("[data-component]")).to_have_count(0)
    assert not re.search(r"\d-\d\d-\d\d-\d\d", page.locator("main").inner_text())  # no occupation codes
    fits_the_phone(page, "recommendations")
    snap("2-recommended")

    # she applies from the posting; the button gives way to "applied" with the status
    card.locator("a.job-title").click()
    expect(page).to_have_url(re.compile(rf"/jobs/{job_id}$"))
    expect(page.locator("#job-title")).to_have_text(JOB)
    page.locator("#apply-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/jobs/{job_id}$"))
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator("#applied")).to_have_attribute("data-status", "referred")
    expect(page.locator("#apply-form")).to_have_count(0)
    fits_the_phone(page, "posting, applied")
    snap("3-applied")

    # under "my applications": the posting, the employer, the status and the day
    page.locator("#my-applications-link").click()
    expect(page).to_have_url(re.compile(r"/me/applications(#application-\d+)?$"))
    applications = page.locator("#applications article.my-application")
    expect(applications).to_have_count(1)
    mine = applications.first
    expect(mine).to_have_attribute("data-job-id", str(job_id))
    expect(mine).to_have_attribute("data-status", "referred")
    expect(mine.locator(".job-title")).to_have_text(JOB)
    expect(mine.locator(".employer")).to_contain_text(EMPLOYER)
    expect(mine.locator(".applied-on")).to_have_attribute("data-day", re.compile(r"^\d{4}-\d\d-\d\d$"))
    fits_the_phone(page, "my applications")
    snap("4-my-applications")

    # home again: one application waits for its answer
    page.goto("/")
    expect(page.locator('#next-steps li[data-step="waiting"]')).to_have_attribute("data-count", "1")

    # her details: a wage that cannot be is refused on its box, then the one she wants is kept
    page.locator("#start-details").click()
    expect(page).to_have_url(re.compile(r"/me/edit$"))
    expect(page.locator("#skills")).to_have_value("养蜂")
    page.locator("#expected_wage").fill("-300")
    page.locator("#save-details").click()
    expect(page.locator("#expected_wage-error")).to_be_visible()
    fits_the_phone(page, "my details, refused")
    page.locator("#expected_wage").fill("4500")
    page.locator("#save-details").click()
    expect(page).to_have_url(re.compile(r"/me/edit$"))
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator("#expected_wage")).to_have_value("4500")
    expect(page.locator("#max_commute_km")).to_have_value("40")
    fits_the_phone(page, "my details")
    snap("5-my-details")

    # her household: both members with their relation, no ID numbers or phones
    page.goto("/")
    page.locator("#start-household").click()
    expect(page).to_have_url(re.compile(r"/me/household$"))
    members = page.locator("#members li.member")
    expect(members).to_have_count(2)
    expect(members.first).to_have_attribute("data-relation", "head")
    expect(members.first.locator(".member-name")).to_have_text(HUSBAND[0])
    expect(page.locator('#members li[data-me="1"] .member-name')).to_have_text(WORKER[0])
    shown = page.locator("main").inner_text()
    assert "640422" not in shown and "1171" not in shown and "*" not in shown
    fits_the_phone(page, "my household")
    snap("6-household")
