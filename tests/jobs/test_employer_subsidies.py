"""Hiring subsidies (issue 18): a county sets an amount and a number of months; the scheduled task
writes, once, a line for each hire of a person of a monitored or lifted-out household that lasted
that long in the same posting; the employer and the county's officers read the ledger and export it."""
import io
from datetime import date
from urllib.parse import unquote

import pytest
from dateutil.relativedelta import relativedelta
from openpyxl import load_workbook
from sqlalchemy import select

from core.extensions import db
from core.models import AuditEvent, User, china_today, utcnow
from jobs.models import EmployerSubsidy, Referral, SubsidyKind
from jobs.services import write_employer_subsidies
from monitoring.tasks import run_task
from registry.models import AreaPolicy
from tests.conftest import COUNTY, OTHER_COUNTY, TOWNSHIP, VILLAGE, csrf_token

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def months_ago(n: int, days: int = 0) -> date:
    return china_today() - relativedelta(months=n) - relativedelta(days=days)


@pytest.fixture
def policy(app, areas):
    """`policy(amount, months, on_the_job_monthly=None, area=COUNTY)`: the county's settings, stored."""
    def make(amount: int, months: int, on_the_job_monthly: int | None = None, area: str = COUNTY) -> None:
        with app.app_context():
            row = db.session.get(AreaPolicy, area) or AreaPolicy(area_code=area)
            row.hire_subsidy_amount, row.hire_subsidy_months, row.on_the_job_monthly = amount, months, on_the_job_monthly
            db.session.add(row)
            db.session.commit()
    return make


def run(app, today: date | None = None) -> dict:
    with app.test_request_context():
        written = write_employer_subsidies(db.session, today or china_today())
        db.session.commit()
        return written


def lines(app, **where) -> list[EmployerSubsidy]:
    with app.app_context():
        found = list(db.session.scalars(select(EmployerSubsidy).filter_by(**where).order_by(EmployerSubsidy.id)))
        db.session.expunge_all()
        return found


@pytest.fixture
def monitored_worker(make_household, make_worker):
    def make(**household):
        fields = household or {"monitoring_status": "marginal"}
        return make_worker(household=make_household(**fields), name="马小花")
    return make


# --- the county's policy ---------------------------------------------------------------------

def test_a_county_officer_sets_the_hiring_subsidy_of_its_county(app, api_as, areas):
    county = api_as("county", [COUNTY])
    answer = county.put(f"/api/v1/areas/{COUNTY}/hire-subsidy", json={"amount": 3000, "months": 6,
                                                                      "on_the_job_monthly": 500})
    assert answer.status_code == 200, answer.json
    assert answer.json == {"area_code": COUNTY, "amount": 3000, "months": 6, "on_the_job_monthly": 500,
                           "elimination_months": 6}
    again = county.put(f"/api/v1/areas/{COUNTY}/hire-subsidy", json={"amount": 2000, "months": 12})
    assert again.json["amount"] == 2000 and again.json["on_the_job_monthly"] == 500  # absent: unchanged
    with app.app_context():
        stored = db.session.get(AreaPolicy, COUNTY)
        assert (stored.hire_subsidy_amount, stored.hire_subsidy_months, stored.on_the_job_monthly) == (2000, 12, 500)
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.entity == "area_policy")).all()
        assert len(events) == 2 and events[0].entity_id == COUNTY and "amount=3000" in events[0].detail
    assert api_as("admin").put(f"/api/v1/areas/{COUNTY}/hire-subsidy",
                               json={"amount": 0, "months": 1, "on_the_job_monthly": None}).status_code == 200


@pytest.mark.parametrize("role, area, status", [
    ("station", VILLAGE, 403), ("employer", None, 403), ("worker", None, 403), ("provider", None, 403),
    ("county", OTHER_COUNTY, 403),
])
def test_only_the_county_and_admin_set_it(api_as, areas, role, area, status):
    client = api_as(role, [area] if area else [])
    assert client.put(f"/api/v1/areas/{COUNTY}/hire-subsidy", json={"amount": 3000, "months": 6}).status_code == status


