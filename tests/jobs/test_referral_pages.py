"""The referral pages: the station refers and follows up, the employer answers in one click,
villagers apply, the slip is printed. Assertions look at data, ids and data attributes."""
import re
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from core.extensions import db
from core.models import Role, User, china_today
from jobs import referral_lifecycle
from jobs.models import FollowUp, Referral, ReferralStatus
from registry.models import EmploymentStatus, Worker
from tests.conftest import OTHER_VILLAGE, VILLAGE, csrf_token, id_number
from tests.jobs.conftest import count, post_form, referral_status, text_of

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
    asked = post_form(page, f"/workers/{worker}/referrals", {"job_id": str(job), "note": "会开叉车，有证"})
    question = asked.get_data(as_text=True)
    assert asked.status_code == 200 and 'id="confirm-question"' in question
    assert "马成" in text_of(question, "confirm-question") and "叉车司机" in text_of(question, "confirm-question")
    assert text_of(question, "confirm-note") == "会开叉车，有证" and text_of(question, "confirm-openings") == "2"
    assert count(app, Referral) == 0  # asked, not made
    response = page.post(f"/workers/{worker}/referrals", data={
        "csrf_token": csrf_token(question), "job_id": str(job), "note": "会开叉车，有证", "confirm": "1"})
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
    response = page.post(f"/referrals/{rid}/answer",
                         data={"csrf_token": csrf_token(home), "status": "hired", "confirm": "1"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/employer")
    home = page.get("/employer").get_data(as_text=True)
    hires = home.split('id="hires"')[1].split('id="departures"')[0]
    assert f'id="referral-{rid}" data-status="hired"' in hires
    employed = text_of(station.get(f"/households/{household}").get_data(as_text=True), "employed-count")
    assert "1" in employed and "0" not in employed
    with app.app_context():
        assert db.session.get(Worker, hired).employment_status is EmploymentStatus.local
    # the only opening is taken: the other hire is refused with the reason, and nothing changes
    full = page.post(f"/referrals/{other_rid}/answer",
                     data={"csrf_token": csrf_token(home), "status": "hired", "confirm": "1"})
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
    page.post(f"/referrals/{rid}/answer", data={"csrf_token": token, "status": "hired", "confirm": "1"})
    left = page.post(f"/referrals/{rid}/answer", data={"csrf_token": token, "status": "left", "leave_reason": "wages",
                                                       "confirm": "1"})
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
    assert text_of(html, "slip-id") == number[:6] + "*" * 10 + number[-2:]
    assert number not in html
    assert text_of(html, "slip-worker") == "马成" and "团结村劳保站" in html and "团结村委会" in html
    assert login_as("employer").get(f"/referrals/{rid}/slip").status_code == 403


def test_the_station_records_a_follow_up(app, login_as, make_worker, make_job, refer):
    worker = make_worker()
    rid = refer(worker, make_job())
    with app.test_request_context():
        referral_lifecycle.change_referral(db.session, db.session.get(Referral, rid), ReferralStatus.hired,
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
        referral_lifecycle.change_referral(db.session, db.session.get(Referral, hired), ReferralStatus.hired,
                                 User(role=Role.admin, username="t"))
        three = db.session.scalar(select(FollowUp).where(FollowUp.referral_id == hired, FollowUp.months == 3))
        referral_lifecycle.record_follow_up(db.session, three, {"still_employed": True, "wage": 4000},
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
    """An employer invites someone who applied to another of its postings; a stranger it cannot."""
    employer = make_employer()
    job, welding = make_job(employer), make_job(employer, title="焊工学徒")
    me = make_worker(skills=["电焊"], max_commute_km=50)
    stranger = make_worker(name="田秀英", skills=["电焊"], max_commute_km=50)
    page = login_as("worker", worker_id=me)
    html = page.get(f"/jobs/{welding}").get_data(as_text=True)
    assert page.post(f"/jobs/{welding}/my-application", data={"csrf_token": csrf_token(html)}).status_code == 302
    employer_page = login_as("employer", employer_id=employer)
    html = employer_page.get(f"/jobs/{job}/candidates").get_data(as_text=True)
    assert re.search(rf'name="worker_id" value="{me}"', html) and f'value="{stranger}"' not in html
    assert employer_page.post(f"/jobs/{job}/refer", data={"csrf_token": csrf_token(html),
                                                          "worker_id": me}).status_code == 302
    refused = employer_page.post(f"/jobs/{job}/refer", data={"csrf_token": csrf_token(html), "worker_id": stranger},
                                 follow_redirects=True).get_data(as_text=True)
    assert "田秀英" not in refused
    with app.app_context():
        sources = {(r.worker_id, r.job_id): r.source.name for r in db.session.scalars(select(Referral))}
    assert sources == {(me, welding): "worker", (me, job): "employer"}
