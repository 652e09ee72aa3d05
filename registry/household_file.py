"""The household file's own records: its monitoring (status, risk types, history), its 5+N helper
team and the help measures given to it. Ending monitoring is decided in `monitoring.elimination`,
which checks the household's alerts; it records the step here with `end_monitoring`.

Plain functions taking a session and the acting user; they flush, the caller commits."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit, crypto
from core.errors import Conflict, Forbidden, ValidationFailed
from core.models import User, china_today
from core.scoping import user_sees_area
from core.validators import normalise_phone
from registry.areas import chain_of, officers_area
from registry.models import (
    AreaPolicy,
    HelperRole,
    HelpMeasure,
    Household,
    HouseholdHelper,
    MonitoringEvent,
    MonitoringEventKind,
    MonitoringStatus,
)

DEFAULT_ELIMINATION_MONTHS = 6


def _record(session: Session, household: Household, kind: MonitoringEventKind, day: date, actor: User | None,
            reason: str | None = None) -> MonitoringEvent:
    event = MonitoringEvent(household_id=household.id, kind=kind, day=day, status=household.monitoring_status,
                            risk_types=list(household.risk_types or []), reason=reason,
                            created_by_id=actor.id if actor is not None and actor.id else None)
    session.add(event)
    household.monitoring_history.append(event)
    return event


def _check_since(since: date | None, today: date) -> None:
    if since is not None and since > today:
        raise ValidationFailed(_("Monitoring cannot begin in the future."),
                               {"monitoring_since": _("a day up to today")})


def start_monitoring(session: Session, household: Household, status: MonitoringStatus, risk_types: list[str],
                     reason: str | None, actor: User, since: date | None = None) -> MonitoringEvent:
    """Puts a household under monitoring (纳入监测) as `status` with its risk types, from `since`
    (today unless it was monitored before it was entered), or changes the status or risks of one
    already monitored. Ending it goes through 风险消除."""
    if not actor.keeps_registry:
        raise Forbidden(_("Your role is not allowed to do this."))
    if status is MonitoringStatus.none:
        raise ValidationFailed(_("Monitoring ends through a risk elimination, approved by the county."),
                               {"status": _("choose a monitoring type")})
    today = china_today()
    _check_since(since, today)
    already = household.monitoring_status is not MonitoringStatus.none
    household.monitoring_status = status
    household.risk_types = list(risk_types)
    if not already:
        household.monitoring_since = since or today
    kind = MonitoringEventKind.changed if already else MonitoringEventKind.identified
    event = _record(session, household, kind, household.monitoring_since if not already else today, actor, reason)
    audit.record(actor, "update", "household", household.code, fields=["monitoring_status", "risk_types"],
                 area_code=household.village_code, detail=status.name)
    session.flush()
    return event


def opened_with_monitoring(session: Session, household: Household, actor: User) -> None:
    """A household entered as already monitored: its history begins on `monitoring_since`."""
    if household.monitoring_status is MonitoringStatus.none:
        household.monitoring_since = None
        return
    household.monitoring_since = household.monitoring_since or china_today()  # not in the future: the schema
    _record(session, household, MonitoringEventKind.identified, household.monitoring_since, actor)


def check_status_change(household: Household, data: dict) -> None:
    """An edit (a form, PATCH, an import row) may start monitoring or change its type and risks,
    never end it (that is a risk elimination), and never move the day it began."""
    before = household.monitoring_status
    if data.get("monitoring_status", before) is MonitoringStatus.none and before is not MonitoringStatus.none:
        raise Conflict(_("Monitoring ends through a risk elimination, approved by the county."),
                       {"monitoring_status": _("propose a risk elimination instead")})
    since = data.get("monitoring_since")
    if since is not None and before is not MonitoringStatus.none and since != household.monitoring_since:
        raise ValidationFailed(_("Monitoring began on %(day)s: the day it began is not edited.",
                                 day=household.monitoring_since.isoformat() if household.monitoring_since else "—"),
                               {"monitoring_since": _("not edited once monitoring has begun")})


def monitoring_edited(session: Session, household: Household, before: MonitoringStatus, risks_before: list[str],
                      since: date | None, actor: User) -> None:
    """After an edit checked by `check_status_change`: monitoring that begins starts its history
    (on `since` when the edit says it began earlier); a changed type or risks is a step of it."""
    after = household.monitoring_status
    if after is MonitoringStatus.none:
        return
    if before is MonitoringStatus.none:
        household.monitoring_since = since or china_today()
        _record(session, household, MonitoringEventKind.identified, household.monitoring_since, actor)
    elif after is not before or list(household.risk_types or []) != risks_before:
        _record(session, household, MonitoringEventKind.changed, china_today(), actor)


def record_step(session: Session, household: Household, kind: MonitoringEventKind, actor: User,
                reason: str | None) -> MonitoringEvent:
    """A step of the ending (proposed, refused) in the household's history."""
    return _record(session, household, kind, china_today(), actor, reason)


