"""What is done with referrals beyond one answer: undo a hire or a departure within a day, withdraw
a referral just made, hire several people at once (all or none), see the contact of a person put
forward to it (audited), the count of people waiting on each posting, and what a station may do
from its lists. The single moves are
jobs.referral_lifecycle's; these build on them.

Plain functions taking a session and the acting user; they flush, the caller commits.
"""
from datetime import date, datetime, timedelta, timezone

from dateutil.relativedelta import relativedelta
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core import accounts, audit, crypto
from core.errors import Conflict, Forbidden, ValidationFailed
from core.models import Role, User, china_day, utcnow
from core.scoping import user_sees_area
from jobs.eligibility import km_between
from jobs.models import OPEN_REFERRAL, FollowUp, Job, Referral, ReferralStatus
from jobs.referral_lifecycle import (
    FOLLOW_UP_MONTHS,
    NEXT,
    change_referral,
    day_problems,
    employment_status_for,
    list_referrals,
)
from registry.models import EmploymentSpell, Worker

UNDO_WINDOW = timedelta(hours=24)
UNDOABLE = (ReferralStatus.hired, ReferralStatus.left)
BULK_LIMIT = 200  # people hired in one go at most


# --- undo within a day -------------------------------------------------------------------------

def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


def undo_until(referral: Referral) -> datetime | None:
    """Until when the referral's last hire or departure may be undone; None when there is none."""
    if referral.status not in UNDOABLE or referral.previous_status is None or referral.status_changed_at is None:
        return None
    return _utc(referral.status_changed_at) + UNDO_WINDOW


def may_undo(actor: User, referral: Referral) -> bool:
    """The employer of the posting, the station of the person's village, an administrator."""
    if actor.role is Role.admin:
        return True
    if actor.role is Role.employer:
        return referral.job.employer_id == actor.employer_id
    if actor.role is Role.station:
        return user_sees_area(actor, referral.worker.household.village_code)
    return False


def can_undo(actor: User, referral: Referral) -> bool:
    """Whether the page offers 撤销 for this referral now."""
    until = undo_until(referral)
    return until is not None and utcnow() <= until and may_undo(actor, referral)


def withdrawable(actor: User, referral: Referral) -> bool:
    """A referral its maker may take back: made by them (or an administrator) within the day and
    not answered yet."""
    return (referral.status is ReferralStatus.referred and referral.answered_at is None
            and (actor.role is Role.admin or referral.referred_by_id == actor.id)
            and utcnow() <= _utc(referral.created_at) + UNDO_WINDOW)


def withdraw_referral(session: Session, referral: Referral, actor: User) -> None:
    """撤回: a referral made by mistake is taken back, as if it had not been made (the audit log keeps
    both). Only its maker, within a day and before the employer answered; otherwise 409."""
    if referral.referred_by_id != actor.id and actor.role is not Role.admin:
        raise Forbidden(_("Only whoever made a referral may withdraw it."))
    if not withdrawable(actor, referral):
        raise Conflict(_("A referral can be withdrawn within a day and before the employer answers; "
                         "this one cannot."), {"status": _("too late to withdraw")})
    audit.record(actor, "withdraw", "referral", referral.id,
                 detail=f"withdrawn: job {referral.job_id}, worker {referral.worker_id}",
                 area_code=referral.worker.household.village_code)
    session.delete(referral)
    session.flush()


def referral_question(session: Session, make) -> dict:
    """What the question before a station's referral shows ("推荐 马成 去 电焊工？"): the referral
    `make` would create, checked by the very rules that create it, then taken back (a savepoint),
    with the distance between home and work. A refusal is raised as the referral's own would be."""
    savepoint = session.begin_nested()
    referral = make()
    worker, job = referral.worker, referral.job
    km = km_between((worker.lat, worker.lon), (job.lat, job.lon))
    question = {"worker": worker, "job": job, "note": referral.note, "override": referral.override_reason,
                "km": round(km) if km == km else None}
    savepoint.rollback()
    return question


def station_actions(session: Session, actor: User, referrals: list[Referral]) -> dict[int, set[str]]:
    """What the actor's lists offer on each referral: `answer` (hire or not, for an employer with no
    account of its own), `leave` (record a departure), `undo` (a hire or a departure of the day),
    `withdraw` (a referral just made). One query for the whole list."""
    if not actor.is_staff or not referrals:
        return {}
    answering = accounts.employers_with_account(session, {r.job.employer_id for r in referrals})
    actions = {}
    for r in referrals:
        mine = actor.role is Role.admin or (actor.is_area_staff and user_sees_area(actor, r.worker.household.village_code))
        offered = set()
        if mine and r.status in OPEN_REFERRAL and r.job.employer_id not in answering:
            offered.add("answer")
        if mine and r.status is ReferralStatus.hired:
            offered.add("leave")
        if can_undo(actor, r):
            offered.add("undo")
        if withdrawable(actor, r):
            offered.add("withdraw")
        actions[r.id] = offered
    return actions


