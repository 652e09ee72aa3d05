"""trust boundaries

The audit log records the area of the record an event is about (a county officer reads the events
of its county), and masked ID numbers keep only the area code and the last two characters: with
the age a reader may see, the last four left a few dozen possible numbers.

Revision ID: 20261204_0011
Revises: 20261129_0010
Create Date: 2026-12-04 23:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261204_0011'
down_revision = '20261129_0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('area_code', sa.String(length=12), nullable=True))
        batch_op.create_index(batch_op.f('ix_audit_events_area_code'), ['area_code'], unique=False)
        batch_op.create_index('ix_audit_events_action_entity_id_at', ['action', 'entity_id', 'at'], unique=False)
    # 640422********123X -> 640422**********3X: the stored mask already holds what the new one keeps
    op.execute("UPDATE workers SET id_number_masked = "
               "substr(id_number_masked, 1, 6) || '**********' || substr(id_number_masked, 17, 2)")


def downgrade():
    # the two digits hidden since cannot be brought back without the key; they stay hidden
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_action_entity_id_at')
        batch_op.drop_index(batch_op.f('ix_audit_events_area_code'))
        batch_op.drop_column('area_code')
