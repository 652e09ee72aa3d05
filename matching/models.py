"""What the matcher keeps between runs: how many people each open posting is recommended to,
refreshed by the nightly re-match (`flask matching rematch`; the scheduler runs it too)."""
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
