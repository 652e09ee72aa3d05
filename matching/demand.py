"""Spreading recommendations. Plain relevance ranking shows the same few openings to everyone
(congestion). So the re-match counts, for each open posting, how many people have it among their
best ten, and a person's list prices each posting by that demand against its openings left: a
posting recommended to far more people than it has openings drops behind an equally good one
that is not, and the page says how many others were shown it."""
from __future__ import annotations

import numpy as np
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from core.models import utcnow
from matching import data, engine
from matching.models import JobDemand

SPREAD = 0.15  # how strongly demand beyond the openings lowers a posting's place in a list
TOP = 10


def rematch(session: Session) -> int:
    """Recounts demand for every open posting from everyone looking for work; returns how many
    postings were counted. Idempotent: the counts replace the previous ones."""
    space = data.skill_space(session)
    people = data.looking_for_work(session, space=space)
    postings = data.open_postings(session, space)
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


def recommended_counts(session: Session, job_ids: list[int]) -> dict[int, int]:
    if not job_ids:
        return {}
    return dict(session.execute(select(JobDemand.job_id, JobDemand.recommended)
                                .where(JobDemand.job_id.in_(job_ids))).all())


def priced(score: float, recommended: int, openings_left: int) -> float:
    """The score a list is ordered by: the fit, lowered when many more people were shown the
    posting than it has openings (never below half the fit)."""
    pressure = recommended / max(openings_left, 1)
    return score / (1.0 + SPREAD * min(max(pressure - 1.0, 0.0), 1.0 / SPREAD))
