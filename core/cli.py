"""Command-line wiring: `flask --app wsgi users create …` plus each package's commands."""
import click
from flask import Flask
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
    from registry.models import Area
    missing = [code for code in areas if db.session.get(Area, code) is None]
    if missing:
        raise click.ClickException(f"unknown area code(s): {', '.join(missing)}")
    try:
        user = create_user(db.session, username, password, Role(role), list(areas),
                           employer_id=employer_id, worker_id=worker_id, display_name=display_name)
    except DomainError as exc:
        raise click.ClickException(f"{exc.message} {exc.fields}")
    db.session.commit()
    click.echo(f"created {user.role.value} user {user.username}")


def register(app: Flask) -> None:
    from registry.cli import register as register_registry
    app.cli.add_command(users)
    register_registry(app)
