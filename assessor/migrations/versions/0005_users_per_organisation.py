"""users: email unique per organisation, not across all of them

Another organisation's admin learned which emails had accounts (creating one
failed) and could reserve addresses on someone else's domain.

Revision ID: 0005
Revises: 0004
"""
from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


# SQLite rebuilds the table and reflection does not carry AUTOINCREMENT over
# (0003): say it again, or ids would be reused from here on.
KEEP = {'sqlite_autoincrement': True}


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None, table_kwargs=KEEP) as batch_op:
        batch_op.drop_constraint('uq_users_email', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_users_org_id_email'), ['org_id', 'email'])
        batch_op.create_index(batch_op.f('ix_users_email'), ['email'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None, table_kwargs=KEEP) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_email'))
        batch_op.drop_constraint(batch_op.f('uq_users_org_id_email'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_users_email'), ['email'])
