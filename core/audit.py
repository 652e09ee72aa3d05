"""The audit log: who read or changed personal data, when, and what; sign-ins, failed sign-ins and
exact searches too. Some of these events are also what throttling counts (`count_first`)."""
from datetime import date, datetime, time, timedelta

from flask import has_request_context, request
from flask_babel import lazy_gettext as _l
from limits import parse
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from core.errors import Throttled
from core.extensions import db
from core.models import CHINA, AuditEvent, User, utcnow
from core.scoping import scope_clause, within_clause

ACTION_LABELS = {"create": _l("created"), "update": _l("changed"), "reveal": _l("revealed in full"),
                 "import": _l("imported"), "export": _l("exported"), "login": _l("signed in"),
                 "login_failed": _l("failed to sign in"), "search": _l("searched by a full number"),
                 "password": _l("changed their password"), "revoke": _l("revoked an API token"),
                 "deactivate": _l("deactivated"), "activate": _l("reactivated")}


def record(user: User | None, action: str, entity: str, entity_id=None, fields: list[str] | None = None,
           detail: str | None = None, area_code: str | None = None) -> AuditEvent:
    """Adds an event to the session; it is committed (or rolled back) with the change it records.
    `area_code` is the area of the record concerned, so that officers read their county's events."""
    event = AuditEvent(user_id=user.id if user is not None else None, action=action, entity=entity,
                       entity_id=str(entity_id)[:64] if entity_id is not None else None,
                       fields=fields, detail=detail, area_code=area_code,
                       ip=request.remote_addr if has_request_context() else None)
    db.session.add(event)
    return event


def area_of_request(actor: User, area_code: str | None) -> str | None:
    """The area an export or a search covered: the one asked for, else the user's only area."""
    codes = actor.area_codes
    return area_code or (codes[0] if len(codes) == 1 else None)


def count_first(session: Session, event: AuditEvent, limit: str, message: str, *, by: str = "entity_id") -> None:
    """Counts `event` before the thing it records is done: with it, the events of the same action and
    the same `entity_id` (or `ip`) within the limit's window ("5 per 5 minutes") must not be more than
    the limit allows, or Throttled is raised and the boundary's rollback takes the event back.
    Concurrent requests for the same key wait for each other here (a transaction-scoped advisory
    lock on PostgreSQL; SQLite lets one writer at a time through), so no burst gets past the count."""
    item = parse(limit)
    key = getattr(event, by)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": f"{event.action}:{by}:{key}"})
    session.flush()
    since = utcnow() - timedelta(seconds=item.get_expiry())
    column = getattr(AuditEvent, by)
    counted = session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == event.action, column == key, AuditEvent.at >= since))
    if counted > item.amount:
        raise Throttled(message)


def list_events(session: Session, reader: User, action: str | None = None, actor: str | None = None,
          since: date | None = None, area_code: str | None = None, limit: int = 50, offset: int = 0):
    """Events newest first, with the total: an administrator reads every event, a county officer
    those about records inside its areas."""
    conditions = [scope_clause(reader, AuditEvent.area_code)]
    if action:
        conditions.append(AuditEvent.action == action)
    if actor:
        conditions.append(User.username == actor)
    if since is not None:
        conditions.append(AuditEvent.at >= datetime.combine(since, time.min, tzinfo=CHINA))
    if area_code:
        conditions.append(within_clause(area_code, AuditEvent.area_code))
    base = select(AuditEvent).outerjoin(User, AuditEvent.user_id == User.id).where(*conditions)
    total = session.scalar(select(func.count()).select_from(base.subquery()))
    events = session.scalars(base.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
                             .limit(limit).offset(offset)).all()
    return list(events), total
