"""accounts that change their initial password, employers refused with a reason, referral
answers that can be undone within a day

Revision ID: 20261205_0016
Revises: 20261205_0015
Create Date: 2026-12-05 07:31:48.008649

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261205_0016'
down_revision = '20261205_0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('employers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('refused_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('refused_reason', sa.String(length=500), nullable=True))

    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('previous_status', sa.Enum('referred', 'interviewing', 'hired', 'rejected', 'left', 'obsolete', 'expired', name='referralstatus', native_enum=False, length=32), nullable=True))
        batch_op.add_column(sa.Column('status_changed_at', sa.DateTime(), nullable=True))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('must_change_password')

    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.drop_column('status_changed_at')
        batch_op.drop_column('previous_status')

    with op.batch_alter_table('employers', schema=None) as batch_op:
        batch_op.drop_column('refused_reason')
        batch_op.drop_column('refused_at')

