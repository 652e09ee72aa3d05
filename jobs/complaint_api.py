"""Complaints against an employer in the JSON API: a station or a county files one, staff read and
resolve them. While a wage-arrears complaint is open the employer is offered to nobody.

Thin: parse, call a service (jobs.complaints), commit once, answer."""
from flask_smorest import Blueprint

from core import roles
from core.auth import acting_user, api_roles
from core.extensions import db
from jobs import complaints as service
from jobs import services
from jobs.schemas import ComplaintIn, ComplaintList, ComplaintListArgs, ComplaintOut, ResolutionIn

complaints = Blueprint("complaints_api", __name__, url_prefix="/api/v1", description="complaints")

blueprints = (complaints,)


@complaints.post("/employers/<int:employer_id>/complaints")
@api_roles(*roles.AREA_STAFF)  # village stations and county officers
@complaints.arguments(ComplaintIn)
@complaints.response(201, ComplaintOut)
def file_complaint(data, employer_id):
    """A complaint against the employer (kind wage_arrears 欠薪, safety, contract or other). While
    a wage_arrears complaint is open, the employer's postings are offered to nobody."""
    complaint = service.file_complaint(db.session, services.get_employer(db.session, employer_id), data,
                                       acting_user())
    db.session.commit()
    return complaint


@complaints.get("/employers/<int:employer_id>/complaints")
@api_roles(*roles.STAFF)
@complaints.arguments(ComplaintListArgs, location="query")
@complaints.response(200, ComplaintList)
def list_complaints(args, employer_id):
    """The employer's complaints, the open ones first (`open=true`: only those)."""
    items, total = service.list_complaints(db.session, services.get_employer(db.session, employer_id),
                                           acting_user(), **args)
    return {"items": items, "total": total}


@complaints.post("/complaints/<int:complaint_id>/resolve")
@api_roles(*roles.STAFF)
@complaints.arguments(ResolutionIn, required=False)
@complaints.response(200, ComplaintOut)
def resolve_complaint(data, complaint_id):
    """Closes the complaint, with what was done (optional); 409 when it was resolved already."""
    actor = acting_user()
    complaint = service.resolve_complaint(db.session, service.get_complaint(db.session, complaint_id, actor), actor,
                                          (data or {}).get("resolution"))
    db.session.commit()
    return complaint
