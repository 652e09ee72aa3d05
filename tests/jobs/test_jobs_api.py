"""Employers, postings, referrals and hires through the JSON API."""
import threading
from datetime import date, timedelta

from sqlalchemy import select

from core.extensions import db
from jobs.models import FollowUp, Job
from tests.conftest import OTHER_VILLAGE, TOWNSHIP, VILLAGE
from tests.jobs.conftest import valid_uscc


def job_body(employer_id, **fields):
    return {"employer_id": employer_id, "title": "电焊工包吃住", "required_skills": ["电焊", "会开叉车"],
            "openings": 2, "wage_min": 3000, "wage_max": 4500, "lat": 35.96, "lon": 105.75,
            "labour_intensive": True, "public_welfare": False, "accommodation": True, "flexible_hours": False,
            "min_age": 18, "max_age": 55, "physical_demand": "medium",
            "expires_on": (date.today() + timedelta(days=30)).isoformat(), **fields}


def test_employer_registration_checks_the_credit_code(api_as, areas):
    admin = api_as("admin")
    body = {"name": "吉强镇扶贫车间", "uscc": "91110000600037341L", "contact_name": "李", "contact_phone": "13800000000",
            "address": "吉强镇", "lat": 35.96, "lon": 105.75}
    created = admin.post("/api/v1/employers", json=body)
    assert created.status_code == 201 and created.json["verified"] is True
    assert admin.post("/api/v1/employers", json=body).status_code == 409
    bad = admin.post("/api/v1/employers", json={**body, "uscc": "91110000600037341X"})
    assert bad.status_code == 422 and "uscc" in bad.json["error"]["fields"]


def test_an_employer_account_registers_its_own_employer_unverified(api_as, areas):
    employer_user = api_as("employer")
    nowhere = employer_user.post("/api/v1/employers", json={"name": "马氏合作社", "uscc": valid_uscc(77)})
    assert nowhere.status_code == 422 and "area_code" in nowhere.json["error"]["fields"]  # it says where it is
    created = employer_user.post("/api/v1/employers", json={"name": "马氏合作社", "uscc": valid_uscc(77),
                                                            "kind": "农民专业合作社", "area_code": TOWNSHIP})
    assert created.status_code == 201 and created.json["verified"] is False
    assert (created.json["lat"], created.json["lon"]) == (35.964, 105.748)  # its township's point
    again = employer_user.post("/api/v1/employers", json={"name": "另一家", "uscc": valid_uscc(78)})
    assert again.status_code == 409
    job = employer_user.post("/api/v1/jobs", json=job_body(created.json["id"])).json
    station = api_as("station", [VILLAGE])
    assert station.get(f"/api/v1/jobs/{job['id']}").json["is_open"] is False
    assert api_as("worker").get(f"/api/v1/jobs/{job['id']}").status_code == 404, "villagers wait for verification"
    assert api_as("county", ["640422000000"]).post(f"/api/v1/employers/{created.json['id']}/verify").status_code == 200
    assert api_as("worker").get(f"/api/v1/jobs/{job['id']}").status_code == 200


def test_posting_resolves_skills_and_occupation(api_as, make_employer):
    employer = make_employer()
    response = api_as("admin").post("/api/v1/jobs", json=job_body(employer))
    assert response.status_code == 201, response.json
    job = response.json
    assert [s["canonical"] for s in job["required_skills"]][0] == "焊工"
    assert job["occupation_code"] == "6-18-02-04"
    assert job["openings_left"] == 2 and job["hired_count"] == 0


def test_bad_postings_get_field_errors_and_nothing_is_written(app, api_as, make_employer):
    admin = api_as("admin")
    employer = make_employer()
    response = admin.post("/api/v1/jobs", json=job_body(employer, openings=0, wage_min=5000, wage_max=3000,
                                                        min_age=50, max_age=20, physical_demand="extreme",
                                                        expires_on="2001-01-01"))
    assert response.status_code == 422
    assert {"openings", "physical_demand"} <= set(response.json["error"]["fields"])
    response = admin.post("/api/v1/jobs", json=job_body(employer, wage_min=5000, wage_max=3000, min_age=50,
                                                        max_age=20, expires_on="2001-01-01"))
    assert {"wage_max", "max_age", "expires_on"} <= set(response.json["error"]["fields"])
    with app.app_context():
        assert db.session.scalars(select(Job)).all() == []


