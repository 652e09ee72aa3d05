"""Complaints against an employer (issue 18, API.md "Employer reliability"): stations and county
officers file them, staff resolve them, the employer's record counts the open ones; the employer
page shows them, with a banner while wage arrears are open, and takes new ones and resolutions."""
import re

from sqlalchemy import select

from core.extensions import db
from core.models import AuditEvent
from jobs.models import Complaint
from tests.conftest import COUNTY, VILLAGE
from tests.jobs.conftest import count, post_form

ARREARS = {"kind": "wage_arrears", "description": "三名工人 3 月至 5 月工资未发"}


def test_stations_and_county_officers_file_complaints_and_nobody_else(api_as, make_employer, app):
    employer = make_employer()
    url = f"/api/v1/employers/{employer}/complaints"
    filed = api_as("station", [VILLAGE]).post(url, json=ARREARS)
    assert filed.status_code == 201, filed.json
    assert filed.json["id"] and filed.json["kind"] == "wage_arrears" and filed.json["open"] is True
    assert api_as("county", [COUNTY]).post(url, json={"kind": "安全隐患", "description": "车间无灭火器"}).status_code == 201
    for role, kwargs in (("employer", {"employer_id": employer}), ("worker", {}), ("provider", {}), ("admin", {})):
        refused = api_as(role, **kwargs).post(url, json=ARREARS)
        assert refused.status_code == 403, role
    assert count(app, Complaint) == 2
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.entity == "complaint")).all()
        assert [e.action for e in events] == ["create", "create"]


def test_a_complaint_needs_a_known_kind_and_a_description(api_as, make_employer, app):
    station = api_as("station", [VILLAGE])
    url = f"/api/v1/employers/{make_employer()}/complaints"
    bad_kind = station.post(url, json={"kind": "late", "description": "迟到"})
    assert bad_kind.status_code == 422 and "kind" in bad_kind.json["error"]["fields"]
    for body in ({"kind": "contract"}, {"kind": "contract", "description": "  "}, {"kind": "contract", "description": "长" * 1001}):
        refused = station.post(url, json=body)
        assert refused.status_code == 422 and "description" in refused.json["error"]["fields"], body
    assert station.post("/api/v1/employers/999999/complaints", json=ARREARS).status_code == 404
    assert count(app, Complaint) == 0


def test_resolving_closes_the_complaint_once_and_the_employer_counts_it(api_as, make_employer):
    employer = make_employer()
    station, county = api_as("station", [VILLAGE]), api_as("county", [COUNTY])
    assert station.get(f"/api/v1/employers/{employer}").json["open_complaints"] == 0
    complaint = station.post(f"/api/v1/employers/{employer}/complaints", json=ARREARS).json["id"]
    record = api_as("worker").get(f"/api/v1/employers/{employer}").json
    assert record["open_complaints"] == 1 and record["retention_6m"] is None
    assert api_as("employer", employer_id=employer).post(f"/api/v1/complaints/{complaint}/resolve").status_code == 403

    resolved = county.post(f"/api/v1/complaints/{complaint}/resolve", json={"resolution": "工资已于 6 月 3 日结清"})
    assert resolved.status_code == 200, resolved.json
    assert resolved.json["open"] is False and resolved.json["resolution"] == "工资已于 6 月 3 日结清"
    assert resolved.json["resolved_at"] and resolved.json["resolved_by"]
    again = station.post(f"/api/v1/complaints/{complaint}/resolve")
    assert again.status_code == 409
    assert station.get(f"/api/v1/employers/{employer}").json["open_complaints"] == 0
    assert station.post("/api/v1/complaints/999999/resolve").status_code == 404


def test_staff_read_an_employers_complaints_open_first(api_as, make_employer):
    employer = make_employer()
    station = api_as("station", [VILLAGE])
    first = station.post(f"/api/v1/employers/{employer}/complaints", json=ARREARS).json["id"]
    second = station.post(f"/api/v1/employers/{employer}/complaints",
                          json={"kind": "contract", "description": "未签劳动合同"}).json["id"]
    station.post(f"/api/v1/complaints/{second}/resolve", json={"resolution": "已补签"})
    listed = api_as("admin").get(f"/api/v1/employers/{employer}/complaints").json
    assert listed["total"] == 2 and [c["id"] for c in listed["items"]] == [first, second]
    assert listed["items"][0]["filed_by"] and listed["items"][0]["kind_label"] == "欠薪"
    assert [c["id"] for c in station.get(f"/api/v1/employers/{employer}/complaints?open=true").json["items"]] == [first]
    assert api_as("employer", employer_id=employer).get(f"/api/v1/employers/{employer}/complaints").status_code == 403
    assert api_as("worker").get(f"/api/v1/employers/{employer}/complaints").status_code == 403


