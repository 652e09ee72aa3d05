"""Sign-in, tokens, roles, throttling, CSRF, cookies and security headers."""
import re

import pytest

from tests.conftest import VILLAGE, csrf_token


def test_token_for_good_credentials_and_401_otherwise(client, make_user):
    username, password = make_user("admin")
    ok = client.post("/api/v1/auth/token", json={"username": username, "password": password})
    assert ok.status_code == 200 and len(ok.json["token"]) > 20
    bad = client.post("/api/v1/auth/token", json={"username": username, "password": "wrong-password"})
    assert bad.status_code == 401 and bad.json["error"]["code"] == "unauthorized"
    token = ok.json["token"]
    assert client.get("/api/v1/occupations/resolve?q=电焊", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_missing_or_bad_token_is_401(client, areas):
    assert client.get("/api/v1/workers").status_code == 401
    response = client.get("/api/v1/workers", headers={"Authorization": "Bearer not-a-token"})
    assert response.status_code == 401 and "error" in response.json


def test_tokens_are_stored_hashed(app, client, make_user):
    from sqlalchemy import select

    from core.extensions import db
    from core.models import ApiToken
    username, password = make_user("admin")
    token = client.post("/api/v1/auth/token", json={"username": username, "password": password}).json["token"]
    with app.app_context():
        stored = db.session.scalars(select(ApiToken.token_hash)).all()
    assert stored and token not in stored


def test_role_not_allowed_is_403(api_as, areas):
    employer = api_as("employer")
    response = employer.post("/api/v1/households", json={"code": "H1", "village_code": VILLAGE})
    assert response.status_code == 403 and response.json["error"]["code"] == "forbidden"


def test_token_endpoint_is_throttled_after_repeated_failures(client, make_user):
    username, password = make_user("admin")
    statuses = [client.post("/api/v1/auth/token", json={"username": username, "password": "nope-nope"}).status_code
                for _ in range(6)]
    assert statuses[:5] == [401] * 5 and statuses[5] == 429
    locked = client.post("/api/v1/auth/token", json={"username": username, "password": password})
    assert locked.status_code == 429 and locked.json["error"]["code"] == "too_many_requests"


def test_successful_sign_ins_are_not_throttled(client, make_user):
    username, password = make_user("admin")
    for _ in range(8):
        assert client.post("/api/v1/auth/token", json={"username": username, "password": password}).status_code == 200


def test_login_page_is_throttled_after_repeated_failures(app, make_user):
    username, _ = make_user("admin")
    page = app.test_client()
    statuses = []
    for _ in range(6):
        token = csrf_token(page.get("/login").get_data(as_text=True))
        statuses.append(page.post("/login", data={"username": username, "password": "wrong-one",
                                                  "csrf_token": token}).status_code)
    assert statuses[:5] == [200] * 5 and statuses[5] == 429


def test_login_and_logout_through_the_pages(app, make_user):
    username, password = make_user("admin")
    page = app.test_client()
    assert page.get("/").status_code == 302  # to the login page
    token = csrf_token(page.get("/login").get_data(as_text=True))
    signed_in = page.post("/login", data={"username": username, "password": password, "csrf_token": token})
    assert signed_in.status_code == 302
    assert page.get("/", follow_redirects=True).status_code == 200  # the role's start page
    token = csrf_token(page.get("/", follow_redirects=True).get_data(as_text=True))
    assert page.post("/logout", data={"csrf_token": token}).status_code == 302
    assert page.get("/").status_code == 302


def test_forms_without_csrf_token_are_refused(app, login_as, areas):
    page = login_as("station", [VILLAGE])
    response = page.post("/households/new", data={"code": "H9", "village_code": VILLAGE})
    assert response.status_code == 400
    assert page.post("/logout").status_code == 400
    anonymous = app.test_client()
    assert anonymous.post("/login", data={"username": "x", "password": "y"}).status_code == 400


def test_security_headers_and_cookie_flags(app, make_user):
    username, password = make_user("admin")
    page = app.test_client()
    response = page.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert not re.search(r"https?://", csp), "no third-party host in the CSP"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    token = csrf_token(response.get_data(as_text=True))
    signed_in = page.post("/login", data={"username": username, "password": password, "csrf_token": token})
    cookie = signed_in.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_pages_load_no_third_party_resources(login_as, areas):
    html = login_as("station", [VILLAGE]).get("/").get_data(as_text=True)
    assert not re.search(r'(src|href)="https?://', html)


def test_behind_a_proxy_each_client_is_throttled_on_its_own(database_url, make_user):
    """With PROXY_COUNT set, the address counted is the client's from X-Forwarded-For, not the
    proxy's: a client trying username after username is stopped, another villager behind the same
    proxy is not."""
    import uuid

    from cryptography.fernet import Fernet

    from application import create_app
    proxied = create_app({"APP_ENV": "test", "TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url,
                          "SECRET_KEY": uuid.uuid4().hex, "PII_KEY": Fernet.generate_key().decode(),
                          "PROXY_COUNT": 1, "LOGIN_ADDRESS_THROTTLE": "3 per 5 minutes"})
    usernames = [make_user("admin")[0] for _ in range(4)]
    client = proxied.test_client()

    def attempt(address, username):
        return client.post("/api/v1/auth/token", json={"username": username, "password": "nope-nope"},
                           headers={"X-Forwarded-For": address}).status_code
    assert [attempt("10.0.0.7", name) for name in usernames] == [401, 401, 401, 429]
    assert attempt("10.0.0.8", usernames[3]) == 401  # another client behind the same proxy is not locked out


def test_short_and_common_passwords_are_refused(app):
    from core.auth import create_user
    from core.errors import ValidationFailed
    from core.extensions import db
    from core.models import Role
    with app.test_request_context():
        for weak in ("1234567", "12345678", "password", "qwer1234", "88888888", "short-one1"):
            with pytest.raises(ValidationFailed) as refused:
                create_user(db.session, "short-one1", weak, Role.admin)
            assert "password" in refused.value.fields, weak
        assert create_user(db.session, "long-enough", "Xiji-7-labour", Role.admin).id is not None


def test_passwords_are_stored_as_scrypt_hashes_unless_configured(database_url):
    """The application's own setting (the suite runs on a cheap one, see tests/conftest.py): a
    password is kept as a salted scrypt hash, which signs in and refuses a wrong password."""
    import uuid

    from cryptography.fernet import Fernet

    from application import create_app
    from core.auth import create_user
    from core.extensions import db
    from core.models import Role
    as_shipped = create_app({"APP_ENV": "test", "TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url,
                             "SECRET_KEY": uuid.uuid4().hex, "PII_KEY": Fernet.generate_key().decode()})
    with as_shipped.app_context():
        user = create_user(db.session, "scrypt-user", "Tuanjie-2026-pw", Role.admin)
        assert user.password_hash.startswith("scrypt:32768:8:1$") and "Tuanjie-2026-pw" not in user.password_hash
        assert user.check_password("Tuanjie-2026-pw") and not user.check_password("Tuanjie-2026-px")
        db.session.rollback()
