"""A station's referrals after they are made (issue 17): withdrawn by their maker within a day and
before any answer (API and pages), and answered from the station's own lists for an employer that
has no account (hired, not taken, left, undone), while an employer that answers for itself keeps
its answers. Assertions look at statuses, counts, the audit log and the buttons a station sees."""
import re
from datetime import timedelta

from sqlalchemy import select

from core.extensions import db
from core.models import AuditEvent, china_today, utcnow
from jobs.models import Referral, ReferralStatus
from tests.conftest import OTHER_VILLAGE, VILLAGE, csrf_token
from tests.jobs.conftest import count, referral_status


def made_by(station, worker, job) -> int:
    answer = station.post("/api/v1/referrals", json={"worker_id": worker, "job_id": job})
    assert answer.status_code == 201, answer.json
    return answer.json["id"]


def row(html: str, referral_id: int) -> str:
    return re.search(rf'<tr id="referral-{referral_id}".*?</tr>', html, re.S)[0]


def test_a_referral_made_by_mistake_is_withdrawn_by_its_maker(app, api_as, make_worker, make_job):
    station, colleague = api_as("station", [VILLAGE]), api_as("station", [VILLAGE])
    worker, job = make_worker(), make_job()
    referral = made_by(station, worker, job)
    assert colleague.delete(f"/api/v1/referrals/{referral}").status_code == 403  # only its maker
    assert station.delete(f"/api/v1/referrals/{referral}").status_code == 204
    assert count(app, Referral) == 0
    assert station.get(f"/api/v1/referrals?worker_id={worker}").json["items"] == []
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "withdraw"))
        assert (event.entity, event.entity_id) == ("referral", str(referral))
    assert made_by(station, worker, job)  # the person may be put forward again


def test_a_referral_answered_or_a_day_old_stays(app, api_as, make_worker, make_job, make_employer):
    station = api_as("station", [VILLAGE])
    employer = make_employer()
    answered = made_by(station, make_worker(), make_job(employer))
    assert api_as("employer", employer_id=employer).patch(
        f"/api/v1/referrals/{answered}", json={"status": "interviewing"}).status_code == 200
    refused = station.delete(f"/api/v1/referrals/{answered}")
    assert refused.status_code == 409 and "status" in refused.json["error"]["fields"]
    old = made_by(station, make_worker(), make_job())
    with app.app_context():
        db.session.get(Referral, old).created_at = utcnow() - timedelta(hours=25)
        db.session.commit()
    assert station.delete(f"/api/v1/referrals/{old}").status_code == 409
    assert count(app, Referral) == 2


def test_a_worker_withdraws_their_own_application_and_not_the_stations(app, api_as, make_worker, make_job):
    me = make_worker(name="马成")
    mine, theirs = make_job(), make_job()
    worker = api_as("worker", worker_id=me)
    applied = made_by(worker, me, mine)
    put_forward = made_by(api_as("station", [VILLAGE]), me, theirs)
    assert worker.delete(f"/api/v1/referrals/{put_forward}").status_code == 403
    assert worker.delete(f"/api/v1/referrals/{applied}").status_code == 204
    with app.app_context():
        assert db.session.scalars(select(Referral.id)).all() == [put_forward]


def test_the_station_withdraws_from_its_list(app, login_as, api_as, make_worker, make_job, refer):
    page = login_as("station", [VILLAGE])
    worker = make_worker(name="马成")
    html = page.get(f"/workers/{worker}/referrals").get_data(as_text=True)
    mine = page.post(f"/workers/{worker}/referrals", data={
        "csrf_token": csrf_token(html), "job_id": str(make_job(title="叉车司机")), "confirm": "1"})
    assert mine.status_code == 302
    someone_elses = refer(worker, make_job(title="搬运工"))  # made by an administrator
    listed = page.get("/referrals").get_data(as_text=True)
    referral = next(r for r in db_ids(app) if r != someone_elses)
    assert 'class="secondary outline withdraw"' in row(listed, referral)
    assert "withdraw" not in row(listed, someone_elses)
    done = page.post(f"/referrals/{referral}/withdraw", data={"csrf_token": csrf_token(listed), "next": "/referrals"},
                     follow_redirects=True)
    assert done.status_code == 200 and "flash-success" in done.get_data(as_text=True)
    assert db_ids(app) == [someone_elses]


