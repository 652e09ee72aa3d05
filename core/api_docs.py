"""The OpenAPI document as a page people can browse (/api/docs): Swagger UI, installed from npm and
served from static/vendor like every front-end library, reading /api/v1/openapi.json."""
from flask import Blueprint, render_template

bp = Blueprint("api_docs", __name__)


@bp.get("/api/docs")
def api_docs():
    """Open to all, like the document itself: it describes the API, not anyone's data."""
    return render_template("api_docs.html")
