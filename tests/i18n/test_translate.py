"""scripts/translate.py: extraction is lossless, builds keep code and fix links, merging marks changes fuzzy,
and the stale-translation check fails on a changed English sentence until it is translated (on a copy)."""

from __future__ import annotations

import gettext
import io
import json
import shutil
from pathlib import Path

import pytest

pytest.importorskip("markdown_it", reason="scripts/translate.py needs markdown-it-py (installed with myst-parser)")
pytest.importorskip("babel", reason="scripts/translate.py needs Babel (installed with Sphinx)")

import translate  # noqa: E402

ROOT = translate.ROOT
PAGES = [s for s in translate.sources() if s.kind == "markdown"]
NOTEBOOKS = [s for s in translate.sources() if s.kind == "notebook"]


def _texts(src: translate.Source) -> list[str]:
    if src.kind == "notebook":
        nb = json.loads((ROOT / src.path).read_text(encoding="utf-8"))
        return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]
    return [(ROOT / src.path).read_text(encoding="utf-8")]


@pytest.mark.parametrize("src", PAGES + NOTEBOOKS, ids=lambda s: s.path)
def test_an_identity_catalog_rebuilds_the_english_exactly(src):
    for text in _texts(src):
        assert "".join(s.text for s in translate.split_markdown(text)) == text
        assert translate.translated_markdown(text, lambda msgid: msgid) == text


def test_blocks_are_split_as_documented():
    text = (
        "# Title\n\nA paragraph with $x$\nover two lines.\n\n$$ y = x^2 $$\n\n- one\n- two\n\n"
        "```python\nprint('code')\n```\n\n> a quote\n> goes on\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n\n"
        "<!-- a comment -->\n\n```{toctree}\nnotebooks/*\n```\n\n"
        "```{figure} a.png\n:alt: A picture\n\nIts caption.\n```\n"
    )
    messages = [s.text for s in translate.split_markdown(text) if s.is_message]
    assert messages == [
        "# Title",
        "A paragraph with $x$\nover two lines.",
        "- one",
        "- two",
        "> a quote\n> goes on",
        "| a | b |\n| --- | --- |\n| 1 | 2 |",
        "```{figure} a.png\n:alt: A picture\n\nIts caption.\n```",
    ]


def test_a_block_of_math_or_markup_alone_is_no_message():
    assert not any(s.is_message for s in translate.split_markdown("$$ a $$\n\n---\n\n`code`\n\n(label)=\n"))


def test_links_are_rewritten_for_the_deeper_folder_and_point_at_twins():
    relink = translate.relinker(
        "notebooks/00_start_here.ipynb",
        "notebooks/zh_CN/00_start_here.ipynb",
        {"notebooks/05_warmup.ipynb": "notebooks/zh_CN/05_warmup.ipynb"},
    )
    text = (
        "[05](05_warmup.ipynb), [04](04_decay.ipynb#half-lives), ![a plot](../figures/warmup.png), "
        '[web](https://pytorch.org/docs), [here](#section), <img src="../figures/a.png" alt="x">'
    )
    assert translate.relink_text(text, relink) == (
        "[05](05_warmup.ipynb), [04](../04_decay.ipynb#half-lives), ![a plot](../../figures/warmup.png), "
        '[web](https://pytorch.org/docs), [here](#section), <img src="../../figures/a.png" alt="x">'
    )
    page = translate.relinker("README.md", "zh_CN/README.md", {"lecturing/index.md": "zh_CN/lecturing/index.md"})
    assert page("figures/restarts.png") == "../figures/restarts.png"
    assert page("lecturing/index.md") == "lecturing/index.md"
    assert page("notebooks/04_decay.ipynb") == "../notebooks/04_decay.ipynb"


@pytest.mark.parametrize("src", [s for s in NOTEBOOKS if (ROOT / s.output()).is_file()], ids=lambda s: s.output())
def test_a_chinese_notebook_has_the_english_code_cells_after_its_language_cell(src):
    english = json.loads((ROOT / src.path).read_text(encoding="utf-8"))
    chinese = json.loads((ROOT / src.output()).read_text(encoding="utf-8"))
    first, *rest = chinese["cells"]
    assert translate.LANGUAGE_TAG in first["metadata"]["tags"] and 'use_language("zh_CN")' in "".join(first["source"])

    def code(cells):
        return [("".join(c["source"]), c["metadata"].get("tags", [])) for c in cells if c["cell_type"] == "code"]

    assert code(rest) == code(english["cells"])
    assert [c["cell_type"] for c in rest] == [c["cell_type"] for c in english["cells"]]


