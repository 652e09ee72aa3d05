"""The scheduler process: `flask --app wsgi scheduler`. APScheduler runs the tasks of
`monitoring.tasks` on their timetables in China time, in this one process, never inside web
workers. Each run goes through `run_task`, so a second scheduler started by mistake does nothing."""
from __future__ import annotations

import logging

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from flask import Flask

from core.extensions import db
from core.models import CHINA
from monitoring.tasks import TASKS, run_task, runner_name

log = logging.getLogger("monitoring.scheduler")


def _run(app: Flask, name: str) -> None:
    with app.app_context():
        try:
            outcome = run_task(db.session, name, app.config, runner=runner_name())
        except Exception:
            log.exception("task %s failed", name)
            return
        finally:
            db.session.remove()
        if outcome.ran:
            log.info("task %s ran for %s: %s", name, outcome.period, outcome.summary)
        else:
            log.info("task %s: %s already claimed by %s", name, outcome.period, outcome.holder)


def build(app: Flask) -> BlockingScheduler:
    """Every task once at a time (max_instances=1); missed runs are folded into one (coalesce)."""
    scheduler = BlockingScheduler(timezone=CHINA)
    for name, task in TASKS.items():
        scheduler.add_job(_run, CronTrigger(timezone=CHINA, **task.schedule), args=(app, name), id=name, name=name,
                          coalesce=True, max_instances=1, misfire_grace_time=3600)
    return scheduler
