"""Execute notebooks top to bottom in a fresh kernel and store them clean.

    python scripts/execute_notebooks.py notebooks/*.ipynb
    python scripts/execute_notebooks.py --restore-lines notebooks/*.ipynb   # no execution

Each notebook is run by nbclient in a new ``python3`` kernel (the project's
environment), from the notebooks/ folder, then saved with execution counts
1, 2, 3..., kernelspec ``python3`` and no widget-state metadata, so the stored
copy reads well when browsed and passes tests/test_notebook_hygiene.py.
Every explorer keeps its picture under the line saying how to make it live again
(``course_lib.display.without_live_widgets``, what the lab's save hook does), so a
notebook opened as stored never shows "Error displaying widget: model not found".
``--restore-lines`` adds that line to stored notebooks without running them (an
explorer's picture: a PNG shown as the value of a cell that calls ``explorers.explore_*``).
Prints each notebook's wall time.
"""

from __future__ import annotations

import os
import re
import sys
import threading
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from course_lib.display import is_stored_line, stored_line, without_live_widgets

KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def clean(nb: nbformat.NotebookNode) -> None:
    """Drop widget state and per-cell execution timing; fix the kernelspec.

    Widget models are not saved (no widget-state metadata), so a stored reference
    to one would show "Error displaying widget: model not found" to a reader.
    :func:`course_lib.display.without_live_widgets` replaces each reference: an
    explorer keeps its PNG snapshot under the line saying how to make it live again.
    """
    nb.metadata.pop("widgets", None)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("widgets", None)
    if without_live_widgets(nb):  # its new outputs are plain dicts: nbformat writes NotebookNodes
        for cell in nb.cells:
            if "outputs" in cell:
                cell.outputs = [nbformat.from_dict(o) for o in cell.outputs]


EXPLORER_CALL = re.compile(r"\bexplorers\.explore_\w+\s*\(")


def explorer_pictures(cell: nbformat.NotebookNode) -> list[int]:
    """The indices of a stored cell's outputs that are an explorer's picture.

    An explorer's cell calls ``explorers.explore_*`` and shows the explorer as its value: an
    execute_result holding the PNG of its frame (once run, also the widget reference).
    """
    if cell.cell_type != "code" or not EXPLORER_CALL.search(cell.source):
        return []
    return [
        i
        for i, output in enumerate(cell.get("outputs", []))
        if output.get("output_type") == "execute_result" and "image/png" in output.get("data", {})
    ]


def restore_lines(nb: nbformat.NotebookNode) -> int:
    """Put the stored-picture line above each explorer's picture that lacks it; returns how many were added."""
    added = 0
    for cell in nb.cells:
        pictures = explorer_pictures(cell)
        for i in reversed(pictures):
            if i == 0 or not is_stored_line(cell.outputs[i - 1]):
                cell.outputs.insert(i, nbformat.from_dict(stored_line()))
                added += 1
    return added


#: lines of the kernel's own log (its stderr) that :func:`execute` drops, each named here, every other line passes.
#: ipykernel >= 7 warns once per kernel that its local ZeroMQ sockets are not encrypted: ``make editions``
#: printed it once per notebook, nothing a class or a maintainer can act on (jupyter_client starts the kernel
#: on localhost TCP, the only transport on Windows).
KERNEL_NOISE: tuple[str, ...] = ("Kernel is running over TCP without encryption.",)


def is_kernel_noise(line: str) -> bool:
    """Whether ``line`` of a kernel's stderr is one of :data:`KERNEL_NOISE`."""
    return any(noise in line for noise in KERNEL_NOISE)


def _pass_kernel_stderr(read_fd: int) -> None:
    """Copy the kernel's stderr (pipe ``read_fd``) to ours, line by line, without :data:`KERNEL_NOISE`."""
    with os.fdopen(read_fd, "r", encoding="utf-8", errors="replace") as pipe:
        for line in pipe:
            if not is_kernel_noise(line):
                sys.stderr.write(line)
                sys.stderr.flush()


def execute(path: Path, timeout: int = 600, cwd: Path | None = None) -> float:
    """Run ``path`` in a fresh kernel from ``cwd`` (default: its own folder) and store it clean."""
    nb = nbformat.read(path, as_version=4)
    clean(nb)
    # the stored notebook keeps its figures: the inline backend, whatever the shell set (MPLBACKEND=Agg, as
    # the test commands use, stores none, and the website and the decks would show no figure)
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(cwd or path.parent)}}
    )
    read_fd, write_fd = os.pipe()  # the kernel's stderr, filtered by a thread (named lines only: KERNEL_NOISE)
    relay = threading.Thread(target=_pass_kernel_stderr, args=(read_fd,), daemon=True)
    relay.start()
    start = time.perf_counter()
    try:
        client.execute(stderr=write_fd)
    finally:
        os.close(write_fd)  # the kernel has exited: the relay reads to the end of the pipe
        relay.join(timeout=5)
    elapsed = time.perf_counter() - start
    clean(nb)
    nbformat.write(nb, path)
    return elapsed


def main(paths: list[str]) -> int:
    if paths[:1] == ["--restore-lines"]:
        for p in paths[1:]:
            nb = nbformat.read(p, as_version=4)
            added = restore_lines(nb)
            if added:
                nbformat.write(nb, p)
            print(f"{p}: {added} line(s) added")
        return 0
    total = 0.0
    for p in paths:
        elapsed = execute(Path(p))
        total += elapsed
        print(f"{p}: {elapsed:.1f} s", flush=True)
    print(f"total: {total:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
