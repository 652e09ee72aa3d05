"""Courses, the skills they teach, and enrolments (with the waitlist)."""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from core.enums import LabelledEnum
from core.extensions import db
from core.models import utcnow
from jobs.models import Employer
from registry.models import Skill, Worker, enum_column


class CourseMode(LabelledEnum):
    onsite = ("集中面授", "on site")
    field = ("田间地头", "in the fields")
    online = ("线上", "online")
    night = ("夜校", "night class")


DAYTIME = (CourseMode.onsite, CourseMode.field)


class EnrollmentStatus(LabelledEnum):
    enrolled = ("已报名", "enrolled")
    waitlisted = ("候补", "on the waitlist")
    withdrawn = ("已退出", "withdrawn")
    completed = ("已结业", "completed")
    failed = ("未通过", "failed")


class Course(db.Model):
    """`enrolled_count` only moves through conditional UPDATEs, so a course is never above its
    capacity, also when thirty people press "enrol" at once."""
    __tablename__ = "courses"
    __table_args__ = (
        CheckConstraint("capacity >= 1", name="capacity_positive"),
        CheckConstraint("enrolled_count >= 0 AND enrolled_count <= capacity", name="enrolled_within_capacity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(100))
    provider: Mapped[str] = mapped_column(String(128))
    provider_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    certificate: Mapped[str | None] = mapped_column(String(100))
    mode: Mapped[CourseMode] = mapped_column(enum_column(CourseMode))
    address: Mapped[str | None] = mapped_column(String(200))
    area_code: Mapped[str | None] = mapped_column(ForeignKey("areas.code"), index=True)
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    capacity: Mapped[int]
    enrolled_count: Mapped[int] = mapped_column(default=0)
    rolling_admission: Mapped[bool] = mapped_column(default=False)
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    fee: Mapped[int] = mapped_column(default=0)
    subsidy_per_day: Mapped[int] = mapped_column(default=0)
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("employers.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    employer: Mapped[Employer | None] = relationship()
    skills_taught: Mapped[list["CourseSkill"]] = relationship(
        back_populates="course", cascade="all, delete-orphan", lazy="selectin", order_by="CourseSkill.id")

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.enrolled_count, 0)


class CourseSkill(db.Model):
    __tablename__ = "course_skills"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    skill_id: Mapped[int | None] = mapped_column(ForeignKey("skills.id"), index=True)

    course: Mapped[Course] = relationship(back_populates="skills_taught")
    skill: Mapped[Skill | None] = relationship(lazy="joined")

    @property
    def canonical(self) -> str | None:
        return self.skill.name if self.skill is not None else None


class Enrollment(db.Model):
    __tablename__ = "enrollments"
    __table_args__ = (UniqueConstraint("course_id", "worker_id", name="course_worker"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), index=True)
    status: Mapped[EnrollmentStatus] = mapped_column(enum_column(EnrollmentStatus), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    course: Mapped[Course] = relationship(lazy="joined")
    worker: Mapped[Worker] = relationship(lazy="joined")


Course.waitlisted_count = column_property(
    select(func.count(Enrollment.id)).where(Enrollment.course_id == Course.id,
                                            Enrollment.status == EnrollmentStatus.waitlisted)
    .correlate_except(Enrollment).scalar_subquery())
