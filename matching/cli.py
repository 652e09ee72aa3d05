"""Matching commands: `matching rematch` (the scheduler runs the same thing nightly)."""
import click
from flask.cli import AppGroup

from core.extensions import db

matching = AppGroup("matching", help="The matcher.")


@matching.command("rematch")
def rematch():
    """Recount how many people each open posting is recommended to (spreads recommendations)."""
    from matching.demand import rematch as run
    counted = run(db.session)
    db.session.commit()
    click.echo(f"matching: demand counted for {counted} open postings")


def register(app) -> None:
    app.cli.add_command(matching)
