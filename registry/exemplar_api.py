"""TODO(issue 18): exemplar endpoints of the JSON API."""
from flask_smorest import Blueprint

exemplars = Blueprint("exemplars_api", __name__, url_prefix="/api/v1", description="Exemplars")

blueprints = (exemplars,)
