"""A notebook run and saved one day, reopened the next, shows its explorer's picture, not an error.

End to end, as a self-learner does it: a JupyterLab configured as ``python course.py lab``
configures it (``course.write_server_config``: the save hook ``course_lib.display.pre_save_hook``)
serves a temporary copy of notebooks/; the browser opens 00_start_here.ipynb, runs all cells,
waits for the live explorer, saves with Ctrl+S; the server is stopped (kernel and all) and a new
one is started on the same folder; the notebook is reopened. The explorer's cell must show the
stored picture (an <img>) and the line saying how to make it live again, and the page must hold
no "Error displaying widget" / "model not found" text. Saving does not take the live explorer away
from the open notebook, and a second save opens no "file changed on disk" dialog.

Without the hook the same steps showed JupyterLab's "Error displaying widget: model not found" in
the reopened cell (checked when the hook was written; a server from the course's venv now always
has it).
Screenshots of the explorer's cell, live and reopened, land in tests/e2e/screenshots/.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import labserver
import pytest
from labserver import REPO
from test_notebooks_in_browser import (
    JS_CURRENT,
    JS_KERNEL_READY,
    OPEN_TIMEOUT_S,
    RUN_TIMEOUT_S,
    displayed_explorer,
    run_all_cells,
    wait_until_run_finished,
)

sys.path.insert(0, str(REPO))
import course  # noqa: E402 - the course's own launcher: its server config is what is tested
from course_lib.display import STORED_PICTURE_LINE, WIDGET_VIEW  # noqa: E402

pytestmark = pytest.mark.e2e

NOTEBOOK = "00_start_here.ipynb"
ERROR_TEXTS = ("Error displaying widget", "model not found")

# per cell: its source, its outputs' rendered text, its live explorers, its visible <img>s
JS_CELL_VIEW = (
    """() => {
  %s
  const cells = nb.content.model.cells, nodes = Array.from(nb.node.querySelectorAll('.jp-Cell')), rows = [];
  for (let i = 0; i < cells.length; i++) {
    const node = nodes[i], out = node ? node.querySelector('.jp-OutputArea') : null;
    const imgs = out ? Array.from(out.querySelectorAll('img')).filter(
        img => img.complete && img.naturalWidth > 0 && img.getBoundingClientRect().width > 0) : [];
    rows.push({index: i, source: cells.get(i).sharedModel.getSource(), trusted: !!cells.get(i).trusted,
               text: out ? out.innerText : '',
               live: out ? out.querySelectorAll('.widget-vbox img.widget-image').length : 0,
               pictures: imgs.filter(img => !img.classList.contains('widget-image')).length});
  }
  return rows;
}"""
    % JS_CURRENT
)
JS_SETTLED = (
    """(i) => {
  %s
  const node = nb && nb.node.querySelectorAll('.jp-Cell')[i], out = node && node.querySelector('.jp-OutputArea');
  if (!out || out.innerText.includes('Loading widget')) return false;
  return out.innerText.includes('Error displaying widget') || !!out.querySelector('img');
}"""
    % JS_CURRENT
)
JS_SAVED = "() => { %s return !!nb && nb.context.isReady && !nb.context.model.dirty; }" % JS_CURRENT


class Server:
    """A JupyterLab on ``root`` with the given config dir's files; stopped by :meth:`stop`."""

    def __init__(self, home: Path, root: Path, hook: bool, label: str) -> None:
        self.token, port = labserver.new_token(), labserver.free_port()
        self.base_url = f"http://127.0.0.1:{port}"
        # one user's Jupyter dirs for both servers: the same notary secret, so the reopened notebook is
        # trusted as on a learner's machine (an untrusted one never tries the widget renderer)
        env = labserver.lab_environment(home / "jupyter", self.token)
        if hook:
            course.write_server_config(Path(env["JUPYTER_CONFIG_DIR"]))
        cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}"]
        cmd.append(f"--ServerApp.root_dir={root}")
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")
        self.proc = labserver.start(cmd, env, root, home / f"lab-{label}.log")

    def wait_ready(self) -> None:
        labserver.wait_ready(self.proc, self.base_url, self.token, timeout=180)

    def url(self, path: str) -> str:
        return f"{self.base_url}/{path}?token={self.token}"

    def stop(self) -> None:
        labserver.stop_server(self.proc, self.base_url, self.token)


def open_notebook(page, server: Server, path: str) -> None:
    page.goto(server.url(f"lab/tree/{path}"), timeout=OPEN_TIMEOUT_S * 1000)
    page.wait_for_function(JS_KERNEL_READY, arg=path.rsplit("/", 1)[-1], timeout=OPEN_TIMEOUT_S * 1000, polling=250)
    page.evaluate("() => window.jupyterapp.shell.collapseLeft()")


def explorer_cell(view: list[dict]) -> int:
    cells = [c["index"] for c in view if displayed_explorer(c["source"])]
    assert len(cells) == 1, f"{NOTEBOOK}: expected one explorer cell, found {cells}"
    return cells[0]


def cell_node(page, index: int):
    return page.locator(".jp-Notebook .jp-Cell").nth(index)


