"""Referrals and what follows them: referred → interviewing → hired → left (or rejected), the
reminders for unanswered ones, and the follow-ups at 1, 3 and 6 months that measure stable work.

Hiring keeps two promises under concurrent requests without locks held across a round trip: a
posting never goes above its openings (a conditional UPDATE of its counter), and a worker never
holds two jobs (a partial unique index on hired referrals)."""
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from flask_babel import gettext as _
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, object_session

from core import accounts, audit
from core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from core.models import Role, User, china_day, china_today, utcnow
from core.scoping import scope_clause, user_sees_area
from core.validators import MAX_ID
from jobs import eligibility
from jobs.models import OPEN_REFERRAL, FollowUp, Job, LeaveReason, Referral, ReferralSource, ReferralStatus
from jobs.reliability import is_suspended
from registry.models import EmploymentStatus, Household, Worker
from registry.services import can_read_worker

FOLLOW_UP_MONTHS = (1, 3, 6)
WELFARE_TERM_MONTHS = 12  # a public-welfare post (公益性岗位) is held for a year unless renewed
NEXT = {  # allowed moves of a referral
    ReferralStatus.referred: {ReferralStatus.interviewing, ReferralStatus.hired, ReferralStatus.rejected},
    ReferralStatus.interviewing: {ReferralStatus.hired, ReferralStatus.rejected},
    ReferralStatus.hired: {ReferralStatus.left},
}


# --- referrals ---------------------------------------------------------------------------------

def _worker_for_referral(session: Session, worker_id: int, actor: User) -> Worker:
    worker = session.get(Worker, worker_id) if 0 < worker_id <= MAX_ID else None
    if actor.role is Role.employer:
        # The same answer whether the person exists, cannot work or is monitored: nothing to learn.
        if worker is None or not reachable_worker_ids(session, actor.employer_id, [worker.id]):
            raise NotFound(_("No worker %(id)s.", id=worker_id), {"worker_id": _("not found")})
        return worker
    if worker is None or not can_read_worker(actor, worker):
        raise ValidationFailed(_("Unknown worker."), {"worker_id": _("no worker has this id in your areas")})
    return worker


def reachable_worker_ids(session: Session, employer_id: int | None, worker_ids: list[int]) -> set[int]:
    """Of `worker_ids`, those an employer may invite: who applied to one of its postings, were referred
    to one by a station, or passed a course it ordered. Nobody else is within an employer's reach."""
    if employer_id is None or not worker_ids:
        return set()
    return set(session.scalars(select(Referral.worker_id).join(Job, Job.id == Referral.job_id).where(
        Job.employer_id == employer_id, Referral.worker_id.in_(worker_ids),
        Referral.source.in_((ReferralSource.station, ReferralSource.worker, ReferralSource.order)))))


