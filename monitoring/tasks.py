"""The scheduled tasks, and running one exactly once per period.

Each task has a timetable (China time) and a period: the day, or the hour, a run stands for. A run
first claims its period by inserting the unique (task, period) row of `task_runs` in a transaction
of its own. A second scheduler started by mistake, or a hand run in the same period, fails to
insert it and does nothing. The task's work and the mark "done" are committed together, so a run
that dies midway leaves nothing half-done: its claim stays "running", and once the lease has
passed the next run takes it over and does the work again. A failed run may be retried in the
same period. The tasks are idempotent besides (each alert event, reminder and promotion happens
once), so `tasks run NAME --again` is safe too.
"""
from __future__ import annotations

import json
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.models import CHINA, utcnow
from monitoring.models import RunStatus, TaskRun

LEASE = timedelta(hours=2)  # a run still "running" after this is taken to have died


@dataclass(frozen=True)
class Context:
    session: Session
    now: datetime  # UTC
    today: date  # China
    config: dict


@dataclass(frozen=True)
class Task:
    name: str
    description: str
    schedule: dict  # APScheduler cron fields, China time
    hourly: bool  # one run per hour (else per day)
    work: Callable[[Context], dict]

    def period(self, now: datetime) -> str:
        local = now.astimezone(CHINA)
        return local.strftime("%Y-%m-%dT%H") if self.hourly else local.date().isoformat()

    def timetable(self) -> str:
        if self.hourly:
            return f"hourly at :{self.schedule['minute']:02d}"
        return f"daily at {self.schedule['hour']:02d}:{self.schedule['minute']:02d}"


def early_warning(ctx: Context) -> dict:
    from monitoring.alerts import raise_alerts
    from monitoring.rules import RULES, Settings
    settings = Settings(lookback_days=ctx.config["ALERT_LOOKBACK_DAYS"],
                        follow_up_grace_days=ctx.config["FOLLOW_UP_GRACE_DAYS"],
                        welfare_notice_days=ctx.config["WELFARE_NOTICE_DAYS"],
                        visit_days=ctx.config["VISIT_DAYS"])
    summary = {}
    for rule in RULES.values():
        counts = raise_alerts(ctx.session, rule, rule.find(ctx.session, ctx.today, settings), ctx.now)
        summary[rule.name] = dict(counts)
    return summary


def rematch(ctx: Context) -> dict:
    from matching.services import rematch, summarise_plans
    return {"postings counted": rematch(ctx.session), "areas planned": summarise_plans(ctx.session)}


def expire_jobs(ctx: Context) -> dict:
    from jobs.services import expire_postings
    postings, referrals = expire_postings(ctx.session, ctx.today)
    return {"postings closed": postings, "referrals closed": referrals}


def followup_reminders(ctx: Context) -> dict:
    from jobs.services import remind_follow_ups
    return {"reminded": remind_follow_ups(ctx.session, ctx.today, ctx.config["FOLLOW_UP_REMIND_DAYS"])}


def promote_waitlists(ctx: Context) -> dict:
    from training.services import promote_all_waitlists
    return {"seated": promote_all_waitlists(ctx.session)}


def referral_sweep(ctx: Context) -> dict:
    from jobs.services import sweep_unanswered
    remind, closed = sweep_unanswered(ctx.session, ctx.config["REFERRAL_REMIND_DAYS"], ctx.config["REFERRAL_CLOSE_DAYS"])
    return {"reminded": len(remind), "closed": closed}


def employer_subsidies(ctx: Context) -> dict:
    from jobs.services import write_employer_subsidies
    return write_employer_subsidies(ctx.session, ctx.today)


def on_the_job_skills(ctx: Context) -> dict:
    from jobs.services import record_on_the_job_skills
    return {"skills recorded": record_on_the_job_skills(ctx.session, ctx.today)}


