"""Behind a reverse proxy, through gunicorn as deployed: with
ASSESSOR_TRUSTED_PROXIES=1 the sign-in limit per address counts the client
named in X-Forwarded-For, not the proxy every request comes from."""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time

import pytest
import requests


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def gunicorn(tmp_path):
    pytest.importorskip("gunicorn")
    from assessor.db.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'gunicorn.db'}"
    upgrade(url)
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "test", "ASSESSOR_TRUSTED_PROXIES": "1",
           "ASSESSOR_EMBEDDED_WORKER": "0", "REDIS_URL": ""}
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-b", f"127.0.0.1:{port}", "-w", "1",
                             "--threads", "2", "assessor.web:create_app()"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if requests.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except (requests.ConnectionError, requests.Timeout):
                # Refused until gunicorn listens; a timeout while its worker
                # still imports the app (slow on a busy machine).
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not start")
        yield base
    finally:
        proc.terminate()
        proc.wait(30)


def _sign_in(base: str, client_address: str, n: int) -> int:
    headers = {"X-Forwarded-For": client_address}
    page = requests.get(f"{base}/login", headers=headers, timeout=10)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    # The session cookie is Secure (as deployed) and this is plain HTTP:
    # send it back by hand, as the browser would over the proxy's HTTPS.
    headers["Cookie"] = f"session={page.cookies['session']}"
    return requests.post(f"{base}/login", headers=headers, timeout=10, allow_redirects=False,
                         data={"email": f"guess{n}@example.com", "password": "x" * 12,
                               "csrf_token": token}).status_code


def test_the_address_limit_counts_clients_behind_the_proxy(gunicorn):
    assert [_sign_in(gunicorn, "198.51.100.66", n) for n in range(20)] == [401] * 20
    assert _sign_in(gunicorn, "198.51.100.66", 99) == 429
    assert _sign_in(gunicorn, "203.0.113.10", 100) == 401   # someone else: not locked
