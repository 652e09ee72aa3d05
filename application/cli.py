"""`flask --app wsgi demo load`: the demonstration county, every package's part of it."""
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from core.extensions import db

demo = AppGroup("demo", help="Demonstration data.")


@demo.command("load")
@click.option("--households", default=600, show_default=True, help="How many households to make.")
@click.option("--seed", default=2026, show_default=True)
def load_demo_command(households, seed):
    """西吉县 with believable households, workers, employers, postings, courses and a demo account per role."""
    from application.programme_demo import load_programmes_demo
    from jobs.demo import load_jobs_demo
    from monitoring.demo import load_monitoring_demo
    from registry.demo import load_demo
    from training.demo import load_training_demo
    summary = load_demo(db.session, Path(current_app.config["DATA_DIR"]), households=households, seed=seed)
    lines = load_jobs_demo(db.session, seed=seed) + load_training_demo(db.session)
    lines += load_monitoring_demo(db.session, seed=seed)
    lines += load_programmes_demo(db.session)
    db.session.commit()
    click.echo("\n".join([summary.describe(), *lines]))
