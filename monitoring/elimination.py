"""Ending a household's monitoring (风险消除): the station proposes, the application checks, a county
officer decides.

A proposal is accepted only when every check passes: the latest per-capita income is at or above
its line, no alert of the household is open, and monitoring began at least the area's months ago
(six unless its officers set otherwise). Otherwise it is refused (409) naming what failed, and
nothing is recorded. The county approves (the household leaves monitoring, `risk_eliminated_on`
is set) or refuses with a reason; the checks are made again before an approval. Every step
stays in the household's monitoring history."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit
from core.errors import Conflict, Forbidden, NotFound
from core.models import User, china_today, utcnow
from core.scoping import user_sees_area
from core.validators import MAX_ID
from monitoring.household_file import open_alerts_of
from monitoring.models import EliminationStatus, RiskElimination
from registry import services as registry_services
from registry.models import Household, MonitoringEventKind, MonitoringStatus

CHECKS = ("income_at_or_above_line", "no_open_alert", "monitored_long_enough")


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    detail: str


def checks_for(session: Session, household: Household, today: date | None = None) -> list[Check]:
    """The three checks of a risk elimination, each with what it found, in words."""
    today = today or china_today()
    income = registry_services.latest_income(session, household)
    if income is None or income.per_capita is None:
        income_check = Check(CHECKS[0], False, _("No income check on file."))
    elif income.line is None:
        income_check = Check(CHECKS[0], False, _("No monitoring line is set for %(year)s.", year=income.year))
    else:
        income_check = Check(CHECKS[0], not income.below_line,
                             _("Per-capita net income of %(year)s: %(amount)s yuan; the line is %(line)s.",
                               year=income.year, amount=f"{income.per_capita:,.0f}", line=f"{income.line:,}"))
    alerts = open_alerts_of(session, household)
    alert_check = Check(CHECKS[1], not alerts, _("%(n)s alert(s) open.", n=len(alerts)) if alerts
                        else _("No alert open."))
    months = registry_services.elimination_months(session, household)
    since = household.monitoring_since
    long_enough = since is not None and since + relativedelta(months=months) <= today
    time_check = Check(CHECKS[2], long_enough,
                       _("Monitored since %(day)s; at least %(months)s months are needed.",
                         day=since.isoformat() if since else "—", months=months))
    return [income_check, alert_check, time_check]


def pending_for(session: Session, household: Household) -> RiskElimination | None:
    """The household's proposal awaiting the county's decision, if any."""
    return session.scalar(select(RiskElimination).where(RiskElimination.household_id == household.id,
                                                        RiskElimination.status == EliminationStatus.proposed))


def _refuse_failed(checks: list[Check]) -> None:
    failed = [c for c in checks if not c.passed]
    if failed:
        raise Conflict(_("The risk cannot be declared eliminated yet: %(failed)s",
                         failed="".join(c.detail for c in failed)), {c.name: c.detail for c in failed})


def propose(session: Session, household: Household, reason: str, actor: User) -> RiskElimination:
    """A station proposes to end the household's monitoring; refused (409) unless every check passes."""
    if not actor.keeps_registry:
        raise Forbidden(_("Your role is not allowed to do this."))
    if household.monitoring_status is MonitoringStatus.none:
        raise Conflict(_("This household is not under monitoring."), {"household": _("not monitored")})
    if pending_for(session, household) is not None:
        raise Conflict(_("A risk elimination of this household already awaits the county's decision."),
                       {"household": _("already proposed")})
    checks = checks_for(session, household)
    _refuse_failed(checks)
    elimination = RiskElimination(household_id=household.id, household=household, reason=reason,
                                  checks=[asdict(c) for c in checks], proposed_by_id=actor.id,
                                  status=EliminationStatus.proposed)
    session.add(elimination)
    registry_services.record_step(session, household, MonitoringEventKind.proposed, actor, reason)
    audit.record(actor, "create", "risk_elimination", household.code, area_code=household.village_code,
                 fields=["reason"])
    session.flush()
    return elimination


def get_elimination(session: Session, elimination_id: int, actor: User) -> RiskElimination:
    elimination = session.get(RiskElimination, elimination_id) if 0 < elimination_id <= MAX_ID else None
    if elimination is None or not user_sees_area(actor, elimination.household.village_code) or not actor.is_staff:
        raise NotFound(_("No risk elimination %(id)s.", id=elimination_id))
    return elimination


def decide(session: Session, elimination: RiskElimination, approved: bool, reason: str,
           actor: User) -> RiskElimination:
    """A county officer (or an admin) approves or refuses a proposal, with a reason."""
    if not actor.is_officer:
        raise Forbidden(_("Only county officers decide on a risk elimination."))
    if elimination.status is not EliminationStatus.proposed:
        raise Conflict(_("This risk elimination has been decided already."), {"status": elimination.status.name})
    household = elimination.household
    if approved:
        _refuse_failed(checks_for(session, household))  # things may have changed since the proposal
        registry_services.end_monitoring(session, household, actor, reason)
    else:
        registry_services.record_step(session, household, MonitoringEventKind.refused, actor, reason)
    elimination.status = EliminationStatus.approved if approved else EliminationStatus.refused
    elimination.decided_by_id, elimination.decided_at, elimination.decision_reason = actor.id, utcnow(), reason
    audit.record(actor, "update", "risk_elimination", household.code, area_code=household.village_code,
                 fields=["status"], detail=elimination.status.name)
    session.flush()
    return elimination


def pending_in(session: Session, actor: User, area_code: str | None = None) -> list[RiskElimination]:
    """Proposals awaiting a decision in the user's areas, oldest first (the county's queue)."""
    return list(session.scalars(select(RiskElimination).join(Household)
                                .where(*registry_services.households_in(actor, area_code),
                                       RiskElimination.status == EliminationStatus.proposed)
                                .order_by(RiskElimination.proposed_at)))
