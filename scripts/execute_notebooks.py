"""Execute notebooks top to bottom in a fresh kernel and store them clean.

    python scripts/execute_notebooks.py notebooks/*.ipynb

Each notebook is run by nbclient in a new ``python3`` kernel (the project's
environment), from the notebooks/ folder, then saved with execution counts
1, 2, 3..., kernelspec ``python3`` and no widget-state metadata, so the stored
copy reads well when browsed and passes tests/test_notebook_hygiene.py.
Prints each notebook's wall time.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from course_lib.display import WIDGET_VIEW

KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def clean(nb: nbformat.NotebookNode) -> None:
    """Drop widget state and per-cell execution timing; fix the kernelspec.

    Widget models are not saved (no widget-state metadata), so a stored reference
    to one would show "Error displaying widget: model not found" to a reader.
    We drop the reference and keep the output's other forms: the PNG snapshot
    explorers add to their display, or the text of progress bars.
    """
    nb.metadata.pop("widgets", None)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("widgets", None)
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_VIEW in data and len(data) > 1:
                del data[WIDGET_VIEW]


def execute(path: Path, timeout: int = 600, cwd: Path | None = None) -> float:
    """Run ``path`` in a fresh kernel from ``cwd`` (default: its own folder) and store it clean."""
    nb = nbformat.read(path, as_version=4)
    clean(nb)
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(cwd or path.parent)}}
    )
    start = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - start
    clean(nb)
    nbformat.write(nb, path)
    return elapsed


def main(paths: list[str]) -> int:
    total = 0.0
    for p in paths:
        elapsed = execute(Path(p))
        total += elapsed
        print(f"{p}: {elapsed:.1f} s", flush=True)
    print(f"total: {total:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
