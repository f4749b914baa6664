"""Move the notebooks' test plumbing out of the learner's sight: from comments to cell metadata.

    python scripts/plumbing_to_tags.py notebooks/*.ipynb          (rewrites in place; --check: only report)

nbval reads its markers from cell tags as well as from comments (nbval.plugin: ``nbval-check-output``,
``nbval-ignore-output``, ``nbval-skip``, ``nbval-raises-exception``). For every code cell:

* a comment line ``# NBVAL_CHECK_OUTPUT`` (``_IGNORE_OUTPUT``, ``_SKIP``, ``_RAISES_EXCEPTION``) goes,
  and the cell gets the same marker as a tag;
* the note ``# trained networks: the last digits vary between CPUs, so nbval does not compare this
  output`` goes, and the cell gets the tag ``nbval-ignore-output`` (what the note said: under
  ``--nbval-lax`` an unmarked cell is not compared either, so nbval behaves the same) and keeps the
  reason in ``metadata["course"]["nbval"]``;
* a cell of ``assert`` statements only (a check of the numbers above it, not something to read)
  is collapsed in JupyterLab (``metadata["jupyter"]["source_hidden"]``: the lab shows a "…" bar
  that opens it with a click) and tagged ``assert-only`` for the site and the decks.

Nothing is executed: outputs, execution counts and other metadata stay as they are. Running it
again changes nothing (idempotent), so it can be re-run after merging other branches.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from pathlib import Path

import nbformat

#: comment marker -> nbval's tag for it (nbval.plugin.comment_markers / metadata_tags)
MARKER_TAGS = {
    "NBVAL_CHECK_OUTPUT": "nbval-check-output",
    "NBVAL_IGNORE_OUTPUT": "nbval-ignore-output",
    "NBVAL_SKIP": "nbval-skip",
    "NBVAL_RAISES_EXCEPTION": "nbval-raises-exception",
}
#: the note on cells whose printed numbers come from trained networks
CPU_NOTE = re.compile(r"^#\s*trained networks: the last digits vary between CPUs.*$")
CPU_REASON = "trained networks: the last digits vary between CPUs, so nbval does not compare this output"
ASSERT_ONLY = "assert-only"


def is_assert_only(source: str) -> bool:
    """True when ``source`` parses and every statement in it is an ``assert``."""
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return False
    return bool(body) and all(isinstance(node, ast.Assert) for node in body)


def _add_tag(cell: dict, tag: str) -> None:
    tags = cell.metadata.setdefault("tags", [])
    if tag not in tags:
        tags.append(tag)


def rewrite_cell(cell: dict) -> bool:
    """Move ``cell``'s plumbing comments to its metadata (in place); True if anything changed."""
    if cell.cell_type != "code":
        return False
    before = (cell.source, repr(cell.metadata))
    lines, kept = cell.source.splitlines(), []
    for line in lines:
        marker = line.strip().lstrip("#").strip()
        if line.strip().startswith("#") and marker in MARKER_TAGS:
            _add_tag(cell, MARKER_TAGS[marker])
        elif CPU_NOTE.match(line.strip()):
            _add_tag(cell, "nbval-ignore-output")
            cell.metadata.setdefault("course", {})["nbval"] = CPU_REASON
        else:
            kept.append(line)
    if len(kept) != len(lines):
        cell.source = "\n".join(kept).strip("\n")
    if is_assert_only(cell.source):
        _add_tag(cell, ASSERT_ONLY)
        cell.metadata.setdefault("jupyter", {})["source_hidden"] = True
    return (cell.source, repr(cell.metadata)) != before


def rewrite(path: Path, check: bool = False) -> int:
    """Rewrite the notebook at ``path``; returns the number of cells changed (nothing written if check)."""
    nb = nbformat.read(path, as_version=4)
    changed = sum(rewrite_cell(cell) for cell in nb.cells)
    if changed and not check:
        nbformat.write(nb, path)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--check", action="store_true", help="only report; exit 1 if a notebook would change")
    args = parser.parse_args(argv)
    total = 0
    for path in args.notebooks:
        changed = rewrite(path, check=args.check)
        total += changed
        if changed:
            print(f"{path}: {changed} cells {'would change' if args.check else 'rewritten'}")
    return 1 if (args.check and total) else 0


if __name__ == "__main__":
    sys.exit(main())
