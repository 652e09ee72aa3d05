"""the household file: members' relation and school stage, risk types, monitoring history,
risk eliminations, the 5+N helper team, help measures and areas' monitoring policy

Existing households get no risk types, existing workers no school stage.

Revision ID: 20261205_0015
Revises: 20261205_0014
Create Date: 2026-12-05 06:38:57.311492

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261205_0015'
down_revision = '20261205_0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('area_policies',
    sa.Column('area_code', sa.String(length=12), nullable=False),
    sa.Column('elimination_months', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['area_code'], ['areas.code'], name=op.f('fk_area_policies_area_code_areas')),
    sa.PrimaryKeyConstraint('area_code', name=op.f('pk_area_policies'))
    )
    op.create_table('help_measures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('visit', 'employment', 'training', 'public_welfare', 'industry', 'medical', 'education', 'housing', 'social_security', 'consumption', 'other', name='measurekind', native_enum=False, length=32), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=False),
    sa.Column('helper_name', sa.String(length=64), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_help_measures_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_help_measures_household_id_households'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_help_measures'))
    )
    with op.batch_alter_table('help_measures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_help_measures_day'), ['day'], unique=False)
        batch_op.create_index(batch_op.f('ix_help_measures_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_help_measures_kind'), ['kind'], unique=False)

    op.create_table('household_helpers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('first_secretary', 'village_secretary', 'responsible', 'party_member', 'enterprise', 'other', name='helperrole', native_enum=False, length=32), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('phone_enc', sa.LargeBinary(), nullable=True),
    sa.Column('phone_masked', sa.String(length=16), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_household_helpers_household_id_households'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_household_helpers_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_household_helpers'))
    )
    with op.batch_alter_table('household_helpers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_household_helpers_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_household_helpers_user_id'), ['user_id'], unique=False)

    op.create_table('monitoring_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('identified', 'changed', 'proposed', 'refused', 'eliminated', name='monitoringeventkind', native_enum=False, length=32), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('none', 'unstable', 'marginal', 'sudden_hardship', name='monitoringstatus', native_enum=False, length=32), nullable=False),
    sa.Column('risk_types', sa.JSON(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_monitoring_events_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_monitoring_events_household_id_households'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_monitoring_events'))
    )
    with op.batch_alter_table('monitoring_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_monitoring_events_day'), ['day'], unique=False)
        batch_op.create_index(batch_op.f('ix_monitoring_events_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_monitoring_events_kind'), ['kind'], unique=False)

    op.create_table('risk_eliminations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('proposed', 'approved', 'refused', name='eliminationstatus', native_enum=False, length=32), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('checks', sa.JSON(), nullable=False),
    sa.Column('proposed_by_id', sa.Integer(), nullable=True),
    sa.Column('proposed_at', sa.DateTime(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decision_reason', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_risk_eliminations_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_risk_eliminations_household_id_households'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['users.id'], name=op.f('fk_risk_eliminations_proposed_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_risk_eliminations'))
    )
    with op.batch_alter_table('risk_eliminations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_risk_eliminations_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_risk_eliminations_status'), ['status'], unique=False)

    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.add_column(sa.Column('monitoring_since', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('risk_types', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('risk_eliminated_on', sa.Date(), nullable=True))

    with op.batch_alter_table('workers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('relation', sa.Enum('head', 'spouse', 'child', 'parent', 'grandchild', 'sibling', 'other', name='relation', native_enum=False, length=32), nullable=True))
        batch_op.add_column(sa.Column('school_stage', sa.Enum('none', 'preschool', 'primary', 'junior', 'senior', 'vocational', 'college', name='schoolstage', native_enum=False, length=32), nullable=False,
                                      server_default='none'))



def downgrade():
    with op.batch_alter_table('workers', schema=None) as batch_op:
        batch_op.drop_column('school_stage')
        batch_op.drop_column('relation')

    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.drop_column('risk_eliminated_on')
        batch_op.drop_column('risk_types')
        batch_op.drop_column('monitoring_since')

    with op.batch_alter_table('risk_eliminations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_risk_eliminations_status'))
        batch_op.drop_index(batch_op.f('ix_risk_eliminations_household_id'))

    op.drop_table('risk_eliminations')
    with op.batch_alter_table('monitoring_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_monitoring_events_kind'))
        batch_op.drop_index(batch_op.f('ix_monitoring_events_household_id'))
        batch_op.drop_index(batch_op.f('ix_monitoring_events_day'))

    op.drop_table('monitoring_events')
    with op.batch_alter_table('household_helpers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_household_helpers_user_id'))
        batch_op.drop_index(batch_op.f('ix_household_helpers_household_id'))

    op.drop_table('household_helpers')
    with op.batch_alter_table('help_measures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_help_measures_kind'))
        batch_op.drop_index(batch_op.f('ix_help_measures_household_id'))
        batch_op.drop_index(batch_op.f('ix_help_measures_day'))

    op.drop_table('help_measures')
    op.drop_table('area_policies')