TASKS: dict[str, Task] = {t.name: t for t in (
    Task("early_warning", _l("Run the early-warning rules and raise alerts"), {"minute": 5}, True, early_warning),
    Task("rematch", _l("Recount how many people each open posting is recommended to, and plan each station's area"),
         {"hour": 2, "minute": 0}, False, rematch),
    Task("expire_jobs", _l("Close postings past their expiry"), {"hour": 0, "minute": 10}, False, expire_jobs),
    Task("followup_reminders", _l("Remind follow-ups falling due"), {"hour": 7, "minute": 0}, False,
         followup_reminders),
    Task("promote_waitlists", _l("Give free course seats to the waitlists"), {"minute": 15}, True, promote_waitlists),
    Task("referral_sweep", _l("Remind and close unanswered referrals"), {"hour": 8, "minute": 0}, False,
         referral_sweep),
    Task("employer_subsidies", _l("Write the employers' subsidy lines earned by hires and on-the-job training"),
         {"hour": 3, "minute": 0}, False, employer_subsidies),
    Task("on_the_job_skills", _l("Record the skills learnt on the job once the training months have passed"),
         {"hour": 3, "minute": 20}, False, on_the_job_skills),
)}


@dataclass(frozen=True)
class Outcome:
    task: str
    period: str
    ran: bool
    summary: dict | None = None
    holder: str | None = None  # who has the period when this run did nothing


def runner_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _claim(session: Session, task: str, period: str, runner: str, now: datetime) -> bool:
    session.add(TaskRun(task=task, period=period, runner=runner, started_at=now))
    try:
        session.commit()
        return True
    except IntegrityError:
        session.rollback()
    # the period's row exists: take it over only from a failed run or one that died
    taken = session.execute(
        update(TaskRun).where(TaskRun.task == task, TaskRun.period == period,
                              or_(TaskRun.status == RunStatus.failed,
                                  and_(TaskRun.status == RunStatus.running, TaskRun.started_at < now - LEASE)))
        .values(status=RunStatus.running, runner=runner, started_at=now, finished_at=None, summary=None)
        .execution_options(synchronize_session=False)).rowcount
    session.commit()
    return bool(taken)


def run_task(session: Session, name: str, config: dict, now: datetime | None = None, runner: str | None = None,
             again: bool = False) -> Outcome:
    """Runs the task for the current period unless that period is already claimed. `again`: a
    period of its own (a hand run after the period's run)."""
    task = TASKS[name]
    now = now or utcnow()
    period = task.period(now) + (f"+again-{uuid.uuid4().hex[:8]}" if again else "")
    runner = runner or runner_name()
    if not _claim(session, name, period, runner, now):
        holder = session.scalar(select(TaskRun.runner).where(TaskRun.task == name, TaskRun.period == period))
        return Outcome(name, period, False, holder=holder)
    ctx = Context(session, now, now.astimezone(CHINA).date(), config)
    try:
        summary = task.work(ctx)
        _finish(session, name, period, RunStatus.done, json.dumps(summary, ensure_ascii=False))  # with the work
    except Exception as exc:
        session.rollback()
        _finish(session, name, period, RunStatus.failed, repr(exc)[:2000])
        raise
    return Outcome(name, period, True, summary)


def _finish(session: Session, task: str, period: str, status: RunStatus, summary: str) -> None:
    """Marks the period's run done or failed and commits (the work too, when done)."""
    session.execute(update(TaskRun).where(TaskRun.task == task, TaskRun.period == period)
                    .values(status=status, finished_at=utcnow(), summary=summary)
                    .execution_options(synchronize_session=False))
    session.commit()


def last_runs(session: Session) -> dict[str, TaskRun]:
    runs = session.scalars(select(TaskRun).order_by(TaskRun.started_at.desc(), TaskRun.id.desc()).limit(500))
    latest: dict[str, TaskRun] = {}
    for run in runs:
        latest.setdefault(run.task, run)
    return latest
