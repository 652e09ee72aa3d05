"""places

Every posting and course has a point: its own, else its area's (village, township or county),
else, for a posting, its employer's. `coords_derived` tells a derived point from one given, so
that a derived one follows a change of area. A relocated household may name the area of its
resettlement site: its members' point is that site's.

Revision ID: 20261205_0012
Revises: 20261204_0011
Create Date: 2026-12-05 00:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261205_0012'
down_revision = '20261204_0011'
branch_labels = None
depends_on = None


def upgrade():
    for table in ('jobs', 'courses'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('coords_derived', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.add_column(sa.Column('resettlement_area_code', sa.String(length=12), nullable=True))
        batch_op.create_index(batch_op.f('ix_households_resettlement_area_code'), ['resettlement_area_code'],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_households_resettlement_area_code_areas'), 'areas',
                                    ['resettlement_area_code'], ['code'])
    _place_the_unplaced()


def _place_the_unplaced():
    """Postings and courses stored without a point get their area's (a posting: else its employer's)."""
    bind = op.get_bind()
    areas = {code: (parent, lat, lon) for code, parent, lat, lon in
             bind.execute(sa.text("SELECT code, parent_code, lat, lon FROM areas"))}

    def point(code):
        while code in areas:
            parent, lat, lon = areas[code]
            if lat is not None and lon is not None:
                return lat, lon
            code = parent
        return None

    employers = {id_: (area, lat, lon) for id_, area, lat, lon in
                 bind.execute(sa.text("SELECT id, area_code, lat, lon FROM employers"))}
    for id_, area, employer_id in bind.execute(sa.text(
            "SELECT id, area_code, employer_id FROM jobs WHERE lat IS NULL OR lon IS NULL")).all():
        employer_area, employer_lat, employer_lon = employers[employer_id]
        found = point(area) or point(employer_area) or (
            (employer_lat, employer_lon) if employer_lat is not None and employer_lon is not None else None)
        _set(bind, "jobs", id_, found)
    for id_, area in bind.execute(sa.text(
            "SELECT id, area_code FROM courses WHERE lat IS NULL OR lon IS NULL")).all():
        _set(bind, 'courses', id_, point(area))


def _set(bind, table, id_, found):
    lat, lon = found or (None, None)
    bind.execute(sa.text(f"UPDATE {table} SET lat = :lat, lon = :lon, coords_derived = :derived WHERE id = :id"),
                 {"lat": lat, "lon": lon, "derived": True, "id": id_})


def downgrade():
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_households_resettlement_area_code_areas'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_households_resettlement_area_code'))
        batch_op.drop_column('resettlement_area_code')
    for table in ('courses', 'jobs'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('coords_derived')
