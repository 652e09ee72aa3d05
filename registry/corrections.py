"""Learning from the station: when staff correct what a text resolved to (a skill as villagers say
it, a job title as employers write it), the correction is kept for their county. From then on
that text resolves to the chosen entry there, ahead of the resolver, and the workers, postings
and courses of the county that wrote it are resolved again at once.

Texts are compared as the resolver reads them (registry.skills.normalise_text, spaces dropped),
so "电焊 " and "电焊" are one text.

The registry re-points its workers itself; postings and courses belong to packages above it,
which listen to `skill_corrected` (connected in the composition root, application/)."""
from __future__ import annotations

from dataclasses import dataclass

from blinker import Namespace
from flask_babel import gettext as _
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from core import audit
from core.errors import Forbidden, ValidationFailed
from core.models import User, utcnow
from core.scoping import user_sees_area, within_clause
from registry.models import Area, AreaLevel, Household, Skill, SkillCorrection, Worker, WorkerSkill
from registry.skills import normalise_text

signals = Namespace()
skill_corrected = signals.signal("skill-corrected", doc="""A county's correction is kept: sent with the
session as sender and `county`, `key` (the text as text_key reads it) and `skill` (the entry it now
means). Each receiver re-points what its package keeps of that county under that text, flushes, and
returns (what, how many): ("postings", 3).""")


def text_key(text: str) -> str:
    """A text as corrections compare it."""
    return normalise_text(text or "").replace(" ", "")


def county_of(area_code: str | None) -> str | None:
    return area_code[:6] + "000000" if area_code else None


def corrected(session: Session, area_code: str | None, names: list[str]) -> dict[str, int]:
    """The skill ids that corrections of the area's county give some of `names` (by text_key). A
    county's corrections (a few hundred at most) are read once per session: an import of
    thousands of rows asks once."""
    county = county_of(area_code)
    if county is None or not names:
        return {}
    known = session.info.setdefault("skill_corrections", {})
    if county not in known:
        known[county] = dict(session.execute(select(SkillCorrection.text, SkillCorrection.skill_id)
                                             .where(SkillCorrection.county_code == county)).all())
    return {key: known[county][key] for key in map(text_key, names) if key in known[county]}


@dataclass
class Outcome:
    correction: SkillCorrection
    workers: int  # people whose skill was resolved again
    postings: int  # postings whose required skill or title was resolved again
    courses: int


def _entry(session: Session, code: str) -> Skill | None:
    """The entry a code names: the occupation of that code (else another entry filed under it), or
    an entry's own key (village skills without an occupation)."""
    rows = session.scalars(select(Skill).where((Skill.code == code) | (Skill.key == code))).all()
    return min(rows, key=lambda s: (s.key != code and s.kind != "occupation", s.kind != "occupation", s.id),
               default=None)


def _county(session: Session, actor: User, area_code: str | None) -> str:
    if area_code is None:
        counties = {county_of(code) for code in actor.area_codes}
        if len(counties) != 1:
            raise ValidationFailed(_("Say for which county."), {"area_code": _("required: you serve several counties")
                                                               if counties else _("required")})
        area_code = counties.pop()
    county = county_of(area_code)
    area = session.get(Area, county)
    if area is None or area.level is not AreaLevel.county:
        raise ValidationFailed(_("Unknown area."), {"area_code": _("no county has this code")})
    if not user_sees_area(actor, county) and not any(county_of(c) == county for c in actor.area_codes):
        raise Forbidden(_("This area is not yours."))
    return county


def correct(session: Session, text: str, code: str, actor: User, area_code: str | None = None) -> Outcome:
    """Keeps (or replaces) the county's correction of `text` and resolves again what wrote it."""
    if not actor.is_staff:
        raise Forbidden(_("Your role is not allowed to do this."))
    key = text_key(text)
    if not key:
        raise ValidationFailed(_("Say which text to correct."), {"text": _("required")})
    skill = _entry(session, code.strip())
    if skill is None:
        raise ValidationFailed(_("No skill or occupation has this code."), {"code": _("unknown code")})
    county = _county(session, actor, area_code)
    correction = session.scalar(select(SkillCorrection).where(SkillCorrection.county_code == county,
                                                              SkillCorrection.text == key))
    if correction is None:
        correction = SkillCorrection(county_code=county, text=key)
        session.add(correction)
    correction.skill_id, correction.created_by_id = skill.id, actor.id
    session.flush()
    session.info.pop("skill_corrections", None)
    workers = _resolve_workers_again(session, county, key, skill)
    others = dict(answer for _receiver, answer in skill_corrected.send(session, county=county, key=key, skill=skill))
    session.expire_all()  # the workers' skills changed in SQL under any loaded objects
    outcome = Outcome(correction, workers, others.get("postings", 0), others.get("courses", 0))
    audit.record(actor, "correct", "skill", str(skill.id), area_code=county,
                 detail=f"{key} -> {skill.code or skill.key}: {outcome.workers} workers, {outcome.postings} postings, "
                        f"{outcome.courses} courses")
    return outcome


def _resolve_workers_again(session: Session, county: str, key: str, skill: Skill) -> int:
    """Points the county's workers' skills written as `key` at `skill`, in SQL (a county has many).
    Touched workers get a new `updated_at`, so the matcher reads them again (matching.data's
    fingerprints)."""
    people = select(Worker.id).join(Household).where(within_clause(county, Household.village_code))
    names = [n for n in session.scalars(select(WorkerSkill.name).where(WorkerSkill.worker_id.in_(people)).distinct())
             if text_key(n) == key]
    stale = (WorkerSkill.name.in_(names), WorkerSkill.worker_id.in_(people),
             or_(WorkerSkill.skill_id.is_(None), WorkerSkill.skill_id != skill.id))
    workers = list(session.scalars(select(WorkerSkill.worker_id).where(*stale).distinct())) if names else []
    if workers:
        session.execute(update(WorkerSkill).where(*stale).values(skill_id=skill.id), execution_options={
            "synchronize_session": False})
        session.execute(update(Worker).where(Worker.id.in_(workers)).values(updated_at=utcnow()),
                        execution_options={"synchronize_session": False})
    return len(workers)
