"""Employment certificates (issue 18, 就业证明 / 外出务工证明): only for a person in work; a keyed code,
the same for the same hire; a printable A4 page with a QR code of the public check and no full ID
number; the public check (no sign-in) shows a masked name, the employer, the posting and the dates,
and a bad or walked code is not genuine. Nobody outside the person's area gets one."""
import re

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.models import AuditEvent, Role, User, china_today
from jobs import referral_lifecycle
from jobs.models import EmploymentCertificate, LeaveReason, Referral, ReferralStatus
from tests.conftest import COUNTY, FAR_VILLAGE, OTHER_COUNTY, OTHER_VILLAGE, VILLAGE, id_number
from tests.jobs.conftest import text_of

ADMIN = User(role=Role.admin, username="t")
ID_NUMBER, PHONE = id_number("19880808", 777), "13995007777"
EMPLOYER = "西吉县马铃薯帮扶车间"
CODE = re.compile(r"^JY\d{4}-\d{6}-[2-9A-HJ-NP-Z]{8}$")


def move(app, referral_id: int, status: ReferralStatus, **kwargs) -> None:
    with app.test_request_context():
        referral = db.session.get(Referral, referral_id)
        referral_lifecycle.change_referral(db.session, referral, status, ADMIN, **kwargs)
        db.session.commit()


@pytest.fixture
def person(make_worker):
    return make_worker(name="马成", id_number=ID_NUMBER, phone=PHONE)


@pytest.fixture
def hired(app, person, make_employer, make_job, refer):
    """马成 of 团结村, hired today as 分拣员 by a workshop of 吉强镇: (worker id, referral id)."""
    job = make_job(make_employer(name=EMPLOYER), title="分拣员")
    referral = refer(person, job)
    move(app, referral, ReferralStatus.hired)
    return person, referral


def certificate_of(client, worker_id):
    return client.get(f"/api/v1/workers/{worker_id}/employment-certificate")


def test_only_a_person_in_work_has_one_and_the_refusal_says_why(app, api_as, person, make_job, refer):
    station = api_as("station", [VILLAGE])
    nothing = certificate_of(station, person)
    assert nothing.status_code == 409 and nothing.json["error"]["code"] == "conflict"
    assert nothing.json["error"]["fields"]["status"] == "没有录用记录"  # said in Chinese, the first language

    referral = refer(person, make_job(title="保洁员"))  # referred, not hired yet
    assert certificate_of(station, person).status_code == 409
    move(app, referral, ReferralStatus.hired)
    assert certificate_of(station, person).status_code == 200
    move(app, referral, ReferralStatus.left, leave_reason=LeaveReason.wages)
    left = certificate_of(station, person)
    assert left.status_code == 409
    assert "保洁员" in left.json["error"]["message"] and china_today().isoformat() in left.json["error"]["message"]


def test_the_code_is_keyed_and_the_same_hire_keeps_it(app, api_as, hired):
    worker, referral = hired
    first = certificate_of(api_as("station", [VILLAGE]), worker)
    assert first.status_code == 200, first.json
    code = first.json["code"]
    assert CODE.match(code) and f"-{referral:06d}-" in code
    assert first.json["url"].startswith("http") and first.json["url"].endswith(f"/verify/{code}")
    assert certificate_of(api_as("admin"), worker).json["code"] == code
    assert certificate_of(api_as("worker", worker_id=worker), worker).json["code"] == code  # the person themself
    with app.app_context():
        assert db.session.scalar(select(func.count(EmploymentCertificate.id))) == 1
        issued = db.session.scalars(select(AuditEvent).where(AuditEvent.entity == "employment_certificate")).all()
        assert [(e.action, e.entity_id, e.area_code) for e in issued] == [("create", code, VILLAGE)]


def test_a_new_hire_gets_a_new_code(app, api_as, hired, make_job, refer):
    worker, referral = hired
    station = api_as("station", [VILLAGE])
    before = certificate_of(station, worker).json["code"]
    move(app, referral, ReferralStatus.left, leave_reason=LeaveReason.contract_end)
    again = refer(worker, make_job(title="包装工"))
    move(app, again, ReferralStatus.hired)
    after = certificate_of(station, worker).json["code"]
    assert after != before and CODE.match(after) and f"-{again:06d}-" in after


def test_anyone_checks_it_and_sees_a_masked_name_the_employer_and_the_dates(app, client, api_as, hired):
    worker, referral = hired
    code = certificate_of(api_as("station", [VILLAGE]), worker).json["code"]
    page = client.get(f"/verify/{code.lower()}")  # typed from paper, in any case
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert text_of(html, "check-name") == "马*" and text_of(html, "check-employer") == EMPLOYER
    assert text_of(html, "check-post") == "分拣员" and text_of(html, "check-since") == china_today().isoformat()
    assert 'data-state="in_work"' in html and text_of(html, "check-code") == code
    for secret in ("马成", ID_NUMBER, ID_NUMBER[:6] + "*", PHONE, PHONE[-4:], "团结村"):
        assert secret not in html, secret

    move(app, referral, ReferralStatus.left, leave_reason=LeaveReason.wages)
    html = client.get(f"/verify/{code}").get_data(as_text=True)
    assert 'data-state="left"' in html and text_of(html, "check-left") == china_today().isoformat()


