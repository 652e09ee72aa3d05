"""Browser journeys: the real app served over HTTP on a free port, driven by Debian's Chromium
through Playwright.

The live server has its own app and its own SQLite file (always SQLite, even when
TEST_DATABASE_URL points the rest of the suite at PostgreSQL), built by the real migrations and
loaded with the real divisions of 西吉县. Every test gets a fresh browser context; a full-page
screenshot of where it ended is kept under test-artifacts/e2e/<test>.png, pass or fail.
"""
import os
import re
import tempfile
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
STATION_VILLAGE = "640422100200"  # 团结村委会, 吉强镇, 西吉县
E2E_DIR = Path(__file__).resolve().parent


def pytest_configure(config):
    config.addinivalue_line("markers", "viewport(width, height): browser viewport of the test's page")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if E2E_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@dataclass(frozen=True)
class LiveServer:
    url: str
    username: str
    password: str
    village: str
    app: object


@pytest.fixture(scope="session")
def live_server():
    """The app on http://127.0.0.1:<free port>, with areas and a station user of 团结村委会."""
    from flask_migrate import upgrade
    from werkzeug.serving import make_server

    from application import create_app
    from core.auth import create_user
    from core.extensions import db
    from core.models import Role
    from registry.divisions import import_divisions

    with tempfile.TemporaryDirectory(prefix="labour-e2e-") as tmp:
        app = create_app({
            "APP_ENV": "test", "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": "sqlite:///" + os.path.join(tmp, "e2e.db"),
            "SECRET_KEY": uuid.uuid4().hex, "PII_KEY": Fernet.generate_key().decode(),
        })
        username, password = "station-tuanjie", "station-pass-123"
        with app.app_context():
            upgrade()  # the real migrations, which also load the skill taxonomy
            import_divisions(db.session, ROOT / "data/divisions/sample_counties_villages_5level.csv",
                             ROOT / "data", county="640422")
            db.session.commit()
            create_user(db.session, username, password, Role.station, [STATION_VILLAGE],
                        display_name="团结村劳保站")
            db.session.commit()
            db.session.remove()
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, name="e2e-live-server", daemon=True)
        thread.start()
        try:
            yield LiveServer(f"http://127.0.0.1:{server.server_port}", username, password,
                             STATION_VILLAGE, app)
        finally:
            server.shutdown()
            thread.join(timeout=10)
            server.server_close()
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        reason = "Debian's chromium is not installed: browser journeys not run (apt-get install chromium)"
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(reason + " — and REQUIRE_BROWSER is set", pytrace=False)
        pytest.skip(reason=reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def _artifact_name(nodeid_name: str) -> str:
    return re.sub(r"[^\w.\-\[\]]+", "_", nodeid_name)


@pytest.fixture
def page(request, browser, live_server):
    """A fresh context and page; `@pytest.mark.viewport(width=…, height=…)` for a phone. The
    final state is saved as test-artifacts/e2e/<test name>.png, also when the test fails."""
    marker = request.node.get_closest_marker("viewport")
    viewport = dict(marker.kwargs) if marker else {"width": 1280, "height": 900}
    is_phone = viewport["width"] < 600
    context = browser.new_context(
        base_url=live_server.url, viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai",
        is_mobile=is_phone, has_touch=is_phone, device_scale_factor=2 if is_phone else 1)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        yield page
    finally:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        try:
            page.screenshot(path=str(ARTIFACTS / f"{_artifact_name(request.node.name)}.png"), full_page=True)
        except Exception as exc:  # a screenshot must never hide the test's own outcome
            print(f"screenshot of {request.node.name} failed: {exc}")
        context.close()


@pytest.fixture
def snap(request, page):
    """`snap("step")` keeps a full-page screenshot of a step: test-artifacts/e2e/<test>--<step>.png."""
    def take(step: str):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{_artifact_name(request.node.name)}--{step}.png"), full_page=True)
    return take


@pytest.fixture
def sign_in(page, live_server):
    """Signs the station worker in through the real form; returns the page."""
    def do():
        page.goto("/login")
        page.locator("#username").fill(live_server.username)
        page.locator("#password").fill(live_server.password)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(lambda url: "/login" not in url)  # the station's home
        return page
    return do
