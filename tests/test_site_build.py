"""make site: the website builds from the stored notebooks, offline, and passes its own checks."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


pytestmark = pytest.mark.integration  # builds the whole website (make test runs it, make unit does not)


def test_site_has_a_page_per_notebook_home_gallery_replication_and_search(built_site):
    out, stats, _ = built_site
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        assert (out / "notebooks" / f"{nb.stem}.html").is_file(), nb.name
    for page in ("index.html", "gallery.html", "replication.html", "search.html", "searchindex.js"):
        assert (out / page).is_file(), page
    assert stats["pages"] >= 13


def test_every_page_says_how_to_run_it_live(built_site):
    out, _, _ = built_site
    for page in out.rglob("*.html"):
        if "_static" in page.parts or page.name in ("search.html", "genindex.html"):
            continue  # theme assets; Sphinx's generated search and index pages
        text = page.read_text(encoding="utf-8")
        notes = re.findall(r'<div class="admonition note course-run-live".*?</div>', text, re.S)
        assert len(notes) == 1, page
        # course.py works everywhere (Windows learners have no make), like the README says
        lab = "python course.py lab --lang zh" if "zh_CN" in page.relative_to(out).parts else "python course.py lab"
        assert f"<code>{lab}</code>" in notes[0] and "<code>python course.py test</code>" in notes[0], page
        assert "make" not in notes[0], page
    note = (out / "notebooks" / "05_warmup.html").read_text(encoding="utf-8")
    assert "<code>05_warmup.ipynb</code> in <code>my-notebooks/</code>" in note  # the learner's copy (course.py lab)


def test_math_and_everything_else_come_from_the_site_itself(built_site):
    out, _, _ = built_site
    assert (out / "_static" / "mathjax" / "tex-chtml.js").is_file()
    assert any((out / "_static" / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2").glob("*.woff"))
    page = (out / "notebooks" / "01_gradient_descent.html").read_text(encoding="utf-8")
    assert "_static/mathjax/tex-chtml.js" in page
    for html in out.rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        assert "cdn.jsdelivr" not in text and "cdnjs" not in text and "unpkg.com" not in text, html


def test_notebook_figures_have_their_descriptions_as_alt_text(built_site):
    out, _, _ = built_site
    nb = json.loads((ROOT / "notebooks" / "00_start_here.ipynb").read_text(encoding="utf-8"))
    alts = [
        o["metadata"]["image/png"]["alt"]
        for c in nb["cells"]
        for o in c.get("outputs", [])
        if "image/png" in o.get("data", {})
    ]
    assert alts, "00_start_here has figures"
    page = (out / "notebooks" / "00_start_here.html").read_text(encoding="utf-8")
    import html

    for alt in alts:
        assert f'alt="{html.escape(alt)}"' in page


def test_check_site_finds_broken_links_missing_pages_and_file_name_alts(tmp_path, built_site):
    _, _, module = built_site
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "index.html").write_text(
        '<a href="nowhere.html">x</a><img src="a.png" alt="a.png"><img src="b.png">', encoding="utf-8"
    )
    (tmp_path / "a.png").write_bytes(b"png")
    problems = module.check_site(tmp_path, [Path("notebooks/00_start_here.ipynb")])
    text = "\n".join(problems)
    assert "00_start_here.ipynb has no page" in text
    assert "broken link or missing file: nowhere.html" in text
    assert "alt text is a file name" in text and "image without alt text: b.png" in text
    assert "missing file: b.png" in text


def test_a_lecturing_folder_becomes_the_lecturers_guide(tmp_path, built_site):
    _, _, module = built_site
    root = tmp_path / "course"
    for part in ("site", "notebooks", "figures"):
        (root / part).mkdir(parents=True)
    (root / "site" / "index.md").write_text("# Home\n\n<!-- lecturing-toctree -->\n", encoding="utf-8")
    (root / "README.md").write_text("# x\n", encoding="utf-8")
    module.stage(tmp_path / "without", root)
    assert "lecturing" not in (tmp_path / "without" / "index.md").read_text(encoding="utf-8")
    (root / "lecturing").mkdir()
    (root / "lecturing" / "01_plan.md").write_text("# Plan\n", encoding="utf-8")
    module.stage(tmp_path / "with", root)
    index = (tmp_path / "with" / "index.md").read_text(encoding="utf-8")
    assert "lecturing/*" in index and (tmp_path / "with" / "lecturing" / "01_plan.md").is_file()


def test_the_concept_index_is_a_page(built_site):
    out, _, _ = built_site
    from course_lib.references import concepts

    page = (out / "concepts.html").read_text(encoding="utf-8")
    assert all(c.term in page for c in concepts.CONCEPTS.values())
    assert 'href="notebooks/03_momentum_and_adaptive.html"' in page


def test_the_terminology_table_is_a_page_linked_from_the_home_page(built_site):
    out, _, _ = built_site
    from course_lib.references import terminology

    page = (out / "terminology.html").read_text(encoding="utf-8")
    assert all(t.zh in page and t.en in page for t in terminology.TERMS)
    assert "学习率初始化" in page and "https://zh.d2l.ai/chapter_optimization/lr-scheduler.html" in page
    assert 'href="terminology.html"' in (out / "index.html").read_text(encoding="utf-8")


def _site_pages(site: Path, skip: str | None = None) -> list[str]:
    return sorted(
        p.relative_to(site).as_posix()
        for p in site.rglob("*.html")
        if "_static" not in p.relative_to(site).parts and p.relative_to(site).parts[0] != skip
    )


def test_the_chinese_site_has_every_page_and_every_page_switches_to_its_twin(built_site):
    """English ⇄ 中文 on every page of both sites: one switch, pointing at the same page in the other language."""
    out, stats, _ = built_site
    zh = out / "zh_CN"
    english, chinese = _site_pages(out, skip="zh_CN"), _site_pages(zh)
    assert english == chinese and stats["pages_zh"] == stats["pages"] == len(english)
    for site, twin_site, pages, lang, other in ((out, zh, english, "en", "zh-CN"), (zh, out, chinese, "zh-CN", "en")):
        for name in pages:
            text = (site / name).read_text(encoding="utf-8")
            assert re.search(rf'<html[^>]* lang="{lang}"', text), name
            switches = re.findall(r'<a class="course-language-twin" href="([^"]+)" hreflang="([^"]+)"', text)
            assert len(switches) == 1, f"{site.name}/{name}: {switches}"
            href, hreflang = switches[0]
            assert hreflang == other and ((site / name).parent / href).resolve() == (twin_site / name).resolve(), (
                f"{site.name}/{name} switches to {href}"
            )


def test_the_chinese_pages_are_the_translations(built_site):
    """Notebook 00 (translated) reads in Chinese with the shared figures and translated alt text; its language
    cell (for a kernel) is not on the page; Sphinx's own words are Chinese; an untranslated page stays English."""
    out, _, _ = built_site
    import html

    import translate  # scripts/translate.py (tests/conftest.py puts scripts/ on the path)

    table = translate.translations(translate.Source("notebooks/00_start_here.ipynb"))
    assert table, "notebook 00 has a Chinese catalog on this branch"
    page = (out / "zh_CN" / "notebooks" / "00_start_here.html").read_text(encoding="utf-8")
    heading = next(v for k, v in table.items() if k.startswith("# "))
    assert html.escape(heading.lstrip("# ").strip(), quote=False) in page
    assert "use_language" not in page
    english = (out / "notebooks" / "00_start_here.html").read_text(encoding="utf-8")
    assert len(re.findall(r"<img ", page)) == len(re.findall(r"<img ", english))  # the same figures
    assert "搜索" in (out / "zh_CN" / "search.html").read_text(encoding="utf-8")  # Sphinx's chrome in Chinese