def test_a_bad_or_walked_code_is_not_genuine(app, client, api_as, hired, make_worker, make_job, refer):
    worker, referral = hired
    code = certificate_of(api_as("station", [VILLAGE]), worker).json["code"]
    other = make_worker(name="马小花")
    other_referral = refer(other, make_job(title="缝纫工"))
    move(app, other_referral, ReferralStatus.hired)
    other_code = certificate_of(api_as("station", [VILLAGE]), other).json["code"]
    year, _number, check = code.split("-")
    walked = f"{year}-{other_referral:06d}-{check}"  # the next number with the check seen on paper
    forged = f"{code[:-1]}{'3' if code[-1] != '3' else '4'}"
    for bad in (walked, forged, f"{year}-{referral:06d}", "JY2026-000001-AAAAAAAA", "x" * 200, "-", "JY2026--"):
        page = client.get(f"/verify/{bad}")
        assert page.status_code == 404, bad
        html = page.get_data(as_text=True)
        assert 'id="not-genuine"' in html and 'data-state="not_genuine"' in html
        assert EMPLOYER not in html and "马*" not in html
    assert client.get(f"/verify/{other_code}").status_code == 200


@pytest.mark.parametrize("role, codes, status", [
    ("station", [OTHER_VILLAGE], 404),  # a station of another village does not learn the person exists
    ("station", [FAR_VILLAGE], 404),
    ("county", [OTHER_COUNTY], 404),
    ("county", [COUNTY], 403),  # the station of the area issues them, not the county
    ("employer", [], 403),
    ("provider", [], 403),
])
def test_nobody_else_gets_one(app, api_as, hired, role, codes, status):
    worker, _referral = hired
    assert certificate_of(api_as(role, codes), worker).status_code == status
    with app.app_context():
        assert db.session.scalar(select(func.count(EmploymentCertificate.id))) == 0


def test_another_worker_cannot_get_someone_elses(api_as, hired, make_worker):
    worker, _referral = hired
    assert certificate_of(api_as("worker", worker_id=make_worker(name="马二")), worker).status_code == 404


def test_the_printed_page_has_the_qr_code_and_no_full_id_number(app, login_as, hired):
    worker, referral = hired
    page = login_as("station", [VILLAGE], display_name="团结村劳保站")
    listed = page.get(f"/workers/{worker}/referrals").get_data(as_text=True)
    assert f'href="/workers/{worker}/employment-certificate"' in listed  # a link for the hired person
    response = page.get(f"/workers/{worker}/employment-certificate")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    code = re.search(r'data-code="([^"]+)"', html).group(1)
    assert CODE.match(code) and text_of(html, "employment-code") == code
    qr = re.search(r'<figure class="employment-qr"[^>]*data-url="([^"]+)"[^>]*>\s*<svg[^>]*class="qr"', html)
    assert qr and qr.group(1).endswith(f"/verify/{code}")
    assert text_of(html, "employment-name") == "马成" and text_of(html, "employment-employer") == EMPLOYER
    assert text_of(html, "employment-post") == "分拣员" and text_of(html, "employment-since") == china_today().isoformat()
    masked = text_of(html, "employment-id-number")
    assert masked == ID_NUMBER[:6] + "*" * 10 + ID_NUMBER[-2:]
    assert ID_NUMBER not in html and PHONE not in html
    assert "吉强镇团结村委会" in text_of(html, "employment-station")
    assert 'data-kind="local"' in html and "certificates.css" in html
    with app.app_context():  # the page and the API give the same certificate
        assert db.session.scalar(select(EmploymentCertificate.code).where(EmploymentCertificate.referral_id == referral)) == code


def test_work_outside_the_home_county_is_certified_as_work_away(app, login_as, make_worker, make_employer, make_job,
                                                                refer):
    person = make_worker(name="马成", willing_to_migrate=True)
    job = make_job(make_employer(area_code=OTHER_COUNTY), title="采摘工", area_code=OTHER_COUNTY, accommodation=True)
    move(app, refer(person, job), ReferralStatus.hired)
    html = login_as("station", [VILLAGE]).get(f"/workers/{person}/employment-certificate").get_data(as_text=True)
    assert 'data-kind="away"' in html and "望谟县" in text_of(html, "employment-place")


def test_no_link_and_no_page_for_a_person_not_in_work(login_as, person):
    page = login_as("station", [VILLAGE])
    assert "employment-certificate" not in page.get(f"/workers/{person}/referrals").get_data(as_text=True)
    assert page.get(f"/workers/{person}/employment-certificate").status_code == 409


def test_a_worker_in_work_finds_their_certificate_from_their_applications(app, login_as, hired):
    worker, _referral = hired
    page = login_as("worker", worker_id=worker)
    mine = page.get("/me/applications").get_data(as_text=True)
    link = f'href="/workers/{worker}/employment-certificate"'
    assert link in mine
    assert page.get(f"/workers/{worker}/employment-certificate").status_code == 200