def test_the_employer_list_gives_each_employers_open_complaints(api_as, make_employer):
    quiet, complained = make_employer(), make_employer()
    api_as("county", [COUNTY]).post(f"/api/v1/employers/{complained}/complaints", json=ARREARS)
    items = {e["id"]: e for e in api_as("admin").get("/api/v1/employers").json["items"]}
    assert items[complained]["open_complaints"] == 1 and items[quiet]["open_complaints"] == 0
    assert items[quiet]["retention_6m"] is None


# --- the employer page ------------------------------------------------------------------------

def _complaint_ids(html: str, state: str) -> list[int]:
    return [int(i) for i in re.findall(rf'data-complaint-id="(\d+)" data-open="{state}"', html)]


def test_a_station_files_and_resolves_a_complaint_from_the_employer_page(login_as, make_employer, app):
    employer = make_employer()
    page = login_as("station", [VILLAGE])
    url = f"/employers/{employer}"
    html = page.get(url).get_data(as_text=True)
    assert page.get(url).status_code == 200 and "wage-arrears-banner" not in html

    refused = post_form(page, f"{url}/complaints", {"kind": "wage_arrears", "description": ""}, url)
    assert refused.status_code == 422 and 'id="description-error"' in refused.get_data(as_text=True)
    filed = post_form(page, f"{url}/complaints", ARREARS, url)
    assert filed.status_code == 302 and filed.headers["Location"].endswith(url)
    html = page.get(url).get_data(as_text=True)
    [complaint] = _complaint_ids(html, "1")
    assert 'id="wage-arrears-banner"' in html and ARREARS["description"] in html
    assert "有未处理的欠薪投诉" in html or "offered to nobody" in html

    no_text = post_form(page, f"/complaints/{complaint}/resolve", {"resolution": ""}, url)
    assert no_text.status_code == 422  # the page asks what was done
    with app.app_context():
        assert db.session.get(Complaint, complaint).is_open
    done = post_form(page, f"/complaints/{complaint}/resolve", {"resolution": "工资已结清"}, url)
    assert done.status_code == 302
    html = page.get(url).get_data(as_text=True)
    assert _complaint_ids(html, "0") == [complaint] and _complaint_ids(html, "1") == []
    assert "wage-arrears-banner" not in html and "工资已结清" in html
    again = post_form(page, f"/complaints/{complaint}/resolve", {"resolution": "再次"}, url)
    assert again.status_code == 302  # refused, and said why on the page it goes back to
    with app.app_context():
        assert db.session.get(Complaint, complaint).resolution == "工资已结清"


def test_only_staff_open_the_employer_page_and_only_area_staff_file(login_as, make_employer):
    employer = make_employer()
    for role in ("employer", "worker", "provider"):
        assert login_as(role).get(f"/employers/{employer}").status_code == 403, role
    admin = login_as("admin")
    html = admin.get(f"/employers/{employer}").get_data(as_text=True)
    assert 'id="complaint-form"' not in html  # the administrator reads and resolves, files nothing
    assert login_as("county", [COUNTY]).get("/employers/999999").status_code == 404


def test_the_employer_list_links_each_employer_with_its_open_complaints(login_as, api_as, make_employer):
    quiet, complained = make_employer(), make_employer()
    api_as("station", [VILLAGE]).post(f"/api/v1/employers/{complained}/complaints", json=ARREARS)
    html = login_as("county", [COUNTY]).get("/employers").get_data(as_text=True)
    assert f'href="/employers/{complained}"' in html and f'href="/employers/{quiet}"' in html
    row = re.search(rf'id="employer-{complained}".*?</tr>', html, re.S).group(0)
    assert re.search(r'class="badge[^"]*\bopen-complaints"[^>]*>[^<]*1', row) and "wage-arrears" in row
    quiet_row = re.search(rf'id="employer-{quiet}".*?</tr>', html, re.S).group(0)
    assert not re.search(r'class="[^"]*\bopen-complaints', quiet_row) and "wage-arrears" not in quiet_row


def test_the_employer_sees_its_open_complaints_but_not_who_filed_them(login_as, api_as, make_employer):
    employer = make_employer()
    station = api_as("station", [VILLAGE], display_name="团结村劳保站")
    station.post(f"/api/v1/employers/{employer}/complaints", json=ARREARS)
    html = login_as("employer", employer_id=employer).get("/employer").get_data(as_text=True)
    section = re.search(r'<section id="complaints".*?</section>', html, re.S).group(0)
    assert "欠薪" in section and "团结村劳保站" not in html and ARREARS["description"] not in html
