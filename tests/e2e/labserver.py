"""Start and stop a throw-away JupyterLab server for the browser tests.

Everything the server writes (settings, workspaces, runtime files, config) goes to a
temporary directory; the token is random and passed through the environment, never on
the command line or into a file of the repository. The server runs in its own process
group, and :func:`stop_server` ends it (and the kernels it started) whatever state it
is in: first the polite ``POST /api/shutdown``, then SIGTERM, then SIGKILL.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

try:  # ipykernel depends on psutil, so it is there; without it we only kill the group
    import psutil
except ImportError:  # pragma: no cover
    psutil = None

REPO = Path(__file__).resolve().parents[2]
MIME_INLINE = "module://matplotlib_inline.backend_inline"

# JupyterLab user settings for a quiet, deterministic test session.
USER_SETTINGS = {
    # no "news" toast and no update check (both would try the network)
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false", "checkForUpdates": False},
    # every cell in the DOM (no virtual scrolling), so the whole notebook can be checked
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    # never write a notebook back (the server serves a copy anyway)
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
}

SERVER_CONFIG = {
    "LabApp": {
        "news_url": None,  # no announcements feed
        "check_for_updates_class": "jupyterlab.NeverCheckForUpdate",
        "expose_app_in_browser": True,  # window.jupyterapp, to read kernel state and outputs
    },
    "ServerApp": {"port_retries": 0},
}

# no "build is recommended" check (page config is read from <config dir>/labconfig)
PAGE_CONFIG = {"buildCheck": False, "buildAvailable": False}


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def new_token() -> str:
    return secrets.token_hex(24)


def lab_environment(home: Path, token: str | None = None) -> dict[str, str]:
    """os.environ plus private Jupyter config/runtime/settings/workspaces dirs under ``home``.

    Writes the config and settings files that keep the session offline and quiet.
    MPLBACKEND is set to the inline backend a user gets in JupyterLab (``make test`` sets
    Agg, which the kernel would inherit, and every plot would vanish).
    """
    dirs = {
        "JUPYTER_CONFIG_DIR": home / "config",
        "JUPYTER_RUNTIME_DIR": home / "runtime",
        "JUPYTERLAB_SETTINGS_DIR": home / "settings",
        "JUPYTERLAB_WORKSPACES_DIR": home / "workspaces",
        "JUPYTER_DATA_DIR": home / "data",
        "IPYTHONDIR": home / "ipython",
    }
    for path in dirs.values():
        path.mkdir(parents=True, exist_ok=True)
    (dirs["JUPYTER_CONFIG_DIR"] / "jupyter_server_config.json").write_text(json.dumps(SERVER_CONFIG))
    (dirs["JUPYTER_CONFIG_DIR"] / "labconfig").mkdir(exist_ok=True)
    (dirs["JUPYTER_CONFIG_DIR"] / "labconfig" / "page_config.json").write_text(json.dumps(PAGE_CONFIG))
    for rel, value in USER_SETTINGS.items():
        path = dirs["JUPYTERLAB_SETTINGS_DIR"] / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value))
    env = dict(os.environ)
    env.pop("JUPYTER_TOKEN", None)
    env.update({k: str(v) for k, v in dirs.items()})
    env["MPLBACKEND"] = MIME_INLINE
    env["PYTHONUNBUFFERED"] = "1"
    if token is not None:
        env["JUPYTER_TOKEN"] = token
    return env


def start(cmd: list[str], env: dict[str, str], cwd: Path, log_path: Path) -> subprocess.Popen:
    """Start ``cmd`` in a new process group (session), output to ``log_path``."""
    log = open(log_path, "wb")  # closed by stop_server
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
    )
    proc._e2e_log = log  # type: ignore[attr-defined]
    return proc


def http_get(url: str, timeout: float = 10.0, follow: bool = True) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of a GET; HTTP errors are returned, not raised."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):  # noqa: ANN002
            return None

    opener = urllib.request.build_opener(*([] if follow else [NoRedirect()]))
    try:
        with opener.open(url, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def log_tail(proc: subprocess.Popen, n: int = 40, token: str | None = None) -> str:
    """The last lines of the server log, with tokens masked (failure messages end up in CI logs)."""
    try:
        text = Path(proc._e2e_log.name).read_text(errors="replace")  # type: ignore[attr-defined]
    except (OSError, AttributeError):
        return ""
    if token:
        text = text.replace(token, "<token>")
    text = re.sub(r"token=[0-9A-Za-z_-]+", "token=<token>", text)
    return "\n".join(text.splitlines()[-n:])


def wait_ready(proc: subprocess.Popen, base_url: str, token: str, timeout: float = 120.0) -> None:
    """Wait until ``/api/status`` answers 200 with the token; raise with the log if not."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"jupyter lab exited with {proc.returncode}:\n{log_tail(proc, token=token)}")
        try:
            status, _, _ = http_get(f"{base_url}/api/status?token={token}", timeout=5)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"jupyter lab did not answer within {timeout:.0f} s:\n{log_tail(proc, token=token)}")


def _descendants(pid: int) -> list:
    if psutil is None:
        return []
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return []


def stop_server(proc: subprocess.Popen, base_url: str | None = None, token: str | None = None) -> None:
    """Stop the server and everything it started (kernels run in their own sessions).

    Never raises: this runs in ``finally`` blocks.
    """
    children = _descendants(proc.pid)  # kernels included; collected before their parent goes
    try:
        if proc.poll() is None and base_url and token:
            try:
                request = urllib.request.Request(f"{base_url}/api/shutdown?token={token}", method="POST")
                urllib.request.urlopen(request, timeout=5).close()
                proc.wait(timeout=15)
            except (OSError, subprocess.TimeoutExpired):
                pass
        for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
            try:
                os.killpg(proc.pid, sig)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                proc.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                continue
            break
        for child in children:  # only our own descendants, by pid
            try:
                if child.is_running():
                    child.kill()
            except Exception:  # noqa: BLE001 - already gone
                pass
    finally:
        log = getattr(proc, "_e2e_log", None)
        if log is not None:
            log.close()
