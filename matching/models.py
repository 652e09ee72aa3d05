"""What the matcher keeps between runs, refreshed by the scheduler's nightly `rematch` (by hand:
`flask --app wsgi tasks run rematch`): how many people each open posting is recommended to, and
each station area's allocation in figures."""
from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.models import utcnow


class JobDemand(db.Model):
    __tablename__ = "job_demand"

    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True)
    recommended: Mapped[int]  # people who have the posting among their best 10
    openings_left: Mapped[int]
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)


class PlanSummary(db.Model):
    """Last night's allocation for a station's area, in figures: how many households with nobody in
    work the open postings could cover. The station home shows it and links to the plan itself,
    which is always computed afresh when opened."""
    __tablename__ = "plan_summaries"

    area_code: Mapped[str] = mapped_column(ForeignKey("areas.code", ondelete="CASCADE"), primary_key=True)
    households_total: Mapped[int]
    households_covered: Mapped[int]
    placements: Mapped[int]
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)
