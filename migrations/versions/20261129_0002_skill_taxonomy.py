"""load the skill taxonomy (2022 occupational classification and village skills)

Reference data, so that a fresh `db upgrade` resolves skills at once. Later changes to the data
files are brought in with `flask --app wsgi skills sync`.

Revision ID: 20261129_0002
Revises: 20261129_0001
Create Date: 2026-11-29
"""
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "20261129_0002"
down_revision = "20261129_0001"
branch_labels = None
depends_on = None

DATA = Path(__file__).resolve().parents[2] / "data"

skills = sa.table(
    "skills",
    sa.column("key", sa.String), sa.column("name", sa.String), sa.column("kind", sa.String),
    sa.column("code", sa.String), sa.column("group_code", sa.String), sa.column("aliases", sa.JSON),
)


def upgrade():
    from registry.skills import load_taxonomy
    rows = [{"key": e.key, "name": e.name, "kind": e.kind, "code": e.code, "group_code": e.group,
             "aliases": list(e.aliases)} for e in load_taxonomy(DATA)]
    op.bulk_insert(skills, rows)


def downgrade():
    op.execute(skills.delete())
