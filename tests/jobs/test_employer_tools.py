"""The employer's own tools: a short home with its postings first and hires on their own pages, the
contact of a person put forward (a button, audited), hires and departures with their day (and a
departure's reason) asked again before anything changes, undo within a day, reopening a posting,
several hires at once (all or none), piece rates with their unit, no start date in the past, and
a sign-up that names every problem at once. Assertions look at data, ids and data attributes."""
import re
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from core.extensions import db
from core.models import AuditEvent, Role, User, china_today, utcnow
from jobs import referral_lifecycle
from jobs.models import FollowUp, Job, LeaveReason, Referral, ReferralStatus
from registry.models import EmploymentStatus, Worker
from tests.conftest import OTHER_VILLAGE, VILLAGE, credit_code, csrf_token
from tests.jobs.conftest import post_form, referral_status, text_of

ADMIN = User(role=Role.admin, username="t")
TODAY = china_today()


def hire(app, referral_id: int, on=None) -> None:
    with app.test_request_context():
        referral_lifecycle.change_referral(db.session, db.session.get(Referral, referral_id), ReferralStatus.hired,
                                           ADMIN, on=on)
        db.session.commit()


def backdate(app, referral_id: int, days: int) -> None:
    """The referral was made `days` ago (so that a hire may be dated back)."""
    with app.app_context():
        db.session.get(Referral, referral_id).created_at = utcnow() - timedelta(days=days)
        db.session.commit()


def confirm_answer(page, rid: int, token: str, **data):
    return page.post(f"/referrals/{rid}/answer", data={"csrf_token": token, "confirm": "1", **data})


# --- the home page and the hires pages ---------------------------------------------------------

def test_the_home_shows_postings_first_and_pages_the_hires(app, login_as, make_employer, make_job, make_worker,
                                                           refer):
    employer = make_employer()
    job = make_job(employer, openings=15, title="装配工")
    waiting_job = make_job(employer, openings=2, title="叉车司机")
    for _n in range(12):
        hire(app, refer(make_worker(), job))
    waiting = [refer(make_worker(), waiting_job) for _n in range(7)]
    page = login_as("employer", employer_id=employer)
    html = page.get("/employer").get_data(as_text=True)
    assert 'id="nav-new-job"' in html and 'id="new-job"' in html
    assert html.index('id="new-job"') < html.index('id="postings"') < html.index('id="inbox"') < html.index('id="hires"')
    row = html[html.index(f'data-job-id="{waiting_job}"'):]
    row = row[:row.index("</tr>")]
    assert re.search(r'class="left">2<', row) and re.search(r'class="waiting"><a [^>]+>7</a>', row)
    assert text_of(html, "inbox-count") == "7" and html.count('<article class="referral" id="referral-') == 5
    assert text_of(html, "hires-count") == "12"
    assert html.count('class="referral hire compact"') <= 3  # only what may still be undone
    assert all(f'id="referral-{rid}"' in page.get(f"/jobs/{waiting_job}/referrals").get_data(as_text=True)
               for rid in waiting)
    first = page.get("/employer/hires").get_data(as_text=True)
    second = page.get("/employer/hires?page=2").get_data(as_text=True)
    assert first.count('class="referral hire-row"') == 10 and second.count('class="referral hire-row"') == 2
    assert text_of(first, "total") == "12"
    assert login_as("station", [VILLAGE]).get("/employer/hires").status_code == 403


def test_piece_rates_show_their_unit(login_as, make_employer, make_job):
    employer = make_employer()
    job = make_job(employer, wage_min=5, wage_max=8, wage_unit="piece")
    page = login_as("employer", employer_id=employer)
    for url in ("/employer", f"/jobs/{job}/referrals"):
        html = page.get(url).get_data(as_text=True)
        wage = re.search(r'data-wage-unit="piece">([^<]+)<', html).group(1).strip()
        assert wage.startswith("5–8 ") and wage != "5–8 计件"  # a unit per piece, not the bare word 计件


# --- a referred person's contact ---------------------------------------------------------------

