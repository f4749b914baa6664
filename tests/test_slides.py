"""Slide structure of every notebook (cell metadata), and the rules in scripts/slides.py."""

from __future__ import annotations

import html as html_lib
import os
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
import slides  # scripts/slides.py (tests/conftest.py puts scripts/ on the path)
from _offline import no_npm_no_network

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


def test_deck_style_adds_the_projector_style_and_fit_step():
    html = "<html><head></head><body></body>\n<script>Reveal.initialize()</script>\n</html>"
    styled = slides.style_deck(html)
    assert slides.DECK_STYLE in styled and styled.index("Reveal.initialize") < styled.index(slides.DECK_FIT_JS)


def _shown_groups(nb) -> list[list]:
    """The cells of each slide or sub-slide of ``nb``, as its stored metadata lays them out."""
    groups: list[list] = []
    for cell in nb.cells:
        kind = cell.metadata["slideshow"]["slide_type"]
        if kind == "skip":
            continue
        if kind in ("slide", "subslide") or not groups:
            groups.append([])
        groups[-1].append(cell)
    return groups


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_slide_holds_a_lone_heading(path):
    nb = nbformat.read(path, as_version=4)
    lone = [g[0].source for g in _shown_groups(nb) if len(g) == 1 and slides._heading_only(g[0])]
    assert lone == [], f"{path.name}: slides that hold only a heading: {lone}"


def test_lone_heading_takes_the_next_cell():
    md = nbformat.v4.new_markdown_cell
    tall = md("word " * 3000)  # alone taller than a slide: would open a sub-slide
    nb = nbformat.v4.new_notebook(cells=[md("# T"), md("## Summary"), tall, md("### next"), md("text")])
    assert slides.slide_types(nb) == ["slide", "slide", "-", "subslide", "-"]


def test_checking_cells_stay_out():
    code = nbformat.v4.new_code_cell
    assert slides.is_skippable(code("for k in ks:\n    rho = (k - 1) / (k + 1)\n    assert rho < 1, k"))
    assert not slides.is_skippable(code("for k in ks:\n    rho = (k - 1) / (k + 1)"))  # no assert: a set-up


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_deck_leaves_out_plumbing_and_placeholders(path):
    """What a deck shows of each notebook: no nbval plumbing, no verdict of an unanswered exercise."""
    nb = nbformat.read(path, as_version=4)
    deck = slides.deck_notebook(nb)
    shown = [c for c in deck.cells if c.metadata["slideshow"]["slide_type"] != "skip"]
    sources = "\n".join(c.source for c in shown if c.cell_type == "code")
    outputs = "\n".join(o.get("text", "") for c in shown if c.cell_type == "code" for o in c.outputs)
    for plumbing in ("NBVAL_", "nbval does not compare", "last digits vary"):
        assert plumbing not in sources, f"{path.name}: the deck shows {plumbing!r}"
    assert "Not yet." not in outputs and "Not answered yet" not in outputs, path.name
    assert nbformat.read(path, as_version=4) == nb  # the notebook itself is unchanged
    # the lesson's code stays: only comment lines of plumbing go
    kept = [c.source for c in deck.cells if c.cell_type == "code"]
    assert len(kept) == sum(c.cell_type == "code" for c in nb.cells)


def test_placeholder_verdict_goes_but_the_printed_options_stay():
    cell = nbformat.v4.new_code_cell(
        "# NBVAL_CHECK_OUTPUT\nprint(OPTIONS)\nanswer = None  # your answer\ncheck(answer)",
        outputs=[
            nbformat.v4.new_output(
                "stream", text="('a', 'b')\nNot yet. Not answered yet: your answer is None.\nHint: x\n"
            )
        ],
    )
    cell.metadata["slideshow"] = {"slide_type": "-"}
    nb = nbformat.v4.new_notebook(cells=[cell])
    shown = slides.deck_notebook(nb).cells[0]
    assert shown.source.splitlines()[0] == "print(OPTIONS)"
    assert shown.outputs[0].text == "('a', 'b')\n"


@pytest.fixture(scope="module")
def offline_deck(tmp_path_factory) -> Path:
    """Deck 01 built with npm off the PATH and every socket connection refused."""

    out = tmp_path_factory.mktemp("slides")
    with no_npm_no_network():
        (deck,) = slides.build_decks([ROOT / "notebooks" / "01_gradient_descent.ipynb"], out)
    return deck


def test_deck_builds_offline_with_python_alone(offline_deck):
    html = offline_deck.read_text(encoding="utf-8")
    refs = re.findall(r'<(?:script|link|img)\b[^>]*?(?:src|href)="([^"]+)"', html)
    local = [r for r in refs if not r.startswith("data:")]
    assert local and all(not re.match(r"[a-z]+://", r) for r in local), local
    missing = [r for r in local if not (offline_deck.parent / r.split("?")[0]).is_file()]
    assert missing == [], f"the deck loads files that are not beside it: {missing}"
    assert any("mathjax" in r for r in local) and any("reveal.js" in r for r in local)


