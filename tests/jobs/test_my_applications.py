"""A worker's own applications: `GET /api/v1/me/applications`, the "my applications" page, and
applying from a posting's page, which then says "applied" with the status instead of the button
and refuses a second application in the worker's own words.

Assertions look at data, ids, data attributes and enumeration labels, not at interface text."""
import re

from sqlalchemy import func, select

from core.extensions import db
from core.models import Role, User
from jobs import referral_lifecycle
from jobs.models import Referral, ReferralStatus
from tests.conftest import csrf_token

STAFF_ALREADY = "此人已被推荐过该岗位"  # the station's wording of "already put forward"
STAFF_RULES = "此人不符合岗位条件"  # the station's wording of a broken rule


def hire(app, referral_id: int) -> None:
    with app.test_request_context():
        referral_lifecycle.change_referral(db.session, db.session.get(Referral, referral_id), ReferralStatus.hired,
                                           User(role=Role.admin, username="t"))
        db.session.commit()


def referral_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Referral.id)))


def apply_from_page(page, job_id: int):
    html = page.get(f"/jobs/{job_id}").get_data(as_text=True)
    return page.post(f"/jobs/{job_id}/my-application", data={"csrf_token": csrf_token(html)})


def test_the_api_lists_ones_own_referrals_newest_first(app, api_as, make_worker, make_job, refer):
    mine, other = make_worker(skills=["电焊"]), make_worker(name="田秀英")
    first, second = make_job(title="电焊工"), make_job(title="保洁员")
    older, newer = refer(mine, first), refer(mine, second)
    refer(other, first)
    hire(app, newer)
    answer = api_as("worker", worker_id=mine).get("/api/v1/me/applications")
    assert answer.status_code == 200, answer.json
    items = answer.json["items"]
    assert answer.json["total"] == 2 and [i["id"] for i in items] == [newer, older]
    hired = items[0]
    assert (hired["job_id"], hired["job_title"], hired["status"], hired["status_label"]) == (
        second, "保洁员", "hired", "已录用")
    assert hired["employer_name"].endswith("帮扶车间") and hired["hired_on"] and hired["left_on"] is None
    # hired elsewhere: the other application is closed, and says so
    assert items[1]["status"] == "obsolete" and items[1]["hired_on"] is None and items[1]["created_at"]


def test_only_workers_have_applications(api_as, areas):
    assert api_as("worker").get("/api/v1/me/applications").json == {"items": [], "total": 0}  # not linked yet
    for role, where in (("station", [areas["village"]]), ("employer", []), ("admin", [])):
        assert api_as(role, where).get("/api/v1/me/applications").status_code == 403


def test_after_applying_the_posting_says_applied_and_a_second_try_is_refused_in_the_workers_words(
        app, login_as, make_worker, make_job):
    mine = make_worker(skills=["电焊"], max_commute_km=50)
    job = make_job(title="电焊工", required_skills=["电焊"])
    page = login_as("worker", worker_id=mine)
    before = page.get(f"/jobs/{job}").get_data(as_text=True)
    assert 'id="apply-form"' in before and 'id="applied"' not in before

    applied = apply_from_page(page, job)
    assert applied.status_code == 302 and applied.headers["Location"].endswith(f"/jobs/{job}")
    after = page.get(f"/jobs/{job}").get_data(as_text=True)
    assert 'id="apply-form"' not in after
    assert re.search(r'id="applied" data-referral-id="\d+" data-status="referred"', after)
    assert 'href="/me/applications#application-' in after

    token = csrf_token(after)
    again = page.post(f"/jobs/{job}/my-application", data={"csrf_token": token}, follow_redirects=True)
    html = again.get_data(as_text=True)
    error = re.search(r'class="flash flash-error"[^>]*>([^<]+)<', html)
    assert error and ReferralStatus.referred.zh in error.group(1)  # says where the application stands
    assert STAFF_ALREADY not in html and referral_count(app) == 1


def test_a_worker_who_was_referred_by_the_station_sees_it_too(app, login_as, make_worker, make_job, refer):
    mine = make_worker()
    job = make_job(title="保洁员")
    rid = refer(mine, job)
    page = login_as("worker", worker_id=mine)
    html = page.get(f"/jobs/{job}").get_data(as_text=True)
    assert f'id="applied" data-referral-id="{rid}" data-status="referred"' in html and 'id="apply-form"' not in html
    refused = page.post(f"/jobs/{job}/my-application", data={"csrf_token": csrf_token(html)}, follow_redirects=True)
    assert 'class="flash flash-error"' in refused.get_data(as_text=True) and referral_count(app) == 1


def test_a_rule_the_worker_breaks_is_said_to_them(app, login_as, make_worker, make_job):
    older = make_worker(birth="19700101")
    capped = make_job(title="快递员", max_age=50, physical_demand="light")
    page = login_as("worker", worker_id=older)
    html = page.post(f"/jobs/{capped}/my-application", data={"csrf_token": csrf_token(
        page.get(f"/jobs/{capped}").get_data(as_text=True))}, follow_redirects=True).get_data(as_text=True)
    error = re.search(r'class="flash flash-error"[^>]*>([^<]+)<', html)
    assert error and "50" in error.group(1) and STAFF_RULES not in html
    assert referral_count(app) == 0 and 'id="apply-form"' in html  # nothing written; they may still ask


def test_my_applications_page_shows_each_as_a_card_with_its_status(app, login_as, make_worker, make_job, refer):
    mine, other = make_worker(), make_worker(name="田秀英")
    welding, cleaning = make_job(title="电焊工"), make_job(title="保洁员")
    page = login_as("worker", worker_id=mine)
    assert apply_from_page(page, welding).status_code == 302
    station_referral = refer(mine, cleaning)
    strangers = refer(other, welding)
    hire(app, station_referral)

    response = page.get("/me/applications")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    cards = re.findall(r'<article class="my-application" id="application-(\d+)" data-referral-id="\d+" '
                       r'data-job-id="(\d+)"\s+data-status="(\w+)"', html)
    assert [(int(j), s) for _r, j, s in cards] == [(cleaning, "hired"), (welding, "obsolete")]  # newest first
    assert f'id="application-{strangers}"' not in html and "田秀英" not in html
    hired_card = html[html.index(f'id="application-{station_referral}"'):]
    hired_card = hired_card[:hired_card.index("</article>")]
    assert ReferralStatus.hired.zh in hired_card and "保洁员" in hired_card and "帮扶车间" in hired_card
    assert re.search(r'class="muted applied-on" data-day="\d{4}-\d\d-\d\d"', hired_card)
    assert 'href="/me/applications"' in page.get("/").get_data(as_text=True)  # from the home and the menu


def test_an_unlinked_account_and_other_roles(login_as, areas):
    unlinked = login_as("worker").get("/me/applications")
    assert unlinked.status_code == 200 and 'id="not-linked"' in unlinked.get_data(as_text=True)
    assert login_as("station", [areas["village"]]).get("/me/applications").status_code == 403
