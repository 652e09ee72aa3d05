"""Benchmark: how long a wrong password takes for a username that exists and for one that does not.
The security review measured ~100 ms against ~5 ms, which told an attacker which usernames exist;
an unknown username is now checked against a stand-in hash (core.auth.authenticate).

Each attempt goes through the token endpoint with Flask's test client on a fresh SQLite database,
from a new client address every time so that the sign-in throttle does not step in.
Run: `.venv/bin/python bench/sign_in_timing.py [--attempts 40]`.
"""
import argparse
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cryptography.fernet import Fernet  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from application import create_app  # noqa: E402
from core.auth import create_user  # noqa: E402
from core.extensions import db  # noqa: E402
from core.models import Role  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--attempts", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"APP_ENV": "test", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db",
                          "SECRET_KEY": uuid.uuid4().hex, "PII_KEY": Fernet.generate_key().decode(),
                          "LOGIN_THROTTLE": "100000 per minute", "LOGIN_ADDRESS_THROTTLE": "100000 per minute"})
        with app.app_context():
            upgrade()
            create_user(db.session, "station-tuanjie", "Tuanjie-2026-pw", Role.admin)
            db.session.commit()
        client = app.test_client()
        timings = {"existing username": [], "unknown username": []}
        for n in range(args.attempts):
            for label, username in (("existing username", "station-tuanjie"), ("unknown username", f"nobody-{n}")):
                started = time.perf_counter()
                answer = client.post("/api/v1/auth/token", json={"username": username, "password": "wrong-guess"},
                                     environ_base={"REMOTE_ADDR": f"10.1.{n // 250}.{n % 250}"})
                timings[label].append(time.perf_counter() - started)
                assert answer.status_code == 401, answer.json
        for label, values in timings.items():
            values = sorted(values[2:])  # the first calls warm the caches
            print(f"{label:>18}: median {statistics.median(values) * 1000:.0f} ms, "
                  f"p90 {values[int(len(values) * 0.9)] * 1000:.0f} ms over {len(values)} wrong passwords")


if __name__ == "__main__":
    main()