@pytest.mark.parametrize("body, field", [
    ({"amount": -1, "months": 6}, "amount"), ({"amount": 100_001, "months": 6}, "amount"),
    ({"amount": 3000, "months": 0}, "months"), ({"amount": 3000, "months": 37}, "months"),
    ({"amount": 3000}, "months"), ({"months": 6}, "amount"),
    ({"amount": 3000, "months": 6, "on_the_job_monthly": -5}, "on_the_job_monthly"),
])
def test_the_amount_and_months_are_checked(app, api_as, areas, body, field):
    answer = api_as("county", [COUNTY]).put(f"/api/v1/areas/{COUNTY}/hire-subsidy", json=body)
    assert answer.status_code == 422 and field in answer.json["error"]["fields"]
    with app.app_context():
        assert db.session.get(AreaPolicy, COUNTY) is None  # nothing half-written


def test_it_is_set_for_a_county_and_an_unknown_area_is_not_found(api_as, areas):
    admin = api_as("admin")
    body = {"amount": 3000, "months": 6}
    township = admin.put(f"/api/v1/areas/{TOWNSHIP}/hire-subsidy", json=body)
    assert township.status_code == 422 and "area_code" in township.json["error"]["fields"]
    assert admin.put("/api/v1/areas/999999000000/hire-subsidy", json=body).status_code == 404


# --- the task --------------------------------------------------------------------------------

def test_a_monitored_households_hire_that_lasted_the_months_earns_one_line(app, policy, hire, make_job,
                                                                          monitored_worker):
    policy(3000, 6)
    job = make_job()
    hired_on = months_ago(7)
    referral = hire(monitored_worker(), job, hired_on)
    assert run(app) == {"hiring": 1, "on the job": 0}
    [line] = lines(app)
    assert (line.referral_id, line.kind, line.period, line.amount) == (referral, SubsidyKind.hiring, 0, 3000)
    assert line.earned_on == hired_on + relativedelta(months=6) and line.area_code == COUNTY
    with app.app_context():
        assert line.employer_id == db.session.get(Referral, referral).job.employer_id
    assert run(app) == {"hiring": 0, "on the job": 0}  # a second run writes nothing
    assert len(lines(app)) == 1


def test_a_lifted_out_household_counts_too_and_a_household_that_left_monitoring_during_the_hire(
        app, policy, hire, make_job, monitored_worker):
    policy(3000, 6)
    job = make_job(openings=3)
    lifted = hire(monitored_worker(lifted_out=True), job, months_ago(6))
    ended = monitored_worker()
    hire(ended, job, months_ago(8))
    with app.app_context():
        from registry.models import MonitoringStatus, Worker
        household = db.session.get(Worker, ended).household
        household.monitoring_status, household.risk_eliminated_on = MonitoringStatus.none, months_ago(2)
        db.session.commit()
    assert run(app)["hiring"] == 2
    assert lifted in {x.referral_id for x in lines(app)}


def test_no_line_for_a_household_neither_monitored_nor_lifted_out(app, policy, hire, make_job, make_worker):
    policy(3000, 6)
    hire(make_worker(), make_job(), months_ago(12))
    assert run(app)["hiring"] == 0 and lines(app) == []


def test_no_line_when_the_person_left_before_the_months_nor_before_they_have_passed(app, policy, hire, make_job,
                                                                                   monitored_worker):
    policy(3000, 6)
    job = make_job(openings=3)
    hire(monitored_worker(), job, months_ago(9), left_on=months_ago(4))  # five months in the job
    hire(monitored_worker(), job, months_ago(5))  # still there, five months so far
    stayed = hire(monitored_worker(), job, months_ago(9), left_on=months_ago(2))  # left after seven months
    assert run(app)["hiring"] == 1
    assert [x.referral_id for x in lines(app)] == [stayed]


def test_no_policy_no_line_and_the_line_is_written_once_the_day_comes(app, policy, hire, make_job, monitored_worker):
    hired_on = months_ago(6, days=-3)  # six months are up in three days
    hire(monitored_worker(), make_job(), hired_on)
    assert run(app)["hiring"] == 0  # no policy yet
    policy(3000, 6)
    assert run(app)["hiring"] == 0  # not six months yet
    assert run(app, china_today() + relativedelta(days=3))["hiring"] == 1