def test_the_contact_of_a_referred_person_is_shown_on_request_and_audited(app, login_as, api_as, make_employer,
                                                                         make_job, make_worker, refer):
    employer = make_employer()
    worker = make_worker(name="马成", phone="13895001234")
    rid = refer(worker, make_job(employer))
    page = login_as("employer", employer_id=employer)
    home = page.get("/employer").get_data(as_text=True)
    assert "13895001234" not in home and 'data-revealed="0"' in home
    shown = page.post(f"/referrals/{rid}/contact", data={"csrf_token": csrf_token(home)})
    html = shown.get_data(as_text=True)
    assert shown.status_code == 200 and 'href="tel:13895001234"' in html and 'data-revealed="1"' in html
    assert "13895001234" not in page.get("/employer").get_data(as_text=True)  # masked again on the next view
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "reveal")).all()
        assert [(e.entity, e.entity_id, e.detail) for e in events] == [("worker", str(worker), f"referral {rid}")]
        assert events[0].user.employer_id == employer
    stranger = login_as("employer", employer_id=make_employer())
    token = csrf_token(stranger.get("/employer").get_data(as_text=True))
    assert stranger.post(f"/referrals/{rid}/contact", data={"csrf_token": token}).status_code == 404
    api = api_as("employer", employer_id=employer).post(f"/api/v1/referrals/{rid}/contact")
    assert api.status_code == 200 and api.json["phone"] == "13895001234" and api.json["name"] == "马成"
    assert api_as("station", [VILLAGE]).post(f"/api/v1/referrals/{rid}/contact").status_code == 403
    hire(app, rid)  # no longer waiting for an answer: no contact, and nothing audited
    assert api_as("employer", employer_id=employer).post(f"/api/v1/referrals/{rid}/contact").status_code == 409
    with app.app_context():
        assert len(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "reveal")).all()) == 2


# --- hires and departures: a day, a reason, asked first ----------------------------------------

def test_a_hire_is_asked_first_and_dated(app, login_as, make_employer, make_job, make_worker, refer):
    employer = make_employer()
    rid = refer(make_worker(name="马成"), make_job(employer))
    backdate(app, rid, 10)
    page = login_as("employer", employer_id=employer)
    token = csrf_token(page.get("/employer").get_data(as_text=True))
    asked = page.post(f"/referrals/{rid}/answer", data={"csrf_token": token, "status": "hired"})
    html = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "马成" in text_of(html, "confirm-question")
    assert 'name="confirm" value="1"' in html and f'value="{TODAY.isoformat()}"' in html
    assert referral_status(app, rid) is ReferralStatus.referred  # nothing changed yet
    for day in (TODAY + timedelta(days=1), TODAY - timedelta(days=11)):  # the future; before the referral
        refused = confirm_answer(page, rid, token, status="hired", hired_on=day.isoformat())
        assert refused.status_code == 422 and 'id="hired_on-error"' in refused.get_data(as_text=True)
        assert referral_status(app, rid) is ReferralStatus.referred
    day = TODAY - timedelta(days=3)
    done = confirm_answer(page, rid, token, status="hired", hired_on=day.isoformat())
    assert done.status_code == 302
    with app.app_context():
        referral = db.session.get(Referral, rid)
        assert referral.status is ReferralStatus.hired and referral.hired_on == day
        assert referral.previous_status is ReferralStatus.referred and referral.status_changed_at is not None
        assert min(f.due_on for f in referral.follow_ups) == day + relativedelta(months=1)  # from the day hired


