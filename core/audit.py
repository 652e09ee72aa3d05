"""The audit log: who read or changed personal data, when, and what."""
from flask import has_request_context, request

from core.extensions import db
from core.models import AuditEvent, User


def record(user: User | None, action: str, entity: str, entity_id=None,
           fields: list[str] | None = None, detail: str | None = None) -> AuditEvent:
    """Adds an event to the session; it is committed (or rolled back) with the change it records."""
    event = AuditEvent(user_id=user.id if user is not None else None, action=action, entity=entity,
                       entity_id=str(entity_id) if entity_id is not None else None,
                       fields=fields, detail=detail,
                       ip=request.remote_addr if has_request_context() else None)
    db.session.add(event)
    return event