def test_the_scheduled_task_writes_the_lines_and_a_run_again_writes_none(app, policy, hire, make_job,
                                                                          monitored_worker):
    policy(3000, 6)
    hire(monitored_worker(), make_job(), months_ago(7))
    with app.app_context():
        first = run_task(db.session, "employer_subsidies", app.config, now=utcnow(), runner="test")
        again = run_task(db.session, "employer_subsidies", app.config, now=utcnow(), runner="test", again=True)
    assert first.ran and first.summary == {"hiring": 1, "on the job": 0}
    assert again.ran and again.summary == {"hiring": 0, "on the job": 0}
    assert len(lines(app)) == 1


def test_a_line_written_meanwhile_is_not_written_twice(app, policy, hire, make_job, monitored_worker):
    """The unique key decides: a line another run wrote at the same moment is skipped, the rest stays."""
    policy(3000, 6)
    job = make_job(openings=3)
    first = hire(monitored_worker(), job, months_ago(7))
    hire(monitored_worker(), job, months_ago(8))
    with app.test_request_context():
        from jobs import subsidies
        referral = db.session.get(Referral, first)
        twin = EmployerSubsidy(employer_id=referral.job.employer_id, referral_id=first, worker_id=referral.worker_id,
                               kind=SubsidyKind.hiring, period=0, amount=3000, area_code=COUNTY, earned_on=date.today())
        assert subsidies._write_once(db.session, twin) is True
        again = EmployerSubsidy(employer_id=referral.job.employer_id, referral_id=first, worker_id=referral.worker_id,
                                kind=SubsidyKind.hiring, period=0, amount=3000, area_code=COUNTY, earned_on=date.today())
        assert subsidies._write_once(db.session, again) is False
        db.session.commit()
    assert run(app)["hiring"] == 1
    assert len(lines(app)) == 2


# --- the ledger ------------------------------------------------------------------------------

@pytest.fixture
def ledger(app, policy, hire, make_employer, make_job, monitored_worker):
    """An employer with one hiring line (马小花, 3000 yuan) and another employer with none."""
    policy(3000, 6)
    employer = make_employer()
    hire(monitored_worker(), make_job(employer_id=employer, title="缝纫工"), months_ago(7))
    run(app)
    return {"employer": employer, "other": make_employer()}


def test_the_employer_and_its_countys_officers_read_the_ledger(api_as, ledger):
    url = f"/api/v1/employers/{ledger['employer']}/subsidies"
    for client in (api_as("employer", employer_id=ledger["employer"]), api_as("county", [COUNTY]), api_as("admin")):
        answer = client.get(url)
        assert answer.status_code == 200, answer.json
        assert answer.json["total"] == 1 and answer.json["amount"] == 3000
        [item] = answer.json["items"]
        assert item["worker_name"] == "马小花" and item["kind"] == "hiring" and item["amount"] == 3000
        assert item["job_title"] == "缝纫工" and item["area_code"] == COUNTY
    empty = api_as("employer", employer_id=ledger["other"]).get(f"/api/v1/employers/{ledger['other']}/subsidies")
    assert empty.status_code == 200 and empty.json == {"items": [], "total": 0, "amount": 0}


def test_another_employer_or_county_gets_not_found_and_a_station_is_refused(api_as, ledger):
    url = f"/api/v1/employers/{ledger['employer']}/subsidies"
    assert api_as("employer", employer_id=ledger["other"]).get(url).status_code == 404
    assert api_as("county", [OTHER_COUNTY]).get(url).status_code == 404
    assert api_as("station", [VILLAGE]).get(url).status_code == 403
    assert api_as("admin").get("/api/v1/employers/99999/subsidies").status_code == 404


