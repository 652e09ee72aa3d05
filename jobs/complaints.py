"""Complaints against an employer (欠薪, safety, contract …): a station or a county officer files
one, staff read and resolve them, and the employer sees on its home what is open against it (the
kind and the day, not who filed it). While a wage-arrears complaint is open the employer's postings
are offered to nobody (jobs.reliability).

Plain functions taking a session and the acting user; they flush, the caller commits."""
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from core import audit
from core.errors import Conflict, Forbidden, NotFound
from core.models import Role, User, china_day, utcnow
from core.validators import MAX_ID
from jobs.models import Complaint, Employer


def may_file_complaint(actor: User | None) -> bool:
    """Village stations and county officers, who hear from the people hired (API.md)."""
    return actor is not None and actor.is_area_staff


def may_read_complaints(actor: User | None, employer: Employer) -> bool:
    """Staff read every complaint in full; an employer sees its own (on its home: kind, day, status)."""
    return actor is not None and (actor.is_staff or (actor.role is Role.employer and actor.employer_id == employer.id))


def file_complaint(session: Session, employer: Employer, data: dict, actor: User) -> Complaint:
    """`data`: `kind` (ComplaintKind) and `description`, checked by jobs.schemas.ComplaintIn."""
    if not may_file_complaint(actor):
        raise Forbidden(_("Only a village labour station or a county officer files a complaint."))
    complaint = Complaint(employer_id=employer.id, kind=data["kind"], description=data["description"],
                          created_by_id=actor.id)
    session.add(complaint)
    session.flush()
    audit.record(actor, "create", "complaint", complaint.id, fields=["kind", "description"],
                 detail=f"employer {employer.id}", area_code=employer.area_code)
    return complaint


def get_complaint(session: Session, complaint_id: int, actor: User) -> Complaint:
    complaint = session.get(Complaint, complaint_id) if 0 < complaint_id <= MAX_ID else None
    if complaint is None or not actor.is_staff:
        raise NotFound(_("No complaint %(id)s.", id=complaint_id))
    return complaint


def resolve_complaint(session: Session, complaint: Complaint, actor: User, resolution: str | None = None) -> Complaint:
    """Closes a complaint, with what was done (工资已结清 …); a resolved one is not resolved again (409)."""
    if not actor.is_staff:
        raise Forbidden(_("Only staff resolve a complaint."))
    if not complaint.is_open:
        raise Conflict(_("This complaint was resolved on %(day)s.", day=china_day(complaint.resolved_at).isoformat()),
                       {"resolution": _("resolved already")})
    complaint.resolved_at, complaint.resolved_by_id, complaint.resolution = utcnow(), actor.id, resolution
    audit.record(actor, "update", "complaint", complaint.id, fields=["status"],
                 detail=f"employer {complaint.employer_id}: resolved",
                 area_code=session.get(Employer, complaint.employer_id).area_code)
    session.flush()
    return complaint


def list_complaints(session: Session, employer: Employer, actor: User, open_only: bool = False,
                    limit: int = 500, offset: int = 0) -> tuple[list[Complaint], int]:
    """An employer's complaints, the open ones first, newest first within each; and how many."""
    if not may_read_complaints(actor, employer):
        raise Forbidden(_("Complaints are read by the labour stations and the county."))
    conditions = [Complaint.employer_id == employer.id]
    if open_only:
        conditions.append(Complaint.resolved_at.is_(None))
    total = session.scalar(select(func.count(Complaint.id)).where(*conditions))
    rows = session.scalars(select(Complaint).where(*conditions).options(
        selectinload(Complaint.created_by), selectinload(Complaint.resolved_by)).order_by(
        Complaint.resolved_at.is_not(None), Complaint.created_at.desc(), Complaint.id.desc()).limit(limit).offset(offset))
    return list(rows), total

