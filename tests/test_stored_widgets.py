"""A saved notebook keeps each explorer's picture and a line, never a reference to a lost widget model.

``course_lib.display.pre_save_hook`` runs on every save of the course's JupyterLab (``course.py``
writes it into the venv's server config). The browser test tests/e2e/test_reopen.py checks the
whole path (run, save, restart the server, reopen); these check the transformation itself and
a real save through jupyter_server's contents manager.
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

import ipywidgets
import nbformat
import pytest

from course_lib import display, explorers
from course_lib.display import STORED_PICTURE_LINE, STORED_WIDGET_LINE, WIDGET_VIEW, without_live_widgets

ROOT = Path(__file__).resolve().parent.parent
ERROR_TEXTS = ("Error displaying widget", "model not found")


def _output(bundle, metadata=None, kind="display_data", count=None) -> dict:
    out = {"output_type": kind, "data": dict(bundle), "metadata": dict(metadata or {})}
    if kind == "execute_result":
        out["execution_count"] = count
    return out


def explorer_output(kind: str = "display_data", count: int | None = None) -> dict:
    """What a notebook stores for an explorer displayed by a cell (its own bundle)."""
    bundle, metadata = explorers.explore_conventions()._repr_mimebundle_()
    return _output(bundle, metadata, kind, count)


def notebook(*cells_outputs: list[dict]) -> dict:
    nb = nbformat.v4.new_notebook()
    for i, outputs in enumerate(cells_outputs, start=1):
        cell = nbformat.v4.new_code_cell(f"cell {i}", execution_count=i)
        cell.outputs = [nbformat.from_dict(o) for o in outputs]
        nb.cells.append(cell)
    return json.loads(json.dumps(nb))  # a plain dict, as the server hands it to the hook


def lines(nb: dict) -> list[str]:
    return [
        o["data"]["text/plain"]
        for c in nb["cells"]
        for o in c.get("outputs", [])
        if o.get("metadata", {}).get(display.LINE_MARK)
    ]


def test_an_explorer_is_saved_as_the_line_then_its_picture_with_its_alt_text():
    live = explorer_output("execute_result", count=1)
    nb = notebook([{"output_type": "stream", "name": "stdout", "text": "hello\n"}, live])
    assert without_live_widgets(nb) == 1
    stream, line, picture = nb["cells"][0]["outputs"]
    assert stream["text"] == "hello\n"
    assert line["output_type"] == "display_data" and line["data"]["text/plain"] == STORED_PICTURE_LINE
    assert STORED_PICTURE_LINE in line["data"]["text/markdown"]  # rendered even in an untrusted notebook
    assert WIDGET_VIEW not in picture["data"] and picture["execution_count"] == 1
    assert picture["data"]["image/png"] == live["data"]["image/png"]
    assert picture["metadata"]["image/png"]["alt"].startswith("Figure")
    nbformat.validate(nbformat.from_dict(nb))  # the server validates what it writes


def test_it_is_idempotent_and_leaves_other_outputs_alone():
    plain = [
        {"output_type": "stream", "name": "stderr", "text": "warn\n"},
        _output({"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"}, {"image/png": {"alt": "a plot"}}),
        _output({"text/markdown": "| a |\n|---|\n| 1 |", "text/plain": "| a |"}, kind="execute_result", count=2),
    ]
    nb = notebook(plain, [explorer_output()], [])
    before = copy.deepcopy(nb["cells"][0])
    without_live_widgets(nb)
    once = copy.deepcopy(nb)
    assert without_live_widgets(nb) == 0 and nb == once
    assert nb["cells"][0] == before and nb["cells"][2]["outputs"] == []
    assert lines(nb) == [STORED_PICTURE_LINE]


def test_a_widget_without_a_picture_becomes_a_line_not_an_error():
    slider = ipywidgets.IntSlider(description="n")
    nb = notebook(
        [_output(slider._repr_mimebundle_())], [_output(slider._repr_mimebundle_(), kind="execute_result", count=2)]
    )
    assert without_live_widgets(nb) == 2
    assert lines(nb) == [STORED_WIDGET_LINE, STORED_WIDGET_LINE]
    assert nb["cells"][1]["outputs"][0]["execution_count"] == 2
    assert "IntSlider" not in json.dumps(nb)  # not the widget's repr either
    nbformat.validate(nbformat.from_dict(nb))


def test_no_error_text_and_no_widget_reference_is_saved():
    nb = notebook([explorer_output()], [_output(ipywidgets.Button()._repr_mimebundle_())])
    display.pre_save_hook(model={"type": "notebook", "content": nb, "format": "json"}, path="x.ipynb")
    text = json.dumps(nb)
    assert WIDGET_VIEW not in text and not any(t in text for t in ERROR_TEXTS)


def test_the_hook_touches_only_notebooks():
    model = {"type": "file", "format": "text", "content": json.dumps({"cells": []})}
    display.pre_save_hook(model=copy.deepcopy(model), path="a.txt")
    untouched = copy.deepcopy(model)
    display.pre_save_hook(model=model, path="a.txt")
    assert model == untouched


def test_course_py_merges_the_hook_into_the_server_config(tmp_path, course):
    (tmp_path / "jupyter_server_config.json").write_text(json.dumps({"ServerApp": {"port_retries": 0}}))
    path = course.write_server_config(tmp_path)
    config = json.loads(path.read_text())
    assert config["ServerApp"] == {"port_retries": 0}
    assert config["ContentsManager"]["pre_save_hook"] == "course_lib.display.pre_save_hook"
    assert course.write_server_config(tmp_path).read_text() == path.read_text()  # rewriting changes nothing


def test_a_save_through_the_server_stores_the_picture_and_stays_trusted(tmp_path, monkeypatch, course):
    """What JupyterLab's Ctrl+S does: PUT the notebook to the contents manager, configured as course.py does."""
    pytest.importorskip("jupyter_server")
    from jupyter_server.services.contents.filemanager import FileContentsManager
    from traitlets.config import Config

    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "data"))  # the notary's secret and database
    manager = FileContentsManager(root_dir=str(tmp_path), config=Config(course.SERVER_CONFIG))
    nb = notebook([explorer_output("execute_result", count=1)])
    for cell in nb["cells"]:
        cell["metadata"]["trusted"] = True  # JupyterLab sends a trusted notebook's cells so
    manager.save({"type": "notebook", "format": "json", "content": nb}, "saved.ipynb")
    stored = nbformat.read(tmp_path / "saved.ipynb", as_version=4)
    assert lines(stored) == [STORED_PICTURE_LINE]
    assert WIDGET_VIEW not in json.dumps(stored)
    assert manager.notary.check_signature(stored), "the saved notebook is no longer trusted"


