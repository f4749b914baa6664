"""The static decks (``make slides``) work on a projector without internet.

Builds every notebook's deck with scripts/slides.py (stored outputs, assets beside the decks) with
npm off the PATH and every socket connection refused (Python alone, offline), then opens each from disk in headless Chromium at 1280x720 with every network request blocked,
and steps through it with the keyboard (Space: every slide and sub-slide). On every slide:
no element (text, table, picture, code, formula, list) reaches outside the 1280x720 slide area
or hides part of its content (after the deck's own picture fitting), no formula is broken over
lines, no markdown is left unrendered, every picture has loaded, no formula failed to typeset. Over the whole deck: reveal.js started, MathJax typeset
the formulas, no request failed or needed the network, no JavaScript error.
"""

from __future__ import annotations

import time

import pytest
import slides  # scripts/slides.py (tests/conftest.py puts scripts/ on the path)
from _offline import no_npm_no_network
from labserver import REPO

pytestmark = pytest.mark.e2e

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
DECK_DIR = REPO / "build" / "slides"

#: MathJax finished: MathJax 3 (the course's decks) sets courseMathTypeset; MathJax 2 has a queue.
JS_MATH_IDLE = """() => window.MathJax && (window.courseMathTypeset === true
  || (MathJax.Hub && MathJax.Hub.queue.pending === 0 && MathJax.Hub.queue.running === 0))"""
JS_TYPESET = "() => document.querySelectorAll('.MathJax_CHTML, .mjx-chtml, mjx-container').length"

#: One slide as the projector shows it. Every element is measured against reveal.js's slide area
#: (.reveal .slides, 1280x720 at scale 1), not against its section: reveal.js centres a section at
#: the height it had before MathJax typeset it, so a section that grew afterwards starts low and is
#: cut at the bottom of the screen while its own height still looks fine. Tables, pictures, code,
#: formulas and list items count like any element; only what scrolls in its own box (a long printed
#: output) is skipped. Also: elements that hide part of their content (overflow), a formula broken
#: over lines (inline math much taller than its text: a squashed table column), and markdown that
#: was not rendered (a literal "| --- |" or "**" in a markdown cell's text).
JS_SLIDE = """([width, height]) => {
  const present = document.querySelectorAll('.reveal .slides section.present');
  const section = present[present.length - 1];
  if (!section) return null;
  const frame = document.querySelector('.reveal .slides').getBoundingClientRect();
  const scale = frame.width / width;
  let top = 0, bottom = 0, left = 0, right = 0;
  const outside = [], clipped = [], brokenMath = [], rawMarkdown = [];
  const name = el => el.tagName.toLowerCase() + ': ' + (el.textContent || el.getAttribute('alt') || '').trim().slice(0, 50);
  for (const el of section.querySelectorAll('*')) {
    if (el.parentElement.closest('.jp-RenderedText pre')) continue;   // a long printed output scrolls in its box
    const r = el.getBoundingClientRect();
    if (!(r.height > 0 && r.width > 0)) continue;
    const box = {top: (r.top - frame.top) / scale, bottom: (r.bottom - frame.top) / scale,
                 left: (r.left - frame.left) / scale, right: (r.right - frame.left) / scale};
    top = Math.min(top, box.top); bottom = Math.max(bottom, box.bottom);
    left = Math.min(left, box.left); right = Math.max(right, box.right);
    if (box.bottom > 1.01 * height || box.right > 1.01 * width || box.top < -0.01 * height || box.left < -0.01 * width)
      outside.push(`${name(el)} at ${Math.round(box.left)},${Math.round(box.top)}-${Math.round(box.right)},${Math.round(box.bottom)}`);
    const style = getComputedStyle(el);
    if (style.overflowX !== 'visible' && el.clientWidth > 4 && el.scrollWidth > el.clientWidth + 24 && !el.closest('.jp-RenderedText pre')
        && !el.parentElement.closest('mjx-container')   /* MathJax clips its own stretchy glyphs */
        && !(el.tagName === 'SECTION'))
      clipped.push(`${name(el)}: ${el.scrollWidth} px of content in ${el.clientWidth} px`);
    const display = el.tagName === 'MJX-CONTAINER' && el.getAttribute('display') === 'true';
    if ((el.tagName === 'MJX-CONTAINER' && !display) || el.classList.contains('MathJax_CHTML')) {
      const font = parseFloat(getComputedStyle(el.parentElement).fontSize);
      if (r.height / scale > 3.5 * font) brokenMath.push(`${name(el)}: ${Math.round(r.height / scale)} px high`);
    }
  }
  for (const md of section.querySelectorAll('.jp-RenderedMarkdown')) {
    const walker = document.createTreeWalker(md, NodeFilter.SHOW_TEXT, {acceptNode: n =>
      n.parentElement.closest('code, pre, script, mjx-container, .MathJax_CHTML, .MathJax_Preview')
        ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT});
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const m = n.textContent.match(/\\|\\s*:?-{3,}:?\\s*\\||\\*\\*\\S/);
      if (m) rawMarkdown.push(n.textContent.trim().slice(0, 60));
    }
  }
  const images = Array.from(section.querySelectorAll('img'));
  return {hash: location.hash, height: Math.round(bottom - top), width: Math.round(right - left),
          bottom: Math.round(bottom), right: Math.round(right),
          outside: outside.slice(0, 3), clipped: clipped.slice(0, 3), brokenMath: brokenMath.slice(0, 3),
          rawMarkdown: rawMarkdown.slice(0, 3),
          cells: section.querySelectorAll('.jp-Cell').length,
          text: (section.textContent || '').trim().slice(0, 80),
          brokenImages: images.filter(i => !(i.complete && i.naturalWidth > 0)).length,
          images: images.length,
          mathErrors: section.querySelectorAll('.MathJax_Error, merror, mjx-merror').length};
}"""


