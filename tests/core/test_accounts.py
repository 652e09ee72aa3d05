"""Accounts made by administrators and county officers: the initial password shown once and changed at
the first sign-in, the county's limits, password resets, and deactivation that ends every sign-in
and token at once. Through the API and through the pages."""
import re

import pytest
from sqlalchemy import select

from core.extensions import db
from core.models import AuditEvent, Role, User
from tests.conftest import COUNTY, FAR_VILLAGE, OTHER_VILLAGE, TOWNSHIP, VILLAGE, csrf_token
from tests.jobs.conftest import valid_uscc

NEW_PASSWORD = "Xiji-labour-2026"


@pytest.fixture
def new_employer(app, areas):
    """`new_employer(area_code)` -> the id of a verified employer of that area (吉强镇 unless told)."""
    from jobs import services
    from jobs.schemas import EmployerIn
    counter = iter(range(500, 10_000))

    def make(area_code=TOWNSHIP):
        n = next(counter)
        data = {"name": f"第{n}帮扶车间", "uscc": valid_uscc(n), "contact_name": "李经理",
                "contact_phone": "13800000000", "area_code": area_code}
        with app.test_request_context():
            employer = services.create_employer(db.session, EmployerIn().load(data), User(role=Role.admin, username="t"))
            db.session.commit()
            return employer.id
    return make


