"""Access control on every route: nothing but the public pages without signing in, and each
page only for the roles it serves (ASVS V4; docs/security.md). Scoping by area, the finer half,
is tested with each package (another village's worker is 404 to a station, and so on)."""
import re

import pytest
from werkzeug.routing import Rule

# what anyone may open without signing in: the sign-in itself, the language switch, the public
# job and course lists (villagers browse them), an employer's self-registration, the API's token
# endpoint and its OpenAPI document
PUBLIC = {("POST", "/api/v1/auth/token"), ("GET", "/api/v1/openapi.json"), ("GET", "/api/docs"), ("GET", "/courses"),
          ("GET", "/courses/1"), ("GET", "/employers/register"), ("POST", "/employers/register"),
          ("GET", "/jobs"), ("GET", "/jobs/1"), ("POST", "/lang/x"), ("GET", "/login"), ("POST", "/login"),
          ("GET", "/board"), ("GET", "/board/jobs/1"), ("GET", "/api/v1/public/jobs"),  # the public job board
          ("GET", "/certificates/x"),  # a training certificate's check, its QR code's address
          ("GET", "/verify/x"),  # an employment certificate's check, its QR code's address
          ("GET", "/api/v1/public/stories"), ("GET", "/board/stories/1")}  # those who show the way (扶志)

ROLES = ("admin", "county", "station", "provider", "employer", "worker")
STAFF = {"admin", "county", "station"}
REPORTS = STAFF | {"provider"}  # the training reports: a provider's for its own courses
# page → the roles it serves (every other role gets 403)
PAGES = {
    "/alerts": STAFF, "/allocations": STAFF, "/county": STAFF, "/households": STAFF, "/referrals": STAFF,
    "/station": STAFF, "/training/demand": REPORTS, "/training/outcomes": REPORTS, "/training/planning": STAFF,
    "/training/subsidies": REPORTS, "/training/subsidies.xlsx": REPORTS, "/workers": STAFF, "/workers/export": STAFF,
    "/allocations.xlsx": STAFF, "/allocations/print": STAFF, "/allocations/slips": STAFF,
    "/households/new": {"admin", "station"}, "/workers/new": {"admin", "station"}, "/import": {"admin", "station"},
    "/households/roster": STAFF, "/risk-eliminations": {"admin", "county"},
    "/audit": {"admin"}, "/employers": {"admin", "county"},
    "/accounts": {"admin", "county"}, "/accounts/new": {"admin", "county"}, "/areas": {"admin"},
    "/provider": {"admin", "county", "provider"}, "/provider/courses/new": {"admin", "county", "provider"},
    "/jobs/new": {"admin", "county", "employer"}, "/employer": {"employer"}, "/employer/hires": {"employer"},
    "/my/courses": {"worker"}, "/my/wishes": {"worker"},
    "/me/applications": {"worker"}, "/me/edit": {"worker"}, "/me/household": {"worker"},
    "/courses": set(ROLES), "/jobs": set(ROLES), "/": set(ROLES), "/account/password": set(ROLES),
    "/board": set(ROLES), "/exemplars": STAFF,
    "/employer/subsidies": {"employer"}, "/employer/subsidies.xlsx": {"employer"},
    "/subsidies/employers": {"admin", "county"}, "/subsidies/employers.xlsx": {"admin", "county"},
}


def _concrete(rule: Rule) -> str:
    return re.sub(r"<[a-z]+:?[a-z_]*>", "x", re.sub(r"<int:[a-z_]+>", "1", rule.rule))


def test_every_route_but_the_public_ones_needs_a_signed_in_user(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)  # so that a POST reaches the sign-in check
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        url = _concrete(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method)
            if (method, url) in PUBLIC:
                assert response.status_code != 401 and "/login" not in response.headers.get("Location", ""), url
                continue
            checked += 1
            if url.startswith("/api/"):
                assert response.status_code == 401, (method, url, response.status_code)
                assert response.json["error"]["code"] == "unauthorized"
            else:
                assert response.status_code == 302 and "/login" in response.headers["Location"], (method, url)
    assert checked > 140  # every route of every package (143 when written), not a sample


def test_every_page_serves_only_its_roles(app, login_as, areas):
    listed = {r.rule for r in app.url_map.iter_rules()
              if "GET" in r.methods and "<" not in r.rule and not r.rule.startswith("/api") and r.endpoint != "static"
              and r.rule not in ("/login", "/employers/register")}
    assert listed == set(PAGES)  # a new page must be added here with the roles it serves
    for role in ROLES:
        page = login_as(role, {"county": [areas["county"]], "station": [areas["village"]]}.get(role, []))
        refused = {url for url in PAGES if page.get(url).status_code == 403}
        assert refused == {url for url, roles in PAGES.items() if role not in roles}, role


@pytest.mark.parametrize("role", ["provider", "employer", "worker"])
def test_the_registry_api_is_for_staff_only(api_as, make_worker, role):
    worker = make_worker()
    client = api_as(role)
    assert client.get("/api/v1/workers").status_code == 403
    # a worker may open a file, their own: another's is "not found" to them, not "not allowed"
    assert client.get(f"/api/v1/workers/{worker}").status_code == (404 if role == "worker" else 403)
    assert client.get("/api/v1/alerts").status_code == 403