def db_ids(app) -> list[int]:
    with app.app_context():
        return db.session.scalars(select(Referral.id).order_by(Referral.id)).all()


def test_the_station_records_the_answers_of_an_employer_without_an_account(
        app, login_as, make_worker, make_job, make_employer, refer):
    offline, online = make_employer(), make_employer()
    login_as("employer", employer_id=online)  # this one answers for itself
    worker, other = make_worker(name="马成"), make_worker(name="马兰")
    theirs, answering = refer(worker, make_job(offline, title="砖厂工人")), refer(other, make_job(online))
    page = login_as("station", [VILLAGE])
    listed = page.get("/referrals").get_data(as_text=True)
    assert 'class="hire"' in row(listed, theirs) and 'value="rejected"' in row(listed, theirs)
    assert 'class="hire"' not in row(listed, answering) and 'value="rejected"' not in row(listed, answering)

    asked = page.post(f"/referrals/{theirs}/answer", data={"csrf_token": csrf_token(listed), "status": "hired",
                                                          "next": "/referrals"})
    assert asked.status_code == 200 and 'id="confirm-answer"' in asked.get_data(as_text=True)
    assert referral_status(app, theirs) is ReferralStatus.referred  # nothing before the confirmation
    hired = page.post(f"/referrals/{theirs}/answer", data={
        "csrf_token": csrf_token(listed), "status": "hired", "confirm": "1", "next": "/referrals",
        "hired_on": china_today().isoformat()})
    assert hired.status_code == 302 and hired.headers["Location"].endswith("/referrals")
    assert referral_status(app, theirs) is ReferralStatus.hired

    household = page.get(f"/workers/{worker}/referrals").get_data(as_text=True)
    assert 'class="secondary outline undo"' in row(household, theirs)  # a hire of today
    assert 'class="secondary outline leave"' in row(household, theirs)
    undone = page.post(f"/referrals/{theirs}/undo", data={"csrf_token": csrf_token(household)})
    assert undone.status_code == 302 and referral_status(app, theirs) is ReferralStatus.referred


def test_a_station_answers_only_for_people_of_its_area(app, login_as, make_household, make_worker, make_job, refer):
    elsewhere = refer(make_worker(make_household(OTHER_VILLAGE)), make_job())
    page = login_as("station", [VILLAGE])
    token = csrf_token(page.get("/referrals").get_data(as_text=True))
    answer = page.post(f"/referrals/{elsewhere}/answer", data={"csrf_token": token, "status": "hired", "confirm": "1"})
    assert answer.status_code == 404
    assert referral_status(app, elsewhere) is ReferralStatus.referred


def test_a_worker_withdraws_an_application_from_their_page(app, login_as, make_worker, make_job, refer):
    me = make_worker(name="马成")
    page = login_as("worker", worker_id=me)
    job = make_job(title="叉车司机")
    posting = page.get(f"/jobs/{job}").get_data(as_text=True)
    assert page.post(f"/jobs/{job}/my-application", data={"csrf_token": csrf_token(posting)}).status_code == 302
    put_forward = refer(me, make_job(title="搬运工"))
    mine = page.get("/me/applications").get_data(as_text=True)
    applied = next(r for r in db_ids(app) if r != put_forward)
    card = re.search(rf'<article class="my-application" id="application-{applied}".*?</article>', mine, re.S)[0]
    assert "button" in card and 'class="secondary outline withdraw"' in card
    other = re.search(rf'<article class="my-application" id="application-{put_forward}".*?</article>', mine, re.S)[0]
    assert "withdraw" not in other
    assert page.post(f"/referrals/{applied}/withdraw", data={"csrf_token": csrf_token(mine)}).status_code == 302
    assert db_ids(app) == [put_forward]