def recent_changes(session: Session, actor: User, status: ReferralStatus, limit: int = 3) -> list[Referral]:
    """The actor's hires (or departures) of the last day, newest first: those it may still undo."""
    rows, _total = list_referrals(session, actor, status=status, changed_since=utcnow() - UNDO_WINDOW, limit=limit)
    return [r for r in rows if can_undo(actor, r)]


def undo_change(session: Session, referral: Referral, actor: User) -> Referral:
    """Takes back a hire or a departure of the last 24 hours: the referral returns to its status
    before, the hire or departure day goes, the posting's count and the person's employment are as
    they were, and what the hire did to the person's other referrals (closed as hired elsewhere, a
    public-welfare post given up) is undone with it. Later than a day: 409."""
    if not may_undo(actor, referral):
        raise Forbidden(_("Your role is not allowed to do this."))
    until = undo_until(referral)
    if until is None:
        raise Conflict(_("Only a hire or a departure can be undone."), {"status": _("nothing to undo")})
    if utcnow() > until:
        raise Conflict(_("A hire or a departure can be undone within a day only; this one is older."),
                       {"status": _("too late to undo")})
    worker, changed_at, undone, job = referral.worker, referral.status_changed_at, referral.status, referral.job
    with session.no_autoflush:
        others = list(session.scalars(select(Referral).where(
            Referral.worker_id == worker.id, Referral.id != referral.id, Referral.status_changed_at == changed_at,
            Referral.previous_status.is_not(None))))
    _revert(session, referral)
    for other in sorted(others, key=lambda r: r.status is ReferralStatus.left):  # a post given back last
        _revert(session, other)
    try:
        session.flush()
    except IntegrityError:  # hired elsewhere at this very moment; the boundary rolls back
        raise Conflict(_("%(name)s already holds a job.", name=worker.name), {"status": _("already employed")}) from None
    _restore_employment(session, worker, job, undone, changed_at)
    session.flush()
    audit.record(actor, "update", "referral", referral.id, fields=["status"],
                 detail=f"{undone.name} → {referral.status.name} (undone)", area_code=worker.household.village_code)
    return referral


def _revert(session: Session, referral: Referral) -> None:
    if referral.status is ReferralStatus.hired:
        _unhire(session, referral)
    elif referral.status is ReferralStatus.left:
        _unleave(session, referral)
    referral.status, referral.previous_status, referral.status_changed_at = referral.previous_status, None, None


def _unhire(session: Session, referral: Referral) -> None:
    if any(f.done_at is not None for f in referral.follow_ups):
        raise Conflict(_("A follow-up of this hire is recorded: the hire cannot be undone."),
                       {"status": _("followed up already")})
    session.execute(update(Job).where(Job.id == referral.job_id, Job.hired_count > 0)
                    .values(hired_count=Job.hired_count - 1).execution_options(synchronize_session=False))
    session.refresh(referral.job, ["hired_count"])
    referral.hired_on = referral.term_ends_on = None
    referral.follow_ups = []


def _unleave(session: Session, referral: Referral) -> None:
    holding = session.scalar(select(Referral.id).where(Referral.worker_id == referral.worker_id,
                                                       Referral.id != referral.id,
                                                       Referral.status == ReferralStatus.hired))
    if holding is not None:
        raise Conflict(_("%(name)s holds another job now: the departure cannot be undone.", name=referral.worker.name),
                       {"status": _("already employed")})
    taken = session.execute(update(Job).where(Job.id == referral.job_id, Job.hired_count < Job.openings)
                            .values(hired_count=Job.hired_count + 1)
                            .execution_options(synchronize_session=False)).rowcount
    if not taken:
        raise Conflict(_("Every opening of this posting is filled again: the departure cannot be undone."),
                       {"status": _("no openings left")})
    session.refresh(referral.job, ["hired_count"])
    referral.left_on = referral.leave_reason = None
    followed = {f.months for f in referral.follow_ups}
    referral.follow_ups += [FollowUp(months=m, due_on=referral.hired_on + relativedelta(months=m))
                            for m in FOLLOW_UP_MONTHS if m not in followed]