def test_the_ledger_exports_to_a_spreadsheet_named_in_chinese(app, api_as, ledger):
    answer = api_as("employer", employer_id=ledger["employer"]).get(
        f"/api/v1/employers/{ledger['employer']}/subsidies/export")
    assert answer.status_code == 200 and answer.mimetype == XLSX
    assert "企业补贴台账" in unquote(answer.headers["Content-Disposition"])
    rows = list(load_workbook(io.BytesIO(answer.data)).active.values)
    assert rows[1][:3] == (rows[1][0], "缝纫工", "马小花") and 3000 in rows[1]
    assert rows[-1][0] == "合计" and 3000 in rows[-1]
    with app.app_context():
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export",
                                                          AuditEvent.entity == "subsidies")) is not None
    assert api_as("employer", employer_id=ledger["other"]).get(
        f"/api/v1/employers/{ledger['employer']}/subsidies/export").status_code == 404


def test_the_employers_own_ledger_page_and_export(login_as, ledger):
    page = login_as("employer", employer_id=ledger["employer"])
    html = page.get("/employer/subsidies").get_data(as_text=True)
    assert 'id="total-amount">3000<' in html and "马小花" in html and 'data-kind="hiring"' in html
    assert 'class="striped cards subsidy-lines"' in html and 'data-label=' in html
    download = page.get("/employer/subsidies.xlsx")
    assert download.status_code == 200 and download.mimetype == XLSX
    assert "企业补贴台账" in unquote(download.headers["Content-Disposition"])
    other = login_as("employer", employer_id=ledger["other"]).get("/employer/subsidies").get_data(as_text=True)
    assert "马小花" not in other and 'id="no-subsidy"' in other
    assert login_as("station", [VILLAGE]).get("/employer/subsidies").status_code == 403


def test_the_officers_county_ledger_page_its_export_and_one_employers_page(login_as, ledger):
    page = login_as("county", [COUNTY])
    html = page.get("/subsidies/employers").get_data(as_text=True)
    assert "马小花" in html and 'id="total-amount">3000<' in html and 'id="employer-count">1<' in html
    rows = list(load_workbook(io.BytesIO(page.get("/subsidies/employers.xlsx").data))["补贴明细"].values)
    assert any("马小花" in row for row in rows) and rows[-1][0] == "合计"
    assert "马小花" in page.get(f"/employers/{ledger['employer']}/subsidies").get_data(as_text=True)
    far = login_as("county", [OTHER_COUNTY])
    assert "马小花" not in far.get("/subsidies/employers").get_data(as_text=True)
    assert far.get(f"/employers/{ledger['employer']}/subsidies").status_code == 404
    for role, areas in (("station", [VILLAGE]), ("employer", [])):
        assert login_as(role, areas).get("/subsidies/employers").status_code == 403


def test_an_officer_sets_the_subsidy_on_the_page(app, login_as, areas):
    page = login_as("county", [COUNTY])
    token = csrf_token(page.get("/subsidies/employers").get_data(as_text=True))
    refused = page.post("/subsidies/hire-subsidy", data={"csrf_token": token, "area_code": COUNTY, "amount": "3000",
                                                         "months": "48"})
    assert refused.status_code == 422 and "field-error" in refused.get_data(as_text=True)
    saved = page.post("/subsidies/hire-subsidy", data={"csrf_token": token, "area_code": COUNTY, "amount": "3000",
                                                       "months": "6", "on_the_job_monthly": "400"})
    assert saved.status_code == 302
    with app.app_context():
        stored = db.session.get(AreaPolicy, COUNTY)
        assert (stored.hire_subsidy_amount, stored.hire_subsidy_months, stored.on_the_job_monthly) == (3000, 6, 400)
    assert 'value="3000"' in page.get("/subsidies/employers").get_data(as_text=True)


def test_the_pages_need_an_officer_or_the_employer(app, login_as, areas):
    with app.app_context():
        assert db.session.scalar(select(User.id).limit(1)) is not None
    for url in ("/subsidies/employers", "/subsidies/employers.xlsx"):
        assert login_as("admin").get(url).status_code == 200
        assert login_as("worker").get(url).status_code == 403
    assert login_as("employer").get("/employer/subsidies").status_code == 302  # no employer yet: its home