def end_monitoring(session: Session, household: Household, actor: User, reason: str | None) -> MonitoringEvent:
    """The county approved the risk elimination: the household leaves monitoring today and keeps
    its history (and its risk types, as they were, in the history)."""
    event = _record(session, household, MonitoringEventKind.eliminated, china_today(), actor, reason)
    household.monitoring_status = MonitoringStatus.none
    household.risk_eliminated_on = event.day
    event.status = MonitoringStatus.none
    household.monitoring_since = None
    household.risk_types = []
    return event


def elimination_months(session: Session, household: Household) -> int:
    """How long monitoring lasts at least before its risk may be eliminated: the setting of the
    household's nearest area that has one, else six months."""
    chain = chain_of(household.village)
    found = {p.area_code: p.elimination_months for p in session.scalars(
        select(AreaPolicy).where(AreaPolicy.area_code.in_(chain)))}
    return next((found[code] for code in chain if code in found), DEFAULT_ELIMINATION_MONTHS)


def set_policy(session: Session, area_code: str, months: int, actor: User) -> AreaPolicy:
    """An officer sets the least months of monitoring before a risk elimination, for an area of theirs."""
    area_code = officers_area(session, area_code, actor).code
    policy = session.get(AreaPolicy, area_code) or AreaPolicy(area_code=area_code)
    policy.elimination_months = months
    session.add(policy)
    audit.record(actor, "update", "area_policy", area_code, fields=["elimination_months"], area_code=area_code,
                 detail=str(months))
    session.flush()
    return policy


# --- the 5+N team --------------------------------------------------------------------------------

def may_help(user: User, village_code: str) -> bool:
    """Station or county staff whose areas hold the village may be one of a household's helpers."""
    return user.is_area_staff and user_sees_area(user, village_code)


def set_helpers(session: Session, household: Household, items: list[dict], actor: User) -> list[HouseholdHelper]:
    """Replaces the household's helper team. A helper with an account must be station or county
    staff of the household's village: the household's alerts go to them. The first
    帮扶责任人 is also the household's responsible helper."""
    if not actor.keeps_registry:
        raise Forbidden(_("Your role is not allowed to do this."))
    team = []
    for row, item in enumerate(items):
        user = session.get(User, item["user_id"]) if item.get("user_id") else None
        if item.get("user_id") and (user is None or not may_help(user, household.village_code)):
            raise ValidationFailed(_("A helper's account must be station or county staff of the household's village."),
                                   {f"{row}.user_id": _("not staff of this village")})
        phone = normalise_phone(item["phone"]) if item.get("phone") else None
        team.append(HouseholdHelper(role=item["role"], name=item["name"], user_id=user.id if user else None,
                                    phone_enc=crypto.encrypt(phone) if phone else None,
                                    phone_masked=crypto.mask_phone(phone) if phone else None))
    household.helpers = team
    responsible = next((h for h in team if h.role is HelperRole.responsible), None)
    household.helper_name = responsible.name if responsible else None
    household.helper_id = responsible.user_id if responsible else None
    audit.record(actor, "update", "household", household.code, fields=["helpers"], area_code=household.village_code)
    session.flush()
    return team


def responsible_changed(household: Household) -> None:
    """The responsible helper was edited on the household (form, PATCH): the team says the same."""
    others = [h for h in household.helpers if h.role is not HelperRole.responsible]
    if household.helper_name or household.helper_id:
        name = household.helper_name or (household.helper.display_name or household.helper.username
                                         if household.helper is not None else "")
        others.insert(0, HouseholdHelper(role=HelperRole.responsible, name=name, user_id=household.helper_id))
    household.helpers = others


# --- help measures -------------------------------------------------------------------------------

def add_measure(session: Session, household: Household, data: dict, actor: User) -> HelpMeasure:
    if not actor.keeps_registry:
        raise Forbidden(_("Your role is not allowed to do this."))
    if data["date"] > china_today():
        raise ValidationFailed(_("Record help once it has been given."), {"date": _("a day up to today")})
    measure = HelpMeasure(household_id=household.id, kind=data["kind"], day=data["date"],
                          description=data["description"], helper_name=data.get("helper_name"),
                          created_by_id=actor.id)
    session.add(measure)
    audit.record(actor, "create", "help_measure", household.code, fields=sorted(data), area_code=household.village_code)
    session.flush()
    return measure


def measures_of(session: Session, household: Household) -> list[HelpMeasure]:
    return list(session.scalars(select(HelpMeasure).where(HelpMeasure.household_id == household.id)
                                .order_by(HelpMeasure.day.desc(), HelpMeasure.id.desc())))
