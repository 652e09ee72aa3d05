"""Alerts: raised from the rules' findings without duplicates, listed by area, and handled by the
household's helper or the station: acknowledge, record what was done, close."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import String, case, func, or_, select, type_coerce
from sqlalchemy.orm import Session, joinedload

from core.errors import Conflict, Forbidden, NotFound
from core.models import User, china_today, utcnow
from core.scoping import user_sees_area
from core.validators import MAX_ID
from monitoring.models import OPEN_ALERT, SEVERITY_ORDER, ActionKind, Alert, AlertAction, AlertEvent, AlertStatus
from monitoring.rules import RULES, Finding, Rule, Settings
from registry.models import Household, HouseholdHelper
from registry.services import households_in


def raise_alerts(session: Session, rule: Rule, findings: Iterable[Finding], now: datetime | None = None) -> Counter:
    """Each finding not seen before becomes an event: a new alert, news on the household's open
    alert for the rule, or the reopening of its closed one. Seen findings change nothing."""
    now = now or utcnow()
    findings = list(findings)
    counts = Counter()
    if not findings:
        return counts
    households = {f.household_id for f in findings}
    seen = set(session.execute(select(AlertEvent.household_id, AlertEvent.event_key)
                               .where(AlertEvent.rule == rule.name, AlertEvent.household_id.in_(households))).all())
    latest = {a.household_id: a for a in session.scalars(
        select(Alert).where(Alert.rule == rule.name, Alert.household_id.in_(households)).order_by(Alert.id))}
    for finding in findings:
        if (finding.household_id, finding.event_key) in seen:
            continue
        seen.add((finding.household_id, finding.event_key))
        severity = finding.severity or rule.severity
        alert = latest.get(finding.household_id)
        if alert is None:
            alert = Alert(household_id=finding.household_id, rule=rule.name, severity=severity, opened_at=now,
                          status=AlertStatus.open, reopened_count=0, detail=finding.detail)
            session.add(alert)
            latest[finding.household_id] = alert
            counts["raised"] += 1
        elif alert.is_open:
            counts["updated"] += 1
        else:
            alert.status, alert.opened_at, alert.acknowledged_at = AlertStatus.open, now, None
            alert.reopened_count += 1
            counts["reopened"] += 1
        if SEVERITY_ORDER[severity] < SEVERITY_ORDER[alert.severity]:
            alert.severity = severity
        alert.detail = finding.detail
        alert.events.append(AlertEvent(household_id=finding.household_id, rule=rule.name, event_key=finding.event_key,
                                       occurred_on=finding.occurred_on, detail=finding.detail, seen_at=now))
    session.flush()
    return counts


INCOME_RULES = ("income_below_line", "income_drop")


def warn_on_incomes(session: Session, household_ids: list[int]) -> dict[str, int]:
    """Answers registry.incomes.income_recorded: the income rules, at once, for those households
    (the nightly run finds nothing new for them afterwards: the events are the same)."""
    where = [Household.id.in_(household_ids)]
    raised = {}
    for name in INCOME_RULES:
        rule = RULES[name]
        raised[name] = sum(raise_alerts(session, rule, rule.find(session, china_today(), Settings(), where)).values())
    return raised


def list_alerts(session: Session, actor: User, area_code: str | None = None, open: bool | None = None,
                rule: str | None = None, mine: bool = False, limit: int = 50, offset: int = 0,
                counted: bool = True) -> tuple[list[Alert], int | None]:
    """Most urgent first: open before closed, high severity first, then the newest. With
    `counted=False` the total is not computed (None)."""
    query = select(Alert).join(Household).where(*households_in(actor, area_code))
    if open is not None:
        query = query.where(Alert.status.in_(OPEN_ALERT) if open else Alert.status == AlertStatus.closed)
    if rule:
        query = query.where(Alert.rule == rule)
    if mine:
        query = query.where(or_(Household.helper_id == actor.id,
                                Household.helpers.any(HouseholdHelper.user_id == actor.id)))
    total = session.scalar(select(func.count()).select_from(query.subquery())) if counted else None
    query = query.options(joinedload(Alert.household).joinedload(Household.helper))  # shown on every row
    closed_last = case((Alert.status == AlertStatus.closed, 1), else_=0)
    urgency = case({s.name: rank for s, rank in SEVERITY_ORDER.items()}, value=type_coerce(Alert.severity, String()))
    rows = session.scalars(query.order_by(closed_last, urgency, Alert.opened_at.desc(), Alert.id.desc())
                           .limit(limit).offset(offset)).all()
    return list(rows), total


def counts_by_rule(session: Session, actor: User, area_code: str | None = None) -> dict[str, int]:
    """Open alerts per rule in the user's areas."""
    return dict(session.execute(select(Alert.rule, func.count(Alert.id)).join(Household)
                                .where(*households_in(actor, area_code), Alert.status.in_(OPEN_ALERT))
                                .group_by(Alert.rule)).all())


def get_alert(session: Session, alert_id: int, actor: User) -> Alert:
    alert = session.get(Alert, alert_id) if 0 < alert_id <= MAX_ID else None
    if alert is None or not user_sees_area(actor, alert.household.village_code) or not actor.is_staff:
        raise NotFound(_("No alert %(id)s.", id=alert_id))
    return alert


def _may_handle(actor: User) -> None:
    if not actor.keeps_registry:
        raise Forbidden(_("Your role is not allowed to do this."))


def acknowledge(session: Session, alert: Alert, actor: User) -> Alert:
    """Someone has taken the alert up."""
    _may_handle(actor)
    if alert.status is AlertStatus.closed:
        raise Conflict(_("This alert is closed."), {"status": alert.status.name})
    if alert.status is AlertStatus.open:
        alert.status, alert.acknowledged_at, alert.acknowledged_by_id = AlertStatus.acknowledged, utcnow(), actor.id
    session.flush()
    return alert


def record_action(session: Session, alert: Alert, kind: ActionKind, note: str, actor: User) -> AlertAction:
    """What was done (a referral, a course, a subsidy, a visit); it acknowledges an open alert
    (and is refused, as acknowledging is, on a closed one)."""
    acknowledge(session, alert, actor)
    action = AlertAction(kind=kind, note=note, created_by_id=actor.id)
    alert.actions.append(action)
    session.flush()
    return action


def close(session: Session, alert: Alert, note: str, actor: User) -> Alert:
    """Closed with a word on the outcome. Only a new event opens it again."""
    _may_handle(actor)
    if alert.status is AlertStatus.closed:
        raise Conflict(_("This alert is already closed."), {"status": alert.status.name})
    if not alert.actions:
        raise Conflict(_("Record what was done before closing the alert."), {"actions": _("none recorded")})
    alert.status, alert.closed_at, alert.closed_by_id, alert.closing_note = AlertStatus.closed, utcnow(), actor.id, note
    session.flush()
    return alert
