"""The audit log: who read or changed personal data, when, and what."""
from flask import has_request_context, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.extensions import db
from core.models import AuditEvent, User

ACTION_LABELS = {"create": _l("created"), "update": _l("changed"), "reveal": _l("revealed in full"),
                 "import": _l("imported"), "export": _l("exported")}


def record(user: User | None, action: str, entity: str, entity_id=None,
           fields: list[str] | None = None, detail: str | None = None) -> AuditEvent:
    """Adds an event to the session; it is committed (or rolled back) with the change it records."""
    event = AuditEvent(user_id=user.id if user is not None else None, action=action, entity=entity,
                       entity_id=str(entity_id) if entity_id is not None else None,
                       fields=fields, detail=detail,
                       ip=request.remote_addr if has_request_context() else None)
    db.session.add(event)
    return event


def recent(session: Session, limit: int = 50, offset: int = 0, user: str | None = None):
    """Events newest first, optionally of one username; with the total count."""
    query = select(AuditEvent).outerjoin(User, AuditEvent.user_id == User.id)
    if user:
        query = query.where(User.username == user)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    events = session.scalars(query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
                             .limit(limit).offset(offset)).all()
    return list(events), total