def create_referral(session: Session, worker_id: int, job_id: int, actor: User, note: str | None = None,
                    override_reason: str | None = None) -> Referral:
    """Puts a person forward for a posting (a station referral, an application, an employer's
    invitation). The matcher's hard rules hold here too (jobs.eligibility), and an employer under a
    wage-arrears complaint takes nobody; station staff may refer past those rules (not a closed or full
    posting) with a written reason, which is audited."""
    source = {Role.employer: ReferralSource.employer, Role.worker: ReferralSource.worker}.get(
        actor.role, ReferralSource.station)
    if actor.role is Role.provider:
        raise Forbidden(_("Your role is not allowed to do this."))
    worker = _worker_for_referral(session, worker_id, actor)  # first: an employer learns nothing of others
    job = session.get(Job, job_id) if 0 < job_id <= MAX_ID else None
    if job is None or not job.visible_to(actor):
        raise ValidationFailed(_("Unknown job."), {"job_id": _("no job has this id")})
    if actor.role is Role.employer and job.employer_id != actor.employer_id:
        raise Forbidden(_("You may only invite candidates to your own postings."), {"job_id": _("not your posting")})
    if not job.is_open:
        raise Conflict(_("This posting is closed, expired or not yet verified."), {"job_id": _("not open")})
    if job.openings_left == 0:
        raise Conflict(_("Every opening of this posting is filled."), {"job_id": _("no openings left")})
    if not worker.may_work:
        raise ValidationFailed(_("Only people of working age (16 to 65), able to work and not at school are put "
                                 "forward for jobs."), {"worker_id": _("not of working age, at school or unable to work")})
    if job.public_welfare and not eligibility.may_hold_public_welfare_post(worker):
        raise ValidationFailed(_("Public-welfare posts are for people of monitored or lifted-out households "
                                 "who cannot leave home."), {"worker_id": _("not eligible for a public-welfare post")})
    broken = eligibility.blockers(worker, job, suspended=is_suspended(session, job.employer_id))
    overridden = broken and override_reason and override_reason.strip() and actor.is_staff
    if broken and not overridden:
        fields = {"worker_id": "; ".join(broken.values())}
        if actor.is_staff:
            fields["override_reason"] = _("to refer anyway, say why")
        raise ValidationFailed(_("This person does not meet the posting's rules: %(rules)s.",
                                 rules="; ".join(broken.values())), fields)
    if session.scalar(select(Referral.id).where(Referral.worker_id == worker.id, Referral.job_id == job.id)):
        raise Conflict(_("This person was already put forward for this posting."), {"worker_id": _("already referred")})
    referral = Referral(worker=worker, job=job, source=source, referred_by_id=actor.id, note=note)
    session.add(referral)
    try:
        session.flush()
    except IntegrityError:  # the same referral made at the same moment; the boundary rolls back
        raise Conflict(_("This person was already put forward for this posting."),
                       {"worker_id": _("already referred")}) from None
    audit.record(actor, "create", "referral", referral.id, detail=f"{source.name}: job {job.id}",
                 area_code=worker.household.village_code)
    if overridden:
        referral.override_reason = override_reason.strip()
        audit.record(actor, "override", "referral", referral.id,
                     detail=f"job {job.id}; {', '.join(broken)}: {override_reason.strip()}",
                     area_code=worker.household.village_code)
    return referral


def can_see_referral(actor: User, referral: Referral) -> bool:
    if actor.role is Role.admin:
        return True
    if actor.role is Role.employer:
        return referral.job.employer_id == actor.employer_id
    if actor.role is Role.worker:
        return referral.worker_id == actor.worker_id
    if actor.is_area_staff:
        return user_sees_area(actor, referral.worker.household.village_code)
    return False


def get_referral(session: Session, referral_id: int, actor: User) -> Referral:
    referral = session.get(Referral, referral_id) if 0 < referral_id <= MAX_ID else None
    if referral is None or not can_see_referral(actor, referral):
        raise NotFound(_("No referral %(id)s.", id=referral_id))
    return referral


def list_referrals(session: Session, actor: User, worker_id: int | None = None, job_id: int | None = None,
                   household_code: str | None = None, status: ReferralStatus | None = None,
                   open_only: bool = False, limit: int = 50, offset: int = 0, changed_since=None):
    """The referrals the actor may see, with the total; `changed_since`: whose status changed since."""
    conditions = [] if changed_since is None else [Referral.status_changed_at >= changed_since]
    if actor.role is Role.employer:
        conditions.append(Job.employer_id == actor.employer_id)
    elif actor.role is Role.worker:
        conditions.append(Referral.worker_id == actor.worker_id)
    elif actor.is_area_staff:
        conditions.append(scope_clause(actor, Household.village_code))
    elif actor.role is not Role.admin:
        raise Forbidden(_("Your role is not allowed to do this."))
    if worker_id is not None:
        conditions.append(Referral.worker_id == worker_id)
    if job_id is not None:
        conditions.append(Referral.job_id == job_id)
    if household_code:
        conditions.append(Household.code == household_code)
    if status is not None:
        conditions.append(Referral.status == status)
    if open_only:
        conditions.append(Referral.status.in_(OPEN_REFERRAL))
    base = (select(Referral).join(Job, Referral.job_id == Job.id).join(Worker, Referral.worker_id == Worker.id)
            .join(Household, Worker.household_id == Household.id).where(*conditions))
    total = session.scalar(select(func.count()).select_from(base.subquery()))
    rows = session.scalars(base.order_by(Referral.updated_at.desc(), Referral.id.desc()).limit(limit).offset(offset)).all()
    return list(rows), total


