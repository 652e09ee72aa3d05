"""Course planning on the training pages: people of my area one skill away from open jobs, by
township and skill, with the courses that teach it (or none: a course to plan)."""
from flask import Blueprint, render_template, request
from sqlalchemy import select

from core import roles
from core.auth import acting_user, page_roles
from core.extensions import db
from core.models import Role
from core.scoping import scope_clause
from matching import planning
from registry.models import Area, AreaLevel

bp = Blueprint("planning", __name__)
AREA_LIMIT = 200


def _areas(actor) -> list[Area]:
    """The user's own areas and the townships within them (an admin: every county)."""
    if actor.role is Role.admin:
        return list(db.session.scalars(select(Area).where(Area.level == AreaLevel.county).order_by(Area.code)))
    own = list(db.session.scalars(select(Area).where(Area.code.in_(actor.area_codes)).order_by(Area.code)))
    townships = db.session.scalars(select(Area).where(Area.level == AreaLevel.township,
                                                      scope_clause(actor, Area.code))
                                   .order_by(Area.code).limit(AREA_LIMIT)).all()
    return own + [t for t in townships if t not in own]


@bp.get("/training/planning")
@page_roles(*roles.STAFF)
def course_gaps():
    actor = acting_user()
    areas = _areas(actor)
    codes = [a.code for a in areas]
    area = request.args.get("area") if request.args.get("area") in codes else (codes[0] if codes else None)
    gaps = planning.one_skill_away(db.session, area, actor) if area else []
    return render_template("planning/course_gaps.html", areas=areas, area=area, towns=planning.by_township(gaps))
