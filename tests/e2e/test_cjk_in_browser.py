"""The Chinese terms render in the course's own font, in the browser, on the site and in the decks.

The site and the decks ship a subset of Noto Sans SC (site/_static/fonts/NotoSansSC-course.woff,
built by scripts/cjk_font.py) under the @font-face family "Course Noto Sans SC": a learner's machine
may have no CJK font at all. This machine has one (fonts-noto-cjk), so "the Chinese text is drawn"
proves nothing; the test asks Chromium which font drew the glyphs of a Chinese term
(DevTools ``CSS.getPlatformFontsForNode``: a web font is ``isCustomFont``) and whether the shipped
FontFace loaded (``document.fonts``). A deck without the font file, or a page without the @font-face
rule, draws the term in the system font: the last two tests check that the probe sees that.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import slides  # scripts/slides.py (tests/conftest.py puts scripts/ on the path)
from labserver import REPO

pytestmark = pytest.mark.e2e

FAMILY = "Course Noto Sans SC"  # scripts/cjk_font.py FAMILY
TERM = "随机梯度下降"  # a glossary term of notebook 02 ("stochastic gradient descent")
NOTEBOOK = REPO / "notebooks" / "02_stochastic_gradients.ipynb"
CJK = re.compile(r"[\u2e80-\u2fdf\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")

# Mark the element holding `text`, bring it on screen (a deck: go to its slide), wait for the fonts;
# returns the element's computed font-family and the status of the shipped FontFace(s).
JS_PROBE = """async ([text, family]) => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let node = null;
  while (walker.nextNode()) { if (walker.currentNode.textContent.includes(text)) { node = walker.currentNode; break; } }
  if (!node) return null;
  const el = node.parentElement;
  el.setAttribute('data-cjk-probe', '1');
  if (window.Reveal) {
    const section = el.closest('section');
    const idx = Reveal.getIndices(section);
    Reveal.slide(idx.h, idx.v);
  } else {
    el.scrollIntoView();
  }
  await new Promise(r => setTimeout(r, 300));
  await document.fonts.ready;
  const faces = [...document.fonts].filter(f => f.family.replace(/["']/g, '') === family);
  return {fontFamily: getComputedStyle(el).fontFamily, text: el.textContent,
          faces: faces.map(f => f.status)};
}"""


def probe(page, url: str) -> dict:
    """Open ``url`` and describe how :data:`TERM` is drawn: computed family, FontFace status, platform fonts."""
    page.goto(url)
    page.wait_for_load_state("load")
    if "slides.html" in url:
        page.wait_for_function("() => window.Reveal && Reveal.isReady()")
    facts = page.evaluate(JS_PROBE, [TERM, FAMILY])
    assert facts is not None, f"{TERM} not found on {url}"
    session = page.context.new_cdp_session(page)
    try:
        session.send("DOM.enable")
        session.send("CSS.enable")
        root = session.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        node = session.send("DOM.querySelector", {"nodeId": root, "selector": "[data-cjk-probe]"})["nodeId"]
        fonts = session.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    finally:
        session.detach()
    facts["platform"] = fonts
    facts["cjk_glyphs"] = len(CJK.findall(facts["text"]))
    facts["custom_glyphs"] = sum(f["glyphCount"] for f in fonts if f["isCustomFont"])
    return facts


def assert_shipped_font_draws_the_term(facts: dict, where: str) -> None:
    assert facts["fontFamily"].startswith(f'"{FAMILY}"'), (where, facts["fontFamily"])
    assert facts["faces"] and "loaded" in facts["faces"], (where, facts["faces"])
    # every CJK glyph of the element comes from a web font (the shipped one), none from a system CJK font
    assert facts["custom_glyphs"] >= facts["cjk_glyphs"] > 0, (where, facts["platform"])


@pytest.fixture(scope="module")
def deck_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("cjk-deck")
    slides.build_decks([NOTEBOOK], out)
    return out


@pytest.fixture
def page(browser):
    page = browser.new_page()
    yield page
    page.close()


def test_site_page_draws_the_chinese_terms_in_the_shipped_font(site_server, page):
    facts = probe(page, f"{site_server}/notebooks/{NOTEBOOK.stem}.html")
    assert_shipped_font_draws_the_term(facts, "site")


def test_offline_deck_draws_the_chinese_terms_in_the_shipped_font(deck_dir, page):
    facts = probe(page, (deck_dir / f"{NOTEBOOK.stem}.slides.html").as_uri())
    assert_shipped_font_draws_the_term(facts, "deck")


@pytest.mark.parametrize("broken", ["font file removed", "@font-face rule removed"])
def test_the_probe_sees_a_deck_without_the_shipped_font(deck_dir, page, tmp_path, broken):
    """The same deck with its font file deleted, or its @font-face rule stripped: the system CJK font
    draws the term, and the check above fails (it tells the shipped font from a system one)."""
    copy = tmp_path / "deck"
    shutil.copytree(deck_dir, copy)
    deck = copy / f"{NOTEBOOK.stem}.slides.html"
    if broken == "font file removed":
        (copy / slides.CJK_FONT.name).unlink()
    else:
        html = deck.read_text(encoding="utf-8")
        stripped = re.sub(r"@font-face \{[^}]*\}", "", html, count=1)
        assert stripped != html
        deck.write_text(stripped, encoding="utf-8")
    facts = probe(page, deck.as_uri())
    assert facts["custom_glyphs"] == 0, facts["platform"]
    with pytest.raises(AssertionError):
        assert_shipped_font_draws_the_term(facts, broken)
