"""The public job board (issue 17): `GET /api/v1/public/jobs` and `/board` without signing in,
filtered by place, skill, housing and wage; full postings marked 已招满 with no apply button;
closed, expired and unverified postings left out; a printable notice with a QR code of the
posting's public page, for staff and the posting's employer. Nobody's name or phone on any of
them."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import update

from core.extensions import db
from core.models import Role, User, china_today
from jobs import referral_lifecycle, services
from jobs.models import Job, ReferralStatus
from tests.conftest import COUNTY, FAR_VILLAGE, OTHER_COUNTY, OTHER_VILLAGE, TOWNSHIP, VILLAGE

WORKER_NAME, WORKER_PHONE = "马晓燕", "13995001234"
CONTACT_NAME, CONTACT_PHONE = "李建国", "13700001111"
ADMIN = User(role=Role.admin, username="t")


def found(client, **query) -> list[int]:
    response = client.get("/api/v1/public/jobs", query_string=query)
    assert response.status_code == 200, response.json
    return [j["id"] for j in response.json["items"]]


def card_ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'class="board-card" data-job-id="(\d+)"', html)]


@pytest.fixture
def fill(app, make_worker, refer):
    """`fill(job_id)` hires the posting's last opening (of one) through the real lifecycle."""
    def do(job_id: int, **worker_fields) -> int:
        worker = make_worker(**worker_fields)
        referral = refer(worker, job_id)
        with app.test_request_context():
            lifecycle_referral = referral_lifecycle.get_referral(db.session, referral, ADMIN)
            referral_lifecycle.change_referral(db.session, lifecycle_referral, ReferralStatus.hired, ADMIN)
            db.session.commit()
        return worker
    return do


@pytest.fixture
def board(app, make_employer, make_job, fill):
    """Postings in 吉强镇 (团结村, 龙王坝村, the township itself) and in 望谟县, one full (its
    hire is a person with a name and a phone), one closed, one expired, one of an unverified employer."""
    employer = make_employer(contact_name=CONTACT_NAME, contact_phone=CONTACT_PHONE)
    far = make_employer(area_code=OTHER_COUNTY)
    ids = {
        "welder": make_job(employer, title="电焊工", area_code=VILLAGE, required_skills=["电焊"], wage_min=4000,
                           wage_max=6000, accommodation=True, meals=True,
                           description=f"包吃住，电话{CONTACT_PHONE}"),
        "picker": make_job(employer, title="采摘工", area_code=OTHER_VILLAGE, wage_min=120, wage_max=150,
                           wage_unit="day", starts_on=(china_today() + timedelta(days=3)).isoformat()),
        "sewing": make_job(employer, title="缝纫工", area_code=TOWNSHIP, wage_min=2, wage_max=3,
                           wage_unit="piece", meals=True),
        "far": make_job(far, title="砌筑工", wage_min=7000, wage_max=9000, accommodation=True),
        "full": make_job(employer, title="保洁员", area_code=VILLAGE, openings=1, wage_min=2500, wage_max=2500),
        "closed": make_job(employer, title="已关闭的岗位"),
        "expired": make_job(employer, title="已过期的岗位"),
        "unverified": make_job(make_employer(verified=False), title="未审核企业的岗位"),
    }
    fill(ids["full"], name=WORKER_NAME, phone=WORKER_PHONE)
    with app.test_request_context():
        services.close_job(db.session, db.session.get(Job, ids["closed"]), ADMIN)
        db.session.execute(update(Job).where(Job.id == ids["expired"])
                           .values(expires_on=china_today() - timedelta(days=1)))
        db.session.commit()
    return ids


# --- the API ---------------------------------------------------------------------------------------

def test_anyone_lists_open_postings_full_ones_last_without_signing_in(client, board):
    response = client.get("/api/v1/public/jobs")
    assert response.status_code == 200
    ids = [j["id"] for j in response.json["items"]]
    assert set(ids) == {board[k] for k in ("welder", "picker", "sewing", "far", "full")}
    assert response.json["total"] == 5
    assert ids[-1] == board["full"], "a full posting comes after those still hiring"
    items = {j["id"]: j for j in response.json["items"]}
    welder, full = items[board["welder"]], items[board["full"]]
    assert set(welder) == {"id", "title", "employer_name", "area_code", "area_name", "wage_min", "wage_max",
                           "wage_unit", "openings_left", "accommodation", "meals", "starts_on", "expires_on"}
    assert welder["area_name"] == "吉强镇团结村委会" and welder["area_code"] == VILLAGE
    assert (welder["wage_min"], welder["wage_max"], welder["wage_unit"]) == (4000, 6000, "month")
    assert welder["accommodation"] is True and welder["meals"] is True and welder["openings_left"] == 2
    assert full["openings_left"] == 0
    assert items[board["sewing"]]["area_name"] == "吉强镇" and items[board["sewing"]]["wage_unit"] == "piece"
    assert items[board["far"]]["area_name"] == "望谟县", "a posting placed at its county says the county"