def token_for(client, username, password):
    return client.post("/api/v1/auth/token", json={"username": username, "password": password})


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def sign_in(app, username, password):
    """A page client after the real sign-in form, and where the sign-in sent it."""
    page = app.test_client()
    token = csrf_token(page.get("/login").get_data(as_text=True))
    response = page.post("/login", data={"username": username, "password": password, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)
    return page, response.headers["Location"]


def post_form(page, url, data, form_url=None):
    token = csrf_token(page.get(form_url or url).get_data(as_text=True))
    return page.post(url, data={**data, "csrf_token": token})


def account(app, username) -> User:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        db.session.expunge(user)
        return user


def shown_password(html: str) -> str:
    match = re.search(r'<code id="initial-password">([^<]+)</code>', html)
    assert match, "the page shows no initial password"
    return match.group(1)


# --- the API -----------------------------------------------------------------------------------

def test_an_administrator_makes_an_account_whose_user_must_change_the_initial_password(app, client, api_as, areas):
    admin = api_as("admin")
    made = admin.post("/api/v1/users", json={"username": "tuanjie_station", "role": "station",
                                             "area_codes": [VILLAGE], "display_name": "团结村协理员"})
    assert made.status_code == 201, made.json
    assert set(made.json) == {"id", "username", "initial_password"}
    initial = made.json["initial_password"]
    assert len(initial) >= 12 and initial != "tuanjie_station"
    stored = account(app, "tuanjie_station")
    assert stored.must_change_password and stored.area_codes == [VILLAGE] and initial not in stored.password_hash

    signed_in = token_for(client, "tuanjie_station", initial)
    assert signed_in.status_code == 200 and signed_in.json["must_change_password"] is True
    auth = bearer(signed_in.json["token"])
    refused = client.get("/api/v1/households", headers=auth)
    assert refused.status_code == 403 and refused.json["error"]["code"] == "must_change_password"
    assert "/api/v1/auth/password" in refused.json["error"]["message"]
    changed = client.post("/api/v1/auth/password", headers=auth, json={"old": initial, "new": NEW_PASSWORD})
    assert changed.status_code == 204
    assert client.get("/api/v1/households", headers=auth).status_code == 200
    assert account(app, "tuanjie_station").must_change_password is False

    listed = admin.get("/api/v1/users?q=tuanjie").json
    assert listed["total"] == 1 and listed["items"][0]["area_codes"] == [VILLAGE]
    assert listed["items"][0]["display_name"] == "团结村协理员"


def test_two_accounts_never_get_the_same_initial_password(api_as, areas):
    admin = api_as("admin")
    passwords = {admin.post("/api/v1/users", json={"username": f"prov{n}", "role": "provider"}).json["initial_password"]
                 for n in range(5)}
    assert len(passwords) == 5


@pytest.mark.parametrize("body, field, status", [
    ({"username": "s1", "role": "station"}, "area_codes", 422),
    ({"username": "s1", "role": "station", "area_codes": ["640422999999"]}, "area_codes", 422),
    ({"username": "s1", "role": "station", "area_codes": ["6404"]}, "area_codes.0", 422),
    ({"username": "s1", "role": "chief", "area_codes": [VILLAGE]}, "role", 422),
    ({"username": "a b", "role": "provider"}, "username", 422),
    ({"role": "provider"}, "username", 422),
    ({"username": "e1", "role": "employer"}, "employer_id", 422),
    ({"username": "e1", "role": "employer", "employer_id": 999}, "employer_id", 422),
    ({"username": "w1", "role": "worker"}, "worker_id", 422),
    ({"username": "w1", "role": "worker", "worker_id": 999}, "worker_id", 422),
    ({"username": "s1", "role": "station", "area_codes": [VILLAGE], "worker_id": 1}, "worker_id", 422),
])
def test_an_account_that_cannot_be_made_is_refused_naming_the_field(api_as, areas, body, field, status):
    admin = api_as("admin")
    before = admin.get("/api/v1/users").json["total"]
    refused = admin.post("/api/v1/users", json=body)
    assert refused.status_code == status, refused.json
    assert field in refused.json["error"]["fields"]
    assert admin.get("/api/v1/users").json["total"] == before  # nothing half-made


def test_a_taken_username_is_a_conflict(api_as, areas):
    admin = api_as("admin")
    assert admin.post("/api/v1/users", json={"username": "dup", "role": "provider"}).status_code == 201
    again = admin.post("/api/v1/users", json={"username": "dup", "role": "provider"})
    assert again.status_code == 409 and "username" in again.json["error"]["fields"]


def test_employer_and_worker_accounts_are_bound_to_what_exists(app, api_as, new_employer, make_worker):
    admin = api_as("admin")
    employer, worker = new_employer(), make_worker()
    made = admin.post("/api/v1/users", json={"username": "boss", "role": "employer", "employer_id": employer})
    assert made.status_code == 201
    boss = account(app, "boss")
    assert boss.employer_id == employer and boss.area_codes == [TOWNSHIP]  # where the employer is
    made = admin.post("/api/v1/users", json={"username": "villager", "role": "worker", "worker_id": worker})
    assert made.status_code == 201 and account(app, "villager").worker_id == worker


def test_a_county_officer_makes_and_manages_only_station_provider_and_employer_accounts_of_its_county(
        app, api_as, areas, new_employer):
    county = api_as("county", [COUNTY])
    admin = api_as("admin")
    inside = county.post("/api/v1/users", json={"username": "in_station", "role": "station", "area_codes": [VILLAGE]})
    assert inside.status_code == 201
    outside = county.post("/api/v1/users", json={"username": "far_station", "role": "station",
                                                 "area_codes": [FAR_VILLAGE]})
    assert outside.status_code == 403 and "area_codes" in outside.json["error"]["fields"]
    for role in ("county", "admin", "worker"):
        refused = county.post("/api/v1/users", json={"username": f"x_{role}", "role": role, "area_codes": [VILLAGE]})
        assert refused.status_code == 403, role
    no_area = county.post("/api/v1/users", json={"username": "p_none", "role": "provider"})
    assert no_area.status_code == 422 and "area_codes" in no_area.json["error"]["fields"]
    far_employer = new_employer("522326001000")
    refused = county.post("/api/v1/users", json={"username": "far_boss", "role": "employer",
                                                 "employer_id": far_employer})
    assert refused.status_code == 403 and "employer_id" in refused.json["error"]["fields"]
    near = county.post("/api/v1/users", json={"username": "near_boss", "role": "employer",
                                              "employer_id": new_employer()})
    assert near.status_code == 201

    far = admin.post("/api/v1/users", json={"username": "far2", "role": "station", "area_codes": [FAR_VILLAGE]}).json
    admin.post("/api/v1/users", json={"username": "mixed", "role": "provider", "area_codes": [VILLAGE, FAR_VILLAGE]})
    listed = county.get("/api/v1/users").json
    assert {u["username"] for u in listed["items"]} == {"in_station", "near_boss"} and listed["total"] == 2

    assert county.patch(f"/api/v1/users/{far['id']}", json={"active": False}).status_code == 403
    moved = county.patch(f"/api/v1/users/{inside.json['id']}", json={"area_codes": [FAR_VILLAGE]})
    assert moved.status_code == 403
    assert account(app, "in_station").area_codes == [VILLAGE]
    assert county.patch(f"/api/v1/users/{inside.json['id']}", json={"area_codes": [OTHER_VILLAGE]}).status_code == 200
    assert account(app, "in_station").area_codes == [OTHER_VILLAGE]
    assert county.post(f"/api/v1/users/{far['id']}/reset-password").status_code == 403


@pytest.mark.parametrize("role", ["station", "provider", "employer", "worker"])
def test_other_roles_manage_no_accounts(api_as, areas, role):
    client = api_as(role, [VILLAGE] if role == "station" else [])
    assert client.get("/api/v1/users").status_code == 403
    assert client.post("/api/v1/users", json={"username": "x1", "role": "provider"}).status_code == 403


def test_the_list_filters_by_role_name_and_whether_active(api_as, areas):
    admin = api_as("admin")
    ids = {}
    for name, role, codes in [("alpha_st", "station", [VILLAGE]), ("beta_pr", "provider", []),
                              ("gamma_st", "station", [OTHER_VILLAGE])]:
        ids[name] = admin.post("/api/v1/users", json={"username": name, "role": role, "area_codes": codes,
                                                      "display_name": f"{name} 站"}).json["id"]
    admin.patch(f"/api/v1/users/{ids['gamma_st']}", json={"active": False})
    names = lambda query: {u["username"] for u in admin.get(f"/api/v1/users?{query}").json["items"]}  # noqa: E731
    assert names("role=station") == {"alpha_st", "gamma_st"}
    assert names("role=station&active=true") == {"alpha_st"}
    assert names("active=false") == {"gamma_st"}
    assert names("q=beta") == {"beta_pr"}
    assert admin.get("/api/v1/users?role=chief").status_code == 422


def test_patch_changes_areas_and_name_checked_like_making(app, api_as, areas):
    admin = api_as("admin")
    user = admin.post("/api/v1/users", json={"username": "st", "role": "station", "area_codes": [VILLAGE]}).json
    refused = admin.patch(f"/api/v1/users/{user['id']}", json={"area_codes": []})
    assert refused.status_code == 422 and "area_codes" in refused.json["error"]["fields"]
    unknown = admin.patch(f"/api/v1/users/{user['id']}", json={"area_codes": ["640422100999"]})
    assert unknown.status_code == 422
    ok = admin.patch(f"/api/v1/users/{user['id']}", json={"display_name": "吉强镇团结村协理员",
                                                         "area_codes": [VILLAGE, OTHER_VILLAGE]})
    assert ok.status_code == 200 and ok.json["area_codes"] == [VILLAGE, OTHER_VILLAGE]
    assert ok.json["display_name"] == "吉强镇团结村协理员"
    assert admin.patch("/api/v1/users/99999", json={"active": False}).status_code == 404
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "update", AuditEvent.entity == "user"))
        assert event.entity_id == "st" and set(event.fields) == {"area_codes", "display_name"}


