"""The review's low findings: no 500 for hostile input, exports kept by no cache, cookies and HSTS
over HTTPS, secrets and names that cannot be used, and sign-up that tells nothing of usernames."""
import uuid

import pytest
from cryptography.fernet import Fernet

from core.config import ConfigError, load_config
from tests.conftest import VILLAGE, csrf_token, id_number
from tests.jobs.conftest import valid_uscc

HUGE = "99999999999999999999"


def test_a_huge_page_number_is_an_empty_page_not_a_500(app, client, login_as, make_worker):
    make_worker()
    assert client.get(f"/jobs?page={HUGE}").status_code == 200
    station = login_as("station", [VILLAGE])
    for url in ("/workers", "/households", "/alerts", "/referrals", "/training/subsidies"):
        assert station.get(f"{url}?page={HUGE}").status_code == 200, url
    assert login_as("admin").get(f"/audit?page={HUGE}").status_code == 200


def test_deeply_nested_json_is_a_400(client, api_as, areas):
    deep = "[" * 100_000 + "]" * 100_000
    for url in ("/api/v1/auth/token", "/api/v1/jobs"):
        response = client.post(url, data=deep, content_type="application/json")
        assert response.status_code == 400, url
    assert client.post("/api/v1/auth/token", data=deep, content_type="application/json").json["error"]["code"] \
        == "bad_request"
    answer = api_as("station", [VILLAGE]).post("/api/v1/households", data=deep, content_type="application/json")
    assert answer.status_code == 400


def test_a_line_break_in_the_export_area_is_refused(api_as, login_as, areas):
    page = login_as("station", [VILLAGE]).get("/workers/export?area=640422100200%0d%0aSet-Cookie:%20x=1")
    assert page.status_code == 422 and "Set-Cookie" not in page.headers
    api = api_as("station", [VILLAGE]).get("/api/v1/workers/export", query_string={"area_code": "6404\r\nX: 1"})
    assert api.status_code == 422 and "area_code" in api.json["error"]["fields"]


def test_exports_are_kept_by_no_cache(api_as, login_as, make_worker):
    make_worker()
    download = api_as("station", [VILLAGE]).get("/api/v1/workers/export", query_string={"area_code": VILLAGE})
    assert download.status_code == 200 and download.headers["Cache-Control"] == "no-store"
    page = login_as("station", [VILLAGE])
    for url in (f"/workers/export?area={VILLAGE}", "/training/subsidies.xlsx", f"/allocations.xlsx?area={VILLAGE}"):
        response = page.get(url)
        assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store", url


def test_over_https_cookies_are_secure_and_hsts_is_sent(database_url, make_user, monkeypatch):
    from application import create_app
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "1")
    secure = create_app({"APP_ENV": "test", "TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url,
                         "SECRET_KEY": uuid.uuid4().hex, "PII_KEY": Fernet.generate_key().decode()})
    username, password = make_user("admin")
    page = secure.test_client()
    form = page.get("/login", base_url="https://station.example")
    assert form.headers["Strict-Transport-Security"].startswith("max-age=")
    signed_in = page.post("/login", base_url="https://station.example", headers={"Referer": "https://station.example/login"},
                          data={"username": username, "password": password, "remember": "y",
                                "csrf_token": csrf_token(form.get_data(as_text=True))})
    cookies = signed_in.headers.getlist("Set-Cookie")
    assert any(c.startswith("remember_token=") for c in cookies)
    assert all("Secure" in c for c in cookies)
    assert "Strict-Transport-Security" not in secure.test_client().get("/login").headers  # not over plain HTTP


@pytest.mark.parametrize("key", ["x", "short-secret", "0" * 31])
def test_a_guessable_secret_key_is_refused(tmp_path, key):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config(str(tmp_path), {"APP_ENV": "test", "SECRET_KEY": key, "PII_KEY": Fernet.generate_key().decode()})
    with pytest.raises(ConfigError, match="PII_KEY"):
        load_config(str(tmp_path), {"APP_ENV": "test", "SECRET_KEY": "k" * 64, "PII_KEY": "not-a-key"})


@pytest.mark.parametrize("name", ["\u200b", " \u200b\u200b ", "马\u202e成", "马\u200b成"])
def test_invisible_and_reversing_characters_are_refused(api_as, make_household, name):
    household = make_household()
    answer = api_as("station", [VILLAGE]).post("/api/v1/workers", json={
        "id_number": id_number("19900101", 51), "name": name, "household_code": household})
    assert answer.status_code == 422 and "name" in answer.json["error"]["fields"]


def test_invisible_characters_around_a_name_are_dropped(api_as, make_household):
    answer = api_as("station", [VILLAGE]).post("/api/v1/workers", json={
        "id_number": id_number("19900101", 52), "name": "\u2066马成\u200b ", "household_code": make_household()})
    assert answer.status_code == 201 and answer.json["name"] == "马成"


def test_sign_up_tells_nothing_of_usernames(app, client, areas, make_user):
    """The sign-up said a username "已存在"; now there is no username to choose: employers sign in with
    their credit code, and a code that is taken (by a company or by any account) gets one answer."""
    page = client.get("/employers/register").get_data(as_text=True)
    assert 'name="username"' not in page
    form = {"name": "兴隆镇刺绣合作社", "kind": "cooperative", "area_code": "640422100000", "password": "Xiji-7-labour",
            "confirm": "Xiji-7-labour",
            "csrf_token": csrf_token(page)}
    assert client.post("/employers/register", data={**form, "uscc": valid_uscc(701)}).status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/employer").get_data(as_text=True))})
    from core.auth import create_user
    from core.extensions import db
    from core.models import Role
    with app.app_context():  # an account someone named after a code
        create_user(db.session, valid_uscc(702), "Xiji-7-labour", Role.admin)
        db.session.commit()
    answers = [client.post("/employers/register", data={**form, "uscc": valid_uscc(n),
                                                        "csrf_token": csrf_token(client.get("/employers/register")
                                                                                 .get_data(as_text=True))})
               for n in (701, 702)]
    assert [a.status_code for a in answers] == [422, 422]
    errors = [a.get_data(as_text=True).split('id="uscc-error">')[1].split("<")[0] for a in answers]
    assert errors[0] == errors[1]

