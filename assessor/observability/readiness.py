"""Readiness checks that /readyz adds to its own (database, queue, engine)."""
from __future__ import annotations

import functools
import logging

log = logging.getLogger(__name__)


@functools.lru_cache(maxsize=1)
def _head_revisions() -> tuple[str, ...]:
    # The migration scripts do not change while the process runs: read once.
    from alembic.script import ScriptDirectory

    from ..db.migrate import MIGRATIONS_DIR

    return tuple(sorted(ScriptDirectory(str(MIGRATIONS_DIR)).get_heads()))


def check_schema(db) -> dict:
    """Is the database at the migration head this code expects?

    A new release's web process must not take traffic before ``assessor db
    upgrade`` ran (compose orders it; other orchestrators may not).
    """
    from ..db.migrate import current_revision

    try:
        current = current_revision(db)
        heads = _head_revisions()
    except Exception as exc:  # noqa: BLE001 - reported, not raised: this is a probe
        log.warning("readiness: schema: %s", exc)
        return {"ok": False, "error": type(exc).__name__}
    ok = current in heads
    report = {"ok": ok, "revision": current, "expected": list(heads)}
    if not ok:
        report["error"] = "migrations_pending"
    return report