def _may_move(actor: User, referral: Referral, status: ReferralStatus) -> bool:
    if actor.role is Role.admin:
        return True
    if actor.role is Role.employer:
        return referral.job.employer_id == actor.employer_id
    if actor.is_area_staff:  # the station records departures, and answers for an employer with no account
        answers_itself = accounts.employers_with_account(object_session(referral), {referral.job.employer_id})
        return user_sees_area(actor, referral.worker.household.village_code) and (
            status is ReferralStatus.left or not answers_itself)
    return False


def change_referral(session: Session, referral: Referral, status: ReferralStatus, actor: User,
                    reason: str | None = None, leave_reason: LeaveReason | None = None,
                    on: date | None = None) -> Referral:
    """Moves a referral on; a hire or a departure `on` a day (default today; see `day_problems`).
    The status before and the moment are kept: a hire or a departure may be undone (jobs.hiring)."""
    if not _may_move(actor, referral, status):
        raise Forbidden(_("Your role is not allowed to do this."))
    if status is referral.status:
        return referral
    if status not in NEXT.get(referral.status, set()):
        raise Conflict(_("A referral that is %(now)s cannot become %(next)s.", now=referral.status.label,
                         next=status.label), {"status": _("not allowed from %(now)s", now=referral.status.label)})
    if status is ReferralStatus.rejected and not reason:
        raise ValidationFailed(_("Say why the person was not taken."), {"reason": _("required when rejecting")})
    day = on or china_today()
    problems = day_problems(referral, status, day, leave_reason)
    if problems:
        raise ValidationFailed(_("Not recorded: %(why)s.", why="; ".join(problems.values())), problems)
    before, now = referral.status, utcnow()
    if status is ReferralStatus.hired:
        _hire(session, referral, day, now)
    elif status is ReferralStatus.left:
        _leave(session, referral, leave_reason, day)
    else:
        referral.status = status
    referral.previous_status, referral.status_changed_at = before, now
    referral.reason = reason or referral.reason
    referral.answered_at = referral.answered_at or now
    session.flush()
    audit.record(actor, "update", "referral", referral.id, fields=["status"],
                 detail=f"{before.name} → {status.name}", area_code=referral.worker.household.village_code)
    return referral


def day_problems(referral: Referral, status: ReferralStatus, day: date,
                 leave_reason: LeaveReason | None = None) -> dict[str, str]:
    """What is wrong with hiring (or recording a departure) on `day`, by field: nothing in the
    future, no hire before the person was put forward, no departure before the hire; a departure
    says why."""
    problems = {}
    if status is ReferralStatus.hired:
        referred_on = china_day(referral.created_at) if referral.created_at else day
        if day > china_today():
            problems["hired_on"] = _("must not be in the future")
        elif day < referred_on:
            problems["hired_on"] = _("must not be before the referral (%(day)s)", day=referred_on.isoformat())
    elif status is ReferralStatus.left:
        if day > china_today():
            problems["left_on"] = _("must not be in the future")
        elif referral.hired_on is not None and day < referral.hired_on:
            problems["left_on"] = _("must not be before the hire (%(day)s)", day=referral.hired_on.isoformat())
        if leave_reason is None:
            problems["leave_reason"] = _("required: say why the person left")
    return problems


