"""Employers, job postings, referrals (the path from referred to hired and on) and follow-ups."""
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.enums import LabelledEnum
from core.extensions import db
from core.models import Role, User, china_today, enum_column, utcnow
from jobs.programme_models import (  # noqa: F401  (the programmes' tables, re-exported)
    Complaint,
    ComplaintKind,
    EmployerSubsidy,
    EmploymentCertificate,
    SubsidyKind,
)
from registry.models import Skill, Worker


class EmployerKind(LabelledEnum):
    enterprise = ("企业", "enterprise")
    cooperative = ("农民专业合作社", "cooperative")
    workshop = ("就业帮扶车间", "employment-assistance workshop")
    public_agency = ("机关事业单位", "public agency")


class WageUnit(LabelledEnum):
    month = ("元/月", "yuan per month")
    day = ("元/天", "yuan per day")
    piece = ("计件", "piece rate")

    @property
    def unit(self) -> str:
        """The unit an amount is written with on paper: 元/月, 元/天, 元/件."""
        return {"month": "元/月", "day": "元/天", "piece": "元/件"}[self.name]


class PhysicalDemand(LabelledEnum):
    light = ("轻体力", "light")
    medium = ("中等体力", "medium")
    heavy = ("重体力", "heavy")


class ReferralStatus(LabelledEnum):
    referred = ("已推荐", "referred")
    interviewing = ("面试中", "interviewing")
    hired = ("已录用", "hired")
    rejected = ("未录用", "rejected")
    left = ("已离职", "left")
    obsolete = ("已失效", "closed: hired elsewhere")
    expired = ("超时关闭", "closed: no answer")


OPEN_REFERRAL = (ReferralStatus.referred, ReferralStatus.interviewing)


class ReferralSource(LabelledEnum):
    station = ("劳保站推荐", "referred by the station")
    employer = ("企业邀请", "invited by the employer")
    worker = ("本人申请", "applied")
    order = ("订单培训", "order-based training")


class LeaveReason(LabelledEnum):
    adaptation = ("不适应", "could not adapt")
    wages = ("工资待遇", "wages")
    care_duties = ("照料家人", "care duties")
    health = ("身体原因", "health")
    closure = ("企业停产或裁员", "closure or lay-off")
    contract_end = ("合同到期", "contract ended")
    market_job = ("转入市场岗位", "took a market job")
    other = ("其他", "other")


class Employer(db.Model):
    __tablename__ = "employers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    kind: Mapped[EmployerKind] = mapped_column(enum_column(EmployerKind), default=EmployerKind.enterprise)
    contact_name: Mapped[str | None] = mapped_column(String(64))
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    address: Mapped[str | None] = mapped_column(String(200))
    area_code: Mapped[str | None] = mapped_column(ForeignKey("areas.code"), index=True)
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    verified_at: Mapped[datetime | None]
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    refused_at: Mapped[datetime | None]  # an officer refused to verify it, with the reason
    refused_reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    jobs: Mapped[list["Job"]] = relationship(back_populates="employer", order_by="Job.id.desc()")
    verified_by: Mapped[User | None] = relationship()

    @property
    def verified(self) -> bool:
        return self.verified_at is not None


