"""Public-welfare posts are government posts, marked by county officers only; why-not tells nothing of
an unpublished posting; an employer's contact phone is for staff and the employer itself."""
from sqlalchemy import select

from core.extensions import db
from jobs.models import Job
from tests.conftest import csrf_token

WELFARE = {"title": "护林员", "openings": 2, "public_welfare": True}


def test_an_employer_cannot_mark_its_posting_public_welfare(api_as, make_employer, make_job):
    employer = make_employer()
    me = api_as("employer", employer_id=employer)
    refused = me.post("/api/v1/jobs", json={"employer_id": employer, **WELFARE})
    assert refused.status_code == 403 and "public_welfare" in refused.json["error"]["fields"]
    job = make_job(employer)
    assert me.patch(f"/api/v1/jobs/{job}", json={"public_welfare": True}).status_code == 403
    assert me.get(f"/api/v1/jobs/{job}").json["public_welfare"] is False
    assert me.patch(f"/api/v1/jobs/{job}", json={"public_welfare": False, "openings": 3}).status_code == 200
    county = api_as("county", ["640422000000"])
    assert county.post("/api/v1/jobs", json={"employer_id": employer, **WELFARE}).status_code == 201


def test_the_posting_form_offers_the_flag_to_officers_only(app, login_as, make_employer):
    employer = make_employer()
    page = login_as("employer", employer_id=employer)
    form = page.get("/jobs/new").get_data(as_text=True)
    assert 'name="public_welfare"' not in form
    page.post("/jobs/new", data={"title": "保洁员", "openings": "1", "wage_unit": "month", "physical_demand": "light",
                                 "public_welfare": "y", "csrf_token": csrf_token(form)})
    with app.app_context():
        assert db.session.scalar(select(Job.public_welfare).where(Job.title == "保洁员")) is False
    assert 'name="public_welfare"' in login_as("county", ["640422000000"]).get("/jobs/new").get_data(as_text=True)


def test_why_not_tells_nothing_of_an_unpublished_posting(api_as, make_employer, make_job, make_worker):
    hidden = make_job(make_employer(verified=False), required_skills=["育婴员"])
    person = make_worker()
    mine = api_as("worker", worker_id=person)
    answer = mine.get(f"/api/v1/workers/{person}/why-not/{hidden}")
    assert answer.status_code == 404 and "育婴" not in str(answer.json)
    assert mine.get(f"/api/v1/workers/{person}/why-not/{make_job()}").status_code == 200


def test_an_employers_phone_is_for_staff_and_itself(app, api_as, make_employer, make_job, make_worker, areas):
    employer = make_employer(contact_phone="13912345678")
    job = make_job(employer)
    readers = {"worker": api_as("worker", worker_id=make_worker()), "provider": api_as("provider"),
               "other employer": api_as("employer", employer_id=make_employer()),
               "unverified": api_as("employer", employer_id=make_employer(verified=False))}
    for who, reader in readers.items():
        answer = reader.get(f"/api/v1/employers/{employer}")
        assert answer.status_code == 200 and answer.json["contact_phone"] is None, who
    for reader in (api_as("employer", employer_id=employer), api_as("station", [areas["village"]]), api_as("admin")):
        assert reader.get(f"/api/v1/employers/{employer}").json["contact_phone"] == "13912345678"
    assert "13912345678" not in app.test_client().get(f"/jobs/{job}").get_data(as_text=True)
