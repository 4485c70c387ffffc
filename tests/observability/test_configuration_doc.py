"""docs/configuration.md names every variable that Config reads, with its default."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCE = (ROOT / "assessor" / "config.py").read_text(encoding="utf-8")
DOC = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
READS = re.findall(r'env\.get\("([A-Z0-9_]+)"(?:,\s*"([^"]*)")?', SOURCE)


def test_config_reads_something():
    assert len(READS) >= 20


@pytest.mark.parametrize("name, default", READS, ids=[name for name, _ in READS])
def test_variable_documented_with_default(name, default):
    rows = [line for line in DOC.splitlines() if line.startswith(f"| `{name}` |")]
    assert rows, f"{name} is read by Config but missing from docs/configuration.md"
    if default:
        assert f"`{default}`" in rows[0], f"{name}: default {default!r} not in {rows[0]!r}"
