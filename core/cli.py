"""Core's commands: `flask --app wsgi users create …`, `backup create|restore`."""
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from core.errors import DomainError
from core.extensions import db
from core.models import Role

users = AppGroup("users", help="Manage accounts.")


@users.command("create")
@click.argument("username")
@click.option("--password", required=True, help="At least 8 characters.")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--area", "areas", multiple=True, help="12-digit area code (station and county users).")
@click.option("--employer-id", type=int)
@click.option("--worker-id", type=int)
@click.option("--name", "display_name")
def create_user_command(username, password, role, areas, employer_id, worker_id, display_name):
    """Create an account."""
    from core.auth import create_user
    try:
        user = create_user(db.session, username, password, Role(role), list(areas),
                           employer_id=employer_id, worker_id=worker_id, display_name=display_name)
    except DomainError as exc:
        raise click.ClickException(f"{exc.message} {exc.fields}")
    db.session.commit()
    click.echo(f"created {user.role.value} user {user.username}")


@users.command("deactivate")
@click.argument("username")
@click.option("--again", "reactivate", is_flag=True, help="Reactivate instead (old sign-ins and tokens stay ended).")
def deactivate_user_command(username, reactivate):
    """Deactivate an account: its sign-ins and API tokens end at once."""
    from sqlalchemy import select

    from core.auth import set_active, system_actor
    from core.models import User
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise click.ClickException(f"no account {username}")
    set_active(db.session, user, reactivate, system_actor("command line"))
    db.session.commit()
    click.echo(f"{user.username} is {'active' if user.active else 'deactivated'}")


backup = AppGroup("backup", help="Back up and restore the whole database.")


@backup.command("create")
@click.argument("target", required=False, type=click.Path(dir_okay=False, path_type=Path))
def backup_create(target):
    """Copy the database to TARGET (default instance/backups/labour-<time>.sqlite3 or .pgdump)."""
    from core import backup as backups
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    target = target or backups.default_path(Path(current_app.instance_path), url)
    try:
        made = backups.create(url, target)
    except backups.BackupError as exc:
        raise click.ClickException(str(exc))
    click.echo(f"backup written: {made} ({made.stat().st_size:,} bytes)")


@backup.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def backup_restore(source, yes):
    """Replace the database's content with the backup SOURCE."""
    from core import backup as backups
    if not yes:
        click.confirm(f"Replace everything in the database with {source}?", abort=True)
    db.session.remove()
    db.engine.dispose()  # no connection of ours may hold the tables being replaced
    try:
        backups.restore(current_app.config["SQLALCHEMY_DATABASE_URI"], source)
    except backups.BackupError as exc:
        raise click.ClickException(str(exc))
    click.echo(f"restored from {source}")


def register(app: Flask) -> None:
    app.cli.add_command(users)
    app.cli.add_command(backup)
