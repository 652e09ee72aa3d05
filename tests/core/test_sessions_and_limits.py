"""Sessions, tokens, upload limits and secrets (ASVS V3, V12, V14; docs/security.md)."""
import io
import re
import subprocess
from datetime import timedelta
from pathlib import Path

from sqlalchemy import update

from core.extensions import db
from core.models import ApiToken, User, utcnow
from tests.conftest import VILLAGE, csrf_token

ROOT = Path(__file__).resolve().parents[2]
PRIVATE_KEY = re.compile(r"-{5}BEGIN [A-Z ]*PRIVATE KEY-{5}")


def _sign_in(page, username, password):
    token = csrf_token(page.get("/login").get_data(as_text=True))
    page.post("/login", data={"username": username, "password": password, "csrf_token": token})


def test_signing_out_ends_the_session_for_good(app, areas, make_user):
    username, password = make_user("station", [VILLAGE])
    page = app.test_client()
    _sign_in(page, username, password)
    stolen = page.get_cookie("session").value  # what someone copying the cookie would keep
    replay = app.test_client()
    replay.set_cookie("session", stolen)
    assert replay.get("/households").status_code == 200  # a copy works while the sign-in lasts …
    page.post("/logout", data={"csrf_token": csrf_token(page.get("/station").get_data(as_text=True))})
    assert page.get("/households").status_code == 302
    assert replay.get("/households").status_code == 302  # … and not after signing out


def test_a_sign_in_lasts_no_longer_than_its_time_nor_its_account(app, areas, make_user):
    from core.models import LoginSession, utcnow
    username, password = make_user("station", [VILLAGE])
    page, other = app.test_client(), app.test_client()
    _sign_in(page, username, password)
    _sign_in(other, username, password)  # a second device: a sign-in of its own
    with app.app_context():
        first = db.session.scalars(db.select(LoginSession).order_by(LoginSession.created_at)).first()
        first.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    assert sorted([page.get("/households").status_code, other.get("/households").status_code]) == [200, 302]
    with app.app_context():
        db.session.execute(update(User).where(User.username == username).values(active=False))
        db.session.commit()
    assert other.get("/households").status_code == 302  # a deactivated account is out everywhere


def test_expired_and_deactivated_tokens_are_refused(app, areas, api_as):
    station = api_as("station", [VILLAGE])
    assert station.get("/api/v1/alerts").status_code == 200
    with app.app_context():
        db.session.execute(update(ApiToken).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    assert station.get("/api/v1/alerts").status_code == 401
    other = api_as("station", [VILLAGE])
    with app.app_context():
        db.session.execute(update(User).values(active=False))
        db.session.commit()
    assert other.get("/api/v1/alerts").status_code == 401


def test_uploads_beyond_the_limit_are_refused_before_reading(app, areas, api_as, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 64 * 1024)
    station = api_as("station", [VILLAGE])
    big = io.BytesIO(b"0" * (65 * 1024))
    response = station.post("/api/v1/workers/import", data={"file": (big, "台账.xlsx")},
                            content_type="multipart/form-data")
    assert response.status_code == 413 and response.json["error"]["code"] == "too_large"


def test_no_secret_is_kept_in_the_repository():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True)
    if tracked.returncode != 0:  # not a git checkout (an unpacked archive): look at the files themselves
        files = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*") if p.is_file() and ".venv" not in p.parts]
    else:
        files = tracked.stdout.split()
    assert not [f for f in files if f.startswith("instance/") or f.endswith((".db", ".sqlite3", ".pem", ".key"))]
    for name in files:
        path = ROOT / name
        if path.suffix in (".py", ".cfg", ".toml", ".ini", ".env", ".txt", ".md", ".html", ".js", ".json", ".yml"):
            text = path.read_text(errors="ignore")
            assert not PRIVATE_KEY.search(text), name
            for line in text.splitlines():
                assert not line.strip().startswith(("SECRET_KEY=", "PII_KEY=")) or "<" in line or "…" in line, name
