"""Sphinx hooks of the course website.

* Every notebook output image gets its alt text from the output's metadata
  ``{"image/png": {"alt": ...}}`` (written by course_lib.plotting.install_alt_text and the
  explorers' snapshots). myst-nb 1.4 reads only width/height from there, so we extend its
  image renderer.
* Every page starts with how to run it live: ``python course.py lab`` / ``python course.py test``
  (as the README says: it works where there is no ``make``, as on Windows) and, on a
  notebook's page, the notebook's path in the repository.
"""

from __future__ import annotations

import html
from typing import Any

from myst_nb.core.render import NbElementRenderer

RUN_LIVE = (
    "<strong>Run it live:</strong> clone the course, then <code>python course.py lab</code> opens it in "
    "JupyterLab{where}; <code>python course.py test</code> runs every notebook and checks its claims."
)


def _render_image_with_alt(self: NbElementRenderer, data: Any) -> list:
    nodes = _render_image(self, data)
    alt = data.output_metadata.get(data.mime_type, {}).get("alt")
    if alt:
        for node in nodes:
            node["alt"] = str(alt)
    return nodes


_render_image = NbElementRenderer.render_image
if getattr(_render_image, "__name__", "") != "_render_image_with_alt":
    NbElementRenderer.render_image = _render_image_with_alt
else:  # conf.py read twice in one process: keep the original
    _render_image = _render_image.__wrapped__  # type: ignore[attr-defined]
_render_image_with_alt.__wrapped__ = _render_image  # type: ignore[attr-defined]


def run_live_note(docname: str) -> str:
    """The "run it live" note of a page (HTML)."""
    name = docname.removeprefix("notebooks/")
    where = (
        f", where you open <code>{html.escape(name)}.ipynb</code> in <code>my-notebooks/</code>, your own copy"
        if docname.startswith("notebooks/")
        else ""
    )
    return f'<div class="admonition note course-run-live" role="note"><p>{RUN_LIVE.format(where=where)}</p></div>\n'


def _add_run_live(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    if doctree is not None and "body" in context:
        context["body"] = run_live_note(pagename) + context["body"]


def setup(app: Any) -> dict:
    app.connect("html-page-context", _add_run_live)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
