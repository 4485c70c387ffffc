"""PostgreSQL: the append-only trigger lets erasure scrub an entry's details

Erasing a candidate may blank the details of audit entries about them down to
ids and counts (``{"scrubbed": true, ...}``); every other column stays, and
every other update or delete is still refused.

Revision ID: 0004
Revises: 0003
"""
from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

_SCRUBBING_FN = """
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE'
     AND NEW.id = OLD.id AND NEW.org_id IS NOT DISTINCT FROM OLD.org_id
     AND NEW.actor = OLD.actor AND NEW.action = OLD.action
     AND NEW.target_type = OLD.target_type
     AND NEW.target_id IS NOT DISTINCT FROM OLD.target_id
     AND NEW.created_at = OLD.created_at
     AND (NEW.details::jsonb ->> 'scrubbed') = 'true' THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit_log is append-only';
END;
$$ LANGUAGE plpgsql
"""

_STRICT_FN = """
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END;
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(_SCRUBBING_FN)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(_STRICT_FN)
