"""Demonstration courses in 西吉县, published by the demo provider account."""
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.models import Role, User, china_today
from training import services
from training.models import Course, CourseMode

# title, skills, certificate, mode, capacity, starts in (days), length (days), subsidy per day
COURSES = [
    ("焊工（电焊）培训班", ["焊工"], "焊工职业技能等级证书（五级）", CourseMode.onsite, 30, 14, 30, 40),
    ("马铃薯高产栽培田间课", ["种马铃薯"], "培训合格证书", CourseMode.field, 40, 7, 5, 30),
    ("育婴员夜校", ["育婴员"], "育婴员职业技能等级证书（五级）", CourseMode.night, 25, 10, 45, 20),
    ("电商直播带货线上课", ["手机直播"], "培训合格证书", CourseMode.online, 100, 3, 20, 0),
    ("叉车司机培训", ["会开叉车"], "特种设备作业人员证（叉车）", CourseMode.onsite, 20, 21, 15, 40),
    ("养老护理员培训（订单式）", ["护理老人"], "养老护理员职业技能等级证书（五级）", CourseMode.onsite, 20, 30, 30, 40),
]


def load_training_demo(session: Session) -> list[str]:
    """Idempotent: nothing is added once the demo provider has courses."""
    provider = session.scalar(select(User).where(User.username == "provider", User.role == Role.provider))
    if provider is None:
        return []
    if not session.scalar(select(func.count(Course.id)).where(Course.provider_user_id == provider.id)):
        today = china_today()
        for title, skills, certificate, mode, capacity, starts_in, days, subsidy in COURSES:
            services.create_course(session, {
                "title": title, "provider": "西吉县职业技术培训中心", "skills_taught": skills,
                "certificate": certificate, "mode": mode, "capacity": capacity, "area_code": "640422100000",
                "address": "吉强镇", "lat": 35.964, "lon": 105.748, "starts_on": today + timedelta(days=starts_in),
                "ends_on": today + timedelta(days=starts_in + days), "fee": 0, "subsidy_per_day": subsidy,
            }, provider)
    total = session.scalar(select(func.count(Course.id)))
    return [f"training demo: {total} courses"]
