"""A household's income against the monitoring line (防返贫监测线).

Each year the income check records a household's wage, business, property and transfer income and
its business costs. Its per-capita net income is (the four incomes − the costs) ÷ its members, and
it is compared with the line officers set for the year: the line of the household's nearest area
that has one (its village, else its township, else its county).

Plain functions taking a session and the acting user; they flush, the caller commits."""
from __future__ import annotations

from dataclasses import dataclass, replace

from blinker import Namespace
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import audit
from core.errors import ValidationFailed
from core.models import User
from registry.areas import chain_of, officers_area
from registry.models import Area, Household, HouseholdIncome, MonitoringLine, Worker

FIRST_YEAR, LAST_YEAR = 2000, 2100

signals = Namespace()
income_recorded = signals.signal("income-recorded", doc="""Incomes were recorded (a form, the API, an
imported sheet): sent with the session as sender and `household_ids`, after the flush. The early
warning answers at once with the income rules for those households, so that the cadre who
entered the check sees what it means.""")
INCOMES = ("wage_income", "business_income", "property_income", "transfer_income")
AMOUNTS = (*INCOMES, "business_costs")


@dataclass
class IncomeCheck:
    """One year's income of a household, measured against that year's line."""
    year: int
    wage_income: int
    business_income: int
    property_income: int
    transfer_income: int
    business_costs: int
    net_income: int
    size: int  # members counted
    per_capita: float | None  # None for a household with no member on file
    line: int | None  # None while no area of the household has a line for the year
    below_line: bool | None  # None when either side is unknown


def _check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationFailed(_("No such year."), {"year": _("between %(a)s and %(b)s", a=FIRST_YEAR, b=LAST_YEAR)})


def set_line(session: Session, area_code: str, year: int, amount: int, actor: User) -> MonitoringLine:
    """An officer sets (or corrects) the line of an area of theirs for a year."""
    _check_year(year)
    area = officers_area(session, area_code, actor)
    line = session.get(MonitoringLine, (area.code, year))
    if line is None:
        line = MonitoringLine(area_code=area.code, year=year, amount=amount)
        session.add(line)
    line.amount = amount
    audit.record(actor, "update", "monitoring_line", f"{area.code}/{year}", fields=["amount"], area_code=area.code,
                 detail=str(amount))
    session.flush()
    return line


def _nearest(chain: list[str], year: int, lines: dict[tuple[str, int], int]) -> int | None:
    return next((lines[code, year] for code in chain if (code, year) in lines), None)


def line_for(session: Session, village: Area, year: int) -> int | None:
    """The line of the village's nearest area that has one for the year."""
    chain = chain_of(village)
    lines = {(code, year): amount for code, amount in session.execute(
        select(MonitoringLine.area_code, MonitoringLine.amount)
        .where(MonitoringLine.year == year, MonitoringLine.area_code.in_(chain)))}
    return _nearest(chain, year, lines)


def record_income(session: Session, household: Household, year: int, data: dict, actor: User) -> IncomeCheck:
    """Keeps (or corrects) the household's income of the year; amounts not given count as 0."""
    _check_year(year)
    row, _created = keep_income(session, household, year, data)
    audit.record(actor, "update", "household_income", f"{household.code}/{year}", fields=list(AMOUNTS),
                 area_code=household.village_code)
    session.flush()
    income_recorded.send(session, household_ids=[household.id])
    return check(session, household, row)


def keep_income(session: Session, household: Household, year: int, data: dict) -> tuple[HouseholdIncome, bool]:
    """Stores the year's amounts (those not given count as 0); True when the year was new. The
    callers audit: one event per form or request, one per imported file."""
    row = session.get(HouseholdIncome, (household.id, year))
    created = row is None
    if created:
        row = HouseholdIncome(household_id=household.id, year=year)
        session.add(row)
    for name in AMOUNTS:
        setattr(row, name, data.get(name) or 0)
    return row, created


def check(session: Session, household: Household, row: HouseholdIncome, lines: dict | None = None) -> IncomeCheck:
    """The year against its line (from `lines`, {(area code, year): amount}, when the caller read
    them for several years at once)."""
    size = household.member_count
    per_capita = round(row.net_income / size, 2) if size else None
    line = (line_for(session, household.village, row.year) if lines is None
            else _nearest(chain_of(household.village), row.year, lines))
    return IncomeCheck(row.year, *(getattr(row, name) for name in AMOUNTS), row.net_income, size, per_capita, line,
                       None if per_capita is None or line is None else per_capita < line)


def income_history(session: Session, household: Household) -> list[IncomeCheck]:
    """Every year on file, newest first, each against its own year's line."""
    rows = session.scalars(select(HouseholdIncome).where(HouseholdIncome.household_id == household.id)
                           .order_by(HouseholdIncome.year.desc())).all()
    lines = {(code, year): amount for code, year, amount in session.execute(
        select(MonitoringLine.area_code, MonitoringLine.year, MonitoringLine.amount)
        .where(MonitoringLine.area_code.in_(chain_of(household.village)),
               MonitoringLine.year.in_([row.year for row in rows])))}  # every year's lines in one read
    return [check(session, household, row, lines) for row in rows]


def latest_income(session: Session, household: Household) -> IncomeCheck | None:
    """The household's most recent year on file, measured against that year's line."""
    row = session.scalar(select(HouseholdIncome).where(HouseholdIncome.household_id == household.id)
                         .order_by(HouseholdIncome.year.desc()).limit(1))
    return check(session, household, row) if row is not None else None


@dataclass(frozen=True)
class YearOnYear:
    """A household's latest income check beside the year before (for the warning rules)."""
    household_id: int
    year: int
    per_capita: float | None
    line: int | None
    before: float | None  # per capita of the year before, when that year is on file


def latest_years(session: Session, where=()) -> list[YearOnYear]:
    """Every household's latest year on file, with its line and the year before (of the
    households meeting the conditions `where` on Household, when given)."""
    sizes = dict(session.execute(select(Worker.household_id, func.count(Worker.id)).join(Household)
                                 .where(*where).group_by(Worker.household_id)).all())
    rows = session.execute(select(HouseholdIncome, Household.village_code).join(Household).where(*where)
                           .order_by(HouseholdIncome.household_id, HouseholdIncome.year.desc())).all()
    lines = {(code, year): amount for code, year, amount in session.execute(
        select(MonitoringLine.area_code, MonitoringLine.year, MonitoringLine.amount))}  # a few per county
    chains = {village.code: chain_of(village) for village in session.scalars(
        select(Area).where(Area.code.in_({village_code for _income, village_code in rows})))}
    latest: dict[int, YearOnYear] = {}
    for income, village_code in rows:  # a household's years, newest first
        size = sizes.get(income.household_id, 0)
        per_capita = income.net_income / size if size else None
        known = latest.get(income.household_id)
        if known is None:
            latest[income.household_id] = YearOnYear(income.household_id, income.year, per_capita,
                                                     _nearest(chains[village_code], income.year, lines), None)
        elif income.year == known.year - 1:
            latest[income.household_id] = replace(known, before=per_capita)
    return list(latest.values())


def is_below_line(found: YearOnYear) -> bool:
    return found.per_capita is not None and found.line is not None and found.per_capita < found.line


def below_line_ids(session: Session, where=()) -> list[int]:
    """The households (meeting the conditions `where` on Household) whose latest per-capita income
    is under its line."""
    return [found.household_id for found in latest_years(session, where) if is_below_line(found)]
