"""The public part of the JSON API: open postings, without signing in (jobs/public.py says what
of a posting the public sees: nobody's personal data).

Thin: parse, call the service, answer."""
from flask_smorest import Blueprint

from core.extensions import db
from jobs import public
from jobs.schemas import PublicJobArgs, PublicJobList

board = Blueprint("public_api", __name__, url_prefix="/api/v1/public",
                  description="The public job board (no sign-in)")
blueprints = (board,)


@board.get("/jobs")
@board.doc(security=[])
@board.arguments(PublicJobArgs, location="query")
@board.response(200, PublicJobList)
def list_jobs(args):
    """Open postings of verified employers, not expired, those still hiring first; full ones
    (`openings_left` 0) last. Employer names, places, wages, openings: nobody's name or phone."""
    items, total = public.list_postings(db.session, **args)
    return {"items": items, "total": total}
