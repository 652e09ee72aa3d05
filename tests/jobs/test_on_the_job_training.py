"""On-the-job training (以工代训, issue 18): a posting trains on the job with a mentor for some
months; after those months in the job the person holds the posting's skills (from the employer,
not certified), once; and the employer earns the county's monthly subsidy per trainee, one line
per month of training, once each."""
import re
from datetime import date

import pytest
from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from core.extensions import db
from core.models import china_today
from jobs.models import EmployerSubsidy, Job, LeaveReason, SubsidyKind
from jobs.services import record_on_the_job_skills, write_employer_subsidies
from registry.models import AreaPolicy, Worker
from tests.conftest import COUNTY
from tests.jobs.conftest import count, post_form

WELDER = {"trains_on_job": True, "training_months": 3, "mentor_name": "王师傅", "required_skills": ["焊工"]}


def months_ago(n: int, days: int = 0) -> date:
    return china_today() - relativedelta(months=n, days=days)


@pytest.fixture
def trainee(make_job, make_worker, hire):
    """`trainee(hired_on, left_on=None, **job)` -> (worker id, job id): a person without the skills
    hired by an on-the-job posting (referred past the skills rule, with a reason, should the rule
    still hold), the days then moved into the past."""
    def make(hired_on: date, left_on: date | None = None, worker: int | None = None, **job_fields):
        job = make_job(**{**WELDER, **job_fields})
        worker = worker or make_worker(name="杨学艺", skills=["种植"])
        hire(worker, job, hired_on, left_on, leave_reason=LeaveReason.adaptation)
        return worker, job
    return make


def skills_of(app, worker_id: int) -> list[tuple[str, str | None, bool]]:
    with app.app_context():
        return [(s.name, s.canonical, s.certified) for s in db.session.get(Worker, worker_id).skills]


def record(app, today: date | None = None) -> int:
    with app.test_request_context():
        added = record_on_the_job_skills(db.session, today or china_today())
        db.session.commit()
        return added


def write(app, today: date | None = None) -> dict:
    with app.test_request_context():
        written = write_employer_subsidies(db.session, today or china_today())
        db.session.commit()
        return written


# --- the posting takes the fields ----------------------------------------------------------

def test_the_posting_form_takes_on_the_job_training(app, login_as, make_employer):
    page = login_as("employer", employer_id=make_employer())
    form = page.get("/jobs/new").get_data(as_text=True)
    assert 'name="trains_on_job"' in form and 'name="training_months"' in form and 'name="mentor_name"' in form
    base = {"title": "焊工学徒", "openings": "2", "wage_unit": "month", "physical_demand": "medium",
            "required_skills": "电焊"}
    missing = post_form(page, "/jobs/new", {**base, "trains_on_job": "y"})
    assert missing.status_code == 422 and 'id="training_months-error"' in missing.get_data(as_text=True)
    assert post_form(page, "/jobs/new", {**base, "trains_on_job": "y", "training_months": "25"}).status_code == 422
    assert count(app, Job) == 0
    saved = post_form(page, "/jobs/new", {**base, "trains_on_job": "y", "training_months": "3", "mentor_name": "王师傅"})
    assert saved.status_code == 302, saved.get_data(as_text=True)
    with app.app_context():
        job = db.session.scalar(select(Job))
        assert (job.trains_on_job, job.training_months, job.mentor_name) == (True, 3, "王师傅")
        job_id = job.id
    edit = page.get(f"/jobs/{job_id}/edit").get_data(as_text=True)
    assert 'value="王师傅"' in edit and 'value="3"' in re.search(r'<input[^>]*name="training_months"[^>]*>', edit).group(0)
    assert " checked" in re.search(r'<input[^>]*name="trains_on_job"[^>]*>', edit).group(0)
    cleared = post_form(page, f"/jobs/{job_id}/edit", {**base, "training_months": "", "mentor_name": ""})
    assert cleared.status_code == 302
    with app.app_context():
        job = db.session.get(Job, job_id)
        assert (job.trains_on_job, job.training_months, job.mentor_name) == (False, None, None)


def test_the_api_takes_on_the_job_training_and_requires_the_months(api_as, make_employer):
    admin, employer = api_as("admin"), make_employer()
    body = {"employer_id": employer, "title": "焊工学徒", "openings": 2, "required_skills": ["焊工"]}
    created = admin.post("/api/v1/jobs", json={**body, "trains_on_job": True, "training_months": 3,
                                               "mentor_name": "王师傅"})
    assert created.status_code == 201, created.json
    assert (created.json["trains_on_job"], created.json["training_months"], created.json["mentor_name"]) == \
        (True, 3, "王师傅")
    missing = admin.post("/api/v1/jobs", json={**body, "trains_on_job": True})
    assert missing.status_code == 422 and "training_months" in missing.json["error"]["fields"]


# --- the skill, learnt on the job ----------------------------------------------------------