@pytest.fixture(scope="module")
def decks() -> dict[str, object]:
    """``make slides`` with Python alone: npm off the PATH and every socket connection refused."""

    start = time.perf_counter()
    with no_npm_no_network():
        paths = slides.build_decks(NOTEBOOKS, DECK_DIR)
    print(f"built {len(paths)} decks in {time.perf_counter() - start:.1f} s (npm absent, network blocked)")
    return {p.name: p for p in paths}


@pytest.fixture
def offline_page(browser):
    """A 1280x720 page whose every request off the local disk is blocked and recorded."""
    page = browser.new_page()
    page.set_viewport_size({"width": slides.PROJECTOR_PX[0], "height": slides.PROJECTOR_PX[1]})
    page.network_requests, page.failed, page.errors = [], [], []

    def block(route):
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            page.network_requests.append(url)
            route.abort()

    page.route("**/*", block)
    page.on("requestfailed", lambda r: page.failed.append(f"{r.url[:120]}: {r.failure}"))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    yield page
    page.close()


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_deck_shows_every_slide_offline(decks, offline_page, notebook, screenshot_dir):
    page = offline_page
    deck = decks[f"{notebook.stem}.slides.html"]
    page.goto(deck.as_uri())
    page.wait_for_selector(".reveal.ready", state="attached", timeout=30_000)
    page.wait_for_function(JS_MATH_IDLE, timeout=60_000)
    typeset = page.evaluate(JS_TYPESET)
    has_math = "$" in notebook.read_text()
    assert typeset > 0 or not has_math, f"{deck.name}: MathJax typeset no formula"

    seen, rows = set(), []
    for _ in range(400):
        page.wait_for_function(JS_MATH_IDLE, timeout=30_000)  # the deck re-typesets a slide when it is shown
        page.wait_for_timeout(30)
        row = page.evaluate(JS_SLIDE, list(slides.PROJECTOR_PX))
        if row["hash"] in seen:
            break
        seen.add(row["hash"])
        rows.append(row)
        page.keyboard.press("Space")
    assert len(rows) > 3, f"{deck.name}: only {len(rows)} slide(s): reveal.js did not start"
    page.keyboard.press("Home")
    page.wait_for_timeout(100)
    page.screenshot(path=str(screenshot_dir / f"deck_{notebook.stem}.png"))

    width, height = slides.PROJECTOR_PX
    report = "\n".join(
        f"- {r['hash']} content to {r['right']}x{r['bottom']} px: {r['text']!r}\n    "
        + "\n    ".join(
            r["outside"] + r["clipped"] + r["brokenMath"] + [f"raw markdown: {t!r}" for t in r["rawMarkdown"]]
        )
        for r in rows
        if r["outside"] or r["clipped"] or r["brokenMath"] or r["rawMarkdown"]
    )
    print(f"{deck.name}: tallest slides", sorted((r["bottom"], r["hash"]) for r in rows)[-3:])
    # 1% for rounding and the cells' own padding
    assert not report, (
        f"{deck.name}: slides that do not fit the {width}x{height} projector or show raw markdown:\n{report}"
    )
    assert not [r for r in rows if r["brokenImages"]], f"{deck.name}: pictures that did not load"
    assert not [r for r in rows if r["mathErrors"]], f"{deck.name}: formulas that failed to typeset"
    assert not page.network_requests, f"{deck.name} needs the network: {page.network_requests[:5]}"
    assert not page.failed, f"{deck.name}: failed requests: {page.failed[:5]}"
    assert not page.errors, f"{deck.name}: JavaScript errors: {page.errors[:5]}"
    assert sum(r["images"] for r in rows) >= sum(
        "image/png" in str(o.get("data", {}))
        for c in slides.nbformat.read(notebook, as_version=4).cells
        if c.cell_type == "code" and c.metadata.get("slideshow", {}).get("slide_type") != "skip"
        for o in c.get("outputs", [])
    ), f"{deck.name}: stored pictures missing from the slides"


