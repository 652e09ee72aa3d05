"""Fuzzing the JSON API from its own OpenAPI document (schemathesis): every operation, with
generated valid and invalid input, as a station user of 团结村 and as an administrator. No answer
may be a server error, and every documented answer must match its schema.

The operations are read at collection from an app that serves only the document; the cases run
against the suite's app and database (SQLite, or PostgreSQL with TEST_DATABASE_URL). Bounded for
`make test` (FUZZ_EXAMPLES cases per operation, default 15); raise it for a deeper search."""
import os
import uuid

import pytest
import schemathesis
from cryptography.fernet import Fernet
from hypothesis import HealthCheck, settings
from schemathesis.checks import content_type_conformance, not_a_server_error, response_schema_conformance

from application import create_app
from core.auth import create_user, issue_token
from core.extensions import db
from core.models import Role

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "15"))
_document = create_app({"APP_ENV": "test", "TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                        "SECRET_KEY": uuid.uuid4().hex, "PII_KEY": Fernet.generate_key().decode()})
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", _document)


@pytest.fixture
def bearers(app, areas):
    """A station user of 团结村 and an administrator, each with an API token."""
    headers = []
    with app.app_context():
        for role, codes in ((Role.station, [areas["village"]]), (Role.admin, [])):
            user = create_user(db.session, f"fuzz-{role.value}", "Tuanjie-2026-pw", role, codes)
            headers.append({"Authorization": f"Bearer {issue_token(user)}"})
        db.session.commit()
    return headers


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much, HealthCheck.data_too_large])
def test_no_server_error_and_answers_as_documented(case, app, bearers):
    for headers in bearers:  # answered by the suite's app, not the document's
        case.call_and_validate(app=app, headers=headers, checks=[not_a_server_error, response_schema_conformance,
                                                        content_type_conformance])
