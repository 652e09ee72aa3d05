"""Training endpoints of the JSON API: courses, enrolments, withdrawal, completion."""
from flask_smorest import Blueprint

from core.auth import acting_user, api_roles
from core.extensions import db
from core.models import Role
from training import services
from training.schemas import CompletionIn, CourseIn, CourseList, CourseListArgs, CourseOut, EnrollmentIn, EnrollmentOut

courses = Blueprint("courses_api", __name__, url_prefix="/api/v1/courses", description="Training courses")
enrollments = Blueprint("enrollments_api", __name__, url_prefix="/api/v1/enrollments", description="Enrolments")
blueprints = (courses, enrollments)
ENROLLERS = (Role.admin, Role.county, Role.station, Role.worker)


@courses.post("")
@api_roles(Role.admin, Role.county, Role.provider)
@courses.arguments(CourseIn)
@courses.response(201, CourseOut)
def create_course(data):
    course = services.create_course(db.session, data, acting_user())
    db.session.commit()
    return course


@courses.get("")
@api_roles()
@courses.arguments(CourseListArgs, location="query")
@courses.response(200, CourseList)
def list_courses(args):
    items, total = services.list_courses(db.session, **args)
    return {"items": items, "total": total}


@courses.get("/<int:course_id>")
@api_roles()
@courses.response(200, CourseOut)
def get_course(course_id):
    return services.get_course(db.session, course_id)


@courses.post("/<int:course_id>/enrollments")
@api_roles(*ENROLLERS)
@courses.arguments(EnrollmentIn)
@courses.response(201, EnrollmentOut)
def enrol(data, course_id):
    """Enrolled while seats are left, waitlisted after; 409 if the person is already in."""
    enrollment = services.enrol(db.session, services.get_course(db.session, course_id), data["worker_id"],
                                acting_user())
    db.session.commit()
    return enrollment


@enrollments.get("/<int:enrollment_id>")
@api_roles()
@enrollments.response(200, EnrollmentOut)
def get_enrollment(enrollment_id):
    return services.get_enrollment(db.session, enrollment_id, acting_user())


@enrollments.post("/<int:enrollment_id>/withdraw")
@api_roles(*ENROLLERS)
@enrollments.response(200, EnrollmentOut)
def withdraw(enrollment_id):
    """The first on the waitlist takes the seat."""
    actor = acting_user()
    enrollment = services.withdraw(db.session, services.get_enrollment(db.session, enrollment_id, actor), actor)
    db.session.commit()
    return enrollment


@enrollments.post("/<int:enrollment_id>/complete")
@api_roles(Role.admin, Role.provider)
@enrollments.arguments(CompletionIn)
@enrollments.response(200, EnrollmentOut)
def complete(data, enrollment_id):
    """When passed, the course's skills become the person's certified skills."""
    actor = acting_user()
    enrollment = services.complete(db.session, services.get_enrollment(db.session, enrollment_id, actor),
                                   data["passed"], actor)
    db.session.commit()
    return enrollment
