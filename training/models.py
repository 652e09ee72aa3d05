"""Courses, the skills they teach, and enrolments (with the waitlist)."""
from datetime import date, datetime, time

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from core.enums import LabelledEnum
from core.extensions import db
from core.models import enum_column, utcnow
from jobs.models import Employer, Job
from registry.models import Education, Exemplar, Skill, Worker


class CourseMode(LabelledEnum):
    onsite = ("集中面授", "on site")
    field = ("田间地头", "in the fields")
    online = ("线上", "online")
    night = ("夜校", "night class")


DAYTIME = (CourseMode.onsite, CourseMode.field)


class CertificateKind(LabelledEnum):
    skill_level = ("职业技能等级证书", "vocational skill level certificate")
    special_ability = ("专项职业能力证书", "special vocational ability certificate")
    training = ("培训合格证书", "training certificate")


# Levels of the vocational skill level certificate, from the entry level up.
LEVELS = {5: "五级/初级工", 4: "四级/中级工", 3: "三级/高级工", 2: "二级/技师", 1: "一级/高级技师"}


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
    coords_derived: Mapped[bool] = mapped_column(default=False)  # the area's point, not one given
    capacity: Mapped[int]
    enrolled_count: Mapped[int] = mapped_column(default=0)
    rolling_admission: Mapped[bool] = mapped_column(default=False)
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    fee: Mapped[int] = mapped_column(default=0)
    subsidy_per_day: Mapped[int] = mapped_column(default=0)
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("employers.id"), index=True)
    # 订单式培训: the employer's posting that will take the course's graduates (referred on passing)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id"), index=True)
    # who teaches: a local expert on file (registry.models.Exemplar), or a name
    teacher_id: Mapped[int | None] = mapped_column(ForeignKey("exemplars.id", ondelete="SET NULL"), index=True)
    teacher_name: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    description: Mapped[str | None] = mapped_column(String(2000))
    certificate_kind: Mapped[CertificateKind | None] = mapped_column(enum_column(CertificateKind))
    certificate_level: Mapped[int | None]
    fee_waived: Mapped[bool] = mapped_column(default=False)
    hire_commitment: Mapped[int | None]  # 订单式: how many completers the linked employer will hire
    min_age: Mapped[int | None]
    max_age: Mapped[int | None]
    min_education: Mapped[Education | None] = mapped_column(enum_column(Education))
    completion_threshold: Mapped[int] = mapped_column(default=80)  # % of sessions attended to pass

    employer: Mapped[Employer | None] = relationship()
    job: Mapped[Job | None] = relationship()
    teacher: Mapped[Exemplar | None] = relationship()
    skills_taught: Mapped[list["CourseSkill"]] = relationship(
        back_populates="course", cascade="all, delete-orphan", lazy="selectin", order_by="CourseSkill.id")
    sessions: Mapped[list["CourseSession"]] = relationship(
        back_populates="course", cascade="all, delete-orphan", lazy="selectin",
        order_by="(CourseSession.day, CourseSession.starts_at, CourseSession.id)")

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.enrolled_count, 0)

    @property
    def level_label(self) -> str | None:
        return LEVELS.get(self.certificate_level) if self.certificate_level else None


class CourseSession(db.Model):
    """One class meeting: a day, a time and a place. Attendance is taken per session."""
    __tablename__ = "course_sessions"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(index=True)
    starts_at: Mapped[time]
    ends_at: Mapped[time]
    place: Mapped[str | None] = mapped_column(String(200))
    topic: Mapped[str | None] = mapped_column(String(100))

    course: Mapped[Course] = relationship(back_populates="sessions")

    def clashes_with(self, other: "CourseSession") -> bool:
        return self.day == other.day and self.starts_at < other.ends_at and other.starts_at < self.ends_at


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
    pre_score: Mapped[int | None]  # assessment before and after the course, 0–100
    post_score: Mapped[int | None]
    completed_on: Mapped[date | None]
    withdrawn_on: Mapped[date | None]
    certificate_no: Mapped[str | None] = mapped_column(String(32), unique=True)
    rating: Mapped[int | None]  # 1–5, given by completers only
    rating_comment: Mapped[str | None] = mapped_column(String(500))
    rated_at: Mapped[datetime | None]

    course: Mapped[Course] = relationship(lazy="joined")
    worker: Mapped[Worker] = relationship(lazy="joined")
    attendance: Mapped[list["Attendance"]] = relationship(back_populates="enrollment", cascade="all, delete-orphan")


class Attendance(db.Model):
    """Whether one enrolled person came to one session."""
    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("session_id", "enrollment_id", name="session_enrollment"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("course_sessions.id", ondelete="CASCADE"), index=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollments.id", ondelete="CASCADE"), index=True)
    present: Mapped[bool]
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    session: Mapped[CourseSession] = relationship()
    enrollment: Mapped[Enrollment] = relationship(back_populates="attendance")


class TrainingWish(db.Model):
    """The needs survey: what a worker would like to learn, said by the worker or noted by the
    station. Demand by skill and township is counted from these before courses are planned."""
    __tablename__ = "training_wishes"
    __table_args__ = (UniqueConstraint("worker_id", "name", name="worker_wish"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    skill_id: Mapped[int | None] = mapped_column(ForeignKey("skills.id"), index=True)
    mode: Mapped[CourseMode | None] = mapped_column(enum_column(CourseMode))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    worker: Mapped[Worker] = relationship()
    skill: Mapped[Skill | None] = relationship(lazy="joined")

    @property
    def canonical(self) -> str | None:
        return self.skill.name if self.skill is not None else None


Course.waitlisted_count = column_property(
    select(func.count(Enrollment.id)).where(Enrollment.course_id == Course.id,
                                            Enrollment.status == EnrollmentStatus.waitlisted)
    .correlate_except(Enrollment).scalar_subquery())
