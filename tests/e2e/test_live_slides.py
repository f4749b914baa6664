"""A notebook presented as live slides in JupyterLab (jupyterlab-slideshow), explorers live.

Opens 00_start_here in the test JupyterLab (a temporary copy), runs it, switches on the
projector style in its kernel (``viz.use_projector_style()``), selects the title cell and
starts the deck from the command palette's command ("Start Deck", ``deck:start``) at
1280x720, as a lecturer would. Then, with the keyboard only (Space, the deck's "next"), it
steps through every slide to the end, checking that each slide shows something and no error;
on the slide with the explorer it moves the slider with ArrowRight and waits for the picture to
change. A screenshot of that slide lands in tests/e2e/screenshots/live_slide_explorer.png.

Every notebook's slide metadata is checked statically in tests/test_slides.py, and every
slide's fit on a 1280x720 projector in the static decks (tests/e2e/test_decks.py).
"""

from __future__ import annotations

import pytest
from test_notebooks_in_browser import JS_IMAGE_CHANGED, WIDGET_TIMEOUT_S, assert_clean, new_page, open_and_run

pytestmark = pytest.mark.e2e

NOTEBOOK = "00_start_here.ipynb"
PROJECTOR = {"width": 1280, "height": 720}

JS_ONSCREEN = """() => {
  const nb = window.jupyterapp.shell.currentWidget;
  const cells = Array.from(nb.node.querySelectorAll('.jp-Cell'));
  const on = cells.map((c, i) => [i, c]).filter(([i, c]) => c.classList.contains('jp-deck-mod-onscreen'));
  return {indices: on.map(([i]) => i),
          text: on.map(([i, c]) => (c.textContent || '').trim()).join(' ').slice(0, 80),
          deck: !!document.querySelector('[data-jp-deck-mode]'),
          explorer: on.some(([i, c]) => !!c.querySelector('.jp-OutputArea-output > .widget-vbox img.widget-image'))};
}"""

JS_RUN_IN_KERNEL = """(code) => new Promise((resolve, reject) => {
  const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  const future = kernel.requestExecute({code});
  future.done.then(reply => resolve(reply.content.status), reject);
})"""


def test_present_a_notebook_as_live_slides(browser, lab, screenshot_dir, e2e_report):
    page, console_errors = new_page(browser)
    try:
        page.set_viewport_size(PROJECTOR)
        lab.forget_workspaces()
        open_and_run(page, lab, f"notebooks/{NOTEBOOK}")
        assert (
            page.evaluate(JS_RUN_IN_KERNEL, "from course_lib import plotting as viz; viz.use_projector_style()") == "ok"
        )
        page.evaluate("""() => { const nb = window.jupyterapp.shell.currentWidget.content;
                                 nb.activeCellIndex = 0; nb.mode = 'command'; nb.node.focus(); }""")
        page.evaluate("() => window.jupyterapp.commands.execute('deck:start')")
        page.wait_for_function("() => !!document.querySelector('[data-jp-deck-mode]')", timeout=15_000)
        page.wait_for_timeout(500)

        slides, explorer_slides, stuck = [], [], 0
        while stuck < 3 and len(slides) < 200:
            state = page.evaluate(JS_ONSCREEN)
            assert state["indices"], f"slide {len(slides) + 1} shows no cell"
            if slides and state["indices"] == slides[-1]["indices"]:
                stuck += 1  # the last slide: Space no longer moves
            else:
                stuck = 0
                slides.append(state)
                if state["explorer"] and not explorer_slides:
                    explorer_slides.append(len(slides))
                    box = page.query_selector(".jp-deck-mod-onscreen .jp-OutputArea-output > .widget-vbox")
                    handle = box.query_selector(".widget-slider .noUi-handle")
                    old = box.query_selector("img.widget-image").get_attribute("src")
                    handle.focus()
                    page.keyboard.press("ArrowRight")
                    page.wait_for_function(JS_IMAGE_CHANGED, arg=[box, old], timeout=WIDGET_TIMEOUT_S * 1000)
                    page.wait_for_timeout(300)
                    page.screenshot(path=str(screenshot_dir / "live_slide_explorer.png"))
                    box.query_selector("img.widget-image").click()  # hands the keyboard back to the deck
            page.keyboard.press("Space")
            page.wait_for_timeout(150)

        assert explorer_slides, "no slide showed a live explorer"
        assert len(slides) >= 5, f"only {len(slides)} slides: the deck did not advance"
        first = slides[0]["indices"]
        assert 0 in first, "the deck does not open on the title slide"
        page.keyboard.press("Escape")
        page.wait_for_function("() => !document.querySelector('[data-jp-deck-mode]')", timeout=10_000)
        assert_clean(page, NOTEBOOK, "after presenting it")
        assert not console_errors, f"console errors while presenting: {console_errors[:5]}"
        e2e_report["notes"].append(
            f"live slides: {NOTEBOOK} presented, {len(slides)} slides, explorer live on "
            f"slide {explorer_slides[0]}; screenshot live_slide_explorer.png"
        )
    finally:
        page.close()
        lab.shutdown_kernels()  # the next test opens this notebook again in a fresh kernel
        lab.forget_workspaces()
