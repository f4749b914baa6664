"""Slide structure of every notebook (cell metadata), and the rules in scripts/slides.py."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
import slides  # scripts/slides.py (tests/conftest.py puts scripts/ on the path)

ROOT = Path(__file__).resolve().parent.parent

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_slide_structure_is_sound(path):
    nb = nbformat.read(path, as_version=4)
    assert slides.problems(nb, path.name) == []
    stored = [c.metadata["slideshow"]["slide_type"] for c in nb.cells]
    assert stored == slides.slide_types(nb), (
        f"{path.name}: slide metadata out of step with the cells: run python scripts/slides.py --split --mark"
    )
    assert stored.count("slide") + stored.count("subslide") >= 3


def test_skip_only_what_shows_nothing():
    code = nbformat.v4.new_code_cell
    assert slides.is_skippable(code("import numpy as np\nfrom course_lib import schedules as S"))
    assert slides.is_skippable(code("x = f(1)\nassert x > 0\nfor k in ks:\n    assert k"))
    assert not slides.is_skippable(code("x = f(1)"))  # a set-up the lesson may show
    assert not slides.is_skippable(code("def f(t):\n    return t"))
    assert not slides.is_skippable(code("assert True", outputs=[nbformat.v4.new_output("stream", text="hi")]))
    assert not slides.is_skippable(nbformat.v4.new_markdown_cell("# title"))


def test_split_markdown_keeps_the_text_and_math_blocks():
    para = "word " * 200
    source = f"## Heading\n\n{para}\n\n$$\na\n\nb\n$$\n\n{para}\n\n{para}"
    pieces = slides.split_markdown(source, 300)
    assert len(pieces) > 1
    assert "\n\n".join(pieces) == source
    assert all(p.count("$$") % 2 == 0 for p in pieces)
    with pytest.raises(ValueError, match="limit_px=0"):
        slides.split_markdown(source, 0)


def test_title_slide_is_required():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("no title")])
    slides.mark(nb)
    assert any("title slide" in p for p in slides.problems(nb))


def test_deck_style_drops_the_cdn_mermaid_import():
    html = (
        '<html><head><script type="module">\n  import mermaid from \'https://cdn/m.mjs\';\n'
        '  mermaid.initialize({ startOnLoad: true });\n</script></head><body></body></html>'
    )
    styled = slides.style_deck(html)
    assert "mermaid" not in styled and slides.DECK_STYLE in styled and slides.DECK_FIT_JS in styled