def test_a_reset_password_ends_every_sign_in_and_token_and_must_be_changed(app, client, api_as, make_user, areas):
    username, password = make_user("station", [VILLAGE])
    token = token_for(client, username, password).json["token"]
    page, _where = sign_in(app, username, password)
    assert page.get("/households").status_code == 200
    admin = api_as("admin")
    user_id = account(app, username).id
    reset = admin.post(f"/api/v1/users/{user_id}/reset-password")
    assert reset.status_code == 200 and reset.json["id"] == user_id
    fresh = reset.json["initial_password"]
    assert client.get("/api/v1/households", headers=bearer(token)).status_code == 401
    assert page.get("/households").status_code == 302 and "/login" in page.get("/households").headers["Location"]
    assert token_for(client, username, password).status_code == 401  # the old password is gone
    again = token_for(client, username, fresh)
    assert again.status_code == 200 and again.json["must_change_password"] is True
    with app.app_context():
        assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.entity_id == username,
                                                                 AuditEvent.action == "reset_password"))
    assert admin.post(f"/api/v1/users/{account(app, admin_name(app)).id}/reset-password").status_code == 422


def admin_name(app) -> str:
    with app.app_context():
        return db.session.scalar(select(User.username).where(User.role == Role.admin).order_by(User.id.desc()))


def test_deactivating_ends_page_sessions_and_tokens_at_once(app, client, api_as, make_user, areas):
    username, password = make_user("station", [VILLAGE])
    token = token_for(client, username, password).json["token"]
    page, _where = sign_in(app, username, password)
    assert page.get("/households").status_code == 200
    assert client.get("/api/v1/households", headers=bearer(token)).status_code == 200
    admin = api_as("admin")
    user_id = account(app, username).id
    assert admin.patch(f"/api/v1/users/{user_id}", json={"active": False}).json["active"] is False
    assert client.get("/api/v1/households", headers=bearer(token)).status_code == 401
    gone = page.get("/households")
    assert gone.status_code == 302 and "/login" in gone.headers["Location"]
    assert token_for(client, username, password).status_code == 401
    assert admin.patch(f"/api/v1/users/{user_id}", json={"active": True}).json["active"] is True
    assert client.get("/api/v1/households", headers=bearer(token)).status_code == 401  # ended for good
    assert token_for(client, username, password).status_code == 200


