"""Candidates for a posting, and the distance between two points.

The ranking itself is the matcher's (matching/ depends on this package, not the other way round):
matching registers it as the app's `candidate_ranker`, and `candidates_for` asks it.
"""
import math

from flask import current_app
from sqlalchemy.orm import Session

from core.models import User
from jobs.models import Job


def candidates_for(session: Session, job: Job, actor: User, limit: int = 20) -> list:
    """Best first; each item has worker, score, components, reasons and missing_skills."""
    ranker = current_app.extensions["candidate_ranker"]
    return ranker(session, job, actor, limit)


def distance_km(lat1, lon1, lat2, lon2) -> float | None:
    """Great-circle kilometres; None when a point is unknown."""
    if None in (lat1, lon1, lat2, lon2):
        return None
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))
