"""The jobs pages, as villagers, employers, stations and officers use them (Chinese by default).

The assertions look at data, ids and data attributes rather than at interface text, so they hold
whatever the Chinese catalogue says."""
import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.models import Role, User, china_today
from jobs import hiring
from jobs.models import Employer, FollowUp, Job, Referral, ReferralStatus
from registry.models import EmploymentStatus, Worker
from tests.conftest import COUNTY, OTHER_VILLAGE, TOWNSHIP, VILLAGE, csrf_token, id_number
from tests.jobs.conftest import valid_uscc


def post_form(page, url, data, form_url=None):
    """Posts `data` with the CSRF token of the page at `form_url` (default: `url` itself)."""
    token = csrf_token(page.get(form_url or url).get_data(as_text=True))
    return page.post(url, data={**data, "csrf_token": token})


def text_of(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"[^>]*>(.*?)</', html, re.S)
    assert match, f"no element #{element_id}"
    return match.group(1).strip()


@pytest.fixture
def refer(app):
    """`refer(worker_id, job_id)` -> the id of a new referral (made as an administrator)."""
    def make(worker_id: int, job_id: int) -> int:
        with app.test_request_context():
            referral = hiring.create_referral(db.session, worker_id, job_id, User(role=Role.admin, username="t"))
            db.session.commit()
            return referral.id
    return make


def referral_status(app, referral_id: int) -> ReferralStatus:
    with app.app_context():
        return db.session.get(Referral, referral_id).status


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(model.id)))


# --- public postings ---------------------------------------------------------------------------

def test_the_public_list_hides_postings_of_unverified_employers(client, make_employer, make_job):
    visible = make_job(make_employer(), title="服装缝纫工", accommodation=True, meals=True, flexible_hours=True)
    hidden = make_job(make_employer(verified=False), title="手工刺绣")
    html = client.get("/jobs").get_data(as_text=True)
    assert f'data-job-id="{visible}"' in html and f'data-job-id="{hidden}"' not in html
    assert "服装缝纫工" in html and "手工刺绣" not in html
    assert 'data-flag="board"' in html and 'data-flag="flexible_hours"' in html
    assert 'data-openings-left="2"' in html and "3000–4500" in html
    assert client.get(f"/jobs/{hidden}").status_code == 404
    page = client.get(f"/jobs/{visible}")
    assert page.status_code == 200 and 'id="candidates-link"' not in page.get_data(as_text=True)
    assert f'data-job-id="{visible}"' in client.get("/jobs?q=缝纫").get_data(as_text=True)
    assert f'data-job-id="{visible}"' not in client.get("/jobs?q=挖掘机").get_data(as_text=True)


def test_closed_postings_leave_the_public_list(client, login_as, make_employer, make_job):
    employer = make_employer()
    job = make_job(employer)
    page = login_as("employer", employer_id=employer)
    response = post_form(page, f"/jobs/{job}/close", {}, form_url=f"/jobs/{job}")
    assert response.status_code == 302
    assert f'data-job-id="{job}"' not in client.get("/jobs").get_data(as_text=True)
    assert client.get(f"/jobs/{job}").status_code == 404
    assert 'data-state="closed"' in page.get(f"/jobs/{job}").get_data(as_text=True)


# --- employers ---------------------------------------------------------------------------------

SIGN_UP = {"name": "兴隆镇刺绣合作社", "kind": "cooperative", "contact_name": "马丽", "contact_phone": "13895001111",
           "address": "兴隆镇", "username": "xinglong", "password": "password-123", "confirm": "password-123"}


def test_an_employer_signs_up_and_lands_on_its_home_unverified(app, client, areas):
    response = post_form(client, "/employers/register", {**SIGN_UP, "uscc": valid_uscc(601), "area_code": TOWNSHIP})
    assert response.status_code == 302 and response.headers["Location"].endswith("/employer")
    html = client.get("/employer").get_data(as_text=True)
    assert 'id="unverified-banner"' in html and "兴隆镇刺绣合作社" in html
    with app.app_context():
        employer = db.session.scalar(select(Employer))
        assert employer.verified is False and employer.kind.name == "cooperative" and employer.area_code == TOWNSHIP
        user = db.session.scalar(select(User).where(User.username == "xinglong"))
        assert user.role is Role.employer and user.employer_id == employer.id


