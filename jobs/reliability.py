"""Whether an employer can be trusted with people: its open complaints (an open wage-arrears
complaint stops its postings being offered to anyone) and how many of its hires are still in work
six months on.

Plain functions taking a session; they read, the caller decides."""
from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.models import china_today
from jobs.models import Complaint, ComplaintKind, Job, Referral, ReferralStatus

RETENTION_MONTHS = 6
RETENTION_MIN_HIRES = 5  # under this many hires six months old, no share is given


def blocked_employers_clause():
    """The ids of employers with an open wage-arrears complaint (a subquery for WHERE … NOT IN)."""
    return select(Complaint.employer_id).where(Complaint.kind == ComplaintKind.wage_arrears,
                                               Complaint.resolved_at.is_(None))


def blocked_employer_ids(session: Session) -> set[int]:
    return set(session.scalars(blocked_employers_clause()))


def open_complaints(session: Session, employer_ids) -> dict[int, int]:
    """Open complaints per employer (all kinds)."""
    ids = list(set(employer_ids))
    if not ids:
        return {}
    rows = session.execute(select(Complaint.employer_id, func.count(Complaint.id)).where(
        Complaint.employer_id.in_(ids), Complaint.resolved_at.is_(None)).group_by(Complaint.employer_id))
    return {employer_id: count for employer_id, count in rows}


def retention(session: Session, employer_ids) -> dict[int, float | None]:
    """Per employer: of its hires made at least six months ago, the share still in work six months
    after the hire (not left, or left later than that); None under RETENTION_MIN_HIRES such hires."""
    ids = list(set(employer_ids))
    if not ids:
        return {}
    cutoff = china_today() - relativedelta(months=RETENTION_MONTHS)
    rows = session.execute(select(Job.employer_id, Referral.hired_on, Referral.left_on)
                           .join(Job, Job.id == Referral.job_id)
                           .where(Job.employer_id.in_(ids), Referral.hired_on.is_not(None),
                                  Referral.hired_on <= cutoff,
                                  Referral.status.in_((ReferralStatus.hired, ReferralStatus.left))))
    hires: dict[int, list[bool]] = {}
    for employer_id, hired_on, left_on in rows:
        stayed = left_on is None or left_on >= hired_on + relativedelta(months=RETENTION_MONTHS)
        hires.setdefault(employer_id, []).append(stayed)
    return {i: (sum(hires[i]) / len(hires[i]) if len(hires.get(i, ())) >= RETENTION_MIN_HIRES else None)
            for i in ids}
