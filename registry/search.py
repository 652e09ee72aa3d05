"""Searching the labour force: by name, pinyin, masked ID, a phone's last four digits, or a full ID
number or phone, which is audited and limited per user (it tells whether someone is registered);
and by skill, as people say it. Within the user's areas, like every registry read."""
from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from core import audit, crypto
from core.errors import Forbidden
from core.models import User
from core.scoping import scope_clause, within_clause
from registry.models import (
    EMPLOYED,
    MAX_WORKING_AGE,
    MIN_WORKING_AGE,
    EmploymentStatus,
    Household,
    LabourAbility,
    MonitoringStatus,
    SchoolStage,
    Worker,
    WorkerSkill,
)
from registry.taxonomy import skills_meant


def households_in(actor: User, area_code: str | None = None) -> list:
    """WHERE conditions on Household: inside the user's areas, and inside `area_code` when given."""
    conditions = [scope_clause(actor, Household.village_code)]
    if area_code:
        conditions.append(within_clause(area_code, Household.village_code))
    return conditions


def has_employed_member():
    """A condition on Household: someone of it is in work (any employed status)."""
    member = aliased(Worker)  # the outer query may itself select workers
    return exists().where(member.household_id == Household.id, member.employment_status.in_(EMPLOYED))


def may_work(today: date, worker=Worker) -> list:
    """WHERE conditions on Worker (or an alias of it): of working age on `today`, able to work
    and not at school (`Worker.may_work` in SQL)."""
    def years_ago(years: int) -> date:
        try:
            return today.replace(year=today.year - years)
        except ValueError:  # 29 February
            return today.replace(year=today.year - years, day=28)
    return [worker.labour_ability != LabourAbility.none, worker.employment_status != EmploymentStatus.unable,
            worker.school_stage == SchoolStage.none, worker.birth_date <= years_ago(MIN_WORKING_AGE),
            worker.birth_date > years_ago(MAX_WORKING_AGE + 1)]


@dataclass
class WorkerQuery:
    area_code: str | None = None
    q: str | None = None
    monitoring_status: MonitoringStatus | None = None
    employment_status: object | None = None
    nobody_employed: bool | None = None
    employed: bool | None = None  # only people in work (any employed status)
    skill: str | None = None  # what people say ("会开叉车"): see _skill_condition
    limit: int = 50
    offset: int = 0

    @property
    def by_full_number(self) -> bool:
        """A search by a full ID number or phone: audited and limited (its event is committed)."""
        return exact_number(self.q or "") is not None


def search_workers(session: Session, actor: User, query: WorkerQuery) -> tuple[list[Worker], int]:
    if not actor.is_staff:
        raise Forbidden(_("Your role is not allowed to do this."))
    conditions = households_in(actor, query.area_code)
    if query.q and query.q.strip():
        number = exact_number(query.q)
        if number is not None:
            _count_exact_search(session, actor, number[0], query.area_code)
        conditions.append(_text_condition(query.q.strip(), number))
    if query.monitoring_status is not None:
        conditions.append(Household.monitoring_status == query.monitoring_status)
    if query.employment_status is not None:
        conditions.append(Worker.employment_status == query.employment_status)
    if query.nobody_employed:
        conditions.append(~has_employed_member())
    if query.employed:
        conditions.append(Worker.employment_status.in_(EMPLOYED))
    if query.skill and query.skill.strip():
        conditions.append(_skill_condition(session, query.skill.strip()))
    base = select(Worker).join(Household).where(*conditions)
    total = session.scalar(select(func.count()).select_from(base.subquery()))
    rows = session.scalars(base.order_by(Household.code, Worker.birth_date, Worker.id)
                           .limit(query.limit).offset(query.offset)).all()
    return list(rows), total


def exact_number(q: str) -> tuple[str, str] | None:
    """("id_number" | "phone", the number) when the search text is a full ID number or mobile."""
    compact = q.replace(" ", "").upper()
    if len(compact) == 18 and compact[:17].isdigit():
        return "id_number", compact
    if len(compact) == 11 and compact.isdigit():
        return "phone", compact
    return None


def _count_exact_search(session: Session, actor: User, kind: str, area_code: str | None) -> None:
    """A search by a full ID number or phone finds out whether someone is registered, and, repeated
    over the numbers a mask leaves, who they are: each is audited (never the number) and there
    are at most EXACT_SEARCH_LIMIT per user."""
    event = audit.record(actor, "search", "worker", None, fields=[kind],
                         area_code=audit.area_of_request(actor, area_code))
    audit.count_first(session, event, current_app.config["EXACT_SEARCH_LIMIT"],
                      _("Too many searches by a full ID number or phone; please try again later."), by="user_id")


def _text_condition(q: str, number: tuple[str, str] | None):
    """Name, pinyin (full or initials), masked ID, a full ID or phone (`number`), or a phone's last
    four digits."""
    compact = q.replace(" ", "")
    if number is not None:
        kind, value = number
        return (Worker.id_number_hash if kind == "id_number" else Worker.phone_hash) == crypto.lookup_hash(value)
    if "*" in compact:
        return Worker.id_number_masked.like(compact.replace("*", "_"))
    if compact.isdigit() and len(compact) == 4:
        return Worker.phone_tail == compact
    if compact.isascii() and compact.isalpha():
        lower = compact.lower()
        return or_(Worker.name_pinyin.like(f"%{lower}%"), Worker.name_initials.like(f"{lower}%"))
    return or_(Worker.name.contains(q, autoescape=True), Household.code == q)


def _skill_condition(session: Session, skill: str):
    """People with the skill the text resolves to (any entry of the same occupation code: the
    occupation, its certificate, the village name for it), or a skill written with the text in it."""
    meant = skills_meant(session, skill) or []
    return Worker.skills.any(or_(WorkerSkill.name.contains(skill, autoescape=True), WorkerSkill.skill_id.in_(meant)))
