"""`/`: each role's start page, which lives in the package that serves that role."""
from flask import Blueprint, redirect, render_template, url_for

from core.auth import acting_user, page_roles
from core.extensions import db
from core.models import Role, china_today
from jobs import me as my_applications
from jobs.models import OPEN_REFERRAL, ReferralStatus
from registry import me as my_record
from training import services as training_services
from training.models import EnrollmentStatus

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
    return redirect(url_for(home)) if home else worker_home(acting_user())


def worker_home(actor):
    """A villager's welcome: their name, what to do next, and the way to their own pages."""
    worker = my_record.own_worker(db.session, actor)
    if worker is None:
        return render_template("welcome.html", worker=None, steps=[])
    applications = my_applications.applications(db.session, actor)
    enrollments = training_services.enrollments_of_worker(db.session, worker.id)
    return render_template("welcome.html", worker=worker,
                           steps=_next_steps(worker, applications, enrollments, china_today()))


def _next_steps(worker, applications, enrollments, today) -> list[dict]:
    """What the person should see to first: an interview, a class coming up, answers awaited,
    details the matcher lacks; looking at the jobs that fit them always comes last."""
    steps = [{"kind": "interview", "referral": r} for r in applications if r.status is ReferralStatus.interviewing]
    classes = []
    for e in enrollments:
        if e.status is EnrollmentStatus.enrolled:
            day = next((s.day for s in e.course.sessions if s.day >= today), None) or e.course.starts_on
            if day is not None and day >= today:
                classes.append((day, e.course))
    steps += [{"kind": "course", "day": day, "course": course} for day, course in sorted(classes, key=lambda c: c[0])[:1]]
    waiting = sum(1 for r in applications if r.status in OPEN_REFERRAL)
    if waiting:
        steps.append({"kind": "waiting", "count": waiting})
    missing = my_record.missing_details(worker)
    if missing:
        steps.append({"kind": "skills" if "skills" in missing else "details"})
    return steps + [{"kind": "jobs"}]