def run_save_restart_reopen(browser, screenshot_dir: Path, hook: bool) -> tuple[list[dict], int, dict]:
    """Run, save, restart the server, reopen: (the reopened page's view, the explorer's cell, the saved file)."""
    label = "hook" if hook else "nohook"
    home = Path(tempfile.mkdtemp(prefix="e2e-reopen-"))
    root = home / "course"
    shutil.copytree(
        REPO / "notebooks", root / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__")
    )
    path = f"notebooks/{NOTEBOOK}"
    try:
        first = Server(home, root, hook, f"{label}-1")
        try:
            first.wait_ready()
            page = browser.new_page()
            try:
                open_notebook(page, first, path)
                run_all_cells(page)
                wait_until_run_finished(page, RUN_TIMEOUT_S)
                view = page.evaluate(JS_CELL_VIEW)
                cell = explorer_cell(view)
                assert view[cell]["live"] == 1, f"{NOTEBOOK}: the explorer is not live after Run All"
                cell_node(page, cell).click(position={"x": 5, "y": 5})  # select it (command mode on Escape)
                page.keyboard.press("Escape")
                page.keyboard.press("Control+s")
                page.wait_for_function(JS_SAVED, timeout=30_000)
                # a second save (autosave does one every 2 minutes) must not find the file "changed on disk":
                # the hook rewrote it, but the server answered the first save with the rewritten file's stamp
                page.wait_for_timeout(1500)
                page.keyboard.press("Control+s")
                page.wait_for_timeout(2000)
                page.wait_for_function(JS_SAVED, timeout=30_000)
                dialogs = page.locator(".jp-Dialog").all_inner_texts()
                assert not dialogs, f"saving again opened a dialog: {dialogs}"
                after = page.evaluate(JS_CELL_VIEW)[cell]
                assert after["live"] == 1, "saving took the explorer's live controls away from the open notebook"
                cell_node(page, cell).screenshot(path=str(screenshot_dir / f"reopen-{label}-1-live.png"))
            finally:
                page.close()
        finally:
            first.stop()
        saved = json.loads((root / path).read_text())

        second = Server(home, root, hook, f"{label}-2")
        try:
            second.wait_ready()
            page = browser.new_page()
            try:
                open_notebook(page, second, path)
                # settled: a picture or the widget renderer's verdict, never "Loading widget..." (then 1 s more)
                page.wait_for_function(JS_SETTLED, arg=cell, timeout=60_000)
                page.wait_for_timeout(1000)
                view = page.evaluate(JS_CELL_VIEW)
                cell_node(page, cell).scroll_into_view_if_needed()
                cell_node(page, cell).screenshot(path=str(screenshot_dir / f"reopen-{label}-2-reopened.png"))
            finally:
                page.close()
        finally:
            second.stop()
        assert view[cell]["trusted"], "the reopened notebook is not trusted (a learner's own saved notebook is)"
        return view, cell, saved
    finally:
        shutil.rmtree(home, ignore_errors=True)


def test_a_reopened_notebook_shows_the_explorers_picture_and_how_to_make_it_live(browser, screenshot_dir):
    view, cell, saved = run_save_restart_reopen(browser, screenshot_dir, hook=True)
    outputs = saved["cells"][cell]["outputs"]
    assert not any(WIDGET_VIEW in o.get("data", {}) for c in saved["cells"] for o in c.get("outputs", [])), (
        "the saved file still refers to a widget model"
    )
    assert any("image/png" in o.get("data", {}) for o in outputs), "the saved explorer cell lost its picture"
    shown = view[cell]
    print(
        f"\n[reopened {NOTEBOOK}] explorer cell {cell} shows: {shown['text'].strip()!r}, {shown['pictures']} picture(s)"
    )
    for text in ERROR_TEXTS:  # in any output (notebook 00's own text names the message, to explain it)
        assert not [c["index"] for c in view if text in c["text"]], f"the reopened notebook shows {text!r}"
    assert shown["pictures"] >= 1, f"the reopened explorer cell shows no picture: {shown['text']!r}"
    assert STORED_PICTURE_LINE in shown["text"], f"the reopened explorer cell lacks the line: {shown['text']!r}"


def test_a_notebook_opened_as_stored_shows_the_same_picture_and_line(browser, screenshot_dir):
    """The first open of a committed notebook, or a reload before any save: the stored file, never an error.

    Before the committed notebooks carried the line (scripts/execute_notebooks.py --restore-lines), the
    explorer's cell showed the picture with nothing saying it was not live.
    """
    home = Path(tempfile.mkdtemp(prefix="e2e-stored-"))
    root = home / "course"
    shutil.copytree(
        REPO / "notebooks", root / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__")
    )
    try:
        server = Server(home, root, True, "stored")
        try:
            server.wait_ready()
            page = browser.new_page()
            try:
                open_notebook(page, server, f"notebooks/{NOTEBOOK}")
                view = page.evaluate(JS_CELL_VIEW)
                cell = [c["index"] for c in view if c["pictures"] and STORED_PICTURE_LINE in c["text"]]
                assert cell, "no cell of the stored notebook shows an explorer's picture under the line"
                page.wait_for_timeout(1000)
                view = page.evaluate(JS_CELL_VIEW)
                cell_node(page, cell[0]).scroll_into_view_if_needed()
                cell_node(page, cell[0]).screenshot(path=str(screenshot_dir / "reopen-stored.png"))
            finally:
                page.close()
        finally:
            server.stop()
        for text in ERROR_TEXTS:
            assert not [c["index"] for c in view if text in c["text"]], f"the stored notebook shows {text!r}"
        assert view[cell[0]]["pictures"] >= 1 and STORED_PICTURE_LINE in view[cell[0]]["text"]
    finally:
        shutil.rmtree(home, ignore_errors=True)