def _hire(session: Session, referral: Referral, day: date | None = None, changed_at=None) -> None:
    worker, job = referral.worker, referral.job
    day, changed_at = day or china_today(), changed_at or utcnow()
    # Hires of one person wait for each other here (PostgreSQL row lock; SQLite serialises all
    # writers anyway): always the person first, then the posting, so two hires never deadlock.
    session.execute(select(Worker.id).where(Worker.id == worker.id).with_for_update())
    current = session.scalar(select(Referral).where(Referral.worker_id == worker.id,
                                                    Referral.status == ReferralStatus.hired))
    if current is not None:
        if current.job.public_welfare and not job.public_welfare:
            # a market job frees the post for another; undoing the hire gives it back
            _leave(session, current, LeaveReason.market_job, max(day, current.hired_on or day))
            current.previous_status, current.status_changed_at = ReferralStatus.hired, changed_at
        else:
            raise Conflict(_("%(name)s already holds a job.", name=worker.name), {"status": _("already employed")})
    taken = session.execute(update(Job).where(Job.id == job.id, Job.hired_count < Job.openings)
                            .values(hired_count=Job.hired_count + 1)
                            .execution_options(synchronize_session=False)).rowcount
    if not taken:
        raise Conflict(_("Every opening of this posting is filled."), {"status": _("no openings left")})
    session.refresh(job, ["hired_count"])
    referral.status, referral.hired_on = ReferralStatus.hired, day
    name = worker.name
    try:
        session.flush()
    except IntegrityError:  # the same person hired elsewhere at the same moment; the boundary rolls back
        raise Conflict(_("%(name)s already holds a job.", name=name), {"status": _("already employed")}) from None
    worker.employment_status = employment_status_for(worker, job)
    for other in session.scalars(select(Referral).where(Referral.worker_id == worker.id, Referral.id != referral.id,
                                                        Referral.status.in_(OPEN_REFERRAL))):
        other.previous_status, other.status_changed_at = other.status, changed_at
        other.status = ReferralStatus.obsolete
    referral.follow_ups = [FollowUp(months=m, due_on=referral.hired_on + relativedelta(months=m))
                           for m in FOLLOW_UP_MONTHS]
    if job.public_welfare:
        referral.term_ends_on = welfare_term_end(referral.hired_on)


def _leave(session: Session, referral: Referral, reason: LeaveReason, day: date | None = None) -> None:
    session.execute(update(Job).where(Job.id == referral.job_id, Job.hired_count > 0)
                    .values(hired_count=Job.hired_count - 1).execution_options(synchronize_session=False))
    session.refresh(referral.job, ["hired_count"])
    referral.status, referral.left_on, referral.leave_reason = ReferralStatus.left, day or china_today(), reason
    # Nobody is followed up in a job they have left; the follow-ups already done stay on record.
    referral.follow_ups = [f for f in referral.follow_ups if f.done_at is not None or f.due_on <= referral.left_on]
    session.flush()
    referral.worker.employment_status = EmploymentStatus.unemployed


def employment_status_for(worker: Worker, job: Job) -> EmploymentStatus:
    """Where the job is, seen from the worker's home county: 县内, 省内县外 or 省外."""
    if job.public_welfare:
        return EmploymentStatus.public_welfare
    home = worker.household.village_code
    place = job.area_code or job.employer.area_code
    if place is None or place[:6] == home[:6]:
        return EmploymentStatus.local
    return EmploymentStatus.migrant_in_province if place[:2] == home[:2] else EmploymentStatus.migrant_out_province


