"""An employer reaches a person only through its own postings: it invites people who applied to, or
were referred by a station to, one of them; anyone else is 404 with the same answer whatever the
person's state. Every referral status change is audited."""
from sqlalchemy import select

from core.extensions import db
from core.models import AuditEvent
from tests.conftest import FAR_VILLAGE, OTHER_VILLAGE, VILLAGE, csrf_token


def invite(client, worker_id, job_id):
    return client.post("/api/v1/referrals", json={"worker_id": worker_id, "job_id": job_id})


def test_an_employer_cannot_invite_a_stranger(api_as, make_employer, make_job, make_worker, make_household):
    employer = make_employer()
    job = make_job(employer)
    me = api_as("employer", employer_id=employer)
    elsewhere = make_worker(make_household(FAR_VILLAGE), name="远方人")
    answer = invite(me, elsewhere, job)
    assert answer.status_code == 404
    assert me.get("/api/v1/referrals").json["total"] == 0
    assert "远方人" not in str(me.get("/api/v1/referrals").json)


def test_the_answer_is_the_same_whatever_the_persons_state(api_as, make_employer, make_job, make_worker,
                                                           make_household):
    """422 "unable to work" and 201-or-422 on a public-welfare posting told an employer who cannot work
    and whose household is monitored. Now every stranger is the same 404."""
    employer = make_employer()
    job = make_job(employer)
    welfare = api_as("county", ["640422000000"]).post("/api/v1/jobs", json={
        "employer_id": employer, "title": "护林员", "openings": 3, "public_welfare": True}).json["id"]
    me = api_as("employer", employer_id=employer)
    people = {
        "unable": make_worker(employment_status="unable"),
        "monitored": make_worker(make_household(monitoring_status="unstable")),
        "ordinary": make_worker(make_household(OTHER_VILLAGE)),
    }
    answers = [invite(me, person, posting) for person in people.values() for posting in (job, welfare)]
    answers.append(invite(me, 987654, job))  # nobody
    assert {a.status_code for a in answers} == {404}
    assert len({str(sorted(a.json["error"]["fields"].items())) for a in answers}) == 1
    assert len({a.json["error"]["message"].replace(str(n), "N") for a, n in zip(
        answers, [p for p in people.values() for _ in (0, 1)] + [987654])}) == 1


def test_an_employer_invites_whoever_applied_or_was_referred_to_it(api_as, login_as, make_employer, make_job,
                                                                   make_worker):
    employer = make_employer()
    first, second, third = make_job(employer), make_job(employer), make_job(employer)
    applicant, referred = make_worker(), make_worker()
    login = login_as("worker", worker_id=applicant)
    login.post(f"/jobs/{first}/my-application", data={"csrf_token": csrf_token(login.get(f"/jobs/{first}").get_data(as_text=True))})
    api_as("station", [VILLAGE]).post("/api/v1/referrals", json={"worker_id": referred, "job_id": first})
    me = api_as("employer", employer_id=employer)
    assert invite(me, applicant, second).status_code == 201
    assert invite(me, referred, second).status_code == 201
    assert invite(me, applicant, third).status_code == 201  # invited once, still reachable by the first tie
    theirs = make_employer()
    assert invite(api_as("employer", employer_id=theirs), applicant, make_job(theirs)).status_code == 404


def test_the_refer_page_names_nobody_it_may_not_reach(login_as, make_employer, make_job, make_worker):
    employer = make_employer()
    job = make_job(employer)
    stranger = make_worker(name="田秀英", skills=["电焊"], max_commute_km=50)
    page = login_as("employer", employer_id=employer)
    html = page.get(f"/jobs/{job}/candidates").get_data(as_text=True)
    answer = page.post(f"/jobs/{job}/refer", data={"csrf_token": csrf_token(html), "worker_id": stranger},
                       follow_redirects=True).get_data(as_text=True)
    assert "田秀英" not in answer
    assert "田秀英" not in page.get("/employer").get_data(as_text=True)


def test_a_hire_by_an_employer_is_audited(app, api_as, make_employer, make_job, make_worker):
    employer = make_employer()
    job = make_job(employer)
    person = make_worker()
    rid = api_as("station", [VILLAGE]).post("/api/v1/referrals", json={"worker_id": person, "job_id": job}).json["id"]
    assert api_as("employer", employer_id=employer).patch(f"/api/v1/referrals/{rid}",
                                                         json={"status": "hired"}).status_code == 200
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.entity == "referral",
                                                            AuditEvent.entity_id == str(rid))).all()
        changes = [(e.action, e.detail, e.area_code, e.user.role.name) for e in events]
    assert ("update", "referred → hired", VILLAGE, "employer") in changes
    assert ("create", f"station: job {job}", VILLAGE, "station") in changes


def test_an_unverified_employer_sees_no_candidates(api_as, login_as, make_employer, make_job, make_worker):
    employer = make_employer(verified=False)
    job = make_job(employer)
    make_worker(skills=["电焊"], max_commute_km=50)
    answer = api_as("employer", employer_id=employer).get(f"/api/v1/jobs/{job}/candidates")
    assert answer.status_code == 403 and "items" not in answer.json
    assert login_as("employer", employer_id=employer).get(f"/jobs/{job}/candidates").status_code == 403
    verified = make_employer()
    assert api_as("employer", employer_id=verified).get(f"/api/v1/jobs/{make_job(verified)}/candidates").status_code == 200