def test_the_api_filters_by_place_of_any_level(client, board):
    in_township = {board[k] for k in ("welder", "picker", "sewing", "full")}
    assert set(found(client, area_code=COUNTY)) == in_township
    assert set(found(client, area_code=TOWNSHIP)) == in_township
    assert set(found(client, area_code=VILLAGE)) == {board["welder"], board["full"]}
    assert found(client, area_code=OTHER_COUNTY) == [board["far"]]
    assert found(client, area_code=FAR_VILLAGE) == []


def test_the_api_filters_by_skill_housing_and_monthly_wage(client, board):
    assert found(client, skill="会电焊") == [board["welder"]]
    assert set(found(client, accommodation="true")) == {board["welder"], board["far"]}
    assert board["welder"] not in found(client, accommodation="false")
    # a monthly range reaching the wish; a day wage of 150 is 3,300 in 22 days; a piece rate promises no sum
    assert set(found(client, wage_min=3300)) == {board["welder"], board["picker"], board["far"]}
    assert set(found(client, wage_min=3400)) == {board["welder"], board["far"]}
    assert found(client, wage_min=8000) == [board["far"]]
    assert set(found(client, wage_min=0)) == set(found(client))
    assert found(client, area_code=TOWNSHIP, accommodation="1", wage_min=5000) == [board["welder"]]


def test_the_api_pages(client, board):
    first = client.get("/api/v1/public/jobs", query_string={"limit": 2}).json
    rest = client.get("/api/v1/public/jobs", query_string={"limit": 2, "offset": 2}).json
    assert first["total"] == rest["total"] == 5 and len(first["items"]) == len(rest["items"]) == 2
    assert not {j["id"] for j in first["items"]} & {j["id"] for j in rest["items"]}


@pytest.mark.parametrize("query, field", [
    ({"wage_min": "abc"}, "wage_min"), ({"wage_min": "-5"}, "wage_min"), ({"area_code": "6404"}, "area_code"),
    ({"area_code": "640422999000"}, "area_code"), ({"accommodation": "maybe"}, "accommodation"),
    ({"limit": "0"}, "limit"), ({"skill": "x" * 65}, "skill")])
def test_bad_filters_are_refused_naming_the_field(client, areas, query, field):
    response = client.get("/api/v1/public/jobs", query_string=query)
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {field}


# --- the board pages ---------------------------------------------------------------------------

def test_the_board_shows_cards_with_place_wage_unit_openings_and_badges(client, board):
    response = client.get("/board")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert set(card_ids(html)) == {board[k] for k in ("welder", "picker", "sewing", "far", "full")}
    card = re.search(rf'data-job-id="{board["welder"]}".*?</li>', html, re.S).group(0)
    assert "吉强镇团结村委会" in card and "4000–6000 元/月" in card
    assert 'data-openings-left="2"' in card
    assert 'data-flag="meals"' in card and 'data-flag="accommodation"' in card
    picker = re.search(rf'data-job-id="{board["picker"]}".*?</li>', html, re.S).group(0)
    assert "120–150 元/天" in picker and 'data-flag' not in picker
    sewing = re.search(rf'data-job-id="{board["sewing"]}".*?</li>', html, re.S).group(0)
    assert 'data-wage-unit="piece"' in sewing and "2–3 " in sewing and "计件" not in sewing, \
        "a piece rate says its unit, per piece (not the bare 计件)"
    full = re.search(rf'data-job-id="{board["full"]}".*?</li>', html, re.S).group(0)
    assert 'data-state="full"' in full and 'class="openings-left"' not in full


def test_the_board_filters_by_township_housing_and_wage(client, board):
    html = client.get("/board", query_string={"area_code": TOWNSHIP, "accommodation": "1",
                                              "wage_min": "5000"}).get_data(as_text=True)
    assert card_ids(html) == [board["welder"]]
    assert f'<option value="{TOWNSHIP}" selected>' in html, "the chosen township stays chosen"
    assert 'id="accommodation" name="accommodation" value="1" checked' in html
    assert card_ids(client.get("/board", query_string={"area_code": OTHER_COUNTY}).get_data(as_text=True)) \
        == [board["far"]]
    assert card_ids(client.get("/board", query_string={"skill": "会电焊"}).get_data(as_text=True)) \
        == [board["welder"]]


def test_a_bad_filter_on_the_board_is_named_and_the_others_still_apply(client, board):
    response = client.get("/board", query_string={"wage_min": "很多", "area_code": VILLAGE})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="wage_min-error"' in html and 'aria-invalid="true" aria-describedby="wage_min-error"' in html
    assert 'data-field="wage_min"' in html
    assert set(card_ids(html)) == {board["welder"], board["full"]}
    unknown = client.get("/board", query_string={"area_code": "640422999000"})
    assert unknown.status_code == 400 and 'id="area_code-error"' in unknown.get_data(as_text=True)
    assert len(card_ids(unknown.get_data(as_text=True))) == 5