# ---- the notebooks as committed: opened before any save, they read as a saved one does --------------------


def _execute_notebooks():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import execute_notebooks
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    return execute_notebooks


def test_executing_a_notebook_stores_explorers_as_the_hook_saves_them():
    """scripts/execute_notebooks.clean is the hook's transformation (one home), not a second rule."""
    clean = _execute_notebooks().clean
    nb = nbformat.from_dict(notebook([explorer_output("execute_result", count=1)]))
    clean(nb)
    assert lines(nb) == [STORED_PICTURE_LINE] and WIDGET_VIEW not in json.dumps(nb)
    assert lines(nbformat.reads(nbformat.writes(nb), as_version=4)) == [STORED_PICTURE_LINE]  # and it is written


@pytest.mark.parametrize("path", sorted((ROOT / "notebooks").glob("*.ipynb")), ids=lambda p: p.stem)
def test_a_committed_notebook_shows_each_explorers_picture_under_the_line(path):
    """A learner's first open (or a reload before any save) shows the stored file: the same line as after a save."""
    execute_notebooks = _execute_notebooks()
    nb = nbformat.read(path, as_version=4)
    pictures = [(cell, i) for cell in nb.cells for i in execute_notebooks.explorer_pictures(cell)]
    # a lesson without an explorer (averaging, batch size) has nothing to show; one that builds one shows it
    builds = any(c.cell_type == "code" and "explorers." in c.source for c in nb.cells)
    assert pictures or not builds, f"{path.name}: no explorer found (explorer_pictures no longer recognises them?)"
    missing = [
        nb.cells.index(cell) for cell, i in pictures if i == 0 or not display.is_stored_line(cell.outputs[i - 1])
    ]
    assert not missing, (
        f"{path.name}: cells {missing} show an explorer's picture without the line saying how to make it live: "
        "run `python scripts/execute_notebooks.py --restore-lines notebooks/*.ipynb`"
    )
    assert WIDGET_VIEW not in json.dumps(nb)


def test_the_website_shows_the_picture_without_the_line(tmp_path):
    """A web page has no kernel: the site's copy of a notebook drops the line and keeps the picture."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import build_site
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    source = tmp_path / "nb.ipynb"
    nb = nbformat.from_dict(notebook([explorer_output("execute_result", count=1)]))
    _execute_notebooks().clean(nb)
    nbformat.write(nb, source)
    build_site.stage_notebook(source, tmp_path / "staged.ipynb")
    staged = nbformat.read(tmp_path / "staged.ipynb", as_version=4)
    assert lines(staged) == [] and "image/png" in staged.cells[0].outputs[0]["data"]
