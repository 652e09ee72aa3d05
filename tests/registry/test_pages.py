"""The station's pages, as staff use them (Chinese by default)."""
import io

from openpyxl import load_workbook
from sqlalchemy import func, select

from core.extensions import db
from core.models import AuditEvent
from registry.models import Household, Worker
from tests.conftest import OTHER_VILLAGE, VILLAGE, csrf_token, id_number


def post_form(page, url, data):
    token = csrf_token(page.get(url).get_data(as_text=True))
    return page.post(url, data={**data, "csrf_token": token})


def test_register_a_household_and_see_it(login_as, areas):
    page = login_as("station", [VILLAGE])
    response = post_form(page, "/households/new", {"code": "TJ-001", "village_code": VILLAGE,
                                                   "monitoring_status": "marginal", "relocated": "y",
                                                   "resettlement_site": "县城移民安置区"})
    assert response.status_code == 302
    html = page.get(response.headers["Location"]).get_data(as_text=True)
    assert "TJ-001" in html and "边缘易致贫户" in html and "县城移民安置区" in html


def test_household_form_errors_are_shown_on_the_fields(app, login_as, make_household):
    existing = make_household()
    page = login_as("station", [VILLAGE])
    response = post_form(page, "/households/new", {"code": existing, "village_code": VILLAGE,
                                                   "monitoring_status": "none"})
    assert response.status_code == 422
    assert "已存在" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Household.id))) == 1


def test_edit_a_household_monitoring_status(login_as, make_household):
    code = make_household()
    page = login_as("station", [VILLAGE])
    response = post_form(page, f"/households/{code}/edit", {"village_code": VILLAGE, "code": code,
                                                            "monitoring_status": "sudden_hardship"})
    assert response.status_code == 302
    assert "突发严重困难户" in page.get(f"/households/{code}").get_data(as_text=True)


def test_register_a_worker_with_a_bad_id_shows_why_and_writes_nothing(app, login_as, make_household):
    household = make_household()
    page = login_as("station", [VILLAGE])
    good = id_number("19900101", 9)
    bad = good[:-1] + ("1" if good[-1] != "1" else "2")
    response = post_form(page, "/workers/new", {"household_code": household, "name": "马成", "id_number": bad,
                                                "health": "healthy", "labour_ability": "full",
                                                "employment_status": "unemployed"})
    assert response.status_code == 422
    assert "校验位" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Worker.id))) == 0
    response = post_form(page, "/workers/new", {"household_code": household, "name": "马成", "id_number": good,
                                                "phone": "13895000001", "health": "healthy",
                                                "labour_ability": "full", "employment_status": "unemployed",
                                                "skills": "电焊、编草帽子"})
    assert response.status_code == 302
    html = page.get(response.headers["Location"]).get_data(as_text=True)
    assert good[:6] + "*" * 10 + good[-2:] in html and good not in html
    assert "焊工" in html and "待核对" in html


def test_pages_of_another_village_are_not_found(login_as, make_household, make_worker):
    elsewhere = make_household(OTHER_VILLAGE)
    worker = make_worker(elsewhere)
    page = login_as("station", [VILLAGE])
    assert page.get(f"/households/{elsewhere}").status_code == 404
    assert page.get(f"/workers/{worker}").status_code == 404
    assert elsewhere not in page.get("/households").get_data(as_text=True)


def test_roles_without_registry_pages_are_refused(login_as, areas):
    page = login_as("employer")
    assert page.get("/households").status_code == 403
    assert page.get("/").headers["Location"] == "/employer"  # an employer starts on its inbox
    assert login_as("provider").get("/").headers["Location"] == "/provider"  # a provider starts on its courses
    start = login_as("worker").get("/")  # a start page instead of the station's figures
    assert start.status_code == 200 and 'id="start-courses"' in start.get_data(as_text=True)


def test_reveal_on_the_page_is_audited(app, login_as, make_worker):
    worker = make_worker(phone="13895007777")
    page = login_as("station", [VILLAGE])
    html = page.get(f"/workers/{worker}").get_data(as_text=True)
    assert "13895007777" not in html and "138****7777" in html
    response = page.post(f"/workers/{worker}/reveal", data={"csrf_token": csrf_token(html)})
    assert "13895007777" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "reveal")) == 1
    county = login_as("county", ["640422000000"])
    html = county.get(f"/workers/{worker}").get_data(as_text=True)
    assert "显示完整" not in html
    assert county.post(f"/workers/{worker}/reveal", data={"csrf_token": csrf_token(html)}).status_code == 403


def test_monitored_households_filter(login_as, make_household):
    watched, ordinary = make_household(monitoring_status="marginal"), make_household()
    html = login_as("station", [VILLAGE]).get("/households?monitoring_status=monitored").get_data(as_text=True)
    assert watched in html and ordinary not in html


def test_households_with_nobody_employed_filter(login_as, make_household, make_worker):
    idle, busy = make_household(), make_household()
    make_worker(idle)
    make_worker(busy, employment_status="self_employed")
    html = login_as("station", [VILLAGE]).get("/households?nobody_employed=1").get_data(as_text=True)
    assert idle in html and busy not in html


def test_export_from_the_page(login_as, make_worker):
    make_worker(name="海平")
    response = login_as("station", [VILLAGE]).get(f"/workers/export?area={VILLAGE}")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert rows[1][1] == "海平"


def test_import_page_reports_bad_rows_with_the_sheet_headers(login_as, make_household):
    household = make_household()
    page = login_as("station", [VILLAGE])
    csv = f"户编号,姓名,身份证号,文化程度\n{household},马成,{id_number('19880808', 1)},初中\n{household},马福,123,博士\n"
    token = csrf_token(page.get("/import").get_data(as_text=True))
    response = page.post("/import", data={"csrf_token": token, "kind": "workers",
                                          "file": (io.BytesIO(csv.encode()), "台账.csv")},
                         content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert "新增 1 条" in html
    assert "<td>3</td><td>身份证号</td>" in html and "<td>3</td><td>文化程度</td>" in html


def test_admin_reads_the_audit_log(login_as, make_worker):
    worker = make_worker()
    station = login_as("station", [VILLAGE])
    html = station.get(f"/workers/{worker}").get_data(as_text=True)
    station.post(f"/workers/{worker}/reveal", data={"csrf_token": csrf_token(html)})
    log = login_as("admin").get("/audit").get_data(as_text=True)
    assert "审计日志" in log and "查看完整号码" in log and 'data-fields="id_number phone"' in log
    assert station.get("/audit").status_code == 403