def sweep_unanswered(session: Session, remind_after_days: int, close_after_days: int) -> tuple[list[Referral], int]:
    """Referrals nobody answered: those older than `remind_after_days` are returned for a reminder
    (once), those older than `close_after_days` are closed. Run by the scheduler."""
    now = utcnow()
    stale = select(Referral).where(Referral.status == ReferralStatus.referred)
    closed = 0
    for referral in session.scalars(stale.where(Referral.created_at < now - timedelta(days=close_after_days))):
        referral.status = ReferralStatus.expired
        closed += 1
    remind = list(session.scalars(stale.where(Referral.created_at < now - timedelta(days=remind_after_days),
                                              Referral.reminded_at.is_(None))))
    for referral in remind:
        referral.reminded_at = now
    session.flush()
    return remind, closed


def welfare_term_end(start: date) -> date:
    """A public-welfare post held from `start` ends a term later, unless renewed."""
    return start + relativedelta(months=WELFARE_TERM_MONTHS)


def _term_now(referral: Referral) -> date:
    """The end a renewal must go beyond: the post's current end, or today if that has passed."""
    return max(referral.term_ends_on or china_today(), china_today())


def renew_welfare_post(session: Session, referral: Referral, until: date, actor: User) -> Referral:
    """Renew a public-welfare post (续聘) until a later day; station staff of the person's area."""
    if not actor.keeps_registry or (actor.role is Role.station
                                      and not user_sees_area(actor, referral.worker.household.village_code)):
        raise Forbidden(_("Your role is not allowed to do this."))
    if referral.status is not ReferralStatus.hired or not referral.job.public_welfare:
        raise Conflict(_("Only a public-welfare post someone holds can be renewed."), {"status": referral.status.name})
    if until <= _term_now(referral):
        raise ValidationFailed(_("The new end must be later than the current one."), {"until": _("too early")})
    referral.term_ends_on = until
    session.flush()
    return referral


def next_term_end(referral: Referral) -> date:
    """The end a renewal proposes: a further term after the current end (or after today)."""
    return welfare_term_end(_term_now(referral))


# --- follow-ups --------------------------------------------------------------------------------

def record_follow_up(session: Session, follow_up: FollowUp, data: dict, actor: User) -> FollowUp:
    referral = follow_up.referral
    if not (actor.role is Role.admin or (actor.role is Role.employer and referral.job.employer_id == actor.employer_id)
            or (actor.role is Role.station and user_sees_area(actor, referral.worker.household.village_code))):
        raise Forbidden(_("Your role is not allowed to do this."))
    follow_up.still_employed = data["still_employed"]
    follow_up.wage = data.get("wage")
    follow_up.problems = data.get("problems")
    follow_up.done_at, follow_up.done_by_id = utcnow(), actor.id
    if not follow_up.still_employed and referral.status is ReferralStatus.hired:
        _leave(session, referral, data.get("leave_reason") or LeaveReason.other)
    session.flush()
    return follow_up


def get_follow_up(session: Session, follow_up_id: int, actor: User) -> FollowUp:
    follow_up = session.get(FollowUp, follow_up_id) if 0 < follow_up_id <= MAX_ID else None
    if follow_up is None or not can_see_referral(actor, follow_up.referral):
        raise NotFound(_("No follow-up %(id)s.", id=follow_up_id))
    return follow_up


def due_follow_ups(session: Session, actor: User, until=None, limit: int = 100) -> list[FollowUp]:
    until = until or china_today()
    # due by `until`, or sooner and already reminded by the scheduler (followup_reminders)
    conditions = [FollowUp.done_at.is_(None), or_(FollowUp.due_on <= until, FollowUp.reminded_at.is_not(None)),
                  Referral.status.in_((ReferralStatus.hired, ReferralStatus.left))]
    if actor.role is Role.employer:
        conditions.append(Job.employer_id == actor.employer_id)
    elif actor.is_area_staff:
        conditions.append(scope_clause(actor, Household.village_code))
    elif actor.role is not Role.admin:
        return []
    return list(session.scalars(
        select(FollowUp).join(Referral).join(Job).join(Worker, Referral.worker_id == Worker.id)
        .join(Household, Worker.household_id == Household.id).where(*conditions)
        .order_by(FollowUp.due_on).limit(limit)))