def test_an_inactive_accounts_old_cookie_and_token_are_refused_even_without_ending_them(app, client, make_user, areas):
    """core.auth.load_user and user_for_token look at the account itself, not only at the sign-in."""
    from sqlalchemy import update
    username, password = make_user("station", [VILLAGE])
    token = token_for(client, username, password).json["token"]
    page, _where = sign_in(app, username, password)
    with app.app_context():
        db.session.execute(update(User).where(User.username == username).values(active=False))
        db.session.commit()
    assert client.get("/api/v1/households", headers=bearer(token)).status_code == 401
    assert page.get("/households").status_code == 302


# --- the pages ---------------------------------------------------------------------------------

def test_an_account_made_on_the_page_shows_its_password_once_and_the_user_changes_it_first(app, login_as, areas):
    admin = login_as("admin")
    form = admin.get("/accounts/new").get_data(as_text=True)
    assert f'value="{VILLAGE}"' in form and 'name="area_codes"' in form
    made = post_form(admin, "/accounts/new", {"username": "page_station", "display_name": "团结村劳保站",
                                              "role": "station", "area_codes": [VILLAGE]})
    assert made.status_code == 200
    html = made.get_data(as_text=True)
    initial = shown_password(html)
    assert 'id="made-username">page_station<' in html
    user = account(app, "page_station")
    assert user.must_change_password and user.area_codes == [VILLAGE] and user.display_name == "团结村劳保站"
    assert initial not in admin.get(f"/accounts/{user.id}").get_data(as_text=True)  # shown that once only

    page, where = sign_in(app, "page_station", initial)
    assert where.endswith("/account/password")
    for url in ("/", "/households", "/station", "/jobs"):
        response = page.get(url)
        assert response.status_code == 302 and response.headers["Location"].endswith("/account/password"), url
    assert 'id="initial-password-note"' in page.get("/account/password").get_data(as_text=True)
    changed = post_form(page, "/account/password", {"old": initial, "new": NEW_PASSWORD, "repeat": NEW_PASSWORD})
    assert changed.status_code == 302
    assert page.get("/", follow_redirects=True).request.path == "/station"  # the station's home
    assert page.get("/households").status_code == 200
    assert account(app, "page_station").must_change_password is False


def test_a_refused_account_form_names_the_field_and_makes_nothing(app, login_as, areas):
    admin = login_as("admin")
    refused = post_form(admin, "/accounts/new", {"username": "no_area", "role": "station"})
    assert refused.status_code == 422
    assert 'id="area-codes-error"' in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(User.id).where(User.username == "no_area")) is None


def test_the_account_page_edits_deactivates_reactivates_and_resets(app, login_as, make_user, areas):
    username, password = make_user("station", [VILLAGE])
    user_id = account(app, username).id
    user_page, _where = sign_in(app, username, password)
    admin = login_as("admin")
    url = f"/accounts/{user_id}"
    saved = post_form(admin, url, {"display_name": "龙王坝村协理员", "area_codes": [VILLAGE, OTHER_VILLAGE]})
    assert saved.status_code == 302
    user = account(app, username)
    assert user.display_name == "龙王坝村协理员" and user.area_codes == [VILLAGE, OTHER_VILLAGE]
    assert 'id="deactivate"' in admin.get(url).get_data(as_text=True)

    assert post_form(admin, f"{url}/deactivate", {}, form_url=url).status_code == 302
    assert account(app, username).active is False
    gone = user_page.get("/households")
    assert gone.status_code == 302 and "/login" in gone.headers["Location"]
    assert 'data-active="0"' in admin.get(url).get_data(as_text=True)

    assert post_form(admin, f"{url}/reactivate", {}, form_url=url).status_code == 302
    assert account(app, username).active is True

    reset = post_form(admin, f"{url}/reset-password", {}, form_url=url)
    fresh = shown_password(reset.get_data(as_text=True))
    _page, where = sign_in(app, username, fresh)
    assert where.endswith("/account/password")


