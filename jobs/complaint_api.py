"""TODO(issue 18): complaint endpoints of the JSON API."""
from flask_smorest import Blueprint

complaints = Blueprint("complaints_api", __name__, url_prefix="/api/v1", description="complaints")

blueprints = (complaints,)
