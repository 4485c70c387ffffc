"""SQLite: AUTOINCREMENT on every table, so ids are never reused

Without it SQLite gives a new row max(id) + 1: after an erasure deleted the
newest candidate, the next invitation took its ids, the erased candidate's
old links showed the new candidate and old audit entries pointed at them.
PostgreSQL sequences never go back; nothing changes there.

Revision ID: 0003
Revises: 0002
"""
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

TABLES = ('organisations', 'audit_log', 'candidates', 'client_accounts', 'tasks', 'users',
          'webhooks', 'api_tokens', 'candidate_notes', 'role_profiles', 'webhook_deliveries',
          'assessments', 'assessment_tasks', 'invitations', 'attempts', 'answers', 'reviews',
          'jobs', 'scores')


def _rebuild(autoincrement: bool) -> None:
    if op.get_bind().dialect.name != 'sqlite':
        return
    # env.py turns foreign keys off for SQLite, so the copy-and-rename of a
    # parent table does not cascade into its children.
    for table in TABLES:
        with op.batch_alter_table(table, recreate='always',
                                  table_kwargs={'sqlite_autoincrement': autoincrement}):
            pass


def upgrade() -> None:
    _rebuild(True)


def downgrade() -> None:
    _rebuild(False)