class Job(db.Model):
    """A posting. `hired_count` is kept by the referral lifecycle (jobs.referral_lifecycle) with a conditional UPDATE, so two
    hires at the same moment can never take a posting above its openings."""
    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint("openings >= 1", name="openings_positive"),
        CheckConstraint("hired_count >= 0 AND hired_count <= openings", name="hired_within_openings"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id"), index=True)
    title: Mapped[str] = mapped_column(String(100))
    occupation_code: Mapped[str | None] = mapped_column(String(16), index=True)
    description: Mapped[str | None] = mapped_column(Text)
    openings: Mapped[int]
    hired_count: Mapped[int] = mapped_column(default=0)
    wage_min: Mapped[int | None]
    wage_max: Mapped[int | None]
    wage_unit: Mapped[WageUnit] = mapped_column(enum_column(WageUnit), default=WageUnit.month)
    address: Mapped[str | None] = mapped_column(String(200))
    area_code: Mapped[str | None] = mapped_column(ForeignKey("areas.code"), index=True)
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    # the point is the work-site area's (or the employer's), not one given: it follows the area
    coords_derived: Mapped[bool] = mapped_column(default=False)
    # 以工代训: learnt on the job from a mentor (师傅) for some months; lacking its skills rules nobody out
    trains_on_job: Mapped[bool] = mapped_column(default=False)
    training_months: Mapped[int | None]
    mentor_name: Mapped[str | None] = mapped_column(String(32))
    labour_intensive: Mapped[bool] = mapped_column(default=False)
    workshop: Mapped[bool] = mapped_column(default=False)
    public_welfare: Mapped[bool] = mapped_column(default=False)
    accommodation: Mapped[bool] = mapped_column(default=False)
    meals: Mapped[bool] = mapped_column(default=False)
    flexible_hours: Mapped[bool] = mapped_column(default=False)
    shift: Mapped[str | None] = mapped_column(String(64))
    min_age: Mapped[int | None]
    max_age: Mapped[int | None]
    physical_demand: Mapped[PhysicalDemand] = mapped_column(enum_column(PhysicalDemand), default=PhysicalDemand.medium)
    starts_on: Mapped[date | None]
    expires_on: Mapped[date | None] = mapped_column(index=True)
    closed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)  # any change, hires included

    employer: Mapped[Employer] = relationship(back_populates="jobs", lazy="joined")
    required_skills: Mapped[list["JobSkill"]] = relationship(
        back_populates="job", cascade="all, delete-orphan", lazy="selectin", order_by="JobSkill.id")

    @property
    def is_open(self) -> bool:
        """Shown to villagers and open to referrals: not closed, not expired, employer verified."""
        return (self.closed_at is None and self.employer.verified
                and (self.expires_on is None or self.expires_on >= china_today()))

    def visible_to(self, actor: User | None) -> bool:
        """Staff see every posting; an employer its own; villagers and the public open ones."""
        if actor is None:
            return self.is_open
        own = actor.role is Role.employer and actor.employer_id == self.employer_id
        return actor.is_staff or own or self.is_open

    @property
    def openings_left(self) -> int:
        return max(self.openings - self.hired_count, 0)

    @property
    def employer_name(self) -> str:
        return self.employer.name


class JobSkill(db.Model):
    """A required skill as the employer wrote it, with the canonical skill it resolved to."""
    __tablename__ = "job_skills"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    skill_id: Mapped[int | None] = mapped_column(ForeignKey("skills.id"), index=True)

    job: Mapped[Job] = relationship(back_populates="required_skills")
    skill: Mapped[Skill | None] = relationship(lazy="joined")

    @property
    def canonical(self) -> str | None:
        return self.skill.name if self.skill is not None else None

    @property
    def code(self) -> str | None:
        return self.skill.code if self.skill is not None else None


class Referral(db.Model):
    """A worker put forward for a posting. A worker holds at most one job: the database itself
    refuses a second `hired` referral of the same worker (a partial unique index)."""
    __tablename__ = "referrals"
    __table_args__ = (
        UniqueConstraint("worker_id", "job_id", name="worker_job"),
        Index("uq_referrals_one_job_per_worker", "worker_id", unique=True,
              sqlite_where=text("status = 'hired'"), postgresql_where=text("status = 'hired'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), index=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"), index=True)
    status: Mapped[ReferralStatus] = mapped_column(enum_column(ReferralStatus), default=ReferralStatus.referred, index=True)
    # the status before the last change and when it changed: a hire or a departure may be undone within a day
    previous_status: Mapped[ReferralStatus | None] = mapped_column(enum_column(ReferralStatus))
    status_changed_at: Mapped[datetime | None]
    source: Mapped[ReferralSource] = mapped_column(enum_column(ReferralSource), default=ReferralSource.station)
    referred_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(String(500))
    reason: Mapped[str | None] = mapped_column(String(500))
    override_reason: Mapped[str | None] = mapped_column(String(500))  # referred past a broken rule: why
    leave_reason: Mapped[LeaveReason | None] = mapped_column(enum_column(LeaveReason))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    answered_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]
    hired_on: Mapped[date | None]
    left_on: Mapped[date | None]
    term_ends_on: Mapped[date | None]  # public-welfare posts: the term, until renewed

    worker: Mapped[Worker] = relationship(lazy="joined")
    job: Mapped[Job] = relationship(lazy="joined")
    referred_by: Mapped[User | None] = relationship()
    follow_ups: Mapped[list["FollowUp"]] = relationship(
        back_populates="referral", cascade="all, delete-orphan", order_by="FollowUp.due_on", lazy="selectin")


class FollowUp(db.Model):
    """回访 at 1, 3 and 6 months after a hire: is the person still working there, for what wage."""
    __tablename__ = "follow_ups"
    __table_args__ = (UniqueConstraint("referral_id", "months", name="referral_months"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id", ondelete="CASCADE"), index=True)
    months: Mapped[int]
    due_on: Mapped[date] = mapped_column(index=True)
    done_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]  # the scheduler's reminder that it is due
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    still_employed: Mapped[bool | None]
    wage: Mapped[int | None]
    problems: Mapped[str | None] = mapped_column(String(500))

    referral: Mapped[Referral] = relationship(back_populates="follow_ups")
