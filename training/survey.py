"""The training needs survey: what people want to learn, asked before courses are planned.
A wish is said by the worker on the phone or noted by station staff; demand is counted by skill
and township, beside the seats that upcoming courses already offer for that skill."""
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.errors import Conflict, Forbidden, NotFound
from core.models import Role, User, china_today
from core.scoping import scope_clause, within_clause
from core.validators import MAX_ID
from registry.models import Household, Skill, Worker
from registry.services import area_names, can_read_worker, skill_values
from training.models import Course, CourseMode, CourseSkill, TrainingWish


def add_wish(session: Session, worker: Worker, name: str, mode: CourseMode | None, actor: User) -> TrainingWish:
    if not actor.opens_worker_files or not can_read_worker(actor, worker):
        raise Forbidden(_("Your role is not allowed to do this."))
    value = skill_values(session, [name], area_code=worker.household.village_code)[0]
    wish = TrainingWish(worker_id=worker.id, name=value["name"], skill_id=value["skill_id"], mode=mode,
                        recorded_by_id=actor.id)
    session.add(wish)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise Conflict(_("This wish is noted already."), {"name": _("noted already")}) from None
    return wish


def wishes_of(session: Session, worker_id: int) -> list[TrainingWish]:
    return list(session.scalars(select(TrainingWish).where(TrainingWish.worker_id == worker_id)
                                .order_by(TrainingWish.created_at, TrainingWish.id)))


def wish_of(session: Session, wish_id: int, actor: User) -> TrainingWish:
    """A wish of a person whose file the user opens; any other is not found."""
    wish = session.get(TrainingWish, wish_id) if 0 < wish_id <= MAX_ID else None
    if wish is None or not actor.opens_worker_files or not can_read_worker(actor, wish.worker):
        raise NotFound(_("No such wish."))
    return wish


def remove_wish(session: Session, wish: TrainingWish, actor: User) -> Worker:
    """Removes a wish found by `wish_of` (for the same user); returns whose it was."""
    if not actor.opens_worker_files or not can_read_worker(actor, wish.worker):
        raise NotFound(_("No such wish."))
    worker = wish.worker
    session.delete(wish)
    session.flush()
    return worker


@dataclass(frozen=True)
class Demand:
    skill: str
    skill_id: int | None
    township_code: str
    township: str
    people: int
    seats: int  # seats left in upcoming courses teaching the skill


def demand(session: Session, actor: User, area_code: str | None = None, mine: bool = False) -> list[Demand]:
    """Wishes by skill × township, most wanted first. Wishes that did not resolve to a canonical
    skill are counted by their text, so nothing said is lost. Staff count the wishes of their
    areas; a provider every township's (counts only: nobody is named), or with `mine` only those
    for the skills its courses teach."""
    township = func.substr(Household.village_code, 1, 9)
    label = func.coalesce(Skill.name, TrainingWish.name)
    query = (select(label, TrainingWish.skill_id, township, func.count(func.distinct(TrainingWish.worker_id)))
             .join(Worker, Worker.id == TrainingWish.worker_id)
             .join(Household, Household.id == Worker.household_id)
             .outerjoin(Skill, Skill.id == TrainingWish.skill_id)
             .group_by(label, TrainingWish.skill_id, township))
    if actor.role is not Role.provider:
        query = query.where(scope_clause(actor, Household.village_code))
    if mine:
        taught = select(CourseSkill.skill_id, CourseSkill.name).join(Course, Course.id == CourseSkill.course_id) \
            .where(Course.provider_user_id == actor.id).subquery()
        query = query.where(or_(TrainingWish.skill_id.in_(select(taught.c.skill_id).where(taught.c.skill_id.is_not(None))),
                                TrainingWish.name.in_(select(taught.c.name))))
    if area_code:
        query = query.where(within_clause(area_code, Household.village_code))
    rows = session.execute(query).all()
    names = area_names(session, {r[2] + "000" for r in rows})
    seats = _seats_by_skill(session, {r[1] for r in rows if r[1] is not None})
    result = [Demand(r[0], r[1], r[2] + "000", names.get(r[2] + "000", r[2] + "000"), r[3], seats.get(r[1], 0))
              for r in rows]
    return sorted(result, key=lambda d: (-d.people, d.skill, d.township_code))


def _seats_by_skill(session: Session, skill_ids: set[int]) -> dict[int, int]:
    if not skill_ids:
        return {}
    today = china_today()
    rows = session.execute(
        select(CourseSkill.skill_id, func.sum(Course.capacity - Course.enrolled_count))
        .join(Course, Course.id == CourseSkill.course_id)
        .where(CourseSkill.skill_id.in_(skill_ids), or_(Course.ends_on.is_(None), Course.ends_on >= today))
        .group_by(CourseSkill.skill_id)).all()
    return {skill_id: int(seats or 0) for skill_id, seats in rows}
