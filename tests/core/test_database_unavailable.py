"""The database out of reach: a clear 503 (JSON for the API, a page for people) with Retry-After,
and everything working again as soon as it is back."""
import os
import uuid

from cryptography.fernet import Fernet
from flask_migrate import upgrade

from application import create_app
from core.auth import create_user
from core.extensions import db
from core.models import Role
from tests.conftest import csrf_token


def test_a_clear_503_while_the_database_is_away_and_recovery_after(tmp_path):
    folder = tmp_path / "data"  # not there yet: SQLite cannot open the file, as if the server were down
    app = create_app({"APP_ENV": "test", "TESTING": True, "SECRET_KEY": uuid.uuid4().hex,
                      "PII_KEY": Fernet.generate_key().decode(),
                      "SQLALCHEMY_DATABASE_URI": "sqlite:///" + os.path.join(folder, "labour.db")})
    client = app.test_client()

    api = client.post("/api/v1/auth/token", json={"username": "station", "password": "Tuanjie-2026-pw"})
    assert api.status_code == 503 and api.json["error"]["code"] == "unavailable"
    assert api.headers["Retry-After"].isdigit()
    assert client.get("/login").status_code == 200  # the sign-in page itself needs no database
    with client.session_transaction() as session:  # someone signed in before the database went away
        session["_user_id"], session["_fresh"] = "1:a-sign-in-secret", True
    page = client.get("/households")
    assert page.status_code == 503 and page.headers["Retry-After"].isdigit()
    assert 'id="unavailable"' in page.get_data(as_text=True)

    folder.mkdir()  # the database is back
    with app.app_context():
        upgrade()
        create_user(db.session, "station", "Tuanjie-2026-pw", Role.admin)
        db.session.commit()
    again = client.post("/api/v1/auth/token", json={"username": "station", "password": "Tuanjie-2026-pw"})
    assert again.status_code == 200 and again.json["token"]
    assert client.get("/households").status_code == 302  # served again: that sign-in is unknown, sign in
    token = csrf_token(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"username": "station", "password": "Tuanjie-2026-pw", "csrf_token": token})
    assert client.get("/households").status_code == 200
    with app.app_context():
        db.engine.dispose()