def test_a_postings_public_page_tells_how_to_apply(client, board):
    response = client.get(f"/board/jobs/{board['picker']}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="how-to-apply"' in html and 'id="sign-in-to-apply"' in html and 'id="apply-form"' not in html
    assert "120–150 元/天" in html and "吉强镇龙王坝村委会" in html
    assert f'href="/login?next=/board/jobs/{board["picker"]}"' in html


def test_a_signed_in_worker_applies_from_the_public_page_but_not_for_a_full_posting(
        app, login_as, make_worker, board):
    worker = make_worker()
    page = login_as("worker", worker_id=worker)
    html = page.get(f"/board/jobs/{board['picker']}").get_data(as_text=True)
    assert f'action="/jobs/{board["picker"]}/my-application"' in html
    full = page.get(f"/board/jobs/{board['full']}").get_data(as_text=True)
    assert 'id="apply-form"' not in full and 'id="posting-full"' in full and 'data-state="full"' in full
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    assert page.post(f"/jobs/{board['picker']}/my-application", data={"csrf_token": token}).status_code == 302
    with app.app_context():
        referral = referral_lifecycle.list_referrals(db.session, ADMIN, worker_id=worker)[0][0]
        assert referral.job_id == board["picker"]


@pytest.mark.parametrize("kind", ["closed", "expired", "unverified"])
def test_postings_not_open_have_no_public_page(client, board, kind):
    assert client.get(f"/board/jobs/{board[kind]}").status_code == 404
    assert client.get("/board/jobs/99999999999").status_code == 404


def test_full_postings_say_filled_on_the_signed_in_pages_too(login_as, board):
    page = login_as("admin")
    html = page.get(f"/jobs/{board['full']}").get_data(as_text=True)
    assert 'data-state="full"' in html and 'data-state="open"' not in html
    assert 'data-state="open"' in page.get(f"/jobs/{board['welder']}").get_data(as_text=True)


# --- nobody's personal data --------------------------------------------------------------------

def test_no_name_or_phone_of_a_person_reaches_the_public(client, login_as, board):
    pages = [client.get("/api/v1/public/jobs").get_data(as_text=True), client.get("/board").get_data(as_text=True)]
    pages += [client.get(f"/board/jobs/{board[k]}").get_data(as_text=True) for k in ("welder", "full")]
    pages.append(login_as("admin").get(f"/jobs/{board['welder']}/notice").get_data(as_text=True))
    for html in pages:
        for secret in (WORKER_NAME, WORKER_PHONE, CONTACT_NAME, CONTACT_PHONE):
            assert secret not in html
        assert "13800000000" not in html  # the builders' own contact phone
    welder_page = pages[2]
    assert "包吃住，电话•••" in welder_page, "the description is shown, its mobile number blotted out"
    assert client.get("/api/v1/public/jobs").json["items"][0]["employer_name"].startswith("西吉县第")


# --- the printed notice ------------------------------------------------------------------------

def test_staff_print_a_notice_with_a_qr_code_of_the_public_page(login_as, board):
    response = login_as("station", [VILLAGE]).get(f"/jobs/{board['welder']}/notice")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert re.search(r'<svg[^>]*class="qr"', html)
    assert f'data-url="http://localhost/board/jobs/{board["welder"]}"' in html
    assert "4000–6000 元/月" in html and "吉强镇团结村委会" in html and 'data-openings-left="2"' in html
    assert 'data-meals="yes" data-accommodation="yes"' in html
    assert "吉强镇团结村委会" in re.search(r'id="notice-how".*?</div>', html, re.S).group(0), \
        "a station's notice names where to apply"
    assert 'id="notice-not-public"' not in html


def test_the_posting_page_links_its_notice_for_staff_and_its_employer_only(login_as, board):
    assert 'id="notice-link"' in login_as("county", [COUNTY]).get(f"/jobs/{board['welder']}").get_data(as_text=True)
    assert 'id="notice-link"' not in login_as("worker").get(f"/jobs/{board['welder']}").get_data(as_text=True)


def test_only_staff_and_the_postings_employer_print_its_notice(app, client, login_as, board):
    with app.app_context():
        employer_id = db.session.get(Job, board["welder"]).employer_id
        other_id = db.session.get(Job, board["far"]).employer_id
    url = f"/jobs/{board['welder']}/notice"
    own = login_as("employer", employer_id=employer_id)
    assert own.get(url).status_code == 200
    assert 'id="notice-link"' in own.get(f"/jobs/{board['welder']}").get_data(as_text=True)
    assert login_as("employer", employer_id=other_id).get(url).status_code == 403
    assert login_as("worker").get(url).status_code == 403
    assert login_as("provider").get(url).status_code == 403
    assert "/login" in client.get(url).headers["Location"]
    closed = login_as("admin").get(f"/jobs/{board['closed']}/notice")
    assert closed.status_code == 200 and 'id="notice-not-public"' in closed.get_data(as_text=True)
    assert login_as("admin").get("/jobs/99999999999/notice").status_code == 404