def test_a_departure_needs_its_reason_and_a_day_after_the_hire(app, login_as, api_as, make_employer, make_job,
                                                              make_worker, refer):
    employer = make_employer()
    worker = make_worker()
    rid = refer(worker, make_job(employer))
    backdate(app, rid, 10)
    hire(app, rid, on=TODAY - timedelta(days=5))
    page = login_as("employer", employer_id=employer)
    token = csrf_token(page.get("/employer/hires").get_data(as_text=True))
    asked = page.post(f"/referrals/{rid}/answer", data={"csrf_token": token, "status": "left"})
    assert asked.status_code == 200 and 'id="leave_reason"' in asked.get_data(as_text=True)
    both = confirm_answer(page, rid, token, status="left", left_on=(TODAY + timedelta(days=1)).isoformat())
    html = both.get_data(as_text=True)
    assert both.status_code == 422 and 'id="left_on-error"' in html and 'id="leave_reason-error"' in html
    early = confirm_answer(page, rid, token, status="left", leave_reason="wages",
                           left_on=(TODAY - timedelta(days=6)).isoformat())
    assert early.status_code == 422 and 'id="left_on-error"' in early.get_data(as_text=True)
    assert referral_status(app, rid) is ReferralStatus.hired
    api = api_as("admin").patch(f"/api/v1/referrals/{rid}", json={"status": "left"})
    assert api.status_code == 422 and "leave_reason" in api.json["error"]["fields"]
    day = TODAY - timedelta(days=1)
    left = confirm_answer(page, rid, token, status="left", leave_reason="wages", left_on=day.isoformat())
    assert left.status_code == 302
    with app.app_context():
        referral = db.session.get(Referral, rid)
        assert (referral.status, referral.left_on, referral.leave_reason) == (ReferralStatus.left, day, LeaveReason.wages)
        assert db.session.get(Worker, worker).employment_status is EmploymentStatus.unemployed


# --- undo within a day -------------------------------------------------------------------------

def test_a_hire_is_undone_within_a_day(app, login_as, make_employer, make_job, make_worker, refer):
    employer = make_employer()
    worker = make_worker()
    job, other_job = make_job(employer, openings=1), make_job(openings=2)
    rid, other = refer(worker, job), refer(worker, other_job)
    page = login_as("employer", employer_id=employer)
    token = csrf_token(page.get("/employer").get_data(as_text=True))
    assert confirm_answer(page, rid, token, status="hired").status_code == 302
    assert referral_status(app, other) is ReferralStatus.obsolete  # hired elsewhere
    home = page.get("/employer").get_data(as_text=True)
    assert f'class="secondary outline undo" data-referral-id="{rid}"' in home
    undone = page.post(f"/referrals/{rid}/undo", data={"csrf_token": token})
    assert undone.status_code == 302
    with app.app_context():
        referral = db.session.get(Referral, rid)
        assert referral.status is ReferralStatus.referred and referral.hired_on is None
        assert referral.previous_status is None and referral.status_changed_at is None
        assert db.session.get(Job, job).hired_count == 0
        assert db.session.get(Worker, worker).employment_status is EmploymentStatus.unemployed
        assert db.session.get(Referral, other).status is ReferralStatus.referred
        assert db.session.scalars(select(FollowUp).where(FollowUp.referral_id == rid)).all() == []
    assert f'data-referral-id="{rid}"' not in page.get("/employer").get_data(as_text=True).split('id="hires"')[1]
    # and hired again
    assert confirm_answer(page, rid, token, status="hired").status_code == 302
    assert referral_status(app, rid) is ReferralStatus.hired


def test_a_departure_is_undone_within_a_day(app, api_as, make_employer, make_job, make_worker, refer):
    employer = make_employer()
    worker = make_worker()
    job = make_job(employer, openings=1)
    rid = refer(worker, job)
    hire(app, rid)
    api = api_as("employer", employer_id=employer)
    assert api.patch(f"/api/v1/referrals/{rid}", json={"status": "left", "leave_reason": "health"}).status_code == 200
    undone = api.post(f"/api/v1/referrals/{rid}/undo")
    assert undone.status_code == 200 and undone.json["status"] == "hired" and undone.json["left_on"] is None
    assert [f["months"] for f in undone.json["follow_ups"]] == [1, 3, 6]
    with app.app_context():
        assert db.session.get(Job, job).hired_count == 1
        assert db.session.get(Worker, worker).employment_status is EmploymentStatus.local
    assert api.post(f"/api/v1/referrals/{rid}/undo").status_code == 409  # the hire itself is undone no more twice