def expire_postings(session: Session, today: date) -> tuple[int, int]:
    """Postings past their expiry are closed, and the referrals nobody answered on them too (run
    by the scheduler). Returns (postings closed, referrals closed)."""
    expired = list(session.scalars(select(Job).where(Job.closed_at.is_(None), Job.expires_on < today)))
    now = utcnow()
    for job in expired:
        job.closed_at = now
    referrals = list(session.scalars(select(Referral).where(Referral.job_id.in_([j.id for j in expired]),
                                                            Referral.status.in_(OPEN_REFERRAL)))) if expired else []
    for referral in referrals:
        referral.status = ReferralStatus.expired
    session.flush()
    return len(expired), len(referrals)


def remind_follow_ups(session: Session, today: date, ahead_days: int = 7) -> int:
    """Marks follow-ups of people in work that fall due within `ahead_days` (or are overdue) and
    were not reminded yet; station pages show them as reminded. Returns how many (scheduler)."""
    due = list(session.scalars(select(FollowUp).join(Referral).where(
        FollowUp.done_at.is_(None), FollowUp.reminded_at.is_(None), Referral.status == ReferralStatus.hired,
        FollowUp.due_on <= today + timedelta(days=ahead_days))))
    now = utcnow()
    for follow_up in due:
        follow_up.reminded_at = now
    session.flush()
    return len(due)


def _followed_up(session: Session, conditions, per_posting: bool = False) -> list:
    """Follow-ups done, and of them those that found the person still in work, counted per
    follow-up month (and per posting): `conditions` may name the follow-up, referral, posting,
    worker and household."""
    keys = (Job.id, FollowUp.months) if per_posting else (FollowUp.months,)
    return session.execute(
        select(*keys, func.count(FollowUp.id), func.count(FollowUp.id).filter(FollowUp.still_employed.is_(True)))
        .select_from(FollowUp).join(Referral, Referral.id == FollowUp.referral_id).join(Job, Job.id == Referral.job_id)
        .join(Worker, Worker.id == Referral.worker_id).join(Household, Household.id == Worker.household_id)
        .where(FollowUp.done_at.is_not(None), *conditions).group_by(*keys)).all()


def _stability(months: int, followed: int, stable: int) -> dict:
    return {"months": months, "followed_up": followed, "still_employed": stable,
            "rate": round(stable / followed, 3) if followed else None}


def _by_month(rows) -> list[dict]:
    """(months, followed up, still employed) rows summed into one figure per follow-up month."""
    return [_stability(m, sum(r[1] for r in rows if r[0] == m), sum(r[2] for r in rows if r[0] == m))
            for m in FOLLOW_UP_MONTHS]


def stable_employment(session: Session, employer_id: int | None = None, job_id: int | None = None,
                      where=()) -> list[dict]:
    """Of the hires followed up at 1, 3 and 6 months, how many were still in work: the measure of
    stable employment, for an employer, a posting, or the households `where` chooses."""
    conditions = list(where)
    if employer_id is not None:
        conditions.append(Job.employer_id == employer_id)
    if job_id is not None:
        conditions.append(Job.id == job_id)
    return _by_month(_followed_up(session, conditions))


def employer_stability(session: Session, employer_id: int, per_posting_months: int = 3) -> tuple[dict, list]:
    """An employer's stable employment in one query: each posting's at `per_posting_months`
    ({job id: figures}, postings without follow-ups absent) and the whole employer's at every
    follow-up month."""
    rows = _followed_up(session, [Job.employer_id == employer_id], per_posting=True)
    per_posting = {job_id: _stability(months, followed, stable)
                   for job_id, months, followed, stable in rows if months == per_posting_months}
    return per_posting, _by_month([row[1:] for row in rows])


def referred_worker_ids(session: Session, employer_id: int) -> set[int]:
    return set(session.scalars(select(Referral.worker_id).join(Job).where(Job.employer_id == employer_id)))
