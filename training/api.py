"""Training endpoints of the JSON API: courses and their sessions, enrolments, attendance,
assessment, completion, ratings, the needs survey, the subsidy ledger and outcomes."""
from flask import send_file
from flask_smorest import Blueprint

from core import roles
from core.auth import acting_user, api_roles
from core.extensions import db
from core.models import Role
from core.spreadsheets import XLSX
from registry import services as registry_services
from training import ledger, outcomes, results, services, survey
from training.models import EnrollmentStatus
from training.schemas import (
    AttendanceIn,
    AttendanceOut,
    CompletionIn,
    CourseIn,
    CourseList,
    CourseListArgs,
    CourseOut,
    CourseOutcomes,
    CoursePatch,
    DemandArgs,
    DemandList,
    EnrollmentIn,
    EnrollmentOut,
    RatingIn,
    ScoresIn,
    SessionIn,
    SessionOut,
    SubsidyArgs,
    SubsidyLedger,
    WishIn,
    WishOut,
)

courses = Blueprint("courses_api", __name__, url_prefix="/api/v1/courses", description="Training courses")
enrollments = Blueprint("enrollments_api", __name__, url_prefix="/api/v1/enrollments", description="Enrolments")
training = Blueprint("training_api", __name__, url_prefix="/api/v1",
                     description="Attendance, the needs survey and the subsidy ledger")
blueprints = (courses, enrollments, training)


@courses.post("")
@api_roles(*roles.COURSE_MANAGERS)
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


@courses.patch("/<int:course_id>")
@api_roles(*roles.COURSE_MANAGERS)
@courses.arguments(CoursePatch)
@courses.response(200, CourseOut)
def patch_course(data, course_id):
    """A larger capacity gives the new seats to the waitlist at once. The dates must keep every
    session of the course (422); `subsidy_per_day` cannot change once attendance is recorded (409)."""
    course = services.update_course(db.session, services.get_course(db.session, course_id), data, acting_user())
    db.session.commit()
    return course


@courses.post("/<int:course_id>/sessions")
@api_roles(*roles.COURSE_MANAGERS)
@courses.arguments(SessionIn)
@courses.response(201, SessionOut)
def add_session(data, course_id):
    """The day falls within the course's dates, which must be set first (422 otherwise)."""
    meeting = services.add_session(db.session, services.get_course(db.session, course_id), data, acting_user())
    db.session.commit()
    return meeting


@courses.post("/<int:course_id>/enrollments")
@api_roles(*roles.WORKER_FILE)
@courses.arguments(EnrollmentIn)
@courses.response(201, EnrollmentOut)
def enrol(data, course_id):
    """Enrolled while seats are left, waitlisted after; 409 if the person is already in."""
    enrollment = services.enrol(db.session, services.get_course(db.session, course_id), data["worker_id"],
                                acting_user())
    db.session.commit()
    return enrollment


@courses.get("/<int:course_id>/enrollments")
@api_roles(*roles.COURSE_MANAGERS)
@courses.response(200, EnrollmentOut(many=True))
def course_roster(course_id):
    """The class list, for the course's provider: people in class first, then the waitlist."""
    course = services.get_course(db.session, course_id)
    services.require_manager(acting_user(), course)
    return services.roster(db.session, course)


@courses.get("/<int:course_id>/outcomes")
@api_roles()
@courses.response(200, CourseOutcomes)
def course_outcomes(course_id):
    """Completers in work 3 and 6 months later (suppressed below the minimum group), and ratings."""
    course = services.get_course(db.session, course_id)
    counts = services.status_counts(db.session, course)
    rated = outcomes.ratings(db.session, course)
    return {"course_id": course.id, "completed": counts.get(EnrollmentStatus.completed, 0),
            "failed": counts.get(EnrollmentStatus.failed, 0), "employment": outcomes.outcomes(db.session, course),
            "rating_count": rated.count, "rating_average": rated.average}


@enrollments.get("/<int:enrollment_id>")
@api_roles()
@enrollments.response(200, EnrollmentOut)
def get_enrollment(enrollment_id):
    return services.get_enrollment(db.session, enrollment_id, acting_user())


@enrollments.patch("/<int:enrollment_id>")
@api_roles(*roles.COURSE_MANAGERS)
@enrollments.arguments(ScoresIn)
@enrollments.response(200, EnrollmentOut)
def record_scores(data, enrollment_id):
    """The assessment before and after the course."""
    actor = acting_user()
    enrollment = results.record_scores(db.session, services.get_enrollment(db.session, enrollment_id, actor),
                                       data, actor)
    db.session.commit()
    return enrollment


