"""The packages of assessor form a strict stack (docs/architecture.md):

    web, cli  ->  jobs  ->  services  ->  db, scoring

Web and CLI may use jobs only to wire the queue and to enqueue after a
commit; services never import jobs, web or cli (they return what must be
delivered instead); db and scoring import nothing above them. Shared
leaves (config, errors, observability, batch) may be imported by anyone.
"""
import ast
import pathlib

import assessor

ROOT = pathlib.Path(assessor.__file__).parent
UPPER = ("web", "cli", "jobs", "services", "db", "scoring", "training")
#: What each layer may import from the layers in UPPER.
ALLOWED = {
    "web": {"web", "jobs", "services", "db", "scoring"},
    "cli": {"cli", "web", "jobs", "services", "db", "scoring", "training"},
    "jobs": {"jobs", "services", "db", "scoring"},
    "services": {"services", "db", "scoring"},
    "db": {"db"},
    "scoring": {"scoring"},
    "training": {"training", "scoring"},
}


def _layer(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "assessor" or len(parts) < 2:
        return None
    return parts[1] if parts[1] in UPPER else None


def _imports(path: pathlib.Path, root: pathlib.Path):
    """Every assessor module a file imports, relative imports resolved."""
    package = ["assessor", *path.relative_to(root).with_suffix("").parts[:-1]]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                base = node.module or ""
            else:
                base = ".".join(package[:len(package) - node.level + 1] + [node.module or ""])
            yield base.rstrip(".")
            # ``from .. import services`` names the layer in the alias.
            yield from (f"{base.rstrip('.')}.{a.name}" for a in node.names)


def _violations(root: pathlib.Path = ROOT):
    out = []
    for path in root.rglob("*.py"):
        own = _layer("assessor." + ".".join(path.relative_to(root).with_suffix("").parts))
        if own is None:
            continue
        for module in _imports(path, root):
            layer = _layer(module)
            if layer is not None and layer not in ALLOWED[own]:
                out.append(f"{path.relative_to(root)} ({own}) imports {module} ({layer})")
    return sorted(set(out))


def test_packages_form_a_strict_stack():
    assert _violations() == []


def test_the_check_sees_imports_across_layers(tmp_path):
    # Guard against a check that passes because it reads nothing.
    (tmp_path / "services").mkdir()
    (tmp_path / "services" / "probe.py").write_text(
        "from ..jobs import queues\nimport assessor.web.extensions\nfrom .. import cli\n",
        encoding="utf-8")
    (tmp_path / "db").mkdir()
    (tmp_path / "db" / "probe.py").write_text("from ..services import audit\n", encoding="utf-8")
    found = _violations(tmp_path)
    assert "services/probe.py (services) imports assessor.jobs (jobs)" in found
    assert "services/probe.py (services) imports assessor.web.extensions (web)" in found
    assert "services/probe.py (services) imports assessor.cli (cli)" in found
    assert "db/probe.py (db) imports assessor.services (services)" in found
