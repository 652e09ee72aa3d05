"""The API's error body, friendly pages, the OpenAPI document and the interface language."""
from tests.conftest import VILLAGE


def test_malformed_json_is_a_clean_4xx(api_as, areas):
    station = api_as("station", [VILLAGE])
    response = station.post("/api/v1/households", data="{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert set(response.json["error"]) == {"code", "message", "fields"}


def test_wrong_types_and_unknown_fields_are_named(api_as, areas):
    station = api_as("station", [VILLAGE])
    response = station.post("/api/v1/households", json={"code": 5, "village_code": VILLAGE,
                                                         "lifted_out": "perhaps", "colour": "red"})
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {"code", "lifted_out", "colour"}


def test_unknown_api_path_is_json_404(api_as):
    response = api_as("admin").get("/api/v1/nothing-here")
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"


def test_unknown_page_is_a_friendly_chinese_page(login_as):
    response = login_as("admin").get("/no-such-page")
    assert response.status_code == 404
    assert "未找到" in response.get_data(as_text=True) or "找不到" in response.get_data(as_text=True)


def test_openapi_document_describes_the_registry(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json
    assert spec["openapi"].startswith("3.")
    for path in ("/api/v1/auth/token", "/api/v1/areas", "/api/v1/households", "/api/v1/households/{code}",
                 "/api/v1/households/import", "/api/v1/workers", "/api/v1/workers/{worker_id}",
                 "/api/v1/workers/import", "/api/v1/workers/export", "/api/v1/occupations/resolve",
                 "/api/v1/employers", "/api/v1/jobs", "/api/v1/jobs/{job_id}", "/api/v1/jobs/{job_id}/candidates",
                 "/api/v1/referrals", "/api/v1/referrals/{referral_id}"):
        assert path in spec["paths"], path
    worker_in = spec["components"]["schemas"]["WorkerIn"]["properties"]
    assert worker_in["education"]["enum"][0] == "illiterate"
    assert spec["components"]["schemas"]["JobIn"]["properties"]["physical_demand"]["enum"] == ["light", "medium", "heavy"]
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_pages_are_chinese_by_default_and_english_on_request(login_as):
    from tests.conftest import csrf_token
    page = login_as("admin")
    html = page.get("/", follow_redirects=True).get_data(as_text=True)
    assert 'lang="zh-CN"' in html and "退出" in html
    token = csrf_token(html)
    page.post("/lang/en", data={"csrf_token": token, "next": "/"})
    html = page.get("/", follow_redirects=True).get_data(as_text=True)
    assert 'lang="en"' in html and "Sign out" in html


def test_nul_bytes_are_refused_cleanly(client, api_as, areas):
    assert client.post("/api/v1/auth/token", json={"username": "a\x00b", "password": "x"}).status_code == 422
    station = api_as("station", ["640422100200"])
    assert station.get("/api/v1/households/H%001").status_code == 400
    assert station.get("/api/v1/workers?q=%00").status_code == 400


def test_library_messages_reach_users_in_chinese(api_as, areas):
    station = api_as("station", ["640422100200"])
    response = station.post("/api/v1/households", json={"village_code": "640422100200", "lifted_out": "perhaps"},
                            headers={"Accept-Language": "zh"})
    fields = response.json["error"]["fields"]
    assert fields["code"] == "必填。" and "是/否" in fields["lifted_out"]
    response = station.get("/api/v1/workers", query_string={"limit": 0}, headers={"Accept-Language": "zh"})
    assert response.json["error"]["fields"]["limit"] == "必须在 1 到 500 之间。"
