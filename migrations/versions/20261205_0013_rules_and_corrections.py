"""rules at referral, and the station's skill corrections

A referral made past a broken hard rule (age, health, hours, distance, skills) keeps the staff
member's written reason. A correction says that, in one county, a text people write (a skill or
a job title) means a given entry of the taxonomy.

Revision ID: 20261205_0013
Revises: 20261205_0012
Create Date: 2026-12-05 02:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261205_0013'
down_revision = '20261205_0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('override_reason', sa.String(length=500), nullable=True))
    op.create_table(
        'skill_corrections',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('county_code', sa.String(length=12), nullable=False),
        sa.Column('text', sa.String(length=100), nullable=False),
        sa.Column('skill_id', sa.Integer(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['county_code'], ['areas.code'], name=op.f('fk_skill_corrections_county_code_areas')),
        sa.ForeignKeyConstraint(['skill_id'], ['skills.id'], name=op.f('fk_skill_corrections_skill_id_skills')),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_skill_corrections_created_by_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_skill_corrections')),
        sa.UniqueConstraint('county_code', 'text', name='county_text'),
    )


def downgrade():
    op.drop_table('skill_corrections')
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.drop_column('override_reason')