def test_sign_up_errors_are_shown_on_the_fields_and_nothing_is_written(app, client, areas, make_user):
    good = valid_uscc(602)
    wrong = good[:-1] + ("1" if good[-1] != "1" else "2")
    mistyped = post_form(client, "/employers/register", {**SIGN_UP, "uscc": good, "confirm": "other-password"})
    assert mistyped.status_code == 422 and 'id="confirm-error"' in mistyped.get_data(as_text=True)
    bad = post_form(client, "/employers/register", {**SIGN_UP, "uscc": wrong, "contact_phone": "12345"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and 'id="uscc-error"' in html and 'id="contact_phone-error"' in html
    assert 'value="兴隆镇刺绣合作社"' in html  # what was typed is kept
    make_user("employer")  # takes the username employer1
    taken = post_form(client, "/employers/register", {**SIGN_UP, "uscc": valid_uscc(603), "username": "employer1"})
    assert taken.status_code == 422 and 'id="username-error"' in taken.get_data(as_text=True)
    forged = post_form(client, "/employers/register", {**SIGN_UP, "uscc": valid_uscc(604), "area_code": "999999999999"})
    assert forged.status_code == 422 and 'id="area_code-error"' in forged.get_data(as_text=True)
    assert count(app, Employer) == 0
    with app.app_context():
        assert db.session.scalar(select(User).where(User.username == "xinglong")) is None


def test_a_county_officer_verifies_an_employer(app, client, login_as, make_employer, make_job):
    employer = make_employer(verified=False)
    job = make_job(employer)
    county = login_as("county", [COUNTY])
    html = county.get("/employers?verified=0").get_data(as_text=True)
    assert f'id="employer-{employer}" data-verified="no"' in html
    response = county.post(f"/employers/{employer}/verify", data={"csrf_token": csrf_token(html),
                                                                  "next": "/employers?verified=0"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/employers?verified=0")
    assert f'id="employer-{employer}"' not in county.get("/employers?verified=0").get_data(as_text=True)
    assert f'id="employer-{employer}" data-verified="yes"' in county.get("/employers").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Employer, employer).verified
    assert f'data-job-id="{job}"' in client.get("/jobs").get_data(as_text=True)
    station = login_as("station", [VILLAGE])
    assert station.get("/employers").status_code == 403
    token = csrf_token(station.get("/jobs").get_data(as_text=True))
    assert station.post(f"/employers/{employer}/verify", data={"csrf_token": token}).status_code == 403


def test_an_employer_account_without_an_employer_registers_it_on_its_home(app, login_as, areas):
    page = login_as("employer")
    assert page.get("/jobs/new").status_code == 302
    response = post_form(page, "/employer", {"name": "好帮手家政", "uscc": valid_uscc(605), "kind": "enterprise"})
    assert response.status_code == 302
    assert 'id="unverified-banner"' in page.get("/employer").get_data(as_text=True)


# --- postings ----------------------------------------------------------------------------------

def test_an_employer_posts_a_job_through_the_form(app, login_as, make_employer):
    employer = make_employer(verified=False)
    page = login_as("employer", employer_id=employer)
    response = post_form(page, "/jobs/new", {"title": "电焊工包吃住", "required_skills": "电焊、会开叉车", "openings": "3",
                                             "wage_min": "4000", "wage_max": "6000", "wage_unit": "month",
                                             "physical_demand": "heavy", "accommodation": "y", "meals": "y",
                                             "area_code": TOWNSHIP, "address": "吉强镇工业园",
                                             "expires_on": (china_today() + timedelta(days=30)).isoformat()})
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        job = db.session.scalar(select(Job))
        assert job.employer_id == employer and job.accommodation and job.meals and not job.flexible_hours
        assert [s.name for s in job.required_skills] == ["电焊", "会开叉车"]
        assert job.required_skills[0].canonical == "焊工" and job.required_skills[1].skill_id is not None
        assert job.physical_demand.name == "heavy" and job.area_code == TOWNSHIP
        job_id = job.id
    html = page.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert 'data-state="unverified"' in html and 'id="candidates-link"' in html


def test_posting_form_errors_are_shown_on_the_fields_and_nothing_is_written(app, login_as, make_employer):
    page = login_as("employer", employer_id=make_employer())
    base = {"title": "电焊工", "wage_unit": "month", "physical_demand": "medium"}
    response = post_form(page, "/jobs/new", {**base, "openings": "0"})
    assert response.status_code == 422 and 'id="openings-error"' in response.get_data(as_text=True)
    response = post_form(page, "/jobs/new", {**base, "openings": "2", "wage_min": "5000", "wage_max": "3000"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="wage_max-error"' in html and 'id="openings-error"' not in html
    assert 'value="5000"' in html  # what was typed is kept
    response = post_form(page, "/jobs/new", {**base, "openings": "zwei"})
    assert response.status_code == 422 and 'id="openings-error"' in response.get_data(as_text=True)
    assert count(app, Job) == 0


def test_an_officer_posts_for_a_chosen_employer_and_an_employer_only_for_its_own(app, login_as, make_employer):
    theirs = make_employer()
    county = login_as("county", [COUNTY])
    response = post_form(county, "/jobs/new", {"employer_id": str(theirs), "title": "护林员", "openings": "2",
                                               "wage_unit": "month", "physical_demand": "light"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Job.employer_id)) == theirs
    mine = login_as("employer", employer_id=make_employer())
    forged = post_form(mine, "/jobs/new", {"employer_id": str(theirs), "title": "保洁员", "openings": "1",
                                           "wage_unit": "month", "physical_demand": "light"})
    assert forged.status_code == 302  # the field is not on an employer's form: it posts for its own
    with app.app_context():
        assert sorted(db.session.scalars(select(Job.employer_id))) == sorted([theirs, theirs + 1])


def test_an_employer_edits_its_posting_but_not_another(app, login_as, make_employer, make_job):
    mine, theirs = make_employer(), make_employer()
    job, other = make_job(mine), make_job(theirs)
    page = login_as("employer", employer_id=mine)
    form = page.get(f"/jobs/{job}/edit").get_data(as_text=True)
    assert 'value="电焊工"' in form and "焊工" in form
    response = post_form(page, f"/jobs/{job}/edit", {"title": "焊工学徒", "openings": "5", "wage_unit": "day",
                                                     "physical_demand": "light", "required_skills": ""})
    assert response.status_code == 302
    with app.app_context():
        saved = db.session.get(Job, job)
        assert (saved.title, saved.openings, saved.wage_unit.name, saved.wage_min, saved.required_skills) == \
            ("焊工学徒", 5, "day", None, [])
    assert page.get(f"/jobs/{other}/edit").status_code == 403
    assert post_form(page, f"/jobs/{other}/close", {}, form_url=f"/jobs/{job}").status_code == 403


# --- candidates --------------------------------------------------------------------------------

def test_an_employer_cannot_open_another_employers_candidates(login_as, make_employer, make_job):
    mine, theirs = make_employer(), make_employer()
    page = login_as("employer", employer_id=mine)
    assert page.get(f"/jobs/{make_job(theirs)}/candidates").status_code == 403
    assert page.get(f"/jobs/{make_job(mine)}/candidates").status_code == 200
    assert login_as("worker").get(f"/jobs/{make_job(mine)}/candidates").status_code == 403


def test_the_candidates_page_masks_names_for_employers(login_as, make_employer, make_job, make_worker, refer):
    employer = make_employer()
    job = make_job(employer)
    welder = make_worker(name="马成林", skills=["电焊"], max_commute_km=30, phone="13895009999")
    make_worker(name="李秀兰", skills=["缝纫"], max_commute_km=30)
    html = login_as("employer", employer_id=employer).get(f"/jobs/{job}/candidates").get_data(as_text=True)
    assert "马**" in html and "李**" in html
    assert "马成林" not in html and "李秀兰" not in html and "9999" not in html
    rows = re.findall(r'data-worker-id="(\d+)" data-score="([\d.]+)"', html)
    assert int(rows[0][0]) == welder and float(rows[0][1]) > float(rows[1][1])
    assert 'class="refer">Invite' in html or 'class="refer">邀请' in html  # an employer invites
    station_html = login_as("station", [VILLAGE]).get(f"/jobs/{job}/candidates").get_data(as_text=True)
    assert "马成林" in station_html and 'class="refer"' in station_html


def test_the_station_refers_from_the_candidates_page(app, login_as, make_job, make_worker):
    job = make_job()
    worker = make_worker(skills=["电焊"])
    page = login_as("station", [VILLAGE])
    html = page.get(f"/jobs/{job}/candidates").get_data(as_text=True)
    response = page.post(f"/jobs/{job}/refer", data={"csrf_token": csrf_token(html), "worker_id": str(worker)})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Referral.worker_id)) == worker
    after = page.get(f"/jobs/{job}/candidates").get_data(as_text=True)
    assert f'data-worker-id="{worker}"' not in after  # put forward already: no longer a candidate
    again = page.post(f"/jobs/{job}/refer", data={"csrf_token": csrf_token(html), "worker_id": str(worker)},
                      follow_redirects=True)
    assert again.status_code == 200 and "flash-error" in again.get_data(as_text=True)
    assert count(app, Referral) == 1


# --- referrals ---------------------------------------------------------------------------------

def test_the_station_refers_from_the_worker_page(app, login_as, make_household, make_worker, make_job):
    household = make_household()
    worker = make_worker(household, name="马成")
    job = make_job(title="叉车司机")
    page = login_as("station", [VILLAGE])
    assert f'href="/workers/{worker}/referrals"' in page.get(f"/workers/{worker}").get_data(as_text=True)
    form = page.get(f"/workers/{worker}/referrals").get_data(as_text=True)
    assert f'<option value="{job}">' in form
    empty = post_form(page, f"/workers/{worker}/referrals", {"job_id": ""})
    assert empty.status_code == 422 and 'id="job_id-error"' in empty.get_data(as_text=True)
    response = post_form(page, f"/workers/{worker}/referrals", {"job_id": str(job), "note": "会开叉车，有证"})
    assert response.status_code == 302
    html = page.get(response.headers["Location"]).get_data(as_text=True)
    assert "叉车司机" in html and 'data-status="referred"' in html
    assert f'<option value="{job}">' not in html  # referred already: not offered again
    with app.app_context():
        referral = db.session.scalar(select(Referral))
        assert (referral.worker_id, referral.job_id, referral.note) == (worker, job, "会开叉车，有证")
    household_html = page.get(f"/households/{household}/referrals").get_data(as_text=True)
    assert "叉车司机" in household_html and f'data-worker-id="{worker}"' in household_html
    assert f'href="/households/{household}/referrals"' in page.get(f"/households/{household}").get_data(as_text=True)


def test_station_pages_of_another_village_are_not_found(login_as, make_household, make_worker, make_job, refer):
    elsewhere = make_household(OTHER_VILLAGE)
    worker = make_worker(elsewhere)
    rid = refer(worker, make_job())
    page = login_as("station", [VILLAGE])
    assert page.get(f"/workers/{worker}/referrals").status_code == 404
    assert page.get(f"/households/{elsewhere}/referrals").status_code == 404
    assert page.get(f"/referrals/{rid}/slip").status_code == 404


def test_one_click_hire_from_the_inbox_changes_the_households_employed_count(
        app, login_as, make_household, make_worker, make_employer, make_job, refer):
    household = make_household()
    hired, other = make_worker(household, name="马成"), make_worker(household, name="马福")
    employer = make_employer()
    job = make_job(employer, openings=1)
    rid, other_rid = refer(hired, job), refer(other, job)
    station = login_as("station", [VILLAGE])
    assert "0" in text_of(station.get(f"/households/{household}").get_data(as_text=True), "employed-count")
    page = login_as("employer", employer_id=employer)
    home = page.get("/employer").get_data(as_text=True)
    assert f'id="referral-{rid}" data-status="referred"' in home
    assert "马成" in home and "马福" in home  # referred people are shown to their employer
    response = page.post(f"/referrals/{rid}/answer", data={"csrf_token": csrf_token(home), "status": "hired"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/employer")
    home = page.get("/employer").get_data(as_text=True)
    hires = home.split('id="hires"')[1].split('id="departures"')[0]
    assert f'id="referral-{rid}" data-status="hired"' in hires
    employed = text_of(station.get(f"/households/{household}").get_data(as_text=True), "employed-count")
    assert "1" in employed and "0" not in employed
    with app.app_context():
        assert db.session.get(Worker, hired).employment_status is EmploymentStatus.local
    # the only opening is taken: the other hire is refused with the reason, and nothing changes
    full = page.post(f"/referrals/{other_rid}/answer", data={"csrf_token": csrf_token(home), "status": "hired"})
    assert full.status_code == 422 and "flash-error" in full.get_data(as_text=True)
    assert referral_status(app, other_rid) is ReferralStatus.referred


def test_reject_without_a_reason_shows_the_field_error(app, login_as, make_employer, make_job, make_worker, refer):
    employer = make_employer()
    rid = refer(make_worker(), make_job(employer))
    page = login_as("employer", employer_id=employer)
    token = csrf_token(page.get("/employer").get_data(as_text=True))
    invited = page.post(f"/referrals/{rid}/answer", data={"csrf_token": token, "status": "interviewing"})
    assert invited.status_code == 302 and referral_status(app, rid) is ReferralStatus.interviewing
    refused = page.post(f"/referrals/{rid}/answer", data={"csrf_token": token, "status": "rejected", "reason": " "})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert f'id="reason-{rid}-error"' in html and f'aria-describedby="reason-{rid}-error"' in html
    assert referral_status(app, rid) is ReferralStatus.interviewing
    done = page.post(f"/referrals/{rid}/answer", data={"csrf_token": token, "status": "rejected", "reason": "不会开叉车"})
    assert done.status_code == 302 and referral_status(app, rid) is ReferralStatus.rejected
    with app.app_context():
        assert db.session.get(Referral, rid).reason == "不会开叉车"


def test_an_employer_cannot_answer_another_employers_referrals(app, login_as, make_employer, make_job,
                                                               make_worker, refer):
    rid = refer(make_worker(), make_job(make_employer()))
    page = login_as("employer", employer_id=make_employer())
    token = csrf_token(page.get("/employer").get_data(as_text=True))
    assert page.post(f"/referrals/{rid}/answer", data={"csrf_token": token, "status": "hired"}).status_code == 404
    assert referral_status(app, rid) is ReferralStatus.referred


def test_a_departure_from_the_employer_home(app, login_as, make_employer, make_job, make_worker, refer):
    employer = make_employer()
    worker = make_worker()
    rid = refer(worker, make_job(employer))
    page = login_as("employer", employer_id=employer)
    token = csrf_token(page.get("/employer").get_data(as_text=True))
    page.post(f"/referrals/{rid}/answer", data={"csrf_token": token, "status": "hired"})
    left = page.post(f"/referrals/{rid}/answer", data={"csrf_token": token, "status": "left", "leave_reason": "wages"})
    assert left.status_code == 302
    with app.app_context():
        referral = db.session.get(Referral, rid)
        assert referral.status is ReferralStatus.left and referral.leave_reason.name == "wages"
        assert referral.worker.employment_status is EmploymentStatus.unemployed
    departures = page.get("/employer").get_data(as_text=True).split('id="departures"')[1]
    assert f'id="referral-{rid}" data-status="left"' in departures


def test_the_slip_shows_the_job_and_the_masked_id_only(login_as, make_worker, make_job, refer):
    number = id_number("19900101", 77)
    worker = make_worker(name="马成", id_number=number)
    rid = refer(worker, make_job(title="电焊工包吃住"))
    page = login_as("station", [VILLAGE], display_name="团结村劳保站")
    html = page.get(f"/referrals/{rid}/slip").get_data(as_text=True)
    assert text_of(html, "slip-job") == "电焊工包吃住"
    assert text_of(html, "slip-id") == number[:6] + "********" + number[-4:]
    assert number not in html
    assert text_of(html, "slip-worker") == "马成" and "团结村劳保站" in html and "团结村委会" in html
    assert login_as("employer").get(f"/referrals/{rid}/slip").status_code == 403


def test_the_station_records_a_follow_up(app, login_as, make_worker, make_job, refer):
    worker = make_worker()
    rid = refer(worker, make_job())
    with app.test_request_context():
        hiring.change_referral(db.session, db.session.get(Referral, rid), ReferralStatus.hired,
                                 User(role=Role.admin, username="t"))
        first = db.session.scalar(select(FollowUp).where(FollowUp.referral_id == rid, FollowUp.months == 1))
        first.due_on = china_today() - timedelta(days=1)
        db.session.commit()
        follow_up = first.id
    page = login_as("station", [VILLAGE])
    html = page.get("/referrals").get_data(as_text=True)
    assert f'id="follow-up-{follow_up}"' in html and text_of(html, "due-count") == "1"
    unanswered = page.post(f"/follow-ups/{follow_up}", data={"csrf_token": csrf_token(html), "wage": "3000"})
    assert unanswered.status_code == 422
    assert f'id="still_employed-{follow_up}-error"' in unanswered.get_data(as_text=True)
    done = page.post(f"/follow-ups/{follow_up}", data={"csrf_token": csrf_token(html), "still_employed": "0",
                                                       "leave_reason": "care_duties", "problems": "家里老人病了"})
    assert done.status_code == 302
    with app.app_context():
        referral = db.session.get(Referral, rid)
        assert referral.status is ReferralStatus.left and referral.leave_reason.name == "care_duties"
        assert db.session.get(FollowUp, follow_up).problems == "家里老人病了"
    assert text_of(page.get("/referrals").get_data(as_text=True), "due-count") == "0"


def test_the_station_sees_its_open_referrals(login_as, make_household, make_worker, make_job, refer):
    mine = refer(make_worker(), make_job())
    theirs = refer(make_worker(make_household(OTHER_VILLAGE)), make_job())
    html = login_as("station", [VILLAGE]).get("/referrals").get_data(as_text=True)
    assert f'id="referral-{mine}"' in html and f'id="referral-{theirs}"' not in html
    assert text_of(html, "open-count") == "1"


def test_pages_for_signed_in_roles_send_strangers_to_sign_in(client, areas):
    for url in ("/employer", "/jobs/new", "/referrals", "/employers", "/workers/1/referrals"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


def test_the_employer_home_shows_stable_employment_and_reminded_referrals(app, login_as, make_employer, make_job,
                                                                          make_worker, refer):
    employer = make_employer()
    job = make_job(employer)
    hired, waiting = refer(make_worker(), job), refer(make_worker(), job)
    with app.test_request_context():
        hiring.change_referral(db.session, db.session.get(Referral, hired), ReferralStatus.hired,
                                 User(role=Role.admin, username="t"))
        three = db.session.scalar(select(FollowUp).where(FollowUp.referral_id == hired, FollowUp.months == 3))
        hiring.record_follow_up(db.session, three, {"still_employed": True, "wage": 4000},
                                  User(role=Role.admin, username="t"))
        db.session.get(Referral, waiting).reminded_at = datetime.now(timezone.utc)
        db.session.commit()
    html = login_as("employer", employer_id=employer).get("/employer").get_data(as_text=True)
    row = html[html.index(f'data-job-id="{job}"'):]
    assert '<td class="stable">1 / 1</td>' in row[:row.index("</tr>")]
    assert "100%" in text_of(html, "stable-employment")
    card = html[html.index(f'id="referral-{waiting}"'):]
    assert "reminded" in card[:card.index("</article>")]


def test_a_villager_applies_and_an_employer_invites(app, login_as, make_employer, make_job, make_worker):
    employer = make_employer()
    job = make_job(employer)
    me, other = make_worker(), make_worker(skills=["电焊"], max_commute_km=50)
    page = login_as("worker", worker_id=me)
    html = page.get(f"/jobs/{job}").get_data(as_text=True)
    assert page.post(f"/jobs/{job}/apply", data={"csrf_token": csrf_token(html)}).status_code == 302
    employer_page = login_as("employer", employer_id=employer)
    html = employer_page.get(f"/jobs/{job}/candidates").get_data(as_text=True)
    assert employer_page.post(f"/jobs/{job}/refer", data={"csrf_token": csrf_token(html),
                                                          "worker_id": other}).status_code == 302
    with app.app_context():
        sources = {r.worker_id: r.source.name for r in db.session.scalars(select(Referral))}
    assert sources == {me: "worker", other: "employer"}
