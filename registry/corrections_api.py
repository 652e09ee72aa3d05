"""`POST /api/v1/skills/corrections`: station staff correct what a text resolves to, for their
county (registry.corrections)."""
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from core import roles
from core.auth import acting_user, api_roles
from core.extensions import db
from core.schemas import AreaCode, Text
from registry import corrections

skills = Blueprint("skills_api", __name__, url_prefix="/api/v1/skills", description="Skills as the station corrects them")
blueprints = (skills,)


class CorrectionIn(Schema):
    text = Text(required=True, validate=validate.Length(1, 100), metadata={
        "description": "a skill as villagers say it or a job title as employers write it"})
    code = Text(required=True, validate=validate.Length(1, 32), metadata={
        "description": "the entry it means: an occupation code of the 2022 classification, or a village skill's key"})
    area_code = AreaCode(metadata={"description": "the county (or an area in it); needed only by users of several "
                                                  "counties and administrators"})


class CorrectionOut(Schema):
    id = fields.Function(lambda o: o.correction.id)
    text = fields.Function(lambda o: o.correction.text)
    code = fields.Function(lambda o: o.correction.skill.code or o.correction.skill.key)
    name = fields.Function(lambda o: o.correction.skill.name)
    county_code = fields.Function(lambda o: o.correction.county_code)
    workers = fields.Integer(metadata={"description": "people whose skill was resolved again"})
    postings = fields.Integer(metadata={"description": "postings whose required skill or title was resolved again"})
    courses = fields.Integer()


@skills.post("/corrections")
@api_roles(*roles.STAFF)
@skills.arguments(CorrectionIn)
@skills.response(201, CorrectionOut)
def correct(data):
    """From now on this text resolves to this entry in the caller's county; the workers, postings
    and courses there that wrote it are resolved again."""
    outcome = corrections.correct(db.session, data["text"], data["code"], acting_user(), data.get("area_code"))
    db.session.commit()
    return outcome
