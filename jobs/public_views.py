"""The public job board (`/board`, phone first, no sign-in), a posting's public page, and its
printable A4 notice for village notice boards, with a QR code of that page; under the postings, the
published stories of those who show the way (扶志) by township, each with a page of its own. Its
routes are on jobs.views.bp.

Thin: parse, call the service (jobs/public.py), render."""
import segno
from flask import render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from marshmallow import ValidationError

from core.auth import acting_user, page_roles
from core.errors import ValidationFailed, flatten_fields
from core.extensions import db
from core.forms import ConfirmForm
from core.models import Role, china_today
from core.pages import PAGE_SIZE, page_count, page_number
from jobs import public
from jobs.schemas import PublicJobArgs
from jobs.views import bp

BOARD_FILTERS = ("area_code", "skill", "accommodation", "wage_min")
STORIES_ON_BOARD = 30  # the newest published stories, under their townships


def _board_filters() -> tuple[dict, dict[str, str]]:
    """The board's filters from the address, and why any of them was refused (by field); a
    refused filter is left out, the others still apply."""
    given = {name: request.args.get(name, "").strip() for name in BOARD_FILTERS}
    given = {name: value for name, value in given.items() if value}
    try:
        return PublicJobArgs().load(given), {}
    except ValidationError as exc:
        problems = flatten_fields(exc.messages)
        return PublicJobArgs().load({k: v for k, v in given.items() if k not in problems}), problems


@bp.get("/board")
def board():
    """Open postings as cards: place, wage with its unit, openings left, meals and housing."""
    page = page_number()
    filters, problems = _board_filters()
    filters.update(limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    try:
        items, total = public.list_postings(db.session, **filters)
    except ValidationFailed as exc:  # an area code that names no area
        problems.update(exc.fields)
        filters.pop("area_code")
        items, total = public.list_postings(db.session, **filters)
    args = {name: request.args[name] for name in BOARD_FILTERS if request.args.get(name)}
    stories, _total = public.published_stories(db.session, area_code=filters.get("area_code"), limit=STORIES_ON_BOARD)
    return render_template("jobs/board.html", items=items, total=total, page=page, pages=page_count(total),
                           args=args, problems=problems, areas=public.board_areas(db.session),
                           stories=public.stories_by_township(stories)), 400 if problems else 200


@bp.get("/board/jobs/<int:job_id>")
def board_job(job_id):
    """A posting's public page: a signed-in worker applies here; anyone else learns how."""
    posting = public.get_posting(db.session, job_id)
    worker = current_user.is_authenticated and current_user.role is Role.worker and current_user.worker_id is not None
    return render_template("jobs/board_job.html", posting=posting, may_apply=worker and not posting.full,
                           form=ConfirmForm())


@bp.get("/board/stories/<int:story_id>")
def board_story(story_id):
    """A published story or local expert, in full: the name as recorded, the place, the story."""
    return render_template("jobs/board_story.html", story=public.get_story(db.session, story_id))


def qr_code(url: str) -> Markup:
    """An address as a QR code, an inline SVG: no file, no script, no style attribute (the CSP)."""
    svg = segno.make(url, error="m").svg_inline(scale=1, border=2, omitsize=True, svgclass="qr", title=url)
    return Markup(svg)  # segno's own markup; it escapes the title


@bp.get("/jobs/<int:job_id>/notice")
@page_roles()
def notice(job_id):
    """The posting on one A4 page for a village notice board, in large type, with a QR code of its
    public page. Staff and the posting's employer print it."""
    job, posting, stations = public.notice(db.session, job_id, acting_user())
    url = url_for("jobs.board_job", job_id=job.id, _external=True)
    return render_template("jobs/notice.html", job=job, posting=posting, stations=stations, url=url,
                           qr=qr_code(url), today=china_today())
