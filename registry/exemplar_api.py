"""Those who show the way (扶志) in the JSON API: stories of people who found stable work or a trade,
and local experts who teach, recorded by staff with the person's written consent and published to
the public board (`GET /api/v1/public/stories`).

Thin: parse, call registry.exemplars, commit once, answer."""
from flask_smorest import Blueprint

from core import roles
from core.auth import acting_user, api_roles
from core.extensions import db
from registry import exemplars as service
from registry.exemplar_schemas import ExemplarIn, ExemplarList, ExemplarListArgs, ExemplarOut, ExemplarPatch

exemplars = Blueprint("exemplars_api", __name__, url_prefix="/api/v1",
                      description="Those who show the way (扶志): stories and local experts")

blueprints = (exemplars,)


@exemplars.post("/exemplars")
@api_roles(*roles.STAFF)
@exemplars.arguments(ExemplarIn)
@exemplars.response(201, ExemplarOut)
def create_exemplar(data):
    """A record in one of your villages or townships, with the day of the person's written consent
    (`consent_on`, required, not in the future). Not public until published."""
    exemplar = service.create_exemplar(db.session, data, acting_user())
    db.session.commit()
    return exemplar


@exemplars.get("/exemplars")
@api_roles(*roles.STAFF)
@exemplars.arguments(ExemplarListArgs, location="query")
@exemplars.response(200, ExemplarList)
def list_exemplars(args):
    """The records of your areas, newest first, published or not."""
    items, total = service.list_exemplars(db.session, acting_user(), **args)
    return {"items": items, "total": total}


@exemplars.get("/exemplars/<int:exemplar_id>")
@api_roles(*roles.STAFF)
@exemplars.response(200, ExemplarOut)
def get_exemplar(exemplar_id):
    return service.get_exemplar(db.session, exemplar_id, acting_user())


@exemplars.patch("/exemplars/<int:exemplar_id>")
@api_roles(*roles.STAFF)
@exemplars.arguments(ExemplarPatch(partial=True))
@exemplars.response(200, ExemplarOut)
def update_exemplar(data, exemplar_id):
    actor = acting_user()
    exemplar = service.update_exemplar(db.session, service.get_exemplar(db.session, exemplar_id, actor), data, actor)
    db.session.commit()
    return exemplar


@exemplars.post("/exemplars/<int:exemplar_id>/publish")
@api_roles(*roles.STAFF)
@exemplars.response(200, ExemplarOut)
def publish(exemplar_id):
    """Shown on the public board from now on (only with the day of written consent on file)."""
    actor = acting_user()
    exemplar = service.publish(db.session, service.get_exemplar(db.session, exemplar_id, actor), actor)
    db.session.commit()
    return exemplar


@exemplars.post("/exemplars/<int:exemplar_id>/unpublish")
@api_roles(*roles.STAFF)
@exemplars.response(200, ExemplarOut)
def unpublish(exemplar_id):
    """Taken off the public board."""
    actor = acting_user()
    exemplar = service.unpublish(db.session, service.get_exemplar(db.session, exemplar_id, actor), actor)
    db.session.commit()
    return exemplar