def _restore_employment(session: Session, worker: Worker, job: Job, undone: ReferralStatus, changed_at) -> None:
    """The person's employment as it was: the job they hold again, or, a hire undone, the status
    they had before it (the registry's spell before the one the hire opened, if it opened one)."""
    holding = session.scalar(select(Referral).where(Referral.worker_id == worker.id,
                                                    Referral.status == ReferralStatus.hired))
    if holding is not None:
        worker.employment_status = employment_status_for(worker, holding.job)
        return
    if undone is not ReferralStatus.hired:
        return
    latest, before = (list(session.scalars(select(EmploymentSpell).where(EmploymentSpell.worker_id == worker.id)
                                           .order_by(EmploymentSpell.id.desc()).limit(2))) + [None, None])[:2]
    if (latest is not None and before is not None and latest.ended_on is None
            and latest.status is worker.employment_status is employment_status_for(worker, job)
            and latest.started_on >= china_day(changed_at)):
        worker.employment_status = before.status


# --- several hires at once ---------------------------------------------------------------------

def hire_several(session: Session, job: Job, referral_ids: list[int], actor: User,
                 on: date | None = None) -> list[Referral]:
    """Hires the chosen people of one posting on one day, each checked as a single hire is; if any
    one cannot be hired nobody is (the refusal names each person and why; the boundary rolls back)."""
    if not (actor.role is Role.admin or (actor.role is Role.employer and actor.employer_id == job.employer_id)):
        raise Forbidden(_("You may only hire for your own postings."))
    ids = list(dict.fromkeys(referral_ids))[:BULK_LIMIT]
    referrals = list(session.scalars(select(Referral).where(Referral.id.in_(ids), Referral.job_id == job.id)
                                     .order_by(Referral.id))) if ids else []
    if not ids or len(referrals) != len(ids):
        raise ValidationFailed(_("Choose people put forward for this posting."),
                               {"referral_ids": _("choose at least one person of this posting")})
    problems, dates = [], []
    for r in referrals:
        if ReferralStatus.hired not in NEXT.get(r.status, set()):
            problems.append(f"{r.worker.name}: {r.status.label}")
        elif _holds_other_job(session, r):
            problems.append(_("%(name)s already holds a job", name=r.worker.name))
        if on is not None and (why := day_problems(r, ReferralStatus.hired, on).get("hired_on")):
            dates.append(f"{r.worker.name}: {why}")
    if len(referrals) > job.openings_left:
        problems.append(_("%(n)s chosen but %(left)s openings left", n=len(referrals), left=job.openings_left))
    if problems or dates:  # a wrong day alone is bad input (422); a person who cannot be hired, a conflict
        fields = ({"referral_ids": "; ".join(problems)} if problems else {}) | (
            {"hired_on": "; ".join(dates)} if dates else {})
        refusal = Conflict if problems else ValidationFailed
        raise refusal(_("Nobody was hired: %(why)s.", why="; ".join(problems + dates)), fields)
    return [change_referral(session, r, ReferralStatus.hired, actor, on=on) for r in referrals]


def _holds_other_job(session: Session, referral: Referral) -> bool:
    """A job the hire would not free: a public-welfare post gives way to a market job, others not."""
    current = session.scalar(select(Referral).where(Referral.worker_id == referral.worker_id,
                                                    Referral.id != referral.id, Referral.status == ReferralStatus.hired))
    return current is not None and not (current.job.public_welfare and not referral.job.public_welfare)


# --- a referred person's contact, and who waits ------------------------------------------------

def reveal_contact(session: Session, referral: Referral, actor: User) -> dict:
    """The name and full phone of a person put forward to the employer's own posting, while the
    referral waits for its answer; every reveal is audited."""
    if actor.role is not Role.employer or referral.job.employer_id != actor.employer_id:
        raise Forbidden(_("Only the employer of the posting sees the contact of a person put forward to it."))
    if referral.status not in OPEN_REFERRAL:
        raise Conflict(_("The contact is shown while the referral waits for your answer."),
                       {"status": referral.status.name})
    worker = referral.worker
    audit.record(actor, "reveal", "worker", worker.id, fields=["name", "phone"], detail=f"referral {referral.id}",
                 area_code=worker.household.village_code)
    session.flush()
    return {"referral_id": referral.id, "worker_id": worker.id, "name": worker.name,
            "phone": crypto.decrypt(worker.phone_enc) if worker.phone_enc else None}


def waiting_counts(session: Session, employer_id: int | None) -> dict[int, int]:
    """People waiting for an answer, per posting of the employer: {job id: count}."""
    if employer_id is None:
        return {}
    rows = session.execute(select(Referral.job_id, func.count(Referral.id)).join(Job, Job.id == Referral.job_id)
                           .where(Job.employer_id == employer_id, Referral.status.in_(OPEN_REFERRAL))
                           .group_by(Referral.job_id))
    return {job_id: n for job_id, n in rows}