def test_decks_show_explorer_pictures_without_the_lab_line(decks):
    """The line "run this cell (Shift+Enter) to make it live again" is for the lab: a deck has no kernel."""
    from course_lib.display import STORED_PICTURE_LINE

    shown = [name for name, path in decks.items() if STORED_PICTURE_LINE in path.read_text(encoding="utf-8")]
    assert not shown, f"decks showing the lab's stored-picture line: {shown}"


#: A slide whose only content is a paragraph shorter than this (words) is a lone sentence (scripts/slides.py
#: merges it into a neighbour: slides.LONE_SENTENCE_WORDS).
LONE_WORDS = slides.LONE_SENTENCE_WORDS


def lone_slides(html: str) -> list[str]:
    """The text of each slide of a built deck (innermost ``<section>``) that holds nothing but one short
    paragraph (< LONE_WORDS words, no formula, no picture) or one heading."""
    from bs4 import BeautifulSoup

    found = []
    for section in BeautifulSoup(html, "html.parser").select(".reveal .slides section"):
        if section.find("section") is not None:
            continue  # a vertical stack: its sub-slides are checked
        cells = section.select(".jp-Cell")
        if len(cells) != 1 or "jp-MarkdownCell" not in cells[0].get("class", []):
            continue
        blocks = [el for el in cells[0].select(".jp-RenderedMarkdown > *") if el.name not in ("style", "script")]
        if len(blocks) != 1 or cells[0].find(["img", "table", "pre", "ul", "ol"]) is not None:
            continue
        block = blocks[0]
        text = " ".join(block.get_text(" ").split()).replace("¶", "").strip()
        heading = block.name in ("h1", "h2", "h3", "h4", "h5", "h6")
        if (
            heading
            and block.name != "h1"
            or (block.name == "p" and "$$" not in text and len(text.split()) < LONE_WORDS)
        ):
            found.append(text)
    return found


def test_no_slide_holds_a_lone_sentence_or_heading(decks):
    """A slide with one short sentence alone (or a heading alone) wastes a projector slide: every built deck."""
    lone = {name: found for name, path in decks.items() if (found := lone_slides(path.read_text(encoding="utf-8")))}
    assert not lone, f"slides holding one short sentence or a heading alone: {lone}"
