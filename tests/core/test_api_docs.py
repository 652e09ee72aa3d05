"""The API in Chinese and browsable (issue 17): a body that is not JSON is answered in the
interface language, and /api/docs shows the OpenAPI document with Swagger UI served from here."""
import re


def test_a_body_that_is_not_json_is_answered_in_chinese(client):
    answer = client.post("/api/v1/auth/token", data="{bad", content_type="application/json")
    assert answer.status_code == 400
    assert answer.json["error"]["fields"] == {"_schema": "请求内容不是有效的 JSON。"}


def test_the_api_docs_page_serves_swagger_ui_from_the_app_itself(client):
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/") for s in sources)  # nothing from another origin
    for source in sources:
        assert client.get(source).status_code == 200, source
    assert 'data-spec="/api/v1/openapi.json"' in html
    assert "paths" in client.get("/api/v1/openapi.json").json