def test_an_employer_cannot_post_for_another(api_as, make_employer, make_user):
    mine, theirs = make_employer(), make_employer()
    employer_user = api_as("employer", employer_id=mine)
    assert employer_user.post("/api/v1/jobs", json=job_body(mine)).status_code == 201
    refused = employer_user.post("/api/v1/jobs", json=job_body(theirs))
    assert refused.status_code == 403 and "employer_id" in refused.json["error"]["fields"]
    unknown = employer_user.post("/api/v1/jobs", json=job_body(99999))
    assert unknown.status_code == 422 and "employer_id" in unknown.json["error"]["fields"]


def test_referral_lifecycle_sets_and_clears_employment(app, api_as, make_job, make_worker, make_household):
    household = make_household()
    worker = make_worker(household, skills=["电焊"])
    job = make_job(openings=1)
    station = api_as("station", [VILLAGE])
    admin = api_as("admin")
    referral = station.post("/api/v1/referrals", json={"worker_id": worker, "job_id": job})
    assert referral.status_code == 201 and referral.json["status"] == "referred"
    assert station.post("/api/v1/referrals", json={"worker_id": worker, "job_id": job}).status_code == 409
    rid = referral.json["id"]
    assert admin.patch(f"/api/v1/referrals/{rid}", json={"status": "interviewing"}).json["status"] == "interviewing"
    hired = admin.patch(f"/api/v1/referrals/{rid}", json={"status": "hired"})
    assert hired.status_code == 200 and [f["months"] for f in hired.json["follow_ups"]] == [1, 3, 6]
    assert station.get(f"/api/v1/households/{household}").json["employed_count"] == 1
    assert station.get(f"/api/v1/workers/{worker}").json["employment_status"] == "local"
    posting = admin.get(f"/api/v1/jobs/{job}").json
    assert posting["hired_count"] == 1 and posting["openings_left"] == 0
    left = station.patch(f"/api/v1/referrals/{rid}", json={"status": "left", "leave_reason": "照料家人"})
    assert left.status_code == 200 and left.json["leave_reason"] == "care_duties"
    assert station.get(f"/api/v1/households/{household}").json["employed_count"] == 0
    assert admin.get(f"/api/v1/jobs/{job}").json["openings_left"] == 1
    assert admin.patch(f"/api/v1/referrals/{rid}", json={"status": "hired"}).status_code == 409


def test_rejection_needs_a_reason(api_as, make_job, make_worker):
    referral = api_as("station", [VILLAGE]).post("/api/v1/referrals", json={"worker_id": make_worker(),
                                                                             "job_id": make_job()}).json
    admin = api_as("admin")
    missing = admin.patch(f"/api/v1/referrals/{referral['id']}", json={"status": "rejected"})
    assert missing.status_code == 422 and "reason" in missing.json["error"]["fields"]
    ok = admin.patch(f"/api/v1/referrals/{referral['id']}", json={"status": "rejected", "reason": "不会开叉车"})
    assert ok.json["status"] == "rejected" and ok.json["reason"] == "不会开叉车"


def test_hiring_beyond_openings_and_a_second_job_are_conflicts(api_as, make_job, make_worker):
    job = make_job(openings=1)
    other_job = make_job(openings=3)
    a, b = make_worker(), make_worker()
    station, admin = api_as("station", [VILLAGE]), api_as("admin")
    ra = station.post("/api/v1/referrals", json={"worker_id": a, "job_id": job}).json["id"]
    rb = station.post("/api/v1/referrals", json={"worker_id": b, "job_id": job}).json["id"]
    ra2 = station.post("/api/v1/referrals", json={"worker_id": a, "job_id": other_job}).json["id"]
    assert admin.patch(f"/api/v1/referrals/{ra}", json={"status": "hired"}).status_code == 200
    full = admin.patch(f"/api/v1/referrals/{rb}", json={"status": "hired"})
    assert full.status_code == 409 and "status" in full.json["error"]["fields"]
    # hiring closed a's other open referral
    assert admin.get(f"/api/v1/referrals/{ra2}").json["status"] == "obsolete"
    assert station.post("/api/v1/referrals", json={"worker_id": b, "job_id": job}).status_code == 409


