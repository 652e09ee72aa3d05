"""`/`: each role's start page, which lives in the package that serves that role."""
from flask import Blueprint, redirect, render_template, url_for

from core.auth import acting_user, page_roles
from core.models import Role

bp = Blueprint("home", __name__)

HOMES = {
    Role.admin: "monitoring.county_overview",
    Role.county: "monitoring.county_overview",
    Role.station: "monitoring.station_home",
    Role.employer: "jobs.employer_home",
    Role.provider: "provider.home",
}


@bp.get("/")
@page_roles()
def index():
    """The role's start page; a worker's is the short welcome with their next steps."""
    home = HOMES.get(acting_user().role)
    return redirect(url_for(home)) if home else render_template("welcome.html")
