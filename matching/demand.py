"""Spreading recommendations. Plain relevance ranking shows the same few openings to everyone
(congestion). So the re-match counts, for each open posting, how many people have it among their
best ten, and a person's list prices each posting by that demand against its openings left: a
posting recommended to far more people than it has openings drops behind an equally good one
that is not, and the page says how many others were shown it."""
from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import numpy as np
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from core.models import utcnow
from matching import data, engine
from matching.models import JobDemand

SPREAD = 0.15  # how strongly demand beyond the openings lowers a posting's place in a list
TOP = 10


def rematch(session: Session) -> int:
    """Recounts demand for every open posting from everyone looking for work; returns how many
    postings were counted. Idempotent: the counts replace the previous ones."""
    space, postings = data.current_postings(session)
    people = data.looking_for_work(session, space=space)
    counts = np.zeros(len(postings), np.int64)
    if len(people.table) and len(postings):
        chosen, _scores = engine.top_k(people.table, postings.table, space.group, k=TOP)
        counts = np.bincount(chosen[chosen >= 0], minlength=len(postings))
    session.execute(delete(JobDemand))
    now = utcnow()
    rows = [{"job_id": int(j), "recommended": int(c), "openings_left": int(o), "computed_at": now}
            for j, c, o in zip(postings.table.ids, counts, postings.table.openings)]
    if rows:
        session.execute(insert(JobDemand), rows)
    return len(rows)


def recommended_counts(session: Session) -> Mapping[int, int]:
    """How many people have each posting among their best ten, as the last re-match counted. They
    change only when a re-match replaces them, so they are kept (data.reused_or_read) and read again when
    the re-match's stamp changes."""
    stamp = tuple(session.execute(select(func.count(), func.max(JobDemand.computed_at),
                                         func.coalesce(func.sum(JobDemand.recommended), 0))
                                  .select_from(JobDemand)).one())
    return data.reused_or_read(session, "demand", stamp, lambda: MappingProxyType(
        dict(session.execute(select(JobDemand.job_id, JobDemand.recommended)).all())))


def spread_score(score: float, recommended: int, openings_left: int) -> float:
    """The score a list is ordered by: the fit, lowered when many more people were shown the
    posting than it has openings (never below half the fit)."""
    pressure = recommended / max(openings_left, 1)
    return score / (1.0 + SPREAD * min(max(pressure - 1.0, 0.0), 1.0 / SPREAD))
