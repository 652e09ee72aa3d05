"""Demonstration training in 西吉县, published by the demo provider account: upcoming courses with
their sessions, a night class running now (people of the demo station's village in it, attendance
taken, subsidies owed), a cookery course finished seven months ago whose completers' work since
then feeds the outcomes, and training wishes across the county for the demand page."""
import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.auth import system_actor
from core.models import CHINA, Role, User, china_today
from jobs.models import Employer
from registry import services as registry_services
from registry.demo import STATION_VILLAGE, date_last_change
from registry.models import EmploymentStatus, Household, Worker
from training import results, services, survey
from training.models import (
    Attendance,
    CertificateKind,
    Course,
    CourseMode,
    CourseSession,
    Enrollment,
    EnrollmentStatus,
)

PROVIDER = "西吉县职业技术培训中心"
PLACE = {"area_code": "640422100000", "address": "吉强镇职教中心", "lat": 35.964, "lon": 105.748}
EVENING, MORNING, AFTERNOON = (time(19), time(21)), (time(8, 30), time(11, 30)), (time(14, 30), time(17, 30))

# title, skills, certificate, kind, level, mode, capacity, starts in (days), length (days), subsidy, hours
COURSES = [
    ("焊工（电焊）培训班", ["焊工"], "焊工职业技能等级证书（五级）", CertificateKind.skill_level, 5, CourseMode.onsite,
     30, 14, 30, 40, MORNING),
    ("马铃薯高产栽培田间课", ["种马铃薯"], "培训合格证书", CertificateKind.training, None, CourseMode.field,
     40, 7, 5, 30, AFTERNOON),
    ("育婴员夜校", ["育婴员"], "育婴员职业技能等级证书（五级）", CertificateKind.skill_level, 5, CourseMode.night,
     25, 10, 45, 20, EVENING),
    ("电商直播带货线上课", ["手机直播"], "培训合格证书", CertificateKind.training, None, CourseMode.online,
     100, 3, 20, 0, EVENING),
    ("叉车司机培训", ["会开叉车"], "特种设备作业人员证（叉车）", CertificateKind.special_ability, None,
     CourseMode.onsite, 20, 21, 15, 40, MORNING),
    ("养老护理员培训（订单式）", ["养老护理员", "护理老人"], "养老护理员职业技能等级证书（五级）", CertificateKind.skill_level, 5,
     CourseMode.onsite, 20, 30, 30, 40, MORNING),
]
ORDERING_EMPLOYER = "西吉县好帮手家政服务公司"  # orders the care course and hires ten of its completers
WISHES = ["电焊", "开挖掘机", "育婴员", "养老护理", "厨师", "电工", "手机直播", "种马铃薯", "缝纫", "会开叉车"]


def load_training_demo(session: Session, seed: int = 2026) -> list[str]:
    """Idempotent: nothing is added once the demo provider has courses."""
    provider = session.scalar(select(User).where(User.username == "provider", User.role == Role.provider))
    if provider is None:
        return []
    if not session.scalar(select(func.count(Course.id)).where(Course.provider_user_id == provider.id)):
        rng = random.Random(seed)
        today = china_today()
        employer = session.scalar(select(Employer).where(Employer.name == ORDERING_EMPLOYER))
        for title, skills, certificate, kind, level, mode, capacity, starts_in, days, subsidy, hours in COURSES:
            ordered = {"employer_id": employer.id, "hire_commitment": 10} if "订单式" in title and employer else {}
            course = _course(session, provider, title, skills, certificate, kind, level, mode, capacity,
                             today + timedelta(days=starts_in), days, subsidy, **ordered)
            _sessions(session, provider, course, hours, every=3 if days > 10 else 1)
        _running_night_class(session, provider, rng)
        _finished_course(session, provider, rng)
        _wishes(session, rng)
    total = session.scalar(select(func.count(Course.id)))
    return [f"training demo: {total} courses"]


def _course(session, provider, title, skills, certificate, kind, level, mode, capacity, starts_on: date,
            days: int, subsidy: int, **extra) -> Course:
    return services.create_course(session, {
        "title": title, "provider": PROVIDER, "skills_taught": skills, "certificate": certificate,
        "certificate_kind": kind, "certificate_level": level, "mode": mode, "capacity": capacity,
        "starts_on": starts_on, "ends_on": starts_on + timedelta(days=days), "fee": 0, "fee_waived": True,
        "subsidy_per_day": subsidy, **PLACE, **extra}, provider)


