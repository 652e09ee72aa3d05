"""the household's yearly incomes and the monitoring line

A household's income of a year (wage, business, property and transfer income, business costs),
and the 防返贫监测线 officers set per area and year.

Revision ID: 20261205_0014
Revises: 20261205_0013
Create Date: 2026-12-05 06:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261205_0014'
down_revision = '20261205_0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'monitoring_lines',
        sa.Column('area_code', sa.String(length=12), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('amount', sa.Integer(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['area_code'], ['areas.code'], name=op.f('fk_monitoring_lines_area_code_areas')),
        sa.PrimaryKeyConstraint('area_code', 'year', name=op.f('pk_monitoring_lines')),
    )
    op.create_table(
        'household_incomes',
        sa.Column('household_id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('wage_income', sa.Integer(), nullable=False),
        sa.Column('business_income', sa.Integer(), nullable=False),
        sa.Column('property_income', sa.Integer(), nullable=False),
        sa.Column('transfer_income', sa.Integer(), nullable=False),
        sa.Column('business_costs', sa.Integer(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['household_id'], ['households.id'],
                                name=op.f('fk_household_incomes_household_id_households'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('household_id', 'year', name=op.f('pk_household_incomes')),
    )


def downgrade():
    op.drop_table('household_incomes')
    op.drop_table('monitoring_lines')