@enrollments.post("/<int:enrollment_id>/withdraw")
@api_roles(*roles.WORKER_FILE)
@enrollments.response(200, EnrollmentOut)
def withdraw(enrollment_id):
    """The first on the waitlist takes the seat."""
    actor = acting_user()
    enrollment = services.withdraw(db.session, services.get_enrollment(db.session, enrollment_id, actor), actor)
    db.session.commit()
    return enrollment


@enrollments.post("/<int:enrollment_id>/complete")
@api_roles(*roles.COURSE_MANAGERS)
@enrollments.arguments(CompletionIn)
@enrollments.response(200, EnrollmentOut)
def complete(data, enrollment_id):
    """When passed, the course's skills become the person's certified skills. A course with
    sessions is passed only with the course's attendance threshold met (409 otherwise)."""
    actor = acting_user()
    enrollment = results.complete(db.session, services.get_enrollment(db.session, enrollment_id, actor),
                                  data["passed"], actor, post_score=data.get("post_score"))
    db.session.commit()
    return enrollment


@enrollments.post("/<int:enrollment_id>/rating")
@api_roles(Role.worker)
@enrollments.arguments(RatingIn)
@enrollments.response(200, EnrollmentOut)
def rate(data, enrollment_id):
    """Only a person who completed the course rates it."""
    actor = acting_user()
    enrollment = outcomes.rate(db.session, services.get_enrollment(db.session, enrollment_id, actor),
                               data["rating"], data.get("comment"), actor)
    db.session.commit()
    return enrollment


@training.put("/sessions/<int:session_id>/attendance")
@api_roles(*roles.COURSE_MANAGERS)
@training.arguments(AttendanceIn)
@training.response(200, AttendanceOut)
def take_attendance(data, session_id):
    """The whole class at once: the listed enrolments present, everyone else enrolled absent."""
    meeting = services.get_session(db.session, session_id)
    present = results.take_attendance(db.session, meeting, set(data["present"]), acting_user())
    enrolled = services.status_counts(db.session, meeting.course).get(EnrollmentStatus.enrolled, 0)
    db.session.commit()
    return {"session_id": meeting.id, "present": present, "enrolled": enrolled}


@training.post("/workers/<int:worker_id>/training-wishes")
@api_roles(*roles.WORKER_FILE)
@training.arguments(WishIn)
@training.response(201, WishOut)
def add_wish(data, worker_id):
    """The needs survey: what this person would like to learn; 409 if noted already."""
    actor = acting_user()
    wish = survey.add_wish(db.session, registry_services.get_worker(db.session, worker_id, actor), data["name"],
                           data.get("mode"), actor)
    db.session.commit()
    return wish


@training.get("/workers/<int:worker_id>/training-wishes")
@api_roles(*roles.WORKER_FILE)
@training.response(200, WishOut(many=True))
def list_wishes(worker_id):
    worker = registry_services.get_worker(db.session, worker_id, acting_user())
    return survey.wishes_of(db.session, worker.id)


@training.get("/training/demand")
@api_roles(*roles.TRAINING_REPORT_READERS)
@training.arguments(DemandArgs, location="query")
@training.response(200, DemandList)
def demand(args):
    """Training wishes by skill × township, most wanted first, with seats already offered. Staff
    count their areas'; a provider every township's (counts only: nobody is named)."""
    return {"items": survey.demand(db.session, acting_user(), args.get("area_code"))}


@training.get("/training/subsidies")
@api_roles(*roles.TRAINING_REPORT_READERS)
@training.arguments(SubsidyArgs, location="query")
@training.response(200, SubsidyLedger)
def subsidies(args):
    """Days attended × subsidy per day, per person and per household. A person is paid once for a
    day: a day with sessions of several courses is paid on the course with the highest subsidy per
    day (ties: the lowest course id), and `days` counts the days paid on the line."""
    lines = ledger.person_lines(db.session, acting_user(), **args)
    return {"people": lines, "households": ledger.household_lines(lines), "total": sum(x.amount for x in lines)}


@training.get("/training/subsidies/export")
@api_roles(*roles.TRAINING_REPORT_READERS)
@training.arguments(SubsidyArgs, location="query")
@training.response(200, {"format": "binary", "type": "string"}, content_type=XLSX)
def export_subsidies(args):
    stream, filename = ledger.export(db.session, acting_user(), **args)
    db.session.commit()  # the audit event of the export
    return send_file(stream, as_attachment=True, download_name=filename, mimetype=XLSX)