def test_the_shipped_font_covers_every_character_of_the_chinese_site(built_site):
    """scripts/cjk_font.py's scan (sources, catalogs, Sphinx's and the themes' words) misses nothing a page shows."""
    out, _, _ = built_site
    from fontTools.ttLib import TTFont

    spec = importlib.util.spec_from_file_location("cjk_font", ROOT / "scripts" / "cjk_font.py")
    cjk_font = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cjk_font)
    cmap = TTFont(cjk_font.FONT).getBestCmap()
    shown: set[str] = set()
    for path in (out / "zh_CN").rglob("*"):
        if path.suffix in (".html", ".js") and path.is_file():
            shown |= set(cjk_font.CJK.findall(path.read_text(encoding="utf-8", errors="ignore")))
    missing = sorted(c for c in shown if ord(c) not in cmap)
    assert len(shown) > 100 and not missing, f"not in the font: {''.join(missing)} (python scripts/cjk_font.py)"


def test_check_site_finds_a_wrong_language_and_a_missing_switch(tmp_path, built_site):
    _, _, module = built_site
    for site in ("en", "zh"):
        (tmp_path / site).mkdir()
    (tmp_path / "en" / "index.html").write_text(
        '<html lang="en"><a class="course-language-twin" href="../zh/nowhere.html">中文</a></html>', encoding="utf-8"
    )
    (tmp_path / "zh" / "index.html").write_text('<html lang="zh_CN"></html>', encoding="utf-8")
    problems = "\n".join(
        module.check_site(tmp_path / "en", [], lang="en", twin_root=tmp_path / "zh")
        + module.check_site(tmp_path / "zh", [], lang="zh-CN", twin_root=tmp_path / "en")
    )
    assert "language switch ['../zh/nowhere.html'] does not point at its twin" in problems
    assert "language switch [] does not point at its twin" in problems
    assert '<html lang="zh_CN">, expected "zh-CN"' in problems