def test_a_market_job_ends_a_public_welfare_post(api_as, make_job, make_worker, make_household):
    household = make_household(monitoring_status="unstable")
    worker = make_worker(household)
    post = make_job(title="护林员", required_skills=[], public_welfare=True, openings=1)
    market = make_job(openings=1)
    station, admin = api_as("station", [VILLAGE]), api_as("admin")
    r1 = station.post("/api/v1/referrals", json={"worker_id": worker, "job_id": post}).json["id"]
    admin.patch(f"/api/v1/referrals/{r1}", json={"status": "hired"})
    assert station.get(f"/api/v1/workers/{worker}").json["employment_status"] == "public_welfare"
    r2 = station.post("/api/v1/referrals", json={"worker_id": worker, "job_id": market}).json["id"]
    assert admin.patch(f"/api/v1/referrals/{r2}", json={"status": "hired"}).status_code == 200
    first = admin.get(f"/api/v1/referrals/{r1}").json
    assert first["status"] == "left" and first["leave_reason"] == "market_job"
    assert admin.get(f"/api/v1/jobs/{post}").json["openings_left"] == 1


def test_public_welfare_posts_only_for_monitored_or_lifted_out_households(api_as, make_job, make_worker,
                                                                         make_household):
    ordinary = make_worker(make_household())
    post = make_job(title="保洁员", required_skills=[], public_welfare=True)
    refused = api_as("station", [VILLAGE]).post("/api/v1/referrals", json={"worker_id": ordinary, "job_id": post})
    assert refused.status_code == 422 and "worker_id" in refused.json["error"]["fields"]


def test_station_refers_only_its_own_villagers(api_as, make_job, make_worker, make_household):
    outsider = make_worker(make_household(OTHER_VILLAGE))
    response = api_as("station", [VILLAGE]).post("/api/v1/referrals", json={"worker_id": outsider, "job_id": make_job()})
    assert response.status_code == 422 and "worker_id" in response.json["error"]["fields"]


def test_employer_sees_masked_candidates_and_only_its_referrals(api_as, make_employer, make_job, make_worker):
    mine = make_employer()
    job = make_job(mine, required_skills=["焊工", "缝纫"])
    welder = make_worker(name="马成", skills=["电焊", "缝纫"], max_commute_km=30)
    sewer = make_worker(name="李四", skills=["缝纫"], max_commute_km=30)
    make_worker(name="王五", skills=["种地"], max_commute_km=30)  # meets no required skill: no candidate
    employer_user = api_as("employer", employer_id=mine)
    items = employer_user.get(f"/api/v1/jobs/{job}/candidates?limit=5").json["items"]
    assert [i["worker_id"] for i in items] == [welder, sewer] and items[0]["score"] > items[1]["score"]
    assert items[0]["display"]["name"] == "马*" and items[0]["display"]["phone"] is None
    assert "焊工" not in items[1]["display"]["skills"] and items[1]["missing_skills"] == ["焊工"]
    other = api_as("employer", employer_id=make_employer())
    assert other.get(f"/api/v1/jobs/{job}/candidates").status_code == 403
    rid = api_as("station", [VILLAGE]).post("/api/v1/referrals", json={"worker_id": welder, "job_id": job}).json["id"]
    assert employer_user.get("/api/v1/referrals").json["total"] == 1
    assert other.get(f"/api/v1/referrals/{rid}").status_code == 404
    assert other.patch(f"/api/v1/referrals/{rid}", json={"status": "hired"}).status_code == 404


