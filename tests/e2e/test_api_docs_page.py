"""The OpenAPI document as a page: Swagger UI, served locally, lists the API's operations."""
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_the_api_docs_page_lists_the_operations(page):
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.goto("/api/docs")
    expect(page.locator(".opblock-tag").first).to_be_visible(timeout=20_000)
    expect(page.locator('.opblock-summary-path[data-path="/api/v1/households/{code}"]').first).to_be_visible()
    assert not failed