def test_after_the_months_the_skill_is_recorded_uncertified_once(app, trainee):
    worker, _job = trainee(months_ago(3, days=2))
    assert ("焊工", "焊工", False) not in skills_of(app, worker)
    assert record(app) == 1
    assert [(name, certified) for name, _c, certified in skills_of(app, worker)] == [("种植", False), ("焊工", False)]
    assert ("焊工", "焊工", False) in skills_of(app, worker)  # resolved to the taxonomy's entry, not certified
    assert record(app) == 0  # a second run adds nothing
    assert [name for name, _c, _v in skills_of(app, worker)].count("焊工") == 1


def test_nothing_is_recorded_before_the_months_nor_for_one_who_left_early(app, trainee, make_worker):
    early, _job = trainee(months_ago(2))
    gone, _job = trainee(months_ago(5), left_on=months_ago(4), worker=make_worker(name="马走"))
    assert record(app) == 0
    assert "焊工" not in [n for n, _c, _v in skills_of(app, early) + skills_of(app, gone)]
    assert record(app, china_today() + relativedelta(months=1)) == 1  # the first one's months are up


def test_a_held_skill_is_not_added_again_nor_a_posting_without_training(app, trainee, make_worker):
    welder = make_worker(name="马焊", skills=["电焊"])
    trainee(months_ago(4), worker=welder)
    plain, _job = trainee(months_ago(4), trains_on_job=False, training_months=None, mentor_name=None,
                          worker=make_worker(name="马普"))
    assert record(app) == 0
    assert [c for _n, c, _v in skills_of(app, welder)] == ["焊工"]
    assert "焊工" not in [c for _n, c, _v in skills_of(app, plain)]


# --- the monthly subsidy ---------------------------------------------------------------------

@pytest.fixture
def on_the_job_policy(app, areas):
    with app.app_context():
        db.session.add(AreaPolicy(area_code=COUNTY, on_the_job_monthly=500))
        db.session.commit()


def subsidy_lines(app, kind=SubsidyKind.on_the_job) -> list[tuple[int, int, date]]:
    with app.app_context():
        return [(x.period, x.amount, x.earned_on) for x in db.session.scalars(
            select(EmployerSubsidy).where(EmployerSubsidy.kind == kind).order_by(EmployerSubsidy.period))]


def test_one_line_per_month_of_training_once_each_up_to_the_training_months(app, on_the_job_policy, trainee):
    hired_on = months_ago(2, days=3)
    trainee(hired_on)  # a person of an ordinary household: on-the-job lines need no monitoring
    assert write(app) == {"hiring": 0, "on the job": 2}
    assert subsidy_lines(app) == [(1, 500, hired_on + relativedelta(months=1)),
                                  (2, 500, hired_on + relativedelta(months=2))]
    assert write(app) == {"hiring": 0, "on the job": 0}  # once each
    assert write(app, china_today() + relativedelta(months=6))["on the job"] == 1  # month 3, and no more
    assert [period for period, _a, _d in subsidy_lines(app)] == [1, 2, 3]
    assert subsidy_lines(app, SubsidyKind.hiring) == []


def test_the_months_after_a_departure_earn_nothing_and_no_policy_no_line(app, trainee, areas):
    trainee(months_ago(5), left_on=months_ago(3, days=-10))  # two months and ten days in the job
    assert write(app)["on the job"] == 0  # no on-the-job subsidy set
    with app.app_context():
        db.session.add(AreaPolicy(area_code=COUNTY, on_the_job_monthly=300))
        db.session.commit()
    assert write(app)["on the job"] == 2
    assert [(p, a) for p, a, _d in subsidy_lines(app)] == [(1, 300), (2, 300)]


def test_the_employers_ledger_shows_the_training_months(api_as, app, on_the_job_policy, trainee, make_employer):
    employer = make_employer()
    trainee(months_ago(1, days=1), employer_id=employer)
    write(app)
    answer = api_as("employer", employer_id=employer).get(f"/api/v1/employers/{employer}/subsidies")
    [item] = answer.json["items"]
    assert (item["kind"], item["period"], item["amount"], item["worker_name"]) == ("on_the_job", 1, 500, "杨学艺")


def test_a_change_is_checked_against_the_posting_as_changed(app, api_as, make_job):
    """A change that sends only the flag keeps the months on file; one that clears the months of a
    posting that trains on the job is refused, naming them, and changes nothing."""
    officer = api_as("admin")
    ordinary = make_job(title="缝纫工", training_months=3)
    flagged = officer.patch(f"/api/v1/jobs/{ordinary}", json={"trains_on_job": True})
    assert flagged.status_code == 200, flagged.json
    assert (flagged.json["trains_on_job"], flagged.json["training_months"]) == (True, 3)
    cleared = officer.patch(f"/api/v1/jobs/{ordinary}", json={"training_months": None})
    assert cleared.status_code == 422 and "training_months" in cleared.json["error"]["fields"]
    assert officer.get(f"/api/v1/jobs/{ordinary}").json["training_months"] == 3
