"""`/api/v1/me/applications`: a worker's own applications with what became of each. Thin: call
jobs.me, answer."""
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from core.auth import acting_user, api_roles
from core.extensions import db
from core.models import Role
from core.schemas import LabelledEnumField
from jobs import me
from jobs.models import ReferralStatus

bp = Blueprint("my_applications_api", __name__, url_prefix="/api/v1/me", description="One's own applications")
blueprints = (bp,)


class ApplicationOut(Schema):
    id = fields.Integer()
    job_id = fields.Integer()
    job_title = fields.Function(lambda r: r.job.title)
    employer_name = fields.Function(lambda r: r.job.employer.name)
    status = LabelledEnumField(ReferralStatus)
    status_label = fields.Function(lambda r: r.status.label)
    created_at = fields.DateTime()
    hired_on = fields.Date(allow_none=True)
    left_on = fields.Date(allow_none=True)


class ApplicationList(Schema):
    items = fields.List(fields.Nested(ApplicationOut))
    total = fields.Integer()


@bp.get("/applications")
@api_roles(Role.worker)
@bp.response(200, ApplicationList)
def my_applications():
    """The signed-in worker's referrals (their own applications and the station's referrals of
    them), newest first; an account not linked to a record yet has none."""
    items = me.applications(db.session, acting_user())
    return {"items": items, "total": len(items)}
