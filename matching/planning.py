"""Course planning: "N people in township T are one skill X away from M open jobs". For every
person looking for work in an area and every open posting they could take (every hard rule
met), the postings held back by exactly one missing skill are counted by township and skill,
beside the courses one can still join that teach it. Where no course teaches it, that is the
course to plan."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import Forbidden, ValidationFailed
from core.models import User
from core.scoping import user_sees_area
from jobs.models import Job
from matching import data, engine
from registry.models import Area, AreaLevel, Household, Worker
from registry.services import area_names, areas_in_scope
from training.models import Course
from training.services import list_courses

GOOD_ENOUGH = 0.5  # a posting worth training for: at least this good once the skill is learned


@dataclass
class SkillGap:
    township_code: str
    township: str
    skill_id: int
    skill: str
    workers: set[int] = field(default_factory=set)
    jobs: set[int] = field(default_factory=set)
    job_openings: dict[int, int] = field(default_factory=dict)  # openings left of each of those postings
    openings: int = 0
    courses: list[Course] = field(default_factory=list)

    @property
    def seats(self) -> int:
        """A class this large would open the openings: one seat per person, no more than the openings."""
        return min(len(self.workers), self.openings)


@dataclass
class Township:
    """A township's gaps said once: N people within reach are one skill away from M openings."""
    code: str
    name: str
    gaps: list[SkillGap]

    @property
    def workers(self) -> int:
        return len(set().union(*(g.workers for g in self.gaps)))

    @property
    def openings(self) -> int:
        jobs = {}
        for gap in self.gaps:
            jobs.update(gap.job_openings)
        return sum(jobs.values())


def by_township(gaps: list[SkillGap]) -> list[Township]:
    """The gaps grouped by township, the township with the most people first."""
    towns: dict[str, Township] = {}
    for gap in gaps:
        towns.setdefault(gap.township_code, Township(gap.township_code, gap.township, [])).gaps.append(gap)
    return sorted(towns.values(), key=lambda t: (-t.workers, t.code))


def planning_areas(session: Session, actor: User, limit: int) -> list[Area]:
    """The areas the course-planning page offers: the user's own areas and the townships within
    them (at most `limit`), in code order; an administrator every county."""
    if actor.sees_every_area:
        return list(session.scalars(select(Area).where(Area.level == AreaLevel.county).order_by(Area.code)))
    own = list(session.scalars(select(Area).where(Area.code.in_(actor.area_codes)).order_by(Area.code)))
    townships = areas_in_scope(session, actor, AreaLevel.township, limit=limit)
    return own + [t for t in townships if t not in own]


def one_skill_away(session: Session, area_code: str, actor: User, limit: int = 30) -> list[SkillGap]:
    if not actor.is_staff:
        raise Forbidden(_("Your role is not allowed to do this."))
    if session.get(Area, area_code) is None:
        raise ValidationFailed(_("Unknown area."), {"area_code": _("no area has this code")})
    if not user_sees_area(actor, area_code):
        raise Forbidden(_("This area is not yours."))
    space, postings = data.current_postings(session)
    people = data.looking_for_work(session, area_code=area_code, space=space)
    if not len(people.table) or not len(postings):
        return []
    villages = dict(session.execute(
        select(Worker.id, Household.village_code).join(Household)
        .where(Worker.id.in_([int(i) for i in people.table.ids]))).all())
    prepared = engine.prepare(people.table, postings.table, space.group)
    required = postings.table.required.tocsr()
    gaps: dict[tuple[str, int], SkillGap] = {}
    for rows, cols in engine.blocks(people.table, postings.table, prepared):
        block = engine.score_block(people.table, postings.table, prepared, rows, cols)
        # once learned, the skill counts as held (self-reported): the posting must then be good enough;
        # a posting closed to the person for want of it (every other rule met) counts too
        once_learned = engine.WEIGHTS["skills"] * (block.skills + engine.SELF_REPORTED / np.maximum(
            prepared.needed[cols][None, :], 1)) + engine.WEIGHTS["distance"] * block.distance + \
            engine.WEIGHTS["wage"] * block.wage
        possible = (block.total >= 0) | block.skills_only
        # a posting that trains on the job (以工代训) teaches what is missing itself: no course needed
        hits = np.argwhere(possible & (block.missing == 1) & (once_learned >= GOOD_ENOUGH)
                           & ((postings.table.unresolved[cols] == 0) & ~prepared.trains[cols])[None, :])
        for a, b in hits:
            row, col = int(rows[a]), int(cols[b])
            held = set(people.table.skills[row].indices.tolist())
            lacking = [c for c in required[col].indices.tolist() if c not in held]
            if len(lacking) != 1:
                continue
            worker_id = int(people.table.ids[row])
            township = villages[worker_id][:9] + "000"
            gap = gaps.setdefault((township, lacking[0]), SkillGap(township, township, int(space.ids[lacking[0]]),
                                                                   space.names[lacking[0]]))
            gap.workers.add(worker_id)
            gap.jobs.add(int(postings.table.ids[col]))
    ranked = sorted(gaps.values(), key=lambda g: (-len(g.workers), -len(g.jobs), g.skill))[:limit]
    _name_townships(session, ranked)
    _add_openings_and_courses(session, ranked, space)
    return ranked


def _name_townships(session: Session, gaps: list[SkillGap]) -> None:
    names = area_names(session, {g.township_code for g in gaps})
    for gap in gaps:
        gap.township = names.get(gap.township_code, gap.township_code)


def _add_openings_and_courses(session: Session, gaps: list[SkillGap], space: data.SkillSpace) -> None:
    """Each gap's openings, and the courses one can still join that teach its skill (under any
    entry of the same occupation)."""
    jobs = {j.id: j for j in session.scalars(select(Job).where(Job.id.in_({i for g in gaps for i in g.jobs})))}
    courses, _total = list_courses(session, upcoming=True, limit=500)
    teaching = defaultdict(list)
    for course in courses:
        for taught in course.skills_taught:
            if taught.skill_id is not None and course not in teaching[space.key(taught.skill_id)]:
                teaching[space.key(taught.skill_id)].append(course)
    for gap in gaps:
        gap.job_openings = {i: jobs[i].openings_left for i in gap.jobs if i in jobs}
        gap.openings = sum(gap.job_openings.values())
        gap.courses = teaching.get(space.key(gap.skill_id), [])

