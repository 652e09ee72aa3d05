"""Fixtures: one schema per test run (built by the real migrations), a clean database per test,
and builders for the things tests need (`make_household`, `make_worker`, `login_as`, `api_as`).

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set.
"""
import os
import re
import tempfile
import uuid

import pytest
from cryptography.fernet import Fernet
from flask_migrate import upgrade
from sqlalchemy import text

from application import create_app
from core.auth import create_user, issue_token
from core.extensions import db, limiter
from core.models import Role
from registry import services
from registry.areas import create_area
from registry.models import AreaLevel
from registry.schemas import HouseholdIn, WorkerIn

W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
REFERENCE_TABLES = {"skills", "alembic_version"}

COUNTY, TOWNSHIP, VILLAGE, OTHER_VILLAGE = "640422000000", "640422100000", "640422100200", "640422100201"
OTHER_COUNTY, OTHER_TOWNSHIP, FAR_VILLAGE = "522326000000", "522326001000", "522326001001"


def id_number(birth: str = "19880808", seq: int = 1, area: str = "640422") -> str:
    """A valid resident ID number (GB 11643 check digit)."""
    body = f"{area}{birth}{seq:03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, W)) % 11]


@pytest.fixture(scope="session")
def database_url():
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        yield url
        return
    with tempfile.TemporaryDirectory(prefix="labour-test-") as tmp:
        yield "sqlite:///" + os.path.join(tmp, "test.db")


@pytest.fixture(scope="session")
def app(database_url):
    app = create_app({
        "APP_ENV": "test", "TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": uuid.uuid4().hex, "PII_KEY": Fernet.generate_key().decode(),
        "LOGIN_THROTTLE": "5 per 5 minutes",
        # a cheap hash: the suite signs in about a thousand times (the app's own default, scrypt, is
        # checked in tests/core/test_auth.py; the browser tests keep it)
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",
    })
    with app.app_context():
        if database_url.startswith("postgresql"):
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()  # the real migrations, which also load the skill taxonomy
    yield app


@pytest.fixture(autouse=True)
def _clean_database(app):
    """Every test starts from the schema plus reference data, nothing else."""
    yield
    with app.app_context():
        db.session.remove()
        tables = [t for t in reversed(db.metadata.sorted_tables) if t.name not in REFERENCE_TABLES]
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("TRUNCATE " + ", ".join(t.name for t in tables) + " RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    conn.execute(table.delete())
    limiter.reset()


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def areas(app):
    """Two villages of one township of 西吉县, and a village of 望谟县 far away."""
    with app.app_context():
        admin = create_user(db.session, "area-admin", "Tuanjie-2026-pw", Role.admin)
        for code, name, level, parent, lat, lon in [
            (COUNTY, "西吉县", AreaLevel.county, None, 35.964, 105.725),
            (TOWNSHIP, "吉强镇", AreaLevel.township, COUNTY, 35.964, 105.748),
            (VILLAGE, "团结村委会", AreaLevel.village, TOWNSHIP, None, None),
            (OTHER_VILLAGE, "龙王坝村委会", AreaLevel.village, TOWNSHIP, 35.95, 105.70),
            (OTHER_COUNTY, "望谟县", AreaLevel.county, None, 25.18, 106.10),
            (OTHER_TOWNSHIP, "王母街道", AreaLevel.township, OTHER_COUNTY, None, None),
            (FAR_VILLAGE, "河东社区居民委员会", AreaLevel.village, OTHER_TOWNSHIP, None, None),
        ]:
            create_area(db.session, {"code": code, "name": name, "level": level,
                                              "parent_code": parent, "lat": lat, "lon": lon}, admin)
        db.session.commit()
    return {"county": COUNTY, "township": TOWNSHIP, "village": VILLAGE,
            "other_village": OTHER_VILLAGE, "far_village": FAR_VILLAGE}


@pytest.fixture
def make_user(app):
    counter = iter(range(1, 10_000))

    def make(role: str, areas=(), password: str = "Tuanjie-2026-pw", **kwargs):
        with app.app_context():
            user = create_user(db.session, f"{role}{next(counter)}", password, Role(role), list(areas), **kwargs)
            db.session.commit()
            return user.username, password
    return make


class ApiClient:
    """A test client that sends a bearer token on every call."""

    def __init__(self, client, token):
        self.client, self.token = client, token

    def _headers(self, kwargs):
        return {**kwargs.pop("headers", {}), "Authorization": f"Bearer {self.token}"}

    def get(self, url, **kw):
        return self.client.get(url, headers=self._headers(kw), **kw)

    def post(self, url, **kw):
        return self.client.post(url, headers=self._headers(kw), **kw)

    def patch(self, url, **kw):
        return self.client.patch(url, headers=self._headers(kw), **kw)

    def put(self, url, **kw):
        return self.client.put(url, headers=self._headers(kw), **kw)

    def delete(self, url, **kw):
        return self.client.delete(url, headers=self._headers(kw), **kw)


@pytest.fixture
def api_as(app, client, make_user):
    """`api_as("station", [VILLAGE])` -> a client authorised as a new user of that role."""
    def make(role: str, areas=(), **kwargs):
        username, _ = make_user(role, areas, **kwargs)
        with app.app_context():
            from core.auth import authenticate
            token = issue_token(authenticate(username, "Tuanjie-2026-pw"))
            db.session.commit()
        return ApiClient(client, token)
    return make


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or \
        re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the page has no CSRF token"
    return match.group(1)


@pytest.fixture
def login_as(app, make_user):
    """`login_as("station", [VILLAGE])` -> a page client signed in through the real login form."""
    def make(role: str, areas=(), **kwargs):
        username, password = make_user(role, areas, **kwargs)
        page = app.test_client()
        token = csrf_token(page.get("/login").get_data(as_text=True))
        response = page.post("/login", data={"username": username, "password": password, "csrf_token": token})
        assert response.status_code == 302, response.get_data(as_text=True)
        return page
    return make


@pytest.fixture
def make_household(app, areas):
    counter = iter(range(1, 10_000))

    def make(village: str = VILLAGE, **fields):
        data = {"code": f"H{next(counter):04d}", "village_code": village, **fields}
        with app.app_context():
            from core.models import User
            loaded = HouseholdIn().load(data)
            household = services.create_household(db.session, loaded, User(role=Role.admin, username="t"))
            db.session.commit()
            return household.code
    return make


@pytest.fixture
def make_worker(app, make_household):
    counter = iter(range(1, 900))

    def make(household: str | None = None, birth: str = "19880808", **fields):
        household = household or make_household()
        n = next(counter)
        data = {"id_number": id_number(birth, n), "name": "马成", "phone": f"1389500{n:04d}",
                "household_code": household, **fields}
        with app.test_request_context():
            from core.models import User
            worker = services.create_worker(db.session, WorkerIn().load(data), User(role=Role.admin, username="t"))
            db.session.commit()
            return worker.id
    return make


def credit_code(body: str) -> str:
    """A unified social credit code: 17 characters and their GB 32100 check digit."""
    from stdnum.cn import uscc
    return body + uscc.calc_check_digit(body)
