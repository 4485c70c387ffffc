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


def test_scoring_runs_without_flask_loaded():
    code = ("import sys; from assessor.scoring import score; "
            "r = score('I have worked in a call centre for two years and I enjoy helping customers "
            "with their problems every day because it is rewarding.'); "
            "assert 'flask' not in sys.modules, 'flask was imported'; print(r.status)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() in ("scored", "insufficient_text")
