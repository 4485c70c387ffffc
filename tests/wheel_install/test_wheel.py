"""The wheel, not the checkout: built with ``python -m build``, installed into
a fresh virtual environment, it migrates, loads the demo, scores a text and
serves pages. Only the package's dependencies come from this environment (a
.pth line to its site-packages); nothing is downloaded and the server
listens on 127.0.0.1 only."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def _run(cmd, **kw):
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=600, **kw)
    assert result.returncode == 0, f"{cmd}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # --no-isolation: the build backend (setuptools) is taken from this
    # environment instead of being downloaded into a throw-away one.
    _run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
         cwd=ROOT)
    (found,) = out.glob("assessor-*.whl")
    return found


def test_the_wheel_carries_templates_static_files_migrations_and_the_model(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("assessor/web/dashboard/templates/dashboard/layout.html",
                   "assessor/web/applicant/templates/applicant/welcome.html",
                   "assessor/web/templates/base.html", "assessor/web/static/site.css",
                   "assessor/web/dashboard/static/dashboard.css",
                   "assessor/migrations/env.py", "assessor/migrations/script.py.mako",
                   "assessor/migrations/versions/0001_initial_schema.py",
                   "assessor/packaged/level-model.json"):
        assert needed in names, needed
    with zipfile.ZipFile(wheel) as z:
        packaged = z.read("assessor/packaged/level-model.json")
    assert packaged == (ROOT / "models" / "level-model.json").read_bytes()


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> dict:
    home = tmp_path_factory.mktemp("clean")
    env_dir = home / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    purelib = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    # The dependencies, already installed here; this environment's own
    # (editable) assessor is not seen: .pth files of an added path are not run.
    Path(purelib, "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _run([python, "-m", "pip", "install", "--no-deps", "--no-index", str(wheel)])
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("ASSESSOR_", "DATABASE_URL", "REDIS_URL", "PYTHONPATH"))}
    env.update(DATABASE_URL=f"sqlite:///{home / 'assessor.db'}", SECRET_KEY="wheel-test",
               ASSESSOR_ENGINE="builtin")
    return {"bin": env_dir / "bin", "python": python, "env": env, "cwd": home}


def _assessor(installed, *args, **kw):
    return _run([installed["bin"] / "assessor", *args], env=installed["env"],
                cwd=installed["cwd"], **kw)


def test_the_installed_package_is_the_wheel(installed):
    where = _run([installed["python"], "-c", "import assessor; print(assessor.__file__)"],
                 env=installed["env"], cwd=installed["cwd"]).stdout
    assert where.startswith(str(installed["bin"].parent)), where


def test_db_upgrade_demo_and_score_from_the_wheel(installed):
    _assessor(installed, "db", "upgrade")
    demo = _assessor(installed, "demo").stdout
    assert "Demo loaded" in demo and "/take/" in demo
    text = ("Thank you for your email about the delayed parcel. I have checked the tracking "
            "number and the courier says it will arrive tomorrow morning. I am sorry for the "
            "trouble and I will call you if anything changes.")
    scored = json.loads(_assessor(installed, "score", "-", input=text).stdout)
    assert scored["status"] == "scored" and scored["cefr"] in ("A1", "A2", "B1", "B2", "C1", "C2")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_from_the_wheel_renders_pages(installed):
    _assessor(installed, "db", "upgrade")
    port = _free_port()
    server = subprocess.Popen([installed["bin"] / "assessor", "serve", "--host", "127.0.0.1",
                               "--port", str(port)], env=installed["env"], cwd=installed["cwd"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=5) as r:
                    assert r.status == 200
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()[-3000:]
                assert time.monotonic() < deadline, "assessor serve did not come up"
                time.sleep(0.5)
        with urllib.request.urlopen(f"{base}/login", timeout=10) as r:
            page = r.read().decode()
        assert r.status == 200 and "<form" in page and "password" in page
        with urllib.request.urlopen(f"{base}/static/site.css", timeout=10) as r:
            assert r.status == 200 and len(r.read()) > 100
    finally:
        server.terminate()
        server.wait(timeout=30)
