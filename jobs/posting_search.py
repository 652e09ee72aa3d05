"""How the postings searches read a skill as people say it ("会开叉车"): shared by the signed-in
list (jobs.services.list_jobs) and the public board (jobs.public)."""
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from jobs.models import Job, JobSkill
from registry.models import Skill
from registry.services import skills_meant


def asks_for_skill(session: Session, skill: str):
    """A condition on Job: it asks for the skill the text resolves to (any entry of the same
    occupation code), its title is that occupation, or it asks for a skill written with the text."""
    meant = skills_meant(session, skill) or []
    return or_(
        Job.required_skills.any(or_(JobSkill.name.contains(skill, autoescape=True), JobSkill.skill_id.in_(meant))),
        Job.occupation_code.in_(select(Skill.code).where(Skill.id.in_(meant), Skill.code.is_not(None))))
