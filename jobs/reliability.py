"""Whether an employer can be trusted with people: its open complaints (an open wage-arrears
complaint stops its postings being offered to anyone) and how many of its hires are still in work
six months on.

Plain functions taking a session; they read, the caller decides."""
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.models import china_today
from jobs.models import Complaint, ComplaintKind, Employer, Job, Referral, ReferralStatus

RETENTION_MONTHS = 6
RETENTION_MIN_HIRES = 5  # under this many hires six months old, no share is given


def blocked_employers_clause():
    """The ids of employers with an open wage-arrears complaint (a subquery for WHERE … NOT IN)."""
    return select(Complaint.employer_id).where(Complaint.kind == ComplaintKind.wage_arrears,
                                               Complaint.resolved_at.is_(None))


def is_suspended(session: Session, employer_id: int) -> bool:
    """Whether this employer has an open wage-arrears complaint: its postings are offered to nobody."""
    return session.scalar(blocked_employers_clause().where(Complaint.employer_id == employer_id).limit(1)) is not None


def _open_by_kind(session: Session, employer_ids) -> dict[int, dict[ComplaintKind, int]]:
    ids = list(set(employer_ids))
    if not ids:
        return {}
    rows = session.execute(select(Complaint.employer_id, Complaint.kind, func.count(Complaint.id)).where(
        Complaint.employer_id.in_(ids), Complaint.resolved_at.is_(None))
        .group_by(Complaint.employer_id, Complaint.kind))
    found: dict[int, dict[ComplaintKind, int]] = {}
    for employer_id, kind, count in rows:
        found.setdefault(employer_id, {})[kind] = count
    return found


def retention_counts(session: Session, employer_ids) -> dict[int, tuple[int, int]]:
    """Per employer: (still in work six months after the hire, hires made at least six months ago).
    Someone who left later than six months after the hire counts as still in work."""
    ids = list(set(employer_ids))
    if not ids:
        return {}
    cutoff = china_today() - relativedelta(months=RETENTION_MONTHS)
    rows = session.execute(select(Job.employer_id, Referral.hired_on, Referral.left_on)
                           .join(Job, Job.id == Referral.job_id)
                           .where(Job.employer_id.in_(ids), Referral.hired_on.is_not(None),
                                  Referral.hired_on <= cutoff,
                                  Referral.status.in_((ReferralStatus.hired, ReferralStatus.left))))
    counts = dict.fromkeys(ids, (0, 0))
    for employer_id, hired_on, left_on in rows:
        stayed = left_on is None or left_on >= hired_on + relativedelta(months=RETENTION_MONTHS)
        retained, hires = counts[employer_id]
        counts[employer_id] = (retained + stayed, hires + 1)
    return counts


def share(retained: int, hires: int) -> float | None:
    return retained / hires if hires >= RETENTION_MIN_HIRES else None


def retention(session: Session, employer_ids) -> dict[int, float | None]:
    """Per employer: of its hires made at least six months ago, the share still in work six months
    after the hire (not left, or left later than that); None under RETENTION_MIN_HIRES such hires."""
    return {i: share(*counts) for i, counts in retention_counts(session, employer_ids).items()}


@dataclass(frozen=True)
class Standing:
    """What the pages and the API say of an employer's reliability."""
    open_complaints: int = 0
    wage_arrears: bool = False  # an open wage-arrears complaint: its postings are offered to nobody
    retained: int = 0  # of `hires`, still in work six months after the hire
    hires: int = 0  # hires made at least six months ago

    @property
    def retention(self) -> float | None:
        return share(self.retained, self.hires)


def standing(session: Session, employer_ids) -> dict[int, Standing]:
    """Each employer's standing, in two queries however many employers there are."""
    ids = list(set(employer_ids))
    complaints, kept = _open_by_kind(session, ids), retention_counts(session, ids)
    return {i: Standing(open_complaints=sum(complaints.get(i, {}).values()),
                        wage_arrears=ComplaintKind.wage_arrears in complaints.get(i, {}),
                        retained=kept[i][0], hires=kept[i][1]) for i in ids}


def attach_standing(session: Session, employers) -> list[Employer]:
    """Sets `employer.standing` on each (read by jobs.schemas.EmployerOut and the pages), in one go
    for a page of employers. It holds for the request: set it again after filing or resolving."""
    employers = list(employers)
    found = standing(session, (e.id for e in employers))
    for employer in employers:
        employer.standing = found[employer.id]
    return employers


def standing_of(session: Session, employer: Employer) -> Standing:
    """One employer's standing, computed the first time it is asked for."""
    if getattr(employer, "standing", None) is None:
        attach_standing(session, [employer])
    return employer.standing
