"""The lecturer's guide (lecturing/) stays true to the notebooks.

Every notebook has a page with the parts a lecturer needs; every cell it names by «section
heading» is a heading of that notebook; every number it quotes in `backticks` is printed or
written in that notebook; every article error it cites is an S-ID of the seed list (S1-S59).
The plans (their slots, what "Short of time" skips, where each S-ID is named) are checked in
tests/test_lecturing_plans.py; the page conventions are in tests/_guide.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from _guide import refs

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "lecturing"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
PARTS = ("**Goals.**", "**Plan", "**Live demo", "**Misconceptions.**", "**Exercises.**", "**Short of time.**")
NUMBER = re.compile(r"`(-?\d+(?:\.\d+)?(?:e-?\d+)?)`")


def _notebook_text(path: Path) -> tuple[set[str], str]:
    """(headings, all text: sources and stored outputs) of a notebook."""
    nb = json.loads(path.read_text())
    headings, chunks = set(), []
    for cell in nb["cells"]:
        source = "".join(cell["source"])
        chunks.append(source)
        if cell["cell_type"] == "markdown":
            headings |= {m.group(1).strip() for m in re.finditer(r"^#{1,6}\s+(.*)$", source, re.M)}
        for out in cell.get("outputs", []):
            chunks.append("".join(out.get("text", "")))
            for kind in ("text/plain", "text/markdown", "text/html"):
                chunks.append("".join(out.get("data", {}).get(kind, "")))
    return headings, "\n".join(chunks)


def test_index_links_every_page():
    index = (GUIDE / "index.md").read_text()
    for path in NOTEBOOKS:
        assert f"({path.stem}.md)" in index, f"lecturing/index.md does not link {path.stem}.md"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_page_is_complete_and_true_to_its_notebook(path):
    page = GUIDE / f"{path.stem}.md"
    assert page.is_file(), f"no lecturer's page {page.relative_to(ROOT)}"
    text = page.read_text()
    missing = [part for part in PARTS if part not in text]
    assert not missing, f"{page.name} lacks {missing}"
    _, notebook = _notebook_text(path)
    unknown = [r.text for r in refs(text, path.stem[:2]) if r.section is None]
    assert not unknown, f"{page.name} names sections {path.name} does not have: {unknown}"
    numbers = [n for n in NUMBER.findall(text) if not re.search(rf"(?<![\d.]){re.escape(n)}(?![\d])", notebook)]
    assert not numbers, f"{page.name} quotes numbers {path.name} never shows: {numbers}"
    ids = [int(i) for i in re.findall(r"\bS(\d+)\b", text)]
    assert all(1 <= i <= 59 for i in ids), f"{page.name}: S-IDs outside S1-S59: {ids}"
