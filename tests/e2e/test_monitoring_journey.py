"""Early warning in the real browser: a relocated villager's placement ends (the employer records
that he could not adapt), `flask tasks run early_warning` runs as the scheduler would, and the
station, whose account is the household's helper, finds the alert on its home page, records a home
visit and closes it. Then the county officer's overview shows the county with its charts.

Assertions look at data, ids and data attributes, not at interface text."""
import re

import pytest
from playwright.sync_api import expect

from tests.conftest import credit_code, id_number
from tests.e2e.accounts import sign_in, sign_out

pytestmark = pytest.mark.e2e

VILLAGE = "640422100004"  # 民生家园社区, a village of 吉强镇 of its own, so other journeys' counts are untouched
STATION_LOGIN = ("station-warning", "station-pass-789")
EMPLOYER_LOGIN = ("warning-workshop", "workshop-pass-789")
OFFICER_LOGIN = ("county-warning", "county-pass-789")
HOUSEHOLD = "EW-0001"


@pytest.fixture(scope="module")
def placement(live_server):
    """A relocated household of one worker, hired through the station by a verified employer."""
    from core.auth import create_user
    from core.extensions import db
    from core.models import Role, User
    from jobs import referral_lifecycle
    from jobs import services as jobs
    from jobs.models import ReferralStatus
    from registry import services
    from registry.models import Household
    from registry.schemas import HouseholdIn, WorkerIn

    loader = User(role=Role.admin, username="e2e-loader")
    with live_server.app.test_request_context():
        station = create_user(db.session, *STATION_LOGIN, Role.station, [VILLAGE], display_name="预警村劳保站")
        create_user(db.session, *OFFICER_LOGIN, Role.county, ["640422000000"], display_name="西吉县就业局")
        employer = jobs.create_employer(db.session, {"name": "固原某电子厂", "uscc": credit_code("91640422MA76EW000"),
                                                     "area_code": "640422100000", "lat": 35.96, "lon": 105.74}, loader)
        create_user(db.session, *EMPLOYER_LOGIN, Role.employer, employer_id=employer.id)
        job = jobs.create_job(db.session, {"employer_id": employer.id, "title": "电子装配工", "required_skills": [],
                                           "openings": 3, "wage_min": 3200, "wage_max": 4200}, loader)
        services.create_household(db.session, HouseholdIn().load(
            {"code": HOUSEHOLD, "village_code": VILLAGE, "relocated": True, "resettlement_site": "兴隆移民安置区",
             "lifted_out": True}), loader)
        db.session.scalar(db.select(Household).where(Household.code == HOUSEHOLD)).helper_id = station.id
        worker = services.create_worker(db.session, WorkerIn().load(
            {"household_code": HOUSEHOLD, "name": "马国强", "id_number": id_number("19910707", 77)}), loader)
        referral = referral_lifecycle.create_referral(db.session, worker.id, job.id, loader)
        referral_lifecycle.change_referral(db.session, referral, ReferralStatus.hired, loader)
        db.session.commit()
        ids = referral.id, worker.id
        db.session.remove()
    return ids




def test_a_placement_ends_and_the_station_handles_the_warning(page, live_server, placement, snap):
    referral_id, _worker_id = placement
    sign_in(page, *EMPLOYER_LOGIN)
    page.goto("/employer/hires")
    page.locator(f"#referral-{referral_id} form.leave button[type=submit]").click()
    page.locator("#confirm select[name=leave_reason]").select_option("adaptation")  # the reason, then confirm
    page.locator("#confirm-answer").click()
    page.goto("/employer/hires")
    expect(page.locator(f"#referral-{referral_id}")).to_have_count(0)  # no longer among the hires
    sign_out(page)

    ran = live_server.app.test_cli_runner().invoke(args=["tasks", "run", "early_warning"])
    assert ran.exit_code == 0, ran.output
    assert '"placement_ended_adaptation": {"raised": 1}' in ran.output

    sign_in(page, *STATION_LOGIN)  # the station's start page is its home
    expect(page).to_have_url(re.compile(r"/station$"))
    expect(page.locator("#figure-open-alerts strong")).to_have_text("2")  # the job lost, and why
    rows = page.locator("#open-alerts .alert-row")
    expect(rows).to_have_count(2)
    expect(rows.first.locator(".severity-high")).to_have_count(1)
    expect(page.locator("canvas#chart-placements")).to_be_visible()
    snap("station-home")

    expect(rows.filter(has=page.locator(f"a[href='/households/{HOUSEHOLD}']"))).to_have_count(2)
    page.goto("/alerts?rule=placement_ended_adaptation&mine=1")  # households this account helps
    listed = page.locator("#alerts .alert-row")
    expect(listed).to_have_count(1)
    listed.locator("td:nth-child(3) a").click()
    expect(page.locator("#alert-detail")).to_contain_text("马国强")
    page.locator("#action-form select[name=kind]").select_option("visit")
    page.locator("#action-form textarea[name=note]").fill("入户走访：不适应流水线夜班，想在县城就近做白班")
    page.locator("#record-action").click()
    expect(page.locator("#alert-actions li")).to_have_count(1)
    page.locator("#close-form textarea[name=note]").fill("已推荐县城白班岗位，家属同意")
    page.locator("#close-alert").click()
    expect(page.locator("#close-form")).to_have_count(0)
    expect(page.locator("#action-form")).to_have_count(0)
    snap("alert-closed")

    page.goto("/station")
    expect(page.locator("#figure-open-alerts strong")).to_have_text("1")  # the household still has nobody in work
    sign_out(page)


def test_the_county_overview_in_charts(page, live_server, placement):
    sign_in(page, *OFFICER_LOGIN)
    expect(page).to_have_url(re.compile(r"/county$"))
    expect(page.locator("#by-area tbody tr").first).to_be_visible()
    for chart in ("chart-employment", "chart-alerts", "chart-placements"):
        expect(page.locator(f"canvas#{chart}")).to_be_visible()
    drawn = page.evaluate("() => [...document.querySelectorAll('canvas[data-chart]')].every(c => Chart.getChart(c))")
    assert drawn  # Chart.js, served from our own origin, drew every chart
    page.locator("#by-area a", has_text="吉强镇").first.click()
    expect(page).to_have_url(re.compile(r"area_code=640422100000"))
    expect(page.locator("#by-area tbody tr")).not_to_have_count(0)
