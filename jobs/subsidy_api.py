"""TODO(issue 18): subsidy endpoints of the JSON API."""
from flask_smorest import Blueprint

subsidys = Blueprint("subsidys_api", __name__, url_prefix="/api/v1", description="subsidys")

blueprints = (subsidys,)
