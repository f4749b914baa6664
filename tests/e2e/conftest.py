"""Fixtures for the browser tests: a private JupyterLab server and headless Chromium.

Run them alone with ``make e2e`` or ``python -m pytest tests/e2e -m e2e``; ``make test``
runs them with everything else. They need Debian's Chromium (``apt-get install -y
chromium``) and Playwright for Python (in .venv); without Chromium they are skipped,
except under CI (``CI=true``), where that is a failure.

Environment knobs (all optional):
    E2E_CHROMIUM            path of the browser (default: ``chromium`` on PATH, /usr/bin/chromium)
    E2E_RUN_TIMEOUT_S       seconds a notebook may take to run all its cells (default 480)
    E2E_WIDGET_LIMIT_S      seconds a plot may take to follow a control (default 1)
    E2E_WIDGET_TIMEOUT_S    seconds we wait for it, to measure a slow one (default 10)
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

import labserver
import pytest

REPO = labserver.REPO
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
HOW_TO_ENABLE = (
    "install Debian's Chromium to run them: `apt-get install -y chromium` "
    "(Playwright for Python comes with the test extras in .venv)"
)

# what the tests measured, printed at the end of the session (and kept in screenshots/)
_REPORT: dict[str, list] = {"latencies": [], "notebooks": [], "notes": [], "screenshots": []}


def _under_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def _unavailable(reason: str) -> None:
    """Skip (or, under CI, fail) a browser test whose tools are missing."""
    if _under_ci():
        pytest.fail(f"browser tests cannot run under CI: {reason}; {HOW_TO_ENABLE}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason}; {HOW_TO_ENABLE}")


def find_chromium() -> str | None:
    explicit = os.environ.get("E2E_CHROMIUM")
    if explicit:
        return explicit if os.access(explicit, os.X_OK) else None
    for candidate in (shutil.which("chromium"), "/usr/bin/chromium"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = find_chromium()
    if path is None:
        where = (
            f"E2E_CHROMIUM={os.environ['E2E_CHROMIUM']} is not an executable"
            if os.environ.get("E2E_CHROMIUM")
            else "no Chromium found (looked for `chromium` on PATH and /usr/bin/chromium)"
        )
        _unavailable(where)
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    """A headless Chromium driven by Playwright, with a fresh profile; closed at the end."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright for Python is not installed (pip install -e '.[test]')")
    profile = tempfile.mkdtemp(prefix="e2e-chromium-")
    manager = sync_playwright().start()
    context = None
    try:
        context = manager.chromium.launch_persistent_context(
            profile,
            executable_path=chromium_path,
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1500, "height": 1000},
        )
        yield context
    finally:
        try:
            if context is not None:
                context.close()
        finally:
            manager.stop()
            shutil.rmtree(profile, ignore_errors=True)


class Lab:
    """A running JupyterLab: where it is, how to authenticate, what it serves."""

    def __init__(self, base_url: str, token: str, root: Path, proc, workspaces: Path) -> None:
        self.base_url, self.token, self.root, self.proc = base_url, token, root, proc
        self.workspaces = workspaces

    def forget_workspaces(self) -> None:
        """Drop the saved layouts, so the next page opens only its own notebook (no restored tabs)."""
        for path in self.workspaces.glob("*"):
            if path.is_file():
                path.unlink()

    def url(self, path: str) -> str:
        """``base_url/path`` with the token (``path`` without a leading slash)."""
        sep = "&" if "?" in path else "?"
        return f"{self.base_url}/{path}{sep}token={self.token}"

    def shutdown_kernels(self) -> None:
        """End every session (and its kernel): the next notebook gets the CPU to itself."""
        import urllib.request

        status, _, body = labserver.http_get(self.url("api/sessions"))
        if status != 200:
            return
        for session in json.loads(body):
            request = urllib.request.Request(self.url(f"api/sessions/{session['id']}"), method="DELETE")
            try:
                urllib.request.urlopen(request, timeout=30).close()
            except OSError:
                pass


