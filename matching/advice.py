"""Training advice for a person (the course part of matching.services.recommend): the courses one
can still join that teach what good postings are held back by, an order course (订单培训) for one of
those postings first. Courses are read through training.services."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from core.models import china_today
from jobs.services import same_skill
from training.models import Course
from training.services import list_courses


@dataclass
class CourseAdvice:
    course: Course
    closes_skills: list[str]
    for_job_ids: list[int]
    ordered_by: str | None = None  # 订单培训: the employer whose posting (the person aims at) takes its graduates
    order_job_id: int | None = None

    @property
    def order_note(self) -> str | None:
        """What an order course promises the person, in words."""
        return None if self.ordered_by is None else _("Order training: on completion, referred to %(employer)s",
                                                       employer=self.ordered_by)


def training_gap(session: Session, gaps: list, limit: int = 5) -> list[CourseAdvice]:
    """Courses one can still join that teach skills good jobs are held back by (`gaps`: the
    postings as matching.services.JobMatch, with the skills the person lacks), each with the jobs
    whose every missing skill it teaches (or, failing that, the jobs it brings closer). A course
    teaching an entry teaches every entry of the same occupation (育婴员 opens 育婴员证). An order
    course (订单培训, `Course.job_id`) for one of those postings comes first: passing it refers the
    person to that posting."""
    wanted = {key for g in gaps for key in g.missing_keys}
    if not wanted:
        return []
    aimed = {g.job.id: g.job for g in gaps}
    courses, _total = list_courses(session, upcoming=True, limit=500)
    advice = []
    for course in courses:
        taught = {same_skill(s.skill) for s in course.skills_taught if s.skill is not None}
        closes = taught & wanted
        ordered = aimed.get(course.job_id)
        if not closes and ordered is None:
            continue
        opens = [g.job.id for g in gaps if set(g.missing_keys) <= taught and len(g.missing_skills) ==
                 len(g.missing_keys)]
        nearer = [g.job.id for g in gaps if set(g.missing_keys) & taught and g.job.id not in opens]
        if ordered is not None:  # the posting it orders for first: its graduates are referred there
            opens = [ordered.id] + [i for i in opens if i != ordered.id]
            nearer = [i for i in nearer if i != ordered.id]
        names = list(dict.fromkeys(s.canonical or s.name for s in course.skills_taught
                                   if same_skill(s.skill) in closes))
        found = CourseAdvice(course, names, opens or nearer, ordered.employer.name if ordered else None,
                             ordered.id if ordered else None)
        advice.append((ordered is None, len(opens), len(nearer), course.seats_left > 0, found))
    advice.sort(key=lambda a: (a[0], -a[1], -a[2], not a[3], a[4].course.starts_on or china_today(), a[4].course.id))
    return [a[4] for a in advice[:limit]]