def test_the_list_shows_role_areas_and_state_and_filters(app, login_as, api_as, areas):
    admin_api = api_as("admin")
    for name, role, codes in [("list_st", "station", [VILLAGE]), ("list_pr", "provider", [TOWNSHIP])]:
        admin_api.post("/api/v1/users", json={"username": name, "role": role, "area_codes": codes})
    admin = login_as("admin")
    html = admin.get("/accounts").get_data(as_text=True)
    row = re.search(r'<li class="account-row" data-username="list_st".*?</li>', html, re.S).group(0)
    assert 'data-role="station"' in row and 'data-active="1"' in row and "团结村委会" in row
    filtered = admin.get("/accounts?role=provider").get_data(as_text=True)
    assert 'data-username="list_pr"' in filtered and 'data-username="list_st"' not in filtered
    assert 'data-username="list_pr"' not in admin.get("/accounts?q=list_st").get_data(as_text=True)
    assert 'id="menu-accounts"' in html


def test_a_county_officer_sees_only_its_countys_accounts_on_the_pages(app, login_as, api_as, areas):
    admin_api = api_as("admin")
    near = admin_api.post("/api/v1/users", json={"username": "near_st", "role": "station",
                                                 "area_codes": [VILLAGE]}).json
    far = admin_api.post("/api/v1/users", json={"username": "far_st", "role": "station",
                                                "area_codes": [FAR_VILLAGE]}).json
    county = login_as("county", [COUNTY])
    html = county.get("/accounts").get_data(as_text=True)
    assert 'data-username="near_st"' in html and 'data-username="far_st"' not in html
    assert county.get(f"/accounts/{near['id']}").status_code == 200
    assert county.get(f"/accounts/{far['id']}").status_code == 403
    form = county.get("/accounts/new").get_data(as_text=True)
    assert f'value="{VILLAGE}"' in form and f'value="{FAR_VILLAGE}"' not in form
    assert 'value="county"' not in form and 'value="station"' in form
    refused = post_form(county, "/accounts/new", {"username": "sneaky", "role": "station",
                                                  "area_codes": [FAR_VILLAGE]})
    assert refused.status_code == 422 and 'id="area-codes-error"' in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(User.id).where(User.username == "sneaky")) is None
    assert 'id="menu-accounts"' in html


def test_an_employer_account_is_made_by_choosing_the_employer_by_name(app, login_as, api_as, areas, new_employer):
    """The county officer picks the employer from a list of those inside its county with no account
    yet (no number to look up); one that has an account, or lies outside, is not offered."""
    near, served = new_employer(), new_employer()
    new_employer("522326001000")  # in another county
    api_as("admin").post("/api/v1/users", json={"username": "served", "role": "employer", "employer_id": served})
    officer = login_as("county", [COUNTY])
    listed = officer.get("/employers").get_data(as_text=True)
    assert f'href="/accounts/new?role=employer&amp;employer_id={near}"' in listed
    assert f"employer_id={served}" not in listed
    form = officer.get(f"/accounts/new?role=employer&employer_id={near}").get_data(as_text=True)
    options = dict(re.findall(r'<option (?:selected )?value="(\d+)"[^>]*>([^<]+)</option>', form))
    assert set(options) == {str(near)}  # not the far one, not the one with an account
    assert re.search(rf'<option selected value="{near}"', form)
    made = post_form(officer, "/accounts/new", {"username": "near_boss", "role": "employer",
                                                "employer_id": str(near)}, form_url="/accounts/new")
    assert made.status_code == 200 and account(app, "near_boss").employer_id == near
    assert f"employer_id={near}" not in officer.get("/employers").get_data(as_text=True)


def test_an_administrator_opens_a_persons_account_from_their_page(app, login_as, make_worker, areas):
    worker = make_worker(name="马成")
    admin = login_as("admin")
    page = admin.get(f"/workers/{worker}").get_data(as_text=True)
    assert f'href="/accounts/new?role=worker&amp;worker_id={worker}"' in page
    assert 'id="open-account"' not in login_as("station", [VILLAGE]).get(f"/workers/{worker}").get_data(as_text=True)
    form = admin.get(f"/accounts/new?role=worker&worker_id={worker}").get_data(as_text=True)
    assert "马成" in re.search(r'id="bound-worker"[^>]*>([^<]+)<', form)[1]
    made = post_form(admin, "/accounts/new", {"username": "macheng", "role": "worker", "worker_id": str(worker)},
                     form_url="/accounts/new")
    assert made.status_code == 200 and account(app, "macheng").worker_id == worker
    assert 'id="open-account"' not in admin.get(f"/workers/{worker}").get_data(as_text=True)  # one account a person
