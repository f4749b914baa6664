"""The README's first command works: ``python course.py lab`` serves the course, behind a token.

Starts ``python3 course.py lab --port <free port>`` (what the README says on every system; ``make lab``
is an alias for it) with private Jupyter config/runtime/settings dirs,
finds the token the server generated (``jupyter server list --json`` over the same
runtime dir), lists the learner's copy of the notebooks (my-notebooks/, the lab's root) through the
contents API with it, and checks that the same requests without it are refused. The server (course.py and jupyter: one process group)
is stopped at the end whatever happens. The token is never printed.

course.py re-installs only when a lock file changed since the last set-up (its fingerprint in .venv);
on a fresh clone ``course.py test`` has just set it up.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time

import labserver
import pytest
from labserver import REPO

pytestmark = pytest.mark.e2e


def server_token(env: dict[str, str], port: int, proc: subprocess.Popen, timeout: float = 150.0) -> str:
    """The token of the server on ``port``, from ``jupyter server list --json`` (same runtime dir)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"course.py lab exited with {proc.returncode}:\n{labserver.log_tail(proc)}")
        listed = subprocess.run(
            [sys.executable, "-m", "jupyter", "server", "list", "--json"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        for line in listed.stdout.splitlines():
            try:
                info = json.loads(line)
            except json.JSONDecodeError:
                continue
            if info.get("port") == port and info.get("token"):
                return info["token"]
        time.sleep(1.0)
    pytest.fail(
        f"course.py lab: no server on port {port} in `jupyter server list` after {timeout:.0f} s:\n"
        f"{labserver.log_tail(proc)}"
    )


def test_make_lab_serves_the_notebooks_behind_a_token(tmp_path, e2e_report):
    python = shutil.which("python3") or shutil.which("python") or sys.executable
    port = labserver.free_port()
    env = labserver.lab_environment(tmp_path / "jupyter")  # no JUPYTER_TOKEN: the server makes one up
    cmd = [python, "course.py", "lab", "--port", str(port)]  # the README's command (make lab is its alias)
    base_url = f"http://127.0.0.1:{port}"
    proc = labserver.start(cmd, env, REPO, tmp_path / "make-lab.log")
    token = None
    try:
        token = server_token(env, port, proc)
        labserver.wait_ready(proc, base_url, token, timeout=60)

        status, _, body = labserver.http_get(f"{base_url}/api/contents?token={token}")
        assert status == 200, f"GET /api/contents (my-notebooks/) with the token: HTTP {status}"
        listed = {item["name"] for item in json.loads(body)["content"]}
        on_disk = {p.name for p in (REPO / "notebooks").glob("*.ipynb")}
        assert on_disk and on_disk <= listed, f"notebooks missing from the listing: {sorted(on_disk - listed)}"

        status, _, _ = labserver.http_get(f"{base_url}/api/contents")
        assert status == 403, f"GET /api/contents without a token must be refused, got HTTP {status}"
        status, headers, _ = labserver.http_get(f"{base_url}/lab", follow=False)
        location = headers.get("Location", "")
        assert status in (302, 303) and "/login" in location, (
            f"GET /lab without a token must redirect to the login page, got HTTP {status} {location!r}"
        )
        status, _, page = labserver.http_get(f"{base_url}/lab?token={token}")
        assert status == 200 and b"JupyterLab" in page, f"GET /lab with the token: HTTP {status}"
    finally:
        labserver.stop_server(proc, base_url, token)
