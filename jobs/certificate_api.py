"""Employment certificates in the JSON API: the code of a person's certificate and the address of its
public check (jobs/certificates.py says who may ask and for whom).

Thin: call the service, commit once, answer."""
from flask import url_for
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from core import roles
from core.auth import acting_user, api_roles
from core.extensions import db
from jobs import certificates as service

certificates = Blueprint("certificates_api", __name__, url_prefix="/api/v1",
                         description="Employment certificates (就业证明)")

blueprints = (certificates,)


class EmploymentCertificateOut(Schema):
    code = fields.String(required=True, metadata={"example": "JY2026-000123-7KQ4WZ2M"})
    url = fields.String(required=True, metadata={
        "description": "the public check of the certificate (no sign-in), what its QR code carries"})


@certificates.get("/workers/<int:worker_id>/employment-certificate")
@api_roles(*roles.WORKER_FILE)
@certificates.response(200, EmploymentCertificateOut)
def employment_certificate(worker_id):
    """The employment certificate of a person in work (currently hired), issued the first time it is
    asked for; the same hire keeps the same code. For the station of the person's area, the person
    themself and administrators. A person not in work has none: 409, saying why."""
    code = service.issue_or_get(db.session, worker_id, acting_user()).code
    db.session.commit()
    return {"code": code, "url": url_for("jobs.verify_employment", code=code, _external=True)}
