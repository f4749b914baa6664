"""JupyterLab as ``course.py lab`` configures it opens clean, on the first day and the second.

The server is started with course.py's own command (:func:`course.lab_command`), its server config
(:func:`course.write_server_config`) and its lab settings (:func:`course.write_lab_settings`, passed
as the app settings folder a venv would hold), and nothing else: no test-only user settings, so a
news toast or a restored tab would show here as it would to a learner.

Day one: notebook 00 opens with no "Jupyter news" toast; the learner opens three more notebooks
(four kernels); the tab in front, 01, shows its assert-only cell collapsed (a "…" bar, the
source one click away: scripts/plumbing_to_tags.py). The server is stopped and started again as ``course.py lab`` does (a fresh
workspaces folder): the lab opens on notebook 00 alone, with one kernel, not four.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from pathlib import Path

import labserver
import pytest
from labserver import REPO

pytestmark = pytest.mark.e2e

NEWS = ("Jupyter news", "official Jupyter news")


def _environment(home: Path, token: str) -> dict[str, str]:
    """Private Jupyter folders (empty user settings: the learner's first day), course.py's config."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "JPY"))}
    for name, sub in (
        ("JUPYTER_CONFIG_DIR", "config"),
        ("JUPYTER_RUNTIME_DIR", "runtime"),
        ("JUPYTERLAB_SETTINGS_DIR", "settings"),
        ("JUPYTER_DATA_DIR", "data"),
        ("IPYTHONDIR", "ipython"),
    ):
        (home / sub).mkdir(parents=True, exist_ok=True)
        env[name] = str(home / sub)
    env.update(JUPYTER_TOKEN=token, MPLBACKEND=labserver.MIME_INLINE, PYTHONUNBUFFERED="1")
    return env


def _kernels(base_url: str, token: str, tries: int = 30) -> int:
    """How many kernels run (a listing made while a kernel starts can fail with HTTP 500: asked again)."""
    for _ in range(tries):
        status, _, body = labserver.http_get(f"{base_url}/api/kernels?token={token}")
        if status == 200:
            return len(json.loads(body))
        time.sleep(1.0)
    raise AssertionError(f"GET /api/kernels: HTTP {status}")


def _wait_kernels(base_url: str, token: str, n: int, timeout: float = 90.0) -> int:
    deadline, seen = time.monotonic() + timeout, -1
    while time.monotonic() < deadline:
        seen = _kernels(base_url, token)
        if seen >= n:
            return seen
        time.sleep(1.0)
    return seen


def _start(course, home: Path, venv: Path, root: Path, log: str):
    token, port = labserver.new_token(), labserver.free_port()
    cmd = course.lab_command(Path(sys.executable), port, root, course.fresh_workspaces(venv))
    cmd += [f"--LabApp.app_settings_dir={venv / 'share/jupyter/lab/settings'}", "--ServerApp.port_retries=0"]
    cmd.append("--LabApp.expose_app_in_browser=True")  # window.jupyterapp: open tabs as a learner's clicks do
    proc = labserver.start(cmd, _environment(home, token), root, home / log)
    base_url = f"http://127.0.0.1:{port}"
    labserver.wait_ready(proc, base_url, token, timeout=180)
    return proc, base_url, token


def _open(browser, url: str):
    page = browser.new_page()
    page.goto(url, wait_until="load")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
    return page


def _toasts(page) -> list[str]:
    return page.eval_on_selector_all(".Toastify__toast, .jp-Notification-Toast", "els => els.map(e => e.innerText)")


def test_the_lab_opens_without_news_and_restores_no_kernels(browser, course, tmp_path, screenshot_dir, e2e_report):
    home, venv, root = tmp_path / "jupyter", tmp_path / "venv", tmp_path / "my-notebooks"
    course.write_server_config(home / "config")
    course.write_lab_settings(venv / "share/jupyter/lab/settings")
    course.working_copy(REPO / "notebooks", root)
    names = sorted(p.name for p in root.glob("*.ipynb"))[:4]
    assert names[0] == course.FIRST_NOTEBOOK

    proc, base_url, token = _start(course, home, venv, root, "day1.log")
    page = None
    try:
        page = _open(browser, f"{base_url}/?token={token}")  # the address course.py lab prints
        assert course.FIRST_NOTEBOOK in page.url
        page.wait_for_timeout(6000)  # JupyterLab asks about news a few seconds after it starts
        page.screenshot(path=str(screenshot_dir / "lab-day1-opened.png"))
        toasts, text = _toasts(page), page.inner_text("body")
        assert not [t for t in toasts if any(n in t for n in NEWS)], f"news toast shown: {toasts}"
        assert not any(n in text for n in NEWS), "the page mentions Jupyter news"
        for name in reversed(names[1:]):  # 01 last: the tab in front
            page.evaluate(
                "async name => { await window.jupyterapp.commands.execute('docmanager:open', {path: name}); }", name
            )
        page.wait_for_timeout(3000)
        # the notebook's cell widgets, rendered or not (JupyterLab draws only the cells in view): input hidden
        hidden = page.evaluate(
            """() => window.jupyterapp.shell.currentWidget.content.widgets.filter(w => w.inputHidden).length"""
        )
        stored = sum(
            c["metadata"].get("jupyter", {}).get("source_hidden", False)
            for c in json.loads((root / names[1]).read_text())["cells"]
        )
        assert stored >= 1 and hidden == stored, f"{names[1]}: {stored} assert-only cells, {hidden} collapsed"
        day1 = _wait_kernels(base_url, token, len(names))
        assert day1 == len(names), f"{len(names)} notebooks open, {day1} kernels"
        page.wait_for_timeout(3000)  # the workspace (open tabs) is saved after a change
    finally:
        if page is not None:
            page.close()
        labserver.stop_server(proc, base_url, token)

    proc, base_url, token = _start(course, home, venv, root, "day2.log")
    page = None
    try:
        page = _open(browser, f"{base_url}/?token={token}")
        page.wait_for_timeout(8000)  # restored tabs would have started their kernels by now
        page.screenshot(path=str(screenshot_dir / "lab-day2-reopened.png"))
        tabs = page.eval_on_selector_all(
            "#jp-main-dock-panel .lm-TabBar-tab .lm-TabBar-tabLabel", "els => els.map(e => e.innerText)"
        )
        kernels = _kernels(base_url, token)
        toasts = _toasts(page)
    finally:
        if page is not None:
            page.close()
        labserver.stop_server(proc, base_url, token)
    e2e_report["notes"].append(f"lab reopened: tabs {tabs}, kernels {kernels} (day one: {day1}), toasts {toasts}")
    assert not [t for t in toasts if any(n in t for n in NEWS)], f"news toast on day two: {toasts}"
    assert kernels == 1, f"reopened with {kernels} kernels (tabs {tabs}); only notebook 00 should run"
    assert [t for t in tabs if t.endswith(".ipynb")] == [course.FIRST_NOTEBOOK], tabs
    shutil.rmtree(root, ignore_errors=True)
