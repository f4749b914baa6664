"""How runs are reported in a notebook: result tables that render, progress bars that finish.

* :class:`Table`: a markdown table as a ``str`` that Jupyter renders as a table (``_repr_markdown_``)
  and that prints, and shows as text/plain, as the same markdown text.
* :func:`progress_bar`: a tqdm text bar. In a Jupyter kernel it is one output line updated in
  place (a display with an id), so the notebook stores the bar's final state ("100% 56/56"),
  never a widget frozen at "0%"; elsewhere it writes to stderr and disappears when done.

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

__all__ = ["Table", "progress_bar", "in_kernel"]


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
