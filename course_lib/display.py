"""How runs are reported in a notebook: result tables that render, progress bars that finish.

* :class:`Table`: a markdown table as a ``str`` that Jupyter renders as a table (``_repr_markdown_``)
  and that prints, and shows as text/plain, as the same markdown text.
* :func:`progress_bar`: a tqdm text bar. In a Jupyter kernel it is one output line updated in
  place (a display with an id), so the notebook stores the bar's final state ("100% 56/56"),
  never a widget frozen at "0%"; elsewhere it writes to stderr and disappears when done.
* :func:`pre_save_hook`: what a saved notebook keeps of its live widgets. The course's JupyterLab
  (``python course.py lab``) runs it on every save, so a notebook reopened after the kernel is gone
  shows each explorer's stored picture under one line saying how to make it live again, never
  "Error displaying widget: model not found".

>>> t = Table("| a | b |\\n|---|---|\\n| 1 | 2 |")
>>> print(t)
| a | b |
|---|---|
| 1 | 2 |
>>> t._repr_markdown_() == t
True
"""

from __future__ import annotations

from typing import Any, Iterable

__all__ = [
    "Table",
    "DIGITS",
    "READOUT",
    "readable_number",
    "progress_bar",
    "in_kernel",
    "pre_save_hook",
    "without_live_widgets",
    "WIDGET_VIEW",
    "STORED_PICTURE_LINE",
    "STORED_WIDGET_LINE",
    "LINE_MARK",
    "LINE_TAG",
    "stored_line",
    "is_stored_line",
]

#: The MIME type of a live widget in a notebook output: a reference to a model in the kernel.
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
#: Shown above an explorer's stored picture in a saved notebook (its live controls need the kernel).
STORED_PICTURE_LINE = "A stored picture of the explorer: run this cell (Shift+Enter) to make it live again."
#: Shown instead of a widget that left no picture (its model lived in the kernel, which is gone).
STORED_WIDGET_LINE = "A control that needs the running kernel: run this cell (Shift+Enter) to show it again."
#: The output metadata key that marks the line as the course's (tests and tools find it by it).
LINE_MARK = "course_lib_stored_line"
#: The line's output tag: the website and the decks drop outputs so tagged (no kernel to run there).
LINE_TAG = "course-stored-line"


#: Significant digits of a number a learner reads in an explorer (titles, slider readouts, status lines).
DIGITS = 4
#: The sliders' readout format (d3-format, as ipywidgets takes it): DIGITS significant digits,
#: trailing zeros dropped (d3-format with no type is "~g"), the same text as :func:`readable_number`.
READOUT = f".{DIGITS}"


def readable_number(x: float, digits: int = DIGITS) -> str:
    """``x`` as a learner reads it: ``digits`` significant digits, no trailing zeros, plain decimals
    from 0.0001 to 99999, else "1.995e-5" (no "+", no leading zeros in the exponent).

    >>> readable_number(19.952623149688797), readable_number(0.1995262314968879), readable_number(10.0)
    ('19.95', '0.1995', '10')
    >>> readable_number(1e-05), readable_number(3), readable_number(float("nan")), readable_number(123456.0)
    ('1e-5', '3', 'nan', '1.235e5')
    """
    x = float(x)
    if x != x or x in (float("inf"), float("-inf")):
        return str(x)
    if x == 0:
        return "0"
    if 1e-4 <= abs(x) < 1e5:
        text = f"{float(f'{x:.{digits}g}'):.{digits + 5}f}".rstrip("0").rstrip(".")
        return text
    mantissa, exponent = f"{x:.{digits - 1}e}".split("e")
    return f"{mantissa.rstrip('0').rstrip('.')}e{int(exponent)}"


class Table(str):
    """A markdown table: rendered as a table by Jupyter, the same text everywhere else.

    It is a ``str`` (compare it, print it, write it to a file); as the last expression of a
    cell (or in ``display``) Jupyter shows it as a table and stores the text as text/plain.
    """

    def _repr_markdown_(self) -> str:
        return str(self)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))


