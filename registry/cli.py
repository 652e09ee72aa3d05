"""Registry commands: `areas import FILE`, `skills sync`."""
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from core.extensions import db

areas = AppGroup("areas", help="Administrative divisions.")
skills = AppGroup("skills", help="The canonical skill taxonomy.")


@areas.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--county", help="Only this county (6- or 12-digit code).")
def import_areas(path, county):
    """Import a village file (5-level columns) or a point file of data/divisions; idempotent."""
    from registry.divisions import import_divisions
    try:
        result = import_divisions(db.session, path, Path(current_app.config["DATA_DIR"]), county)
    except ValueError as exc:
        raise click.ClickException(str(exc))
    db.session.commit()
    click.echo(f"areas: {result.created} created, {result.updated} updated, {result.located} located")


@skills.command("sync")
def sync_skills():
    """Bring the skills table in line with the taxonomy files in data/."""
    from registry.taxonomy import sync_taxonomy
    created, updated = sync_taxonomy(db.session, Path(current_app.config["DATA_DIR"]))
    db.session.commit()
    click.echo(f"skills: {created} created, {updated} updated")


def register(app) -> None:
    for group in (areas, skills):
        app.cli.add_command(group)
