"""The household file beyond its members (户档案): incomes against the monitoring line, the risks
and history of its monitoring, its 5+N helper team and the help it has had.

`registry.models` re-exports these; other packages import them from there.
"""
from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.enums import LabelledEnum
from core.extensions import db
from core.models import User, enum_column, utcnow


class MonitoringStatus(LabelledEnum):
    none = ("一般户", "not monitored")
    unstable = ("脱贫不稳定户", "unstable lifted-out household")
    marginal = ("边缘易致贫户", "marginal household at risk")
    sudden_hardship = ("突发严重困难户", "sudden severe hardship")


class Relation(LabelledEnum):
    """A member's relation to the head of the household."""
    head = ("户主", "head of household")
    spouse = ("配偶", "spouse")
    child = ("子女", "child")
    parent = ("父母", "parent")
    grandchild = ("孙子女", "grandchild")
    sibling = ("兄弟姐妹", "sibling")
    other = ("其他", "other")


class SchoolStage(LabelledEnum):
    """Where a pupil or student is at school; `none` for everyone else."""
    none = ("非在校生", "not at school")
    preschool = ("学前教育", "preschool")
    primary = ("小学", "primary school")
    junior = ("初中", "junior secondary")
    senior = ("高中", "senior secondary")
    vocational = ("中职/高职", "vocational school")
    college = ("大学及以上", "college or university")


class RiskType(LabelledEnum):
    """Why a household risks falling back into poverty (致贫返贫风险类型)."""
    illness = ("因病", "illness")
    disability = ("因残", "disability")
    schooling = ("因学", "schooling costs")
    disaster = ("因灾", "natural disaster")
    accident = ("因意外事故", "accident")
    lack_of_labour = ("缺劳力", "lack of labour")
    lack_of_skills = ("缺技术", "lack of skills")
    lack_of_funds = ("缺资金", "lack of funds")
    unstable_employment = ("务工就业不稳", "unstable employment")
    industry_failure = ("产业项目失败", "failed farm or business project")
    other = ("其他", "other")


class HelperRole(LabelledEnum):
    """The 5+N team that helps a monitored household."""
    first_secretary = ("驻村第一书记", "first secretary stationed in the village")
    village_secretary = ("村党支部书记", "village party secretary")
    responsible = ("帮扶责任人", "responsible helper")
    party_member = ("党员", "party member")
    enterprise = ("帮扶企业或个人", "helping enterprise or person")
    other = ("其他", "other")


class MeasureKind(LabelledEnum):
    """A kind of help given to a household (帮扶措施)."""
    visit = ("走访", "home visit")
    employment = ("就业帮扶", "employment")
    training = ("技能培训", "training")
    public_welfare = ("公益岗位", "public-welfare post")
    industry = ("产业帮扶", "farm or business support")
    medical = ("医疗保障", "medical support")
    education = ("教育资助", "education support")
    housing = ("住房安全", "housing")
    social_security = ("兜底保障", "social security")
    consumption = ("消费帮扶", "consumption support")
    other = ("其他", "other")


class MonitoringEventKind(LabelledEnum):
    """A step of a household's monitoring history."""
    identified = ("纳入监测", "put under monitoring")
    changed = ("调整监测", "monitoring changed")
    proposed = ("提出风险消除", "ending proposed")
    refused = ("风险消除未通过", "ending refused")
    eliminated = ("风险消除", "risk eliminated")


class MonitoringLine(db.Model):
    """防返贫监测线: yuan of net income per person per year, set by officers for an area (a county,
    or a township or village with its own) and a year. A household's line is its nearest area's."""
    __tablename__ = "monitoring_lines"

    area_code: Mapped[str] = mapped_column(ForeignKey("areas.code"), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    amount: Mapped[int]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class HouseholdIncome(db.Model):
    """A household's income of one year (yuan), as the yearly income check records it."""
    __tablename__ = "household_incomes"

    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    wage_income: Mapped[int] = mapped_column(default=0)
    business_income: Mapped[int] = mapped_column(default=0)
    property_income: Mapped[int] = mapped_column(default=0)
    transfer_income: Mapped[int] = mapped_column(default=0)
    business_costs: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def net_income(self) -> int:
        return (self.wage_income + self.business_income + self.property_income + self.transfer_income
                - self.business_costs)


class HouseholdHelper(db.Model):
    """One member of a household's 5+N team. With an account, the household's alerts reach them."""
    __tablename__ = "household_helpers"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)
    role: Mapped[HelperRole] = mapped_column(enum_column(HelperRole))
    name: Mapped[str] = mapped_column(String(64))
    phone_enc: Mapped[bytes | None]
    phone_masked: Mapped[str | None] = mapped_column(String(16))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)

    user: Mapped[User | None] = relationship()


class HelpMeasure(db.Model):
    """Help given to a household on a day (a visit, a job found, a medical subsidy …)."""
    __tablename__ = "help_measures"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)
    kind: Mapped[MeasureKind] = mapped_column(enum_column(MeasureKind), index=True)
    day: Mapped[date] = mapped_column(index=True)
    description: Mapped[str] = mapped_column(String(500))
    helper_name: Mapped[str | None] = mapped_column(String(64))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MonitoringEvent(db.Model):
    """One step of a household's monitoring: identified, changed, ending proposed, refused,
    risk eliminated. Kept for ever: the household's monitoring history."""
    __tablename__ = "monitoring_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)
    kind: Mapped[MonitoringEventKind] = mapped_column(enum_column(MonitoringEventKind), index=True)
    day: Mapped[date] = mapped_column(index=True)
    status: Mapped[MonitoringStatus] = mapped_column(enum_column(MonitoringStatus))  # after the step
    risk_types: Mapped[list] = mapped_column(JSON, default=list)
    reason: Mapped[str | None] = mapped_column(String(500))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    created_by: Mapped[User | None] = relationship()


class AreaPolicy(db.Model):
    """What officers decide for their area (a county, or a township with its own): how long a
    household stays under monitoring at least before its risk may be declared eliminated."""
    __tablename__ = "area_policies"

    area_code: Mapped[str] = mapped_column(ForeignKey("areas.code"), primary_key=True)
    elimination_months: Mapped[int] = mapped_column(default=6)
    # an employer's subsidy for hiring someone of a monitored or lifted-out household, once the hire has
    # lasted `hire_subsidy_months`; and per month of on-the-job training (以工代训) of one trainee
    hire_subsidy_amount: Mapped[int | None]
    hire_subsidy_months: Mapped[int | None]
    on_the_job_monthly: Mapped[int | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
