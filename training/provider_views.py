"""Provider pages: my courses, course and session forms, the class list, attendance for a whole
class at once, assessment and results."""
from flask import Blueprint

from core.auth import set_role_home
from core.models import Role

bp = Blueprint("provider", __name__)
bp.record_once(lambda state: set_role_home(state.app, Role.provider, "provider.home"))


@bp.get("/provider")
def home():  # placeholder until the provider pages land
    return "provider"
