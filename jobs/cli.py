"""Jobs commands: `referrals sweep` (the scheduler runs the same thing on its timetable)."""
import click
from flask import current_app
from flask.cli import AppGroup

from core.extensions import db

referrals = AppGroup("referrals", help="Referrals to employers.")


@referrals.command("sweep")
def sweep():
    """Mark unanswered referrals for a reminder, and close those nobody answered for too long."""
    from jobs.referral_lifecycle import sweep_unanswered
    remind, closed = sweep_unanswered(db.session, current_app.config["REFERRAL_REMIND_DAYS"],
                                      current_app.config["REFERRAL_CLOSE_DAYS"])
    db.session.commit()
    click.echo(f"referrals: {len(remind)} to remind, {closed} closed")


def register(app) -> None:
    app.cli.add_command(referrals)
