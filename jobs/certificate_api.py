"""TODO(issue 18): certificate endpoints of the JSON API."""
from flask_smorest import Blueprint

certificates = Blueprint("certificates_api", __name__, url_prefix="/api/v1", description="certificates")

blueprints = (certificates,)