def test_deck_renders_tables_in_quotes_and_gives_every_picture_its_alt_text(offline_deck):
    html = offline_deck.read_text(encoding="utf-8")
    assert not re.search(r"\|\s*-{3,}\s*\|", html), "a markdown table was left as text"
    nb = nbformat.read(ROOT / "notebooks" / "01_gradient_descent.ipynb", as_version=4)
    stored = [
        o["metadata"]["image/png"]["alt"]
        for c in nb.cells
        if c.cell_type == "code" and c.metadata["slideshow"]["slide_type"] != "skip"
        for o in c.outputs
        if "image/png" in o.get("data", {})
    ]
    imgs = re.findall(r"<img\b[^>]*>", html)
    alts = [html_lib.unescape(m.group(1)) for i in imgs if (m := re.search(r'\balt="([^"]*)"', i))]
    assert len(imgs) == len(stored) and alts == stored, (len(imgs), len(alts), len(stored))


def test_a_lone_sentence_joins_the_next_slide_or_the_previous_one():
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    cells = [md("# T"), md("Some words.\n\nMore words."), md("First, the curves:"), code("plot()"), md("Next: 02.")]
    for cell, kind in zip(cells, ["slide", "subslide", "subslide", "subslide", "subslide"]):
        cell.metadata["slideshow"] = {"slide_type": kind}
    nb = nbformat.v4.new_notebook(cells=cells)
    deck = slides.deck_notebook(nb)
    # the lead-in takes the code after it; the closing "Next:" line joins the slide before it
    assert [c.metadata["slideshow"]["slide_type"] for c in deck.cells] == ["slide", "subslide", "subslide", "-", "-"]
    assert [c.metadata["slideshow"]["slide_type"] for c in nb.cells][3:] == ["subslide", "subslide"]  # unchanged
    assert not slides.is_lone_sentence(md("$$x$$")) and not slides.is_lone_sentence(md("## heading"))
    assert not slides.is_lone_sentence(md("word " * slides.LONE_SENTENCE_WORDS))


ZH_NOTEBOOKS = sorted((ROOT / "notebooks" / "zh_CN").glob("*.ipynb"))


def test_make_slides_lang_zh_builds_the_chinese_decks_offline(tmp_path):
    """make slides LANG=zh = slides.py --lang zh: one deck per Chinese notebook in build/slides/zh_CN,
    <html lang="zh-CN">, the Chinese prose and outputs, the language cell (for a kernel) left out, offline."""
    assert ZH_NOTEBOOKS, "notebooks/zh_CN has the Chinese notebook 00 on this branch"
    with no_npm_no_network():
        assert slides.main(["--decks", str(tmp_path), "--lang", "zh"]) == 0
    decks = sorted((tmp_path / "zh_CN").glob("*.slides.html"))
    assert [d.name.removesuffix(".slides.html") for d in decks] == [p.stem for p in ZH_NOTEBOOKS]
    assert (tmp_path / "zh_CN" / slides.CJK_FONT.name).is_file() and (tmp_path / "zh_CN" / slides.ASSETS).is_dir()
    html = decks[0].read_text(encoding="utf-8")
    assert re.search(r'<html lang="zh-CN"', html)
    title = nbformat.read(ZH_NOTEBOOKS[0], as_version=4).cells[1].source.splitlines()[0].lstrip("# ").strip()
    assert re.search(r"[\u4e00-\u9fff]", title) and html_lib.escape(title, quote=False) in html, title
    assert "use_language" not in html


def test_the_placeholder_verdict_goes_in_chinese_too():
    cell = nbformat.v4.new_code_cell(
        "exercises.check_total_steps(answer)",
        outputs=[nbformat.v4.new_output("stream", text="还不对。 提示：数一数每个 epoch 的步数。\n")],
    )
    cell.metadata["slideshow"] = {"slide_type": "-"}
    assert slides.deck_notebook(nbformat.v4.new_notebook(cells=[cell])).cells[0].outputs == []


def test_make_passes_a_command_line_lang_and_ignores_the_locale(tmp_path):
    make = shutil.which("make")
    if make is None:
        pytest.skip("no make here (course.py has no deck command: make slides LANG=zh is the way)")
    env = {**os.environ, "LANG": "en_US.UTF-8"}
    for args, lang in ((["LANG=zh"], "zh"), ([], "en")):
        dry = subprocess.run(
            [make, "-n", *args, "slides", "editions"], cwd=ROOT, env=env, capture_output=True, text=True
        ).stdout
        assert f"scripts/slides.py --decks build/slides --lang {lang}" in dry, dry
        assert f"scripts/editions.py --out build/editions --lang {lang}" in dry, dry
