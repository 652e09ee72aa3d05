"""Trainee pages (phone first): courses near me, by skill and mode, a course page with seats
left, enrolment or the waitlist with its position, my courses and certificates."""
from flask import Blueprint

bp = Blueprint("training", __name__)


@bp.get("/courses")
def courses():  # placeholder until the trainee pages land
    return "courses"


@bp.get("/my/courses")
def mine():  # placeholder until the trainee pages land
    return "mine"
