"""outbox and email_templates: invitations by email

A message is written in the invitation's own transaction and sent later by
a job, so it is never lost with a crash nor sent for a rolled-back invitation.

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa

from assessor.db.base import UTCDateTime


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'outbox',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('org_id', sa.Integer(), nullable=False),
        sa.Column('invitation_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('to_addr', sa.String(length=320), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('next_attempt_at', UTCDateTime(), nullable=True),
        sa.Column('sent_at', UTCDateTime(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['invitation_id'], ['invitations.id'],
                                name=op.f('fk_outbox_invitation_id_invitations'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['org_id'], ['organisations.id'],
                                name=op.f('fk_outbox_org_id_organisations'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox')),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f('ix_outbox_org_id'), 'outbox', ['org_id'], unique=False)
    op.create_index(op.f('ix_outbox_invitation_id'), 'outbox', ['invitation_id'], unique=False)
    op.create_index(op.f('ix_outbox_status'), 'outbox', ['status'], unique=False)
    op.create_table(
        'email_templates',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('org_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['org_id'], ['organisations.id'],
                                name=op.f('fk_email_templates_org_id_organisations'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_email_templates')),
        sa.UniqueConstraint('org_id', 'kind', name=op.f('uq_email_templates_org_id_kind')),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f('ix_email_templates_org_id'), 'email_templates', ['org_id'],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_email_templates_org_id'), table_name='email_templates')
    op.drop_table('email_templates')
    op.drop_index(op.f('ix_outbox_status'), table_name='outbox')
    op.drop_index(op.f('ix_outbox_invitation_id'), table_name='outbox')
    op.drop_index(op.f('ix_outbox_org_id'), table_name='outbox')
    op.drop_table('outbox')
