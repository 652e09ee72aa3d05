"""Early warning (返贫预警) and timed work: alerts with their handling, and the record of every
scheduled task's run.

An alert belongs to a household and a rule. The events that raise it (a job ended, a follow-up
fell due …) are kept one row each, unique per household, rule and event, so running the rules
again never raises the same alert twice, and a closed alert opens again only for a new event.
"""
from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.enums import LabelledEnum
from core.extensions import db
from core.models import User, enum_column, utcnow
from registry.models import Household


class Severity(LabelledEnum):
    high = ("高", "high")
    medium = ("中", "medium")
    low = ("低", "low")


SEVERITY_ORDER = {Severity.high: 0, Severity.medium: 1, Severity.low: 2}


class AlertStatus(LabelledEnum):
    open = ("待处理", "open")
    acknowledged = ("处理中", "acknowledged")
    closed = ("已关闭", "closed")


OPEN_ALERT = (AlertStatus.open, AlertStatus.acknowledged)


class ActionKind(LabelledEnum):
    referral = ("推荐岗位", "job referral")
    course = ("安排培训", "training course")
    subsidy = ("落实补贴", "subsidy")
    visit = ("入户走访", "home visit")
    other = ("其他", "other")


class Alert(db.Model):
    __tablename__ = "alerts"
    __table_args__ = (Index("ix_alerts_household_rule", "household_id", "rule"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"))
    rule: Mapped[str] = mapped_column(String(40), index=True)
    severity: Mapped[Severity] = mapped_column(enum_column(Severity))
    status: Mapped[AlertStatus] = mapped_column(enum_column(AlertStatus), default=AlertStatus.open, index=True)
    detail: Mapped[str] = mapped_column(String(500))  # the latest event, in words
    opened_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    closing_note: Mapped[str | None] = mapped_column(String(500))
    reopened_count: Mapped[int] = mapped_column(default=0)

    household: Mapped[Household] = relationship(lazy="joined")
    acknowledged_by: Mapped[User | None] = relationship(foreign_keys=[acknowledged_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])
    events: Mapped[list["AlertEvent"]] = relationship(
        back_populates="alert", order_by="AlertEvent.seen_at.desc()", cascade="all, delete-orphan")
    actions: Mapped[list["AlertAction"]] = relationship(
        back_populates="alert", order_by="AlertAction.created_at", cascade="all, delete-orphan")

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ALERT


class AlertEvent(db.Model):
    """One occurrence a rule found, e.g. `referral:41` (that placement ended). Unique, so the
    same occurrence is never counted twice."""
    __tablename__ = "alert_events"
    __table_args__ = (UniqueConstraint("household_id", "rule", "event_key", name="household_rule_event"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"))
    rule: Mapped[str] = mapped_column(String(40))
    event_key: Mapped[str] = mapped_column(String(80))
    occurred_on: Mapped[date | None]
    detail: Mapped[str] = mapped_column(String(500))
    seen_at: Mapped[datetime] = mapped_column(default=utcnow)

    alert: Mapped[Alert] = relationship(back_populates="events")


class AlertAction(db.Model):
    """What the helper or the station did about an alert."""
    __tablename__ = "alert_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ActionKind] = mapped_column(enum_column(ActionKind))
    note: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    alert: Mapped[Alert] = relationship(back_populates="actions")
    created_by: Mapped[User | None] = relationship()


class RunStatus(LabelledEnum):
    running = ("运行中", "running")
    done = ("完成", "done")
    failed = ("失败", "failed")


class TaskRun(db.Model):
    """One run of a scheduled task for one period (a day, an hour). The unique (task, period)
    row is the claim: whoever inserts it runs the task; a second scheduler, or a hand run in
    the same period, finds it and does nothing."""
    __tablename__ = "task_runs"
    __table_args__ = (UniqueConstraint("task", "period", name="task_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task: Mapped[str] = mapped_column(String(40))
    period: Mapped[str] = mapped_column(String(32))
    status: Mapped[RunStatus] = mapped_column(enum_column(RunStatus), default=RunStatus.running)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    runner: Mapped[str] = mapped_column(String(80))  # host:pid, or "hand" for `tasks run`
    summary: Mapped[str | None] = mapped_column(Text)


class EliminationStatus(LabelledEnum):
    proposed = ("待审核", "proposed")
    approved = ("已批准", "approved")
    refused = ("未批准", "refused")


class RiskElimination(db.Model):
    """A station's proposal to end a household's monitoring (风险消除), the checks it passed, and
    the county's decision."""
    __tablename__ = "risk_eliminations"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"), index=True)
    status: Mapped[EliminationStatus] = mapped_column(enum_column(EliminationStatus), index=True,
                                                      default=EliminationStatus.proposed)
    reason: Mapped[str] = mapped_column(String(500))
    checks: Mapped[list] = mapped_column(JSON, default=list)  # [{"name", "passed", "detail"}] when proposed
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    proposed_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    decision_reason: Mapped[str | None] = mapped_column(String(500))

    household: Mapped[Household] = relationship(lazy="joined")
    proposed_by: Mapped[User | None] = relationship(foreign_keys=[proposed_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
