"""The jobs pages, as villagers, employers, stations and officers use them (Chinese by default).

The assertions look at data, ids and data attributes rather than at interface text, so they hold
whatever the Chinese catalogue says."""
import re
from datetime import timedelta

from sqlalchemy import func, select

from core.extensions import db
from core.models import Role, User, china_today
from jobs.models import Employer, Job, Referral
from tests.conftest import COUNTY, TOWNSHIP, VILLAGE, csrf_token
from tests.jobs.conftest import count, post_form, valid_uscc

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
           "address": "兴隆镇", "password": "password-123", "confirm": "password-123"}


def test_an_employer_signs_up_and_lands_on_its_home_unverified(app, client, areas):
    response = post_form(client, "/employers/register", {**SIGN_UP, "uscc": valid_uscc(601), "area_code": TOWNSHIP})
    assert response.status_code == 302 and response.headers["Location"].endswith("/employer")
    html = client.get("/employer").get_data(as_text=True)
    assert 'id="unverified-banner"' in html and "兴隆镇刺绣合作社" in html
    with app.app_context():
        employer = db.session.scalar(select(Employer))
        assert employer.verified is False and employer.kind.name == "cooperative" and employer.area_code == TOWNSHIP
        user = db.session.scalar(select(User).where(User.username == valid_uscc(601)))  # signs in with it
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
    weak = post_form(client, "/employers/register", {**SIGN_UP, "uscc": valid_uscc(603), "password": "12345678",
                                                     "confirm": "12345678"})
    assert weak.status_code == 422 and 'id="password-error"' in weak.get_data(as_text=True)
    forged = post_form(client, "/employers/register", {**SIGN_UP, "uscc": valid_uscc(604), "area_code": "999999999999"})
    assert forged.status_code == 422 and 'id="area_code-error"' in forged.get_data(as_text=True)
    assert count(app, Employer) == 0
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id)).where(User.role == Role.employer)) == 0


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
    nowhere = post_form(page, "/employer", {"name": "好帮手家政", "uscc": valid_uscc(605), "kind": "enterprise"})
    assert nowhere.status_code == 422 and 'id="area_code-error"' in nowhere.get_data(as_text=True)
    response = post_form(page, "/employer", {"name": "好帮手家政", "uscc": valid_uscc(605), "kind": "enterprise",
                                             "area_code": TOWNSHIP})
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
    assert 'data-state="unverified"' in html and 'id="candidates-link"' not in html  # nobody before verification
    assert 'id="candidates-after-verification"' in html


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
    job = make_job(employer, required_skills=["焊工", "缝纫"])
    welder = make_worker(name="马成林", skills=["电焊", "缝纫"], max_commute_km=30, phone="13895009999")
    make_worker(name="李秀兰", skills=["缝纫"], max_commute_km=30)
    html = login_as("employer", employer_id=employer).get(f"/jobs/{job}/candidates").get_data(as_text=True)
    assert "马**" in html and "李**" in html
    assert "马成林" not in html and "李秀兰" not in html and "9999" not in html
    rows = re.findall(r'data-worker-id="(\d+)" data-score="([\d.]+)"', html)
    assert int(rows[0][0]) == welder and float(rows[0][1]) > float(rows[1][1])
    assert 'class="refer"' not in html and 'id="invite-rule"' in html  # nobody put forward to it: no one to invite
    station_html = login_as("station", [VILLAGE]).get(f"/jobs/{job}/candidates").get_data(as_text=True)
    assert "马成林" in station_html and 'class="refer"' in station_html


def test_the_station_refers_from_the_candidates_page(app, login_as, make_job, make_worker):
    job = make_job()
    worker = make_worker(skills=["电焊"])
    page = login_as("station", [VILLAGE])
    html = page.get(f"/jobs/{job}/candidates").get_data(as_text=True)
    asked = page.post(f"/jobs/{job}/refer", data={"csrf_token": csrf_token(html), "worker_id": str(worker)})
    assert asked.status_code == 200 and 'id="confirm-referral"' in asked.get_data(as_text=True)
    assert count(app, Referral) == 0
    response = page.post(f"/jobs/{job}/refer", data={"csrf_token": csrf_token(html), "worker_id": str(worker),
                                                      "confirm": "1"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Referral.worker_id)) == worker
    after = page.get(f"/jobs/{job}/candidates").get_data(as_text=True)
    assert f'data-worker-id="{worker}"' not in after  # put forward already: no longer a candidate
    again = page.post(f"/jobs/{job}/refer", data={"csrf_token": csrf_token(html), "worker_id": str(worker)},
                      follow_redirects=True)
    assert again.status_code == 200 and "flash-error" in again.get_data(as_text=True)
    assert count(app, Referral) == 1


