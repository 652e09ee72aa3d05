"""A worker's own applications: the postings they applied to (or were put forward for) with what
became of each, and applying themself, refused in their own words rather than in the station's.

Plain functions taking a session and the signed-in user; they flush, the caller commits."""
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import Conflict, Forbidden, ValidationFailed
from core.models import Role, User
from core.validators import MAX_ID
from jobs import eligibility
from jobs.models import Job, Referral, ReferralSource
from jobs.referral_lifecycle import create_referral
from jobs.reliability import is_suspended
from registry.models import Worker


def _worker_id(user: User) -> int | None:
    if user.role is not Role.worker:
        raise Forbidden(_("Your role is not allowed to do this."))
    return user.worker_id


def applications(session: Session, user: User) -> list[Referral]:
    """The worker's own referrals, newest first (an account not linked yet has none)."""
    worker_id = _worker_id(user)
    if worker_id is None:
        return []
    return list(session.scalars(select(Referral).where(Referral.worker_id == worker_id)
                                .order_by(Referral.created_at.desc(), Referral.id.desc())))


def application_for(session: Session, user: User | None, job_id: int) -> Referral | None:
    """The signed-in worker's referral to this posting, if there is one (None for anyone else)."""
    if user is None or user.role is not Role.worker or user.worker_id is None:
        return None
    return session.scalar(select(Referral).where(Referral.worker_id == user.worker_id, Referral.job_id == job_id))


def _in_their_words(session: Session, worker: Worker, job: Job) -> list[str]:
    """The posting's rules this person breaks, said to them."""
    suspended = job.is_open and is_suspended(session, job.employer_id)
    pair = eligibility.pair_of(worker, job, suspended=suspended)
    words = {
        "age": _("it is for people aged %(low)s to %(high)s", low=job.min_age or 16, high=job.max_age or 65),
        "health": _("the work is too heavy for your health"),
        "hours": _("you need flexible hours and this job has fixed ones"),
        "welfare": _("public-welfare posts are for monitored or lifted-out households who stay at home"),
        "reach": _("it is about %(km)s km away, farther than the %(limit)s km you want to travel",
                   km=round(pair.km) if pair.km == pair.km else "?", limit=round(pair.reach_km)),
        "skills": _("it needs skills you have not told us about: %(skills)s",
                    skills="、".join(eligibility.skills_met(worker, job)[2])),
    }
    if suspended:  # a closed or full posting is said by the referral's own rules
        words["posting"] = _("the employer owes wages and the labour station has paused its hiring")
    return [words[name] for name in eligibility.broken(pair) if name in words]


def apply(session: Session, user: User, job_id: int) -> Referral:
    """The worker applies for a posting themself. Applying twice, or for a posting that does not
    fit them, is refused with the reason said to them; the rest is the referral's own rules."""
    worker_id = _worker_id(user)
    if worker_id is None:
        raise Conflict(_("Your account is not linked to a person in the registry yet: the labour station can link it."))
    job = session.get(Job, job_id) if 0 < job_id <= MAX_ID else None
    earlier = application_for(session, user, job_id)
    if earlier is not None:
        message = (_("You applied for this job already. Its status: %(status)s.", status=earlier.status.label)
                   if earlier.source is ReferralSource.worker else
                   _("The labour station has put you forward for this job already. Its status: %(status)s.",
                     status=earlier.status.label))
        raise Conflict(message, {"job_id": _("applied already")})
    worker = session.get(Worker, worker_id)
    if job is not None and job.visible_to(user) and worker is not None and worker.may_work:
        broken = _in_their_words(session, worker, job)
        if broken:
            raise ValidationFailed(_("This job does not fit you: %(reasons)s.", reasons="；".join(broken)),
                                   {"job_id": "；".join(broken)})
    return create_referral(session, worker_id, job_id, user)
