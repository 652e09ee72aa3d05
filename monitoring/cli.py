"""`flask --app wsgi tasks list`, `tasks run NAME [--again]` and `scheduler`."""
import json
import logging

import click
from flask import current_app
from flask.cli import AppGroup

from core.extensions import db

tasks = AppGroup("tasks", help="Scheduled tasks.")


@tasks.command("list")
def list_tasks():
    """Every task with its timetable (China time) and its last run."""
    from monitoring.tasks import TASKS, last_runs
    latest = last_runs(db.session)
    for name, task in TASKS.items():
        run = latest.get(name)
        last = f"last {run.period} {run.status.name}" if run else "never run"
        click.echo(f"{name:<20} {task.timetable():<18} {last:<36} {task.description}")


@tasks.command("run")
@click.argument("name")
@click.option("--again", is_flag=True, help="Run even if this period's run is done (every task is idempotent).")
def run(name, again):
    """Run one task now, for the current period."""
    from monitoring.tasks import TASKS, run_task
    if name not in TASKS:
        raise click.BadParameter(f"no task {name!r}; tasks: {', '.join(TASKS)}", param_hint="NAME")
    outcome = run_task(db.session, name, current_app.config, again=again)
    if outcome.ran:
        click.echo(f"{name} ({outcome.period}): {json.dumps(outcome.summary, ensure_ascii=False)}")
    else:
        click.echo(f"{name} ({outcome.period}): already run by {outcome.holder}; nothing done "
                   "(--again runs it once more)")


def scheduler():
    """Run the scheduler in the foreground (one per installation; a second one does nothing)."""
    from monitoring.scheduler import build
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    app = current_app._get_current_object()
    build(app).start()


def register(app) -> None:
    app.cli.add_command(tasks)
    app.cli.command("scheduler")(scheduler)