def test_the_chinese_start_notebook_links_the_english_lessons_until_they_have_twins():
    chinese = json.loads((ROOT / "notebooks/zh_CN/00_start_here.ipynb").read_text(encoding="utf-8"))
    text = "".join("".join(c["source"]) for c in chinese["cells"] if c["cell_type"] == "markdown")
    twins = translate.started()
    for lesson in ("01_gradient_descent", "05_warmup"):
        expected = f"({lesson}.ipynb)" if f"notebooks/{lesson}.ipynb" in twins else f"(../{lesson}.ipynb)"
        assert expected in text


def test_a_changed_english_block_goes_fuzzy_with_its_old_translation(tmp_path):
    _mini_course(tmp_path, "# Title\n\nThe rate decays.\n\nA second paragraph.\n")
    src = translate.Source("notebooks/00_x.ipynb")
    translate.update(src, tmp_path)
    _translate(
        tmp_path, src, {"# Title": "# 标题", "The rate decays.": "学习率衰减。", "A second paragraph.": "第二段。"}
    )
    _mini_course(tmp_path, "# Title\n\nThe rate decays slowly.\n\nA new paragraph about warm-up.\n")
    translate.update(src, tmp_path)
    catalog = translate.read_catalog(tmp_path / src.catalog())
    changed = catalog["The rate decays slowly."]
    assert changed.fuzzy and changed.string == "学习率衰减。"
    assert '#| msgid "The rate decays."' in (tmp_path / src.catalog()).read_text(encoding="utf-8")  # what changed
    assert catalog["# Title"].string == "# 标题" and not catalog["# Title"].fuzzy
    assert "A second paragraph." not in catalog  # obsolete entries are dropped
    assert translate.status(src, tmp_path)[3:] == (1, 1, 1)  # translated, fuzzy, missing


def test_the_stale_check_fails_on_a_changed_english_sentence_and_passes_after_its_translation(tmp_path):
    """The sabotage test, on a copy of the real notebook 00, its catalog and its Chinese notebook."""
    for rel in ("notebooks/00_start_here.ipynb", "notebooks/zh_CN/00_start_here.ipynb"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, tmp_path / rel)
    src = translate.Source("notebooks/00_start_here.ipynb")
    for path in translate.started():  # every translated file with its catalog: 00's links to their twins stay twins
        twin = translate.Source(path)
        for rel in {twin.path, twin.catalog()} - {"notebooks/zh_CN/00_start_here.ipynb"}:
            (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / rel, tmp_path / rel)
    assert translate.stale(src, tmp_path) == []

    english = tmp_path / src.path
    english.write_text(english.read_text().replace("## 3. Explore", "## 3. Explore a schedule"), encoding="utf-8")
    problems = translate.stale(src, tmp_path)
    assert any("'## 3. Explore a schedule'" in p for p in problems), problems
    assert any("out of date" in p for p in problems), problems

    translate.update(src, tmp_path)  # the old translation comes back, fuzzy: still not current
    assert translate.read_catalog(tmp_path / src.catalog())["## 3. Explore a schedule"].fuzzy
    assert any("Explore a schedule" in p for p in translate.stale(src, tmp_path))

    _translate(tmp_path, src, {"## 3. Explore a schedule": "## 3. 探索一个调度"})
    assert any("out of date" in p for p in translate.stale(src, tmp_path))  # the Chinese notebook is not rebuilt yet
    translate.build(src, tmp_path)
    assert translate.stale(src, tmp_path) == []
    built = json.loads((tmp_path / src.output()).read_text(encoding="utf-8"))
    assert any("## 3. 探索一个调度" in "".join(c["source"]) for c in built["cells"])


def test_the_compiled_catalog_reads_back_with_gettext():
    data = translate.mo_bytes({"Correct! {message}": "正确！{message}", "b": "乙"})
    catalog = gettext.GNUTranslations(io.BytesIO(data))
    assert catalog.gettext("Correct! {message}") == "正确！{message}" and catalog.gettext("zzz") == "zzz"
    assert translate.mo_bytes({"b": "乙", "a": "甲"}) == translate.mo_bytes({"a": "甲", "b": "乙"})


def test_every_generated_file_is_up_to_date():
    assert translate.check() == [], "run `python scripts/translate.py build` (then execute the notebooks it wrote)"


def _mini_course(root: Path, markdown: str) -> None:
    nb = {
        "cells": [
            {"cell_type": "markdown", "id": "a", "metadata": {}, "source": markdown},
            {"cell_type": "code", "id": "b", "metadata": {}, "source": "x = 1", "outputs": [], "execution_count": 1},
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    (root / "notebooks").mkdir(exist_ok=True)
    (root / "notebooks" / "00_x.ipynb").write_text(json.dumps(nb), encoding="utf-8")


def _translate(root: Path, src: translate.Source, table: dict[str, str]) -> None:
    catalog = translate.read_catalog(root / src.catalog())
    for message in catalog:
        if message.id in table:
            message.string = table[message.id]
            message.flags.discard("fuzzy")
    (root / src.catalog()).write_bytes(translate.catalog_text(catalog))