def _sessions(session, provider, course: Course, hours, every: int, history: bool = False) -> None:
    """Sessions every `every` days; with `history`, a past course's, written as they were then."""
    day = course.starts_on
    while day <= course.ends_on and len(course.sessions) < 12:
        values = {"day": day, "starts_at": hours[0], "ends_at": hours[1], "place": PLACE["address"]}
        if history:
            course.sessions.append(CourseSession(**values))
        else:
            services.add_session(session, course, values, provider)
        day += timedelta(days=every)
    session.flush()


def _villagers(session: Session, village_prefix: str, status: EmploymentStatus, limit: int) -> list[Worker]:
    return list(session.scalars(select(Worker).join(Household).where(
        Household.village_code.like(village_prefix + "%"), Worker.employment_status == status,
        *registry_services.may_work(china_today()), Worker.birth_date > date(1966, 1, 1))
        .order_by(Worker.id).limit(limit)))


def _running_night_class(session: Session, provider: User, rng: random.Random) -> None:
    """Started five days ago, takes people mid-course; eight of the station's villagers attend."""
    today = china_today()
    course = _course(session, provider, "中式烹调师夜校（可插班）", ["中式烹调师"], "中式烹调师职业技能等级证书（五级）",
                     CertificateKind.skill_level, 5, CourseMode.night, 20, today - timedelta(days=5), 22, 30,
                     rolling_admission=True)
    _sessions(session, provider, course, EVENING, every=2)
    for worker in _villagers(session, STATION_VILLAGE, EmploymentStatus.unemployed, 8):
        services.enrol(session, course, worker.id, provider_as_admin())
    held = [s for s in course.sessions if s.day <= today]
    for meeting in held:
        enrolled = services.roster(session, course, [EnrollmentStatus.enrolled])
        results.take_attendance(session, meeting, {e.id for e in enrolled if rng.random() < 0.85}, provider)


def _finished_course(session: Session, provider: User, rng: random.Random) -> None:
    """A cookery course that ended seven months ago: its completers found work (or not) since."""
    today = china_today()
    start = today - timedelta(days=240)
    course = _course(session, provider, "中式面点师培训班", ["中式面点师"], "中式面点师职业技能等级证书（五级）",
                     CertificateKind.skill_level, 5, CourseMode.onsite, 20, start, 25, 40)
    _sessions(session, provider, course, MORNING, every=3, history=True)
    people = _villagers(session, "640422101", EmploymentStatus.unemployed, 14)
    for worker in people:  # enrolled back then: the rows are written as they were
        session.add(Enrollment(course=course, worker=worker, status=EnrollmentStatus.enrolled))
    session.flush()
    course.enrolled_count = len(people)
    enrolled = services.roster(session, course, [EnrollmentStatus.enrolled])
    for meeting in course.sessions:
        for enrollment in enrolled:
            session.add(Attendance(session_id=meeting.id, enrollment_id=enrollment.id, recorded_by_id=provider.id,
                                   present=rng.random() < (0.95 if enrollment.id % 7 else 0.3)))
    session.flush()
    finished = course.ends_on
    for enrollment in enrolled:
        enrollment.pre_score = rng.randint(20, 55)
        enough = results.attended(session, enrollment) >= results.sessions_needed(course)
        results.complete(session, enrollment, enough, provider, post_score=rng.randint(62, 95) if enough else 40)
        enrollment.completed_on = finished
        enrollment.certificate_no = results.certificate_number(enrollment) if enough else None
        if enough and rng.random() < 0.8:
            enrollment.rating = rng.choice([4, 5, 5, 3, 5])
            enrollment.rating_comment = rng.choice([None, "老师手把手教，学会了做花卷", "实操多，结业就找到了活",
                                                    "时间安排在农闲，挺好"])
            enrollment.rated_at = datetime.combine(finished + timedelta(days=3), time(12), tzinfo=CHINA)
        if enough and rng.random() < 0.7:
            _found_work(session, enrollment.worker, finished + timedelta(days=rng.randint(10, 60)))
    session.flush()


def _found_work(session: Session, worker: Worker, hired_on: date) -> None:
    """The history as it happened: out of work until `hired_on`, in a county job since."""
    worker.employment_status = EmploymentStatus.local
    date_last_change(session, worker, hired_on)


def _wishes(session: Session, rng: random.Random) -> None:
    station = session.scalar(select(User).where(User.username == "station"))
    if station is None:
        return
    people = session.scalars(select(Worker).join(Household).where(
        Household.village_code.like("640422%"), *registry_services.may_work(china_today())).order_by(Worker.id)).all()
    for worker in rng.sample(people, min(80, len(people))):
        for name in rng.sample(WISHES, rng.choice([1, 1, 2])):
            survey.add_wish(session, worker, name, rng.choice([None, CourseMode.night, CourseMode.onsite]),
                            provider_as_admin())


def provider_as_admin() -> User:
    """Demo data is written on the county's behalf."""
    return system_actor("demo-loader")