def test_undo_is_refused_after_a_day_and_to_others(app, api_as, make_employer, make_job, make_worker, refer):
    employer = make_employer()
    rid = refer(make_worker(), make_job(employer))
    hire(app, rid)
    assert api_as("county", ["640422000000"]).post(f"/api/v1/referrals/{rid}/undo").status_code == 403
    assert api_as("station", [OTHER_VILLAGE]).post(f"/api/v1/referrals/{rid}/undo").status_code == 404
    with app.app_context():
        db.session.get(Referral, rid).status_changed_at = utcnow() - timedelta(hours=25)
        db.session.commit()
    late = api_as("employer", employer_id=employer).post(f"/api/v1/referrals/{rid}/undo")
    assert late.status_code == 409 and "status" in late.json["error"]["fields"]
    assert referral_status(app, rid) is ReferralStatus.hired
    with app.app_context():
        db.session.get(Referral, rid).status_changed_at = utcnow() - timedelta(hours=23)
        db.session.commit()
    assert api_as("station", [VILLAGE]).post(f"/api/v1/referrals/{rid}/undo").status_code == 200


def test_undoing_a_market_hire_gives_the_public_welfare_post_back(app, api_as, make_job, make_worker, make_household,
                                                                  refer):
    worker = make_worker(make_household(monitoring_status="unstable"))
    post, market = make_job(title="护林员", public_welfare=True, openings=1), make_job(openings=1)
    welfare = refer(worker, post)
    hire(app, welfare)
    rid = refer(worker, market)
    admin = api_as("admin")
    assert admin.patch(f"/api/v1/referrals/{rid}", json={"status": "hired"}).status_code == 200
    assert admin.get(f"/api/v1/referrals/{welfare}").json["status"] == "left"
    assert admin.post(f"/api/v1/referrals/{rid}/undo").status_code == 200
    assert admin.get(f"/api/v1/referrals/{welfare}").json["status"] == "hired"
    assert admin.get(f"/api/v1/jobs/{post}").json["openings_left"] == 0
    with app.app_context():
        assert db.session.get(Worker, worker).employment_status is EmploymentStatus.public_welfare


# --- postings: reopen, several hires, start date -----------------------------------------------

def test_a_closed_posting_reopens_unless_expired_or_full(app, login_as, api_as, make_employer, make_job,
                                                        make_worker, refer):
    employer = make_employer()
    api = api_as("employer", employer_id=employer)
    job, expired, full = make_job(employer), make_job(employer), make_job(employer, openings=1)
    hire(app, refer(make_worker(), full))
    for posting in (job, expired, full):
        assert api.post(f"/api/v1/jobs/{posting}/close").status_code == 200
    with app.app_context():
        db.session.get(Job, expired).expires_on = TODAY - timedelta(days=1)
        db.session.commit()
    late = api.post(f"/api/v1/jobs/{expired}/reopen")
    assert late.status_code == 409 and "expires_on" in late.json["error"]["fields"]
    filled = api.post(f"/api/v1/jobs/{full}/reopen")
    assert filled.status_code == 409 and "openings" in filled.json["error"]["fields"]
    assert api_as("employer", employer_id=make_employer()).post(f"/api/v1/jobs/{job}/reopen").status_code in (403, 404)
    page = login_as("employer", employer_id=employer)
    home = page.get("/employer").get_data(as_text=True)
    row = home[home.index(f'data-job-id="{job}"'):]
    assert f'action="/jobs/{job}/reopen"' in row[:row.index("</tr>")]
    assert page.post(f"/jobs/{job}/reopen", data={"csrf_token": csrf_token(home)}).status_code == 302
    assert api.get(f"/api/v1/jobs/{job}").json["is_open"] is True
    assert api.get(f"/api/v1/jobs/{expired}").json["is_open"] is False


