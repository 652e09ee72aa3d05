"""订单式培训: a person who passes a course an employer ordered for one of its postings is put forward
for that posting at once, while it takes people. The provider who records the pass is no referrer
(jobs.referral_lifecycle.create_referral refuses the role), so the graduate's referral is made here,
with its own source, in the transaction that records the pass."""
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core import audit
from core.models import User
from jobs import eligibility
from jobs.models import Job, Referral, ReferralSource, ReferralStatus
from jobs.reliability import is_suspended
from registry.models import Worker

# why a graduate was not referred (OrderReferral.outcome), besides "referred"
CLOSED, FULL, ALREADY, CANNOT_WORK, NOT_WELFARE, ARREARS = (
    "posting_closed", "no_openings", "already_referred", "cannot_work", "not_eligible", "wage_arrears")


@dataclass
class OrderReferral:
    """What passing an order course did: the referral made (None if none) and `outcome`, "referred"
    or why not (one of the codes above)."""
    job: Job
    referral: Referral | None
    outcome: str

    @property
    def message(self) -> str:
        """In words, for the page that recorded the pass."""
        return {
            "referred": _("Referred to the posting %(title)s.", title=self.job.title),
            CLOSED: _("Not referred to %(title)s: the posting is closed.", title=self.job.title),
            FULL: _("Not referred to %(title)s: every opening is filled.", title=self.job.title),
            ALREADY: _("Already put forward for %(title)s.", title=self.job.title),
            CANNOT_WORK: _("Not referred to %(title)s: not of working age or unable to work.", title=self.job.title),
            ARREARS: _("Not referred to %(title)s: the employer has an unresolved wage-arrears complaint.",
                       title=self.job.title),
            NOT_WELFARE: _("Not referred to %(title)s: public-welfare posts are for monitored or lifted-out "
                           "households.", title=self.job.title),
        }[self.outcome]


def refer_graduate(session: Session, worker: Worker, job: Job, actor: User, course_title: str) -> OrderReferral:
    """Puts the graduate forward for the ordered posting (status referred, source order) while it
    is open with openings left, they were not put forward for it before and its employer has no
    open wage-arrears complaint. The other rules of a pair (age, health, hours, distance, skills)
    do not hold a graduate back: the employer ordered the course to hire its graduates. A rule
    broken is written down as an override, as a station's is."""
    if not job.is_open:
        return OrderReferral(job, None, CLOSED)
    if job.openings_left == 0:
        return OrderReferral(job, None, FULL)
    if session.scalar(select(Referral.id).where(Referral.worker_id == worker.id, Referral.job_id == job.id)):
        return OrderReferral(job, None, ALREADY)
    if is_suspended(session, job.employer_id):
        return OrderReferral(job, None, ARREARS)  # offered to nobody until the complaint is resolved
    if not worker.may_work:
        return OrderReferral(job, None, CANNOT_WORK)
    if job.public_welfare and not eligibility.may_hold_public_welfare_post(worker):
        return OrderReferral(job, None, NOT_WELFARE)
    broken = eligibility.blockers(worker, job)
    referral = Referral(worker=worker, job=job, status=ReferralStatus.referred, source=ReferralSource.order,
                        referred_by_id=actor.id,
                        note=_("Passed the order-based course %(title)s.", title=course_title)[:500])
    if broken:
        referral.override_reason = _("order-based training: %(title)s", title=course_title)[:500]
    try:
        with session.begin_nested():  # the same pass recorded twice at one moment: one referral
            session.add(referral)
    except IntegrityError:
        return OrderReferral(job, None, ALREADY)
    area = worker.household.village_code
    audit.record(actor, "create", "referral", referral.id, detail=f"order: job {job.id}", area_code=area)
    if broken:
        audit.record(actor, "override", "referral", referral.id,
                     detail=f"job {job.id}; {', '.join(broken)}: {referral.override_reason}", area_code=area)
    return OrderReferral(job, referral, "referred")
