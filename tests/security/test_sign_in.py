"""Sign-in: failed attempts are counted before they are checked, whatever the concurrency; unknown and
known usernames get the same answer after the same work; one's password can be changed, a token
revoked, an account deactivated; every sign-in and failure is on record."""
import threading

import pytest
from sqlalchemy import func, select

import core.auth
from core.extensions import db
from core.models import AuditEvent
from tests.conftest import csrf_token

WRONG = {"password": "not-the-password"}


def token_for(client, username, password):
    return client.post("/api/v1/auth/token", json={"username": username, "password": password})


def all_at_once(app, count, call):
    """`call(client)` from `count` threads released together; the status codes, sorted."""
    statuses, start = [], threading.Barrier(count)

    def run():
        client = app.test_client()
        start.wait()
        statuses.append(call(client))

    threads = [threading.Thread(target=run) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(statuses)


def test_parallel_wrong_passwords_check_at_most_five(app, make_user):
    """The reviewer sent 200 wrong passwords at once and 134 were checked; now five are."""
    username, password = make_user("admin")
    statuses = all_at_once(app, 40, lambda c: c.post("/api/v1/auth/token",
                                                     json={"username": username, **WRONG}).status_code)
    assert statuses == [401] * 5 + [429] * 35
    assert token_for(app.test_client(), username, password).status_code == 429  # even the right one, for now
    with app.app_context():
        assert db.session.scalar(select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "login_failed", AuditEvent.entity_id == username)) == 5


def test_parallel_wrong_passwords_on_the_login_page_check_at_most_five(app, make_user):
    username, _password = make_user("admin")

    def attempt(client):
        token = csrf_token(client.get("/login").get_data(as_text=True))
        return client.post("/login", data={"username": username, "csrf_token": token, **WRONG}).status_code
    assert all_at_once(app, 20, attempt) == [200] * 5 + [429] * 15


def test_unknown_and_known_usernames_get_the_same_answer(app, client, make_user):
    username, _password = make_user("admin")
    known = [token_for(client, username, "not-the-password") for _ in range(6)]
    unknown = [token_for(client, "nobody-here", "not-the-password") for _ in range(6)]
    assert [r.status_code for r in known] == [r.status_code for r in unknown] == [401] * 5 + [429]
    assert [r.json for r in known] == [r.json for r in unknown]


def test_unknown_usernames_cost_a_password_check_too(app, client, make_user, monkeypatch):
    """A wrong password for a known user took ~100 ms, for an unknown one ~5 ms: the time told which
    usernames exist. Now an unknown username is checked against a stand-in hash."""
    username, _password = make_user("admin")
    checks = []
    real = core.auth.check_password_hash
    monkeypatch.setattr(core.auth, "check_password_hash", lambda *a: checks.append(a) or real(*a))
    monkeypatch.setattr("core.models.check_password_hash", lambda *a: checks.append(a) or real(*a))
    token_for(client, username, "not-the-password")
    token_for(client, "nobody-here", "not-the-password")
    assert len(checks) == 2


def test_sign_ins_and_failures_are_in_the_audit_log(app, client, api_as, make_user):
    username, password = make_user("admin")
    token_for(client, username, "not-the-password")
    token_for(client, username, password)
    admin = api_as("admin")
    failed = admin.get("/api/v1/audit", query_string={"action": "login_failed"}).json
    assert [(e["entity_id"], e["ip"]) for e in failed["items"]] == [(username, "127.0.0.1")]
    signed_in = admin.get("/api/v1/audit", query_string={"action": "login", "actor": username}).json
    assert signed_in["total"] == 1 and signed_in["items"][0]["actor"] == username
    assert "not-the-password" not in str(failed) and password not in str(signed_in)


def test_a_county_officer_reads_only_its_county_events(api_as, make_worker, areas):
    make_worker(household=None)
    station = api_as("station", [areas["village"]])
    station.get("/api/v1/workers/export", query_string={"area_code": areas["village"]})
    county = api_as("county", ["640422000000"]).get("/api/v1/audit").json
    assert {e["action"] for e in county["items"]} >= {"export"}
    assert all(e["area_code"] and e["area_code"].startswith("640422") for e in county["items"])
    assert api_as("county", ["522326000000"]).get("/api/v1/audit").json["total"] == 0
    for role in ("station", "employer", "provider", "worker"):
        assert api_as(role, [areas["village"]] if role == "station" else []).get("/api/v1/audit").status_code == 403


