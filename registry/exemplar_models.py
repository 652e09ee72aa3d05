"""Those who show the way (扶志): short stories of people who found stable work or a trade, and local
experts (乡村能手, 致富带头人) who teach. Each is recorded by a station with the person's written
consent, and shown on the public board only once published.

`registry.models` re-exports these; other packages import them from there."""
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.enums import LabelledEnum
from core.extensions import db
from core.models import enum_column, utcnow


class ExemplarKind(LabelledEnum):
    story = ("就业故事", "a story of stable work")
    expert = ("乡村能手", "local expert")
    leader = ("致富带头人", "leader in prosperity")


class Exemplar(db.Model):
    __tablename__ = "exemplars"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ExemplarKind] = mapped_column(enum_column(ExemplarKind))
    name: Mapped[str] = mapped_column(String(32))  # as it may be printed: the person agreed to it
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("workers.id", ondelete="SET NULL"), index=True)
    area_code: Mapped[str] = mapped_column(ForeignKey("areas.code"), index=True)
    title: Mapped[str] = mapped_column(String(100))
    story: Mapped[str] = mapped_column(Text)
    trade: Mapped[str | None] = mapped_column(String(64))  # what an expert teaches: 滩羊养殖, 刺绣
    consent_on: Mapped[date]  # the day the person consented in writing
    published_at: Mapped[datetime | None] = mapped_column(index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
