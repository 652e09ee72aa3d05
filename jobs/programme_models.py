"""The programmes around a job (issue 18): complaints against an employer (欠薪, safety, contract),
the subsidies an employer earns for hiring from poor households and for training on the job
(以工代训), and employment certificates (就业证明) anyone may check.

`jobs.models` re-exports these; other packages import them from there."""
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.enums import LabelledEnum
from core.extensions import db
from core.models import User, enum_column, utcnow


class ComplaintKind(LabelledEnum):
    wage_arrears = ("欠薪", "wage arrears")
    safety = ("安全隐患", "safety")
    contract = ("合同纠纷", "contract")
    other = ("其他", "other")


class Complaint(db.Model):
    """A station's or county's complaint against an employer. Open until resolved; while a wage-
    arrears complaint is open the employer's postings are offered to nobody."""
    __tablename__ = "complaints"

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id"), index=True)
    kind: Mapped[ComplaintKind] = mapped_column(enum_column(ComplaintKind))
    description: Mapped[str] = mapped_column(String(1000))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(index=True)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    resolution: Mapped[str | None] = mapped_column(String(500))

    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class SubsidyKind(LabelledEnum):
    hiring = ("吸纳就业补贴", "hiring subsidy")
    on_the_job = ("以工代训补贴", "on-the-job training subsidy")


class EmployerSubsidy(db.Model):
    """One line of an employer's subsidy ledger: for a hire that lasted the county's months (once
    per hire), or for a month of on-the-job training of one trainee (once per hire and month). The
    unique key is what makes the scheduled task write each line exactly once."""
    __tablename__ = "employer_subsidies"
    __table_args__ = (UniqueConstraint("referral_id", "kind", "period", name="subsidy_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id"), index=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), index=True)
    kind: Mapped[SubsidyKind] = mapped_column(enum_column(SubsidyKind))
    period: Mapped[int] = mapped_column(default=0)  # the month of training (1, 2, …); 0 for a hiring subsidy
    amount: Mapped[int]
    area_code: Mapped[str | None] = mapped_column(ForeignKey("areas.code"), index=True)  # whose policy paid it
    earned_on: Mapped[date]  # the day the hire had lasted long enough (or the month was complete)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class EmploymentCertificate(db.Model):
    """就业证明 / 外出务工证明 issued for a person in work: its code is what the QR code and the
    public check carry (a keyed check code, so codes cannot be walked)."""
    __tablename__ = "employment_certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), index=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id"), index=True)
    issued_on: Mapped[date]
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
