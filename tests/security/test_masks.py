"""Masked personal data stays masked in combination: a masked ID number with everything else the same
reader sees leaves at least 1,000 possible numbers; searches by a full number are audited and
limited; full numbers stay out of URLs and access logs."""
import io
import re
import runpy
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from core.extensions import db
from core.models import AuditEvent
from tests.conftest import COUNTY, VILLAGE, W, csrf_token, id_number

CHECK = "10X98765432"


def possible_numbers(masked: str, sex: str, age: int, birth: str | None, today: date) -> int:
    """How many valid ID numbers fit what a reader sees: the mask (area code and last two
    characters), the sex, the age and, when shown, the birth date: the attacker's count."""
    area, last_two = masked[:6], masked[-2:]
    if birth:
        days = [date.fromisoformat(birth)]
    else:  # every day of birth that gives this age today
        latest = today - timedelta(days=365 * age)
        days = [d for d in (latest - timedelta(days=n) for n in range(-5, 372)) if _age(d, today) == age]
    count = 0
    for day in days:
        for seq in range(100):
            body = f"{area}{day:%Y%m%d}{seq:02d}{last_two[0]}"
            if not body.isdigit() or int(body[16]) % 2 != (1 if sex == "male" else 0):
                continue
            if CHECK[sum(int(c) * w for c, w in zip(body, W)) % 11] == last_two[1]:
                count += 1
    return count


def _age(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


@pytest.fixture
def people(make_worker):
    return [make_worker(name=f"马{n}", birth=birth) for n, birth in enumerate(("19880808", "19750301", "20000229"))]


def test_what_a_county_officer_reads_leaves_a_thousand_numbers(api_as, people):
    """The reviewer rebuilt 1500 of 1500 numbers as masked[:6] + birth_date + masked[-4:]."""
    county = api_as("county", [COUNTY])
    today = date.today()
    listed = county.get("/api/v1/workers", query_string={"area_code": VILLAGE}).json["items"]
    assert len(listed) == 3
    for item in listed:
        detail = county.get(f"/api/v1/workers/{item['id']}").json
        for seen in (item, detail):
            assert seen["birth_date"] is None
            assert possible_numbers(seen["id_number_masked"], seen["sex"], seen["age"], None, today) >= 1000


def test_the_old_mask_with_the_birth_date_gave_the_number_away(people, app):
    """The check above counts what it should: with the birth date it finds only a handful."""
    full = id_number("19880808", 1)
    assert possible_numbers(full[:6] + "*" * 10 + full[-2:], "male" if int(full[16]) % 2 else "female",
                            0, "1988-08-08", date.today()) < 20


def test_the_county_export_and_pages_give_the_age_not_the_birth_date(api_as, login_as, people):
    download = api_as("county", [COUNTY]).get("/api/v1/workers/export", query_string={"area_code": VILLAGE})
    rows = list(load_workbook(io.BytesIO(download.data)).active.iter_rows(values_only=True))
    assert "出生日期" not in rows[0] and "年龄" in rows[0]
    cells = " ".join(str(v) for row in rows for v in row)
    assert "1988-08-08" not in cells and "19880808" not in cells
    page = login_as("county", [COUNTY]).get(f"/workers/{people[0]}").get_data(as_text=True)
    assert "1988-08-08" not in page and 'id="birth-date"' not in page
    own = login_as("station", [VILLAGE]).get(f"/workers/{people[0]}").get_data(as_text=True)
    assert 'id="birth-date">1988-08-08' in own  # staff who may reveal the number see it


def test_searches_by_a_full_number_are_limited_and_audited(app, api_as, make_worker, monkeypatch):
    """The reviewer recovered a phone from its mask by 10,000 exact searches in 43 s."""
    monkeypatch.setitem(app.config, "EXACT_SEARCH_LIMIT", "3 per hour")
    make_worker(phone="13895001234")
    county = api_as("county", [COUNTY])
    guesses = [f"1389500{n:04d}" for n in range(1230, 1236)]
    statuses = [county.get("/api/v1/workers", query_string={"q": g}).status_code for g in guesses]
    assert statuses == [200, 200, 200, 429, 429, 429]
    assert county.get("/api/v1/workers", query_string={"q": "马成"}).status_code == 200  # names are not counted
    assert api_as("county", [COUNTY]).get("/api/v1/workers", query_string={"q": guesses[4]}).status_code == 200
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "search")).all()
        assert len(events) == 4 and all(e.fields == ["phone"] for e in events)
        assert not any("1389500" in str((e.entity_id, e.detail)) for e in events)
    audit = api_as("admin").get("/api/v1/audit", query_string={"action": "search"}).json
    assert audit["total"] == 4


def test_the_search_page_keeps_full_numbers_out_of_urls(app, login_as, make_worker):
    number = id_number("19900101", 41)
    worker = make_worker(id_number=number)
    page = login_as("station", [VILLAGE])
    form = page.get("/workers").get_data(as_text=True)
    assert 'method="post" action="/workers"' in form
    found = page.post("/workers", data={"q": number, "csrf_token": csrf_token(form)})
    assert found.status_code == 200 and f'href="/workers/{worker}"' in found.get_data(as_text=True)
    assert not re.search(rf'(href|action)="[^"]*{number}', found.get_data(as_text=True))
    by_name = page.post("/workers", data={"q": "马成", "csrf_token": csrf_token(form)})
    assert by_name.status_code == 302 and "q=" in by_name.headers["Location"]  # an ordinary search stays a link


def test_the_access_log_names_paths_not_queries():
    from types import SimpleNamespace

    from gunicorn.config import Config
    from gunicorn.glogging import Logger, SafeAtoms
    settings = runpy.run_path("gunicorn.conf.py")
    config = Config()
    for name in ("accesslog", "access_log_format", "workers", "threads"):
        config.set(name, settings[name])
    number = id_number("19900101", 42)
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": f"/api/v1/workers?q={number}", "PATH_INFO": "/api/v1/workers",
               "QUERY_STRING": f"q={number}", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "10.0.0.7",
               "HTTP_REFERER": f"https://station.example/workers?q={number}"}
    response = SimpleNamespace(status="200 OK", sent=120, headers=[])
    request = SimpleNamespace(headers=[("REFERER", environ["HTTP_REFERER"])])
    logger = Logger(config)
    line = config.access_log_format % SafeAtoms(logger.atoms(response, request, environ, timedelta(milliseconds=8)))
    assert "/api/v1/workers" in line and "10.0.0.7" in line
    assert number not in line


def test_a_search_by_a_full_number_from_the_enrolment_page_is_audited(app, login_as, make_worker, api_as):
    course = api_as("admin").post("/api/v1/courses", json={
        "title": "焊工培训", "provider": "县职校", "mode": "night", "capacity": 5, "starts_on": "2099-01-01",
        "ends_on": "2099-02-01"}).json["id"]
    make_worker(phone="13895004321")
    page = login_as("station", [VILLAGE])
    assert page.get(f"/courses/{course}/enrol-worker", query_string={"q": "13895004321"}).status_code == 200
    with app.app_context():
        assert db.session.scalar(select(AuditEvent.fields).where(AuditEvent.action == "search")) == ["phone"]
