"""The scoring core must stay usable without the web stack."""
import ast
import pathlib
import subprocess
import sys

import assessor.scoring

CORE = pathlib.Path(assessor.scoring.__file__).parent
FORBIDDEN = ("flask", "werkzeug", "sqlalchemy", "rq", "redis")


def test_no_module_of_the_core_imports_the_web_stack():
    offenders = []
    for path in CORE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in FORBIDDEN]
    assert offenders == []


LAYERS_ABOVE = ("assessor.db", "assessor.services", "assessor.web", "assessor.jobs", "assessor.cli")
#: Training needs these; scoring runs the neural detector in ONNX Runtime.
TRAINING_ONLY = ("torch", "transformers", "onnx", "sklearn", "scipy")


def _imports(path: pathlib.Path):
    """Every module a file imports, relative imports resolved to absolute names."""
    package = ("assessor." + ".".join(path.relative_to(CORE.parent).with_suffix("").parts[:-1])).rstrip(".")
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                yield node.module or ""
                continue
            base = package.split(".")[: len(package.split(".")) - node.level + 1]
            stem = ".".join(base + ([node.module] if node.module else []))
            yield stem
            yield from (f"{stem}.{a.name}" for a in node.names)


def test_no_module_of_the_core_imports_a_layer_above_it_even_relatively():
    offenders = [f"{p.relative_to(CORE)}: {name}" for p in CORE.rglob("*.py") for name in _imports(p)
                 if name.startswith(LAYERS_ABOVE)]
    assert offenders == []


def test_the_resolver_sees_a_relative_import_of_the_database(monkeypatch):
    fake = CORE / "engines" / "_purity_probe.py"
    monkeypatch.setattr(pathlib.Path, "read_text", lambda self, encoding=None: "from ...db import base\n")
    assert "assessor.db" in set(_imports(fake))


def test_scoring_never_imports_the_training_stack():
    offenders = [f"{p.relative_to(CORE)}: {name}" for p in CORE.rglob("*.py") for name in _imports(p)
                 if name.split(".")[0] in TRAINING_ONLY]
    assert offenders == []


def test_scoring_runs_without_flask_loaded():
    code = ("import sys; from assessor.scoring import score; "
            "r = score('I have worked in a call centre for two years and I enjoy helping customers "
            "with their problems every day because it is rewarding.'); "
            "assert 'flask' not in sys.modules, 'flask was imported'; print(r.status)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() in ("scored", "insufficient_text")