def test_several_hires_at_once_are_all_or_none(app, login_as, make_employer, make_job, make_worker, refer):
    employer = make_employer()
    job = make_job(employer, openings=3)
    busy = make_worker(name="马福")
    rids = [refer(make_worker(), job), refer(make_worker(), job), refer(busy, job)]
    hire(app, refer(busy, make_job()))  # holds a job elsewhere now
    page = login_as("employer", employer_id=employer)
    html = page.get(f"/jobs/{job}/referrals").get_data(as_text=True)
    token = csrf_token(html)
    nothing = page.post(f"/jobs/{job}/hires", data={"csrf_token": token})
    html = nothing.get_data(as_text=True)
    assert nothing.status_code == 422 and 'id="referral_ids-error"' in html and 'id="confirm-error"' in html
    day = TODAY.isoformat()
    refused = page.post(f"/jobs/{job}/hires", data={"csrf_token": token, "referral_ids": [str(r) for r in rids],
                                                    "hired_on": day, "confirm": "y"})
    assert refused.status_code == 422 and "马福" in text_of(refused.get_data(as_text=True), "referral_ids-error")
    with app.app_context():
        assert db.session.get(Job, job).hired_count == 0
    assert [referral_status(app, r) for r in rids[:2]] == [ReferralStatus.referred] * 2
    future = page.post(f"/jobs/{job}/hires", data={"csrf_token": token, "referral_ids": [str(r) for r in rids[:2]],
                                                   "hired_on": (TODAY + timedelta(days=1)).isoformat(), "confirm": "y"})
    assert future.status_code == 422 and 'id="hired_on-error"' in future.get_data(as_text=True)
    done = page.post(f"/jobs/{job}/hires", data={"csrf_token": token, "referral_ids": [str(r) for r in rids[:2]],
                                                 "hired_on": day, "confirm": "y"})
    assert done.status_code == 302
    with app.app_context():
        assert db.session.get(Job, job).hired_count == 2
        assert {db.session.get(Referral, r).hired_on for r in rids[:2]} == {TODAY}


def test_a_start_date_in_the_past_is_refused(app, login_as, api_as, make_employer, make_job):
    employer = make_employer()
    api = api_as("employer", employer_id=employer)
    yesterday = (TODAY - timedelta(days=1)).isoformat()
    made = api.post("/api/v1/jobs", json={"employer_id": employer, "title": "电焊工", "openings": 1,
                                          "starts_on": yesterday})
    assert made.status_code == 422 and "starts_on" in made.json["error"]["fields"]
    page = login_as("employer", employer_id=employer)
    form = post_form(page, "/jobs/new", {"title": "电焊工", "openings": "1", "wage_unit": "month",
                                         "physical_demand": "medium", "starts_on": yesterday})
    assert form.status_code == 422 and 'id="starts_on-error"' in form.get_data(as_text=True)
    job = make_job(employer, starts_on=TODAY.isoformat())
    with app.app_context():
        db.session.get(Job, job).starts_on = TODAY - timedelta(days=10)  # it began ten days ago
        db.session.commit()
    assert api.patch(f"/api/v1/jobs/{job}", json={"title": "电焊工（长期）", "starts_on": (TODAY - timedelta(days=10))
                                                  .isoformat()}).status_code == 200  # kept as it was
    moved = api.patch(f"/api/v1/jobs/{job}", json={"starts_on": yesterday})
    assert moved.status_code == 422 and "starts_on" in moved.json["error"]["fields"]


# --- the sign-up -------------------------------------------------------------------------------

def test_the_sign_up_names_every_problem_at_once(client, areas, make_employer):
    html = client.get("/employers/register").get_data(as_text=True)
    bad = client.post("/employers/register", data={"csrf_token": csrf_token(html), "name": "", "uscc": "123",
                                                   "password": "short", "confirm": "other"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422
    for field in ("name", "uscc", "area_code", "password", "confirm"):
        assert f'id="{field}-error"' in html, field
    make_employer(uscc=credit_code("91640422MA76JQ777"))
    taken = client.post("/employers/register", data={
        "csrf_token": csrf_token(html), "name": "吉强镇扶贫车间", "uscc": credit_code("91640422MA76JQ777"),
        "area_code": areas["township"], "password": "password", "confirm": "password"})
    html = taken.get_data(as_text=True)
    assert taken.status_code == 422 and 'id="uscc-error"' in html and 'id="password-error"' in html
