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

# what the log shows for the words events are recorded with (core.audit.record's `action`, `entity`
# and `fields`): every one the code records has a label (tests/core/test_audit_labels.py)
ACTION_LABELS = {"create": _l("created"), "update": _l("changed"), "reveal": _l("revealed in full"),
                 "import": _l("imported"), "export": _l("exported"), "login": _l("signed in"),
                 "login_failed": _l("failed to sign in"), "search": _l("searched by a full number"),
                 "password": _l("changed their password"), "revoke": _l("revoked an API token"),
                 "deactivate": _l("deactivated"), "activate": _l("reactivated"),
                 "override": _l("referred past a rule"), "correct": _l("corrected the meaning of"),
                 "reset_password": _l("reset the password of"), "withdraw": _l("withdrew")}
ENTITY_LABELS = {"user": _l("account"), "worker": _l("worker"), "workers": _l("workers"), "employer": _l("employer"),
                 "household": _l("household"), "households": _l("households"), "incomes": _l("incomes"),
                 "household_income": _l("household income"), "help_measure": _l("help measure"),
                 "risk_elimination": _l("risk elimination"), "monitoring_line": _l("monitoring line"),
                 "area_policy": _l("area policy"), "area": _l("area"), "skill": _l("skill"),
                 "referral": _l("referral"), "allocation": _l("allocation plan"), "course": _l("course"),
                 "attendance": _l("attendance"), "enrollment": _l("enrolment"), "subsidies": _l("subsidy ledger"),
                 "employment_certificate": _l("employment certificate"), "exemplar": _l("story or local expert"),
                 "complaint": _l("complaint")}
FIELD_LABELS = {
    # people and households
    "id_number": _l("ID number"), "phone": _l("phone"), "name": _l("name"), "head_name": _l("head of household"),
    "relation": _l("relation to the head"), "education": _l("education"), "health": _l("health"),
    "labour_ability": _l("ability to work"), "school_stage": _l("school stage"),
    "employment_status": _l("employment status"), "skills": _l("skills"),
    "desired_occupations": _l("desired occupations"), "expected_wage": _l("expected wage"),
    "max_commute_km": _l("longest commute"), "willing_to_migrate": _l("willing to migrate"),
    "needs_flexible_hours": _l("needs flexible hours"), "lat": _l("latitude"), "lon": _l("longitude"),
    "household_code": _l("household code"), "code": _l("code"), "village_code": _l("village"),
    "address": _l("address"), "monitoring_status": _l("monitoring status"),
    "story": _l("story"), "trade": _l("trade"), "consent_on": _l("day of written consent"),
    "job_id": _l("posting"), "teacher_id": _l("teacher"), "teacher_name": _l("teacher's name"),
    "monitoring_since": _l("under monitoring since"), "risk_types": _l("risk types"),
    "lifted_out": _l("lifted out of poverty"), "relocated": _l("relocated"),
    "resettlement_site": _l("resettlement site"), "resettlement_area_code": _l("resettlement area"),
    "helper_id": _l("helper's account"), "helper_name": _l("responsible helper"), "helpers": _l("helpers"),
    "elimination_months": _l("months before a risk elimination"), "amount": _l("amount"),
    "wage_income": _l("wage income"), "business_income": _l("business income"),
    "property_income": _l("property income"), "transfer_income": _l("transfer income"),
    "business_costs": _l("business costs"), "date": _l("date"), "kind": _l("kind"),
    "description": _l("description"),
    # referrals and courses
    "status": _l("status"), "reason": _l("reason"), "refused_reason": _l("reason for not verifying"), "present": _l("attendance"), "title": _l("title"), "provider": _l("provider"),
    "area_code": _l("area"), "employer_id": _l("employer"), "capacity": _l("places"), "fee": _l("fee"),
    "fee_waived": _l("fee waived"), "starts_on": _l("start date"), "ends_on": _l("end date"),
    "mode": _l("mode"), "min_age": _l("minimum age"), "max_age": _l("maximum age"),
    "min_education": _l("minimum education"), "skills_taught": _l("skills taught"),
    "certificate": _l("certificate"), "certificate_kind": _l("kind of certificate"),
    "certificate_level": _l("certificate level"), "completion_threshold": _l("pass mark"),
    "subsidy_per_day": _l("subsidy per day"), "hire_commitment": _l("hiring commitment"),
    "rolling_admission": _l("rolling admission"),
    # accounts and areas
    "username": _l("username"), "role": _l("role"), "area_codes": _l("areas"), "worker_id": _l("worker"),
    "display_name": _l("display name"), "active": _l("active"), "parent_code": _l("parent area"),
}


def label(labels: dict, word: str | None) -> str:
    """The label of a recorded word, or the word itself when it has none (never an error)."""
    return str(labels[word]) if word in labels else (word or "")


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
                since: date | None = None, until: date | None = None, area_code: str | None = None,
                limit: int = 50, offset: int = 0):
    """Events newest first, with the total: an administrator reads every event, a county officer
    those about records inside its areas."""
    conditions = [scope_clause(reader, AuditEvent.area_code)]
    if action:
        conditions.append(AuditEvent.action == action)
    if actor:
        conditions.append(User.username == actor)
    if since is not None:
        conditions.append(AuditEvent.at >= datetime.combine(since, time.min, tzinfo=CHINA))
    if until is not None:
        conditions.append(AuditEvent.at < datetime.combine(until + timedelta(days=1), time.min, tzinfo=CHINA))
    if area_code:
        conditions.append(within_clause(area_code, AuditEvent.area_code))
    base = select(AuditEvent).outerjoin(User, AuditEvent.user_id == User.id).where(*conditions)
    total = session.scalar(select(func.count()).select_from(base.subquery()))
    events = session.scalars(base.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
                             .limit(limit).offset(offset)).all()
    return list(events), total
