"""Verifying employers, and refusing to: an officer who will not verify an employer says why, the
employer reads the reason on its home page, and a later verification clears it.

Plain functions taking a session and the acting user; they flush, the caller commits."""
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from core import audit
from core.errors import Conflict, Forbidden
from core.models import User, utcnow
from jobs.models import Employer


def refuse_employer(session: Session, employer: Employer, reason: str, actor: User) -> Employer:
    """An officer refuses to verify an employer, with the reason (a wrong credit code, a workshop
    nobody could find …). A verified employer is not refused: its postings are public already."""
    if not actor.is_officer:
        raise Forbidden(_("Only a county officer or an administrator verifies employers."))
    if employer.verified_at is not None:
        raise Conflict(_("This employer is verified already."), {"reason": _("verified already")})
    employer.refused_at, employer.refused_reason = utcnow(), reason
    audit.record(actor, "update", "employer", employer.id, fields=["refused_reason"])
    session.flush()
    return employer