def test_follow_up_records_and_stable_employment_rate(app, api_as, make_job, make_worker):
    job = make_job()
    worker = make_worker()
    station, admin = api_as("station", [VILLAGE]), api_as("admin")
    rid = station.post("/api/v1/referrals", json={"worker_id": worker, "job_id": job}).json["id"]
    follow_ups = admin.patch(f"/api/v1/referrals/{rid}", json={"status": "hired"}).json["follow_ups"]
    three = next(f for f in follow_ups if f["months"] == 3)
    assert date.fromisoformat(three["due_on"]) > date.today() + timedelta(days=85)
    done = station.post(f"/api/v1/follow-ups/{three['id']}", json={"still_employed": True, "wage": 4200})
    assert done.status_code == 200 and done.json["done"] is True
    rates = admin.get(f"/api/v1/jobs/{job}/stable-employment").json
    assert next(r for r in rates if r["months"] == 3) == {"months": 3, "followed_up": 1, "still_employed": 1, "rate": 1.0}
    with app.app_context():
        assert len(db.session.scalars(select(FollowUp)).all()) == 3


def test_concurrent_hires_never_exceed_openings(app, api_as, make_job, make_worker):
    job = make_job(openings=2)
    station, admin = api_as("station", [VILLAGE]), api_as("admin")
    ids = [station.post("/api/v1/referrals", json={"worker_id": make_worker(), "job_id": job}).json["id"]
           for _ in range(8)]
    statuses, start = [], threading.Barrier(len(ids))

    def hire(rid):
        client = app.test_client()
        start.wait()
        response = client.patch(f"/api/v1/referrals/{rid}", json={"status": "hired"},
                                headers={"Authorization": f"Bearer {admin.token}"})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=hire, args=(rid,)) for rid in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [200, 200] + [409] * 6
    posting = admin.get(f"/api/v1/jobs/{job}").json
    assert posting["hired_count"] == 2 and posting["openings_left"] == 0


def test_concurrent_hires_of_one_person_give_one_job(app, api_as, make_job, make_worker):
    worker = make_worker()
    station, admin = api_as("station", [VILLAGE]), api_as("admin")
    ids = [station.post("/api/v1/referrals", json={"worker_id": worker, "job_id": make_job()}).json["id"]
           for _ in range(4)]
    statuses, start = [], threading.Barrier(len(ids))

    def hire(rid):
        start.wait()
        statuses.append(app.test_client().patch(f"/api/v1/referrals/{rid}", json={"status": "hired"},
                                                headers={"Authorization": f"Bearer {admin.token}"}).status_code)

    threads = [threading.Thread(target=hire, args=(rid,)) for rid in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [200] + [409] * 3
    hired = [r for r in admin.get("/api/v1/referrals", query_string={"worker_id": worker}).json["items"]
             if r["status"] == "hired"]
    assert len(hired) == 1


def test_self_registration_makes_an_unverified_employer_and_its_account(app, areas):
    from core.auth import authenticate
    from jobs import services
    from jobs.schemas import EmployerIn
    with app.test_request_context():
        employer, user = services.register_employer(
            db.session, EmployerIn().load({"name": "兴隆镇刺绣合作社", "uscc": valid_uscc(501), "area_code": TOWNSHIP}),
            "password-123")
        db.session.commit()
        assert authenticate(valid_uscc(501), "password-123").employer_id == employer.id
        assert employer.verified is False


def test_unanswered_referrals_are_reminded_then_closed(app, api_as, make_job, make_worker):
    from datetime import datetime, timezone

    from jobs.models import Referral
    station = api_as("station", [VILLAGE])
    old = station.post("/api/v1/referrals", json={"worker_id": make_worker(), "job_id": make_job()}).json["id"]
    older = station.post("/api/v1/referrals", json={"worker_id": make_worker(), "job_id": make_job()}).json["id"]
    fresh = station.post("/api/v1/referrals", json={"worker_id": make_worker(), "job_id": make_job()}).json["id"]
    with app.app_context():
        now = datetime.now(timezone.utc)
        db.session.get(Referral, old).created_at = now - timedelta(days=10)
        db.session.get(Referral, older).created_at = now - timedelta(days=40)
        db.session.commit()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["referrals", "sweep"])
    assert first.exit_code == 0 and "1 to remind, 1 closed" in first.output
    assert "0 to remind, 0 closed" in runner.invoke(args=["referrals", "sweep"]).output, "reminded once only"
    admin = api_as("admin")
    assert admin.get(f"/api/v1/referrals/{older}").json["status"] == "expired"
    assert admin.get(f"/api/v1/referrals/{old}").json["status"] == "referred"
    assert admin.get(f"/api/v1/referrals/{fresh}").json["status"] == "referred"