@pytest.fixture(scope="session")
def lab():
    """JupyterLab from .venv on 127.0.0.1, serving a temporary copy of notebooks/.

    The browser only ever sees the copy, so nothing it does (running, autosave, a
    checkpoint) can touch the course files. Stopped at the end whatever happens.
    """
    home = Path(tempfile.mkdtemp(prefix="e2e-lab-"))
    root = home / "course"
    shutil.copytree(
        REPO / "notebooks", root / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__")
    )
    token, port = labserver.new_token(), labserver.free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = labserver.lab_environment(home / "jupyter", token)
    cmd = [
        sys.executable,
        "-m",
        "jupyter",
        "lab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        f"--ServerApp.root_dir={root}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    proc = labserver.start(cmd, env, root, home / "lab.log")
    try:
        labserver.wait_ready(proc, base_url, token, timeout=180)
        yield Lab(base_url, token, root, proc, Path(env["JUPYTERLAB_WORKSPACES_DIR"]))
    finally:
        labserver.stop_server(proc, base_url, token)
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    """tests/e2e/screenshots/ (git-ignored), emptied of the last run's pictures.

    Under pytest-xdist several workers share it: the first of this run (``.run`` holds the run's
    id) empties it, the others keep what it has taken since.
    """
    SCREENSHOTS.mkdir(exist_ok=True)
    run_id, marker = os.environ.get("PYTEST_XDIST_TESTRUNUID", ""), SCREENSHOTS / ".run"
    if not run_id or not marker.exists() or marker.read_text() != run_id:
        marker.write_text(run_id)
        for old in [*SCREENSHOTS.glob("*.png"), *SCREENSHOTS.glob("report*.json")]:
            old.unlink(missing_ok=True)
    _REPORT["screenshots"].append(str(SCREENSHOTS))
    return SCREENSHOTS


@pytest.fixture(scope="session")
def e2e_report() -> dict[str, list]:
    """Where tests leave measurements for the end-of-session summary."""
    return _REPORT


def summary_lines() -> list[str]:
    """What the browser tests measured, for the end of the session (and report.json in screenshots/)."""
    lines = []
    for row in _REPORT["notebooks"]:
        lines.append(
            f"{row['notebook']:<34} open {row['open_s']:5.1f} s   run all {row['run_s']:6.1f} s   "
            f"explorers {row['explorers']}   total {row['total_s']:6.1f} s"
        )
    lat = _REPORT["latencies"]
    if lat:
        lines.append(f"widget interactions: {len(lat)} (time from the key/selection to the new plot in the page)")
        for row in lat:
            lines.append(
                f"  {row['notebook']:<30} cell {row['cell']:>2} {row['explorer']:<20} "
                f"{row['action']:<42} {row['latency_s']:6.2f} s"
            )
        values = sorted(r["latency_s"] for r in lat)
        median = statistics.median(values)
        limit = float(os.environ.get("E2E_WIDGET_LIMIT_S", "1.0"))
        under = sum(v <= limit for v in values)
        lines.append(f"  median {median:.2f} s, max {values[-1]:.2f} s, {under}/{len(values)} within {limit:g} s")
    lines += [f"note: {note}" for note in _REPORT["notes"]]
    if _REPORT["screenshots"] and SCREENSHOTS.is_dir():
        worker = os.environ.get("PYTEST_XDIST_WORKER")
        name = f"report-{worker}.json" if worker else "report.json"
        report = {k: v for k, v in _REPORT.items() if k != "screenshots"}
        (SCREENSHOTS / name).write_text(json.dumps(report, indent=1))
        lines.append(f"screenshots (one per notebook, one per explorer) and {name}: {SCREENSHOTS}")
    return lines


SECTION = "browser tests (tests/e2e)"


def pytest_sessionfinish(session, exitstatus):
    """A pytest-xdist worker has no terminal: its summary goes to the controller (tests/conftest.py prints it)."""
    if hasattr(session.config, "workeroutput") and any(_REPORT.values()):
        session.config.workeroutput.setdefault("summaries", {})[SECTION] = summary_lines()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not any(_REPORT.values()):
        return
    terminalreporter.section(SECTION)
    for line in summary_lines():
        terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def site_server(built_site):
    """The built website served over HTTP on 127.0.0.1 (a free port); stopped at the end whatever happens.

    Returns the base URL (no trailing slash). HTTP rather than file://, so the site's search
    works as it does for readers.
    """
    import functools
    import http.server
    import threading

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format, *args):  # noqa: A002 - the base class's name
            pass

    out = built_site[0]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(out)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