def test_changing_the_password_ends_the_other_tokens(app, client, make_user):
    username, password = make_user("admin")
    elsewhere = app.test_client()  # signed in on another device
    elsewhere.post("/login", data={"username": username, "password": password,
                                   "csrf_token": csrf_token(elsewhere.get("/login").get_data(as_text=True))})
    assert elsewhere.get("/audit").status_code == 200
    current = token_for(client, username, password).json["token"]
    other = token_for(client, username, password).json["token"]
    auth = {"Authorization": f"Bearer {current}"}
    weak = client.post("/api/v1/auth/password", json={"old": password, "new": "12345678"}, headers=auth)
    assert weak.status_code == 422 and "new" in weak.json["error"]["fields"]
    wrong = client.post("/api/v1/auth/password", json={"old": "guess-guess", "new": "Xiji-7-labour"}, headers=auth)
    assert wrong.status_code == 422 and "old" in wrong.json["error"]["fields"]
    assert client.post("/api/v1/auth/password", json={"old": password, "new": "Xiji-7-labour"},
                       headers=auth).status_code == 204
    assert client.get("/api/v1/jobs", headers={"Authorization": f"Bearer {other}"}).status_code == 401
    assert client.get("/api/v1/jobs", headers=auth).status_code == 200  # the token it came with goes on
    assert elsewhere.get("/audit").status_code == 302  # back to the sign-in page
    assert token_for(client, username, password).status_code == 401
    assert token_for(client, username, "Xiji-7-labour").status_code == 200


def test_a_revoked_token_is_refused(client, make_user):
    username, password = make_user("admin")
    token = token_for(client, username, password).json["token"]
    auth = {"Authorization": f"Bearer {token}"}
    assert client.delete("/api/v1/auth/token", headers=auth).status_code == 204
    assert client.get("/api/v1/jobs", headers=auth).status_code == 401


def test_a_deactivated_account_stops_at_once(app, client, api_as, make_user, areas):
    from core.models import User
    username, password = make_user("provider")
    token = token_for(client, username, password).json["token"]
    page = app.test_client()
    signed_in = page.post("/login", data={"username": username, "password": password,
                                          "csrf_token": csrf_token(page.get("/login").get_data(as_text=True))})
    assert signed_in.status_code == 302 and page.get("/courses").status_code == 200
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.username == username))
    admin = api_as("admin")
    assert admin.patch(f"/api/v1/users/{user_id}", json={"active": False}).json["active"] is False
    assert client.get("/api/v1/jobs", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert page.get("/provider").status_code == 302  # back to the sign-in page
    assert token_for(client, username, password).status_code == 401
    admin.patch(f"/api/v1/users/{user_id}", json={"active": True})
    assert client.get("/api/v1/jobs", headers={"Authorization": f"Bearer {token}"}).status_code == 401  # stays ended
    assert api_as("county", ["640422000000"]).patch(f"/api/v1/users/{user_id}", json={"active": False}).status_code == 403


def test_the_password_page(app, login_as, make_user):
    username, password = make_user("provider")
    page = app.test_client()
    page.post("/login", data={"username": username, "password": password,
                              "csrf_token": csrf_token(page.get("/login").get_data(as_text=True))})
    form = page.get("/account/password").get_data(as_text=True)
    refused = page.post("/account/password", data={"old": password, "new": "qwer1234", "repeat": "qwer1234",
                                                   "csrf_token": csrf_token(form)})
    assert refused.status_code == 422 and 'id="new-error"' in refused.get_data(as_text=True)
    done = page.post("/account/password", data={"old": password, "new": "Xiji-7-labour", "repeat": "Xiji-7-labour",
                                                "csrf_token": csrf_token(form)})
    assert done.status_code == 302 and page.get("/courses").status_code == 200  # still signed in here
    assert token_for(app.test_client(), username, "Xiji-7-labour").status_code == 200


@pytest.mark.parametrize("target", ["/%09/evil.example/phish", "//evil.example", "/%5Cevil.example",
                                    "https://evil.example/", "/%0A/evil.example"])
def test_sign_in_returns_only_to_this_site(app, make_user, target):
    username, password = make_user("admin")
    page = app.test_client()
    token = csrf_token(page.get("/login").get_data(as_text=True))
    response = page.post(f"/login?next={target}", data={"username": username, "password": password,
                                                         "csrf_token": token})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location == "/" or (location.startswith("/") and not location.startswith("//") and "evil" not in location)


def test_sign_in_still_returns_to_the_page_asked_for(app, make_user):
    username, password = make_user("admin")
    page = app.test_client()
    token = csrf_token(page.get("/login").get_data(as_text=True))
    response = page.post("/login?next=/workers%3Fq%3D%E9%A9%AC", data={"username": username, "password": password,
                                                                       "csrf_token": token})
    assert response.headers["Location"] == "/workers?q=%E9%A9%AC"  # 马


def test_an_account_is_deactivated_from_the_command_line(app, client, make_user):
    username, password = make_user("provider")
    token = token_for(client, username, password).json["token"]
    result = app.test_cli_runner().invoke(args=["users", "deactivate", username])
    assert result.exit_code == 0 and "deactivated" in result.output
    assert client.get("/api/v1/jobs", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert app.test_cli_runner().invoke(args=["users", "deactivate", "nobody-here"]).exit_code != 0