def in_kernel() -> bool:
    """True inside a Jupyter (IPython) kernel, where display outputs are stored in the notebook."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with the course
        return False
    shell = get_ipython()
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


class _DisplayLine:
    """A file for tqdm that keeps only the latest status line, shown as one display updated in place."""

    def __init__(self) -> None:
        self.handle: Any = None

    def write(self, text: str) -> None:
        line = text.replace("\n", "\r").split("\r")
        line = next((part for part in reversed(line) if part.strip()), "")
        if not line:
            return
        from IPython.display import display

        if self.handle is None:
            self.handle = display({"text/plain": line}, raw=True, display_id=True)
        else:
            self.handle.update({"text/plain": line}, raw=True)

    def flush(self) -> None:
        pass


def progress_bar(
    iterable: Iterable[Any] | None = None, *, total: int | None = None, desc: str = "", disable: bool = False
) -> Any:
    """A tqdm bar over ``iterable`` (or ``total`` steps, advanced with ``.update(n)``).

    In a Jupyter kernel the bar is a text line updated in place and left at its final state
    ("desc: 100%|##########| 56/56 [00:30<00:00]"): the saved notebook shows a finished bar.
    Outside a kernel it goes to stderr and is cleared when done. ``disable=True``: no output.
    """
    from tqdm.std import tqdm

    if in_kernel() and not disable:
        return tqdm(iterable, total=total, desc=desc, leave=True, file=_DisplayLine(), ncols=90, mininterval=0.5)
    return tqdm(iterable, total=total, desc=desc, disable=disable, leave=False)


def stored_line(text: str = STORED_PICTURE_LINE) -> dict[str, Any]:
    """The output that says, in a stored notebook, how to bring a widget back (marked and tagged as ours)."""
    return {
        "output_type": "display_data",
        "data": {"text/markdown": f"*{text}*", "text/plain": text},
        "metadata": {LINE_MARK: True, "tags": [LINE_TAG]},
    }


def is_stored_line(output: dict[str, Any]) -> bool:
    """Whether ``output`` is one of :func:`stored_line`'s lines."""
    return bool((output.get("metadata") or {}).get(LINE_MARK))


def without_live_widgets(notebook: dict[str, Any]) -> int:
    """Replace, in place, every live widget reference in ``notebook``'s outputs; returns how many.

    A widget's model lives in the kernel and is not saved, so a stored reference to it shows
    "Error displaying widget: model not found" once the notebook is reopened. An output that also
    holds a picture (an explorer: the PNG of its current frame) keeps the picture and gets
    :data:`STORED_PICTURE_LINE` as an output just above it; any other widget output becomes
    :data:`STORED_WIDGET_LINE`. Idempotent: a second pass finds no reference left.

    >>> nb = {"cells": [{"cell_type": "code", "outputs": [{"output_type": "display_data",
    ...     "data": {WIDGET_VIEW: {"model_id": "abc"}, "image/png": "iVBO", "text/plain": "a plot"},
    ...     "metadata": {}}]}]}
    >>> without_live_widgets(nb), [sorted(o["data"]) for o in nb["cells"][0]["outputs"]]
    (1, [['text/markdown', 'text/plain'], ['image/png', 'text/plain']])
    >>> without_live_widgets(nb)
    0
    """
    replaced = 0
    for cell in notebook.get("cells", []):
        outputs = cell.get("outputs")
        if not outputs:
            continue
        kept: list[dict[str, Any]] = []
        for output in outputs:
            data = output.get("data")
            if not isinstance(data, dict) or WIDGET_VIEW not in data:
                kept.append(output)
                continue
            replaced += 1
            del data[WIDGET_VIEW]
            if "image/png" in data:
                kept += [stored_line(STORED_PICTURE_LINE), output]
            else:
                line = stored_line(STORED_WIDGET_LINE)
                output["data"], output["metadata"] = line["data"], line["metadata"]
                kept.append(output)
        cell["outputs"] = kept
    return replaced


def pre_save_hook(model: dict[str, Any], path: str = "", contents_manager: Any = None, **kwargs: Any) -> None:
    """A Jupyter server ``ContentsManager.pre_save_hook``: a notebook is saved without live widgets.

    Only the file changes (see :func:`without_live_widgets`); the open notebook in the browser keeps
    its live explorers. The server signs the notebook after this hook, so it stays trusted.
    ``course.py`` configures it for the course's JupyterLab.
    """
    if model.get("type") == "notebook" and isinstance(model.get("content"), dict):
        without_live_widgets(model["content"])
