"""The static decks (``make slides``) work on a projector without internet.

Builds every notebook's deck with scripts/slides.py (stored outputs, assets beside the decks),
then opens each from disk in headless Chromium at 1280x720 with every network request blocked,
and steps through it with the keyboard (Space: every slide and sub-slide). On every slide:
nothing overflows the 1280x720 slide (after the deck's own picture fitting), every picture has
loaded, no formula failed to typeset. Over the whole deck: reveal.js started, MathJax typeset
the formulas, no request failed or needed the network, no JavaScript error.
"""

from __future__ import annotations

import time

import pytest
import slides  # scripts/slides.py (tests/conftest.py puts scripts/ on the path)
from labserver import REPO

pytestmark = pytest.mark.e2e

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
DECK_DIR = REPO / "build" / "slides"

JS_MATH_IDLE = (
    "() => window.MathJax && MathJax.Hub && MathJax.Hub.queue.pending === 0 && MathJax.Hub.queue.running === 0"
)

JS_SLIDE = """([width, height]) => {
  const present = document.querySelectorAll('.reveal .slides section.present');
  const section = present[present.length - 1];
  if (!section) return null;
  const box = section.getBoundingClientRect(), scale = box.width / width;
  let bottom = 0, right = 0;
  for (const el of section.querySelectorAll('*')) {
    if (el.parentElement.closest('.jp-RenderedText pre')) continue;   // a long printed output scrolls in its box
    const r = el.getBoundingClientRect();
    if (r.height > 0 && r.width > 0) { bottom = Math.max(bottom, r.bottom - box.top); right = Math.max(right, r.right - box.left); }
  }
  const images = Array.from(section.querySelectorAll('img'));
  return {hash: location.hash, height: Math.round(bottom / scale), width: Math.round(right / scale),
          cells: section.querySelectorAll('.jp-Cell').length,
          text: (section.textContent || '').trim().slice(0, 80),
          brokenImages: images.filter(i => !(i.complete && i.naturalWidth > 0)).length,
          images: images.length,
          mathErrors: section.querySelectorAll('.MathJax_Error, merror').length};
}"""


@pytest.fixture(scope="module")
def decks() -> dict[str, object]:
    """``make slides``: every notebook's deck in build/slides (npm assets fetched on first use)."""
    start = time.perf_counter()
    paths = slides.build_decks(NOTEBOOKS, DECK_DIR)
    print(f"built {len(paths)} decks in {time.perf_counter() - start:.1f} s")
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
    typeset = page.evaluate("() => document.querySelectorAll('.MathJax_CHTML, .mjx-chtml').length")
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
    # 1% for rounding and the cells' own padding
    too_big = [r for r in rows if r["height"] > 1.01 * height or r["width"] > 1.01 * width]
    assert not too_big, f"{deck.name}: slides overflow the {width}x{height} projector:\n" + "\n".join(
        f"- {r['hash']} {r['width']}x{r['height']} px: {r['text']!r}" for r in too_big
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
