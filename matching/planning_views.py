"""Course planning on the training pages: people of my area one skill away from open jobs, by
township and skill, with the courses that teach it (or none: a course to plan).

Thin: parse, call a service (matching.planning), render."""
from flask import Blueprint, render_template, request

from core import roles
from core.auth import acting_user, page_roles
from core.extensions import db
from matching import planning

bp = Blueprint("planning", __name__)
AREA_LIMIT = 200


@bp.get("/training/planning")
@page_roles(*roles.STAFF)
def course_gaps():
    actor = acting_user()
    areas = planning.planning_areas(db.session, actor, AREA_LIMIT)
    codes = [a.code for a in areas]
    area = request.args.get("area") if request.args.get("area") in codes else (codes[0] if codes else None)
    gaps = planning.one_skill_away(db.session, area, actor) if area else []
    return render_template("planning/course_gaps.html", areas=areas, area=area, towns=planning.by_township(gaps))
