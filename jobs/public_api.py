"""The public part of the JSON API: open postings and published stories of those who show the way,
without signing in (jobs/public.py says what of each the public sees: nobody's personal data).

Thin: parse, call the service, answer."""
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from core.extensions import db
from core.schemas import AreaCode, LabelledEnumField, Paging
from jobs import public
from jobs.schemas import PublicJobArgs, PublicJobList
from registry.models import ExemplarKind

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


class PublicStoryArgs(Paging):
    area_code = AreaCode(metadata={"description": "stories inside this area, of any level (county, township, village)"})


class PublicStoryOut(Schema):
    id = fields.Integer()
    kind = LabelledEnumField(ExemplarKind)
    kind_label = fields.Function(lambda s: s.kind.label)
    name = fields.String(metadata={"description": "as recorded: the person agreed to it being shown"})
    title = fields.String()
    story = fields.String()
    trade = fields.String(allow_none=True)
    area_code = fields.String()
    area_name = fields.String(allow_none=True, metadata={"description": "township and village"})
    township_code = fields.String()
    township_name = fields.String()
    published_on = fields.Date()


class PublicStoryList(Schema):
    items = fields.List(fields.Nested(PublicStoryOut))
    total = fields.Integer()


@board.get("/stories")
@board.doc(security=[])
@board.arguments(PublicStoryArgs, location="query")
@board.response(200, PublicStoryList)
def list_stories(args):
    """Published stories of people who found stable work or a trade, and local experts (乡村能手,
    致富带头人), newest first, each with its township. The name as recorded, with the person's
    written consent; no phone, ID number or registry link."""
    items, total = public.published_stories(db.session, **args)
    return {"items": items, "total": total}
