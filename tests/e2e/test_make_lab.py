"""The README's first command works: ``make lab`` serves the course, behind a token.

Starts ``make lab PORT=<free port>`` with private Jupyter config/runtime/settings dirs,
finds the token the server generated (``jupyter server list --json`` over the same
runtime dir), lists notebooks/ through the contents API with it, and checks that the
same requests without it are refused. The server (make and jupyter: one process group)
is stopped at the end whatever happens. The token is never printed.

If .venv exists but its install stamp (.venv/.installed) is missing or older than
requirements.lock / pyproject.toml, ``make lab`` would first re-run ``pip install``
(network, minutes); the test then passes ``-o .venv/.installed`` so make uses the
environment as it is, and says so in the session summary.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time

import pytest

import labserver
from labserver import REPO

pytestmark = pytest.mark.e2e

STAMP = ".venv/.installed"


def server_token(env: dict[str, str], port: int, proc: subprocess.Popen, timeout: float = 150.0) -> str:
    """The token of the server on ``port``, from ``jupyter server list --json`` (same runtime dir)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"make lab exited with {proc.returncode}:\n{labserver.log_tail(proc)}")
        listed = subprocess.run([sys.executable, "-m", "jupyter", "server", "list", "--json"], env=env,
                                capture_output=True, text=True, timeout=60)
        for line in listed.stdout.splitlines():
            try:
                info = json.loads(line)
            except json.JSONDecodeError:
                continue
            if info.get("port") == port and info.get("token"):
                return info["token"]
        time.sleep(1.0)
    pytest.fail(f"make lab: no server on port {port} in `jupyter server list` after {timeout:.0f} s:\n"
                f"{labserver.log_tail(proc)}")


def test_make_lab_serves_the_notebooks_behind_a_token(tmp_path, e2e_report):
    if shutil.which("make") is None:
        pytest.skip("`make` is not installed")
    port = labserver.free_port()
    env = labserver.lab_environment(tmp_path / "jupyter")  # no JUPYTER_TOKEN: the server makes one up
    cmd = ["make", "--no-print-directory", "lab", f"PORT={port}"]
    stamp_ok = subprocess.run(["make", "-q", STAMP], cwd=REPO, env=env, capture_output=True).returncode == 0
    if not stamp_ok and (REPO / ".venv" / "bin" / "jupyter").exists():
        cmd[1:1] = ["-o", STAMP]
        e2e_report["notes"].append(f"make lab was run with `-o {STAMP}`: the stamp is missing or older than "
                                  "requirements.lock/pyproject.toml, and plain `make lab` would first re-run pip install")
    base_url = f"http://127.0.0.1:{port}"
    proc = labserver.start(cmd, env, REPO, tmp_path / "make-lab.log")
    token = None
    try:
        token = server_token(env, port, proc)
        labserver.wait_ready(proc, base_url, token, timeout=60)

        status, _, body = labserver.http_get(f"{base_url}/api/contents/notebooks?token={token}")
        assert status == 200, f"GET /api/contents/notebooks with the token: HTTP {status}"
        listed = {item["name"] for item in json.loads(body)["content"]}
        on_disk = {p.name for p in (REPO / "notebooks").glob("*.ipynb")}
        assert on_disk and on_disk <= listed, f"notebooks missing from the listing: {sorted(on_disk - listed)}"

        status, _, _ = labserver.http_get(f"{base_url}/api/contents/notebooks")
        assert status == 403, f"GET /api/contents/notebooks without a token must be refused, got HTTP {status}"
        status, headers, _ = labserver.http_get(f"{base_url}/lab", follow=False)
        location = headers.get("Location", "")
        assert status in (302, 303) and "/login" in location, (
            f"GET /lab without a token must redirect to the login page, got HTTP {status} {location!r}")
        status, _, page = labserver.http_get(f"{base_url}/lab?token={token}")
        assert status == 200 and b"JupyterLab" in page, f"GET /lab with the token: HTTP {status}"
    finally:
        labserver.stop_server(proc, base_url, token)
