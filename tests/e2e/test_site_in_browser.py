"""The course website in headless Chromium, with the network limited to the local site.

Every page of the built site (tests/conftest.py ``built_site``, served over HTTP on
127.0.0.1 by ``site_server``) opens with no failed or non-local request and no console
error; every image loads and has a description as alt text; every internal link (and its
#anchor) resolves; math is typeset by the site's own MathJax (no raw TeX left); every
notebook picture, explorers' included, is there; search finds a word; and axe-core
reports no "serious" or "critical" accessibility violation.

The Chinese site (zh_CN/, the same checks and axe on a sample of its pages: home, search, a translated
notebook, an untranslated one, the gallery) and the language switch: on a desktop and a phone it is
visible on every page of the sample and leads to the same page in the other language and back.
"""

from __future__ import annotations

import json
import re
import urllib.request
from collections import Counter
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
PAGES = [
    "index.html",
    "gallery.html",
    "replication.html",
    "search.html",
    "genindex.html",
    "terminology.html",
    *(f"notebooks/{nb.stem}.html" for nb in NOTEBOOKS),
]
#: The Chinese site's sample (every page of it is built and checked by check_site; these also open in Chromium).
ZH_PAGES = [
    "zh_CN/index.html",
    "zh_CN/search.html",
    "zh_CN/notebooks/00_start_here.html",  # translated and executed on the i18n branch
    "zh_CN/notebooks/05_warmup.html",  # an explorer's pictures; English prose until translated
    "zh_CN/gallery.html",
]
ALL_PAGES = PAGES + ZH_PAGES
BAD_IMPACTS = ("serious", "critical")
_AXE_TOTALS: Counter = Counter()
_FETCHED: dict[str, str | None] = {}

# Wait for MathJax (if the page loads it) to finish typesetting, then describe the page.
PAGE_FACTS = """async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) { await MathJax.startup.promise; }
  const imgs = [...document.images];
  await Promise.all(imgs.map(i => { i.loading = 'eager'; return i.decode().catch(() => null); }));
  const article = document.querySelector('article') || document.body;
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT, {acceptNode: n =>
      n.parentElement.closest('pre, code, script, style, mjx-container, .highlight, .cell_output')
        ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT});
  let text = '';
  while (walker.nextNode()) text += walker.currentNode.textContent;
  return {
    images: imgs.map(i => ({src: i.currentSrc || i.src, alt: i.getAttribute('alt'), width: i.naturalWidth,
                            output: !!i.closest('.cell_output')})),
    links: [...document.querySelectorAll('a[href]')].map(a => a.href),
    mathSpans: document.querySelectorAll('.math').length,
    mathjax: document.querySelectorAll('mjx-container').length,
    text: text,
  };
}"""


def _stored_images(path: Path) -> int:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return sum("image/png" in o.get("data", {}) for c in nb["cells"] for o in c.get("outputs", []))


def _open(browser, url: str, base: str):
    """A new tab on ``url`` that may only load from ``base``; returns (page, problems)."""
    page = browser.new_page()
    problems: list[str] = []

    def block(r):
        problems.append(f"non-local request blocked: {r.request.url}")
        r.abort()

    # Only what is not the local site is intercepted (and aborted).
    page.route(lambda url: not (url.startswith(base + "/") or url.startswith("data:")), block)
    page.on("requestfailed", lambda req: problems.append(f"request failed: {req.url} ({req.failure})"))
    page.on("response", lambda resp: resp.status >= 400 and problems.append(f"HTTP {resp.status}: {resp.url}"))
    page.on("console", lambda msg: msg.type == "error" and problems.append(f"console error: {msg.text}"))
    page.on("pageerror", lambda err: problems.append(f"page error: {err}"))
    page.goto(url, wait_until="load")
    return page, problems


def _resolves(url: str) -> str | None:
    """None if ``url`` (a page of the local site, maybe with #anchor) resolves, else what is wrong."""
    page_url, fragment = urldefrag(url)
    if page_url not in _FETCHED:
        try:
            with urllib.request.urlopen(page_url, timeout=10) as response:
                _FETCHED[page_url] = response.read().decode("utf-8", "replace")
        except OSError as err:
            _FETCHED[page_url] = None
            return f"{url}: {err}"
    body = _FETCHED[page_url]
    if body is None:
        return f"{url}: does not load"
    if fragment and not re.search(rf'id="{re.escape(fragment)}"', body):
        return f"{url}: no element with id {fragment!r}"
    return None


@pytest.mark.parametrize("path", ALL_PAGES)
def test_page_in_browser(browser, site_server, e2e_report, path):
    from axe_playwright_python.sync_playwright import Axe

    page, problems = _open(browser, f"{site_server}/{path}", site_server)
    try:
        facts = page.evaluate(PAGE_FACTS)
        for img in facts["images"]:
            if img["width"] == 0:
                problems.append(f"image not loaded: {img['src'][:100]}")
            if not (img["alt"] or "").strip() or Path(urlsplit(img["src"]).path).name in img["alt"]:
                problems.append(f"image without a description: {img['src'][:100]} alt={img['alt']!r}")
        for link in sorted(set(facts["links"])):
            if link.startswith(site_server + "/"):
                wrong = _resolves(link)
                if wrong:
                    problems.append(f"broken internal link: {wrong}")
        if facts["mathSpans"]:
            if facts["mathjax"] == 0:
                problems.append(f"{facts['mathSpans']} formulas but no MathJax output")
        raw = re.findall(r"\$[^$\s][^$]{0,80}\$|\\\(.{0,80}?\\\)", facts["text"])
        if raw:
            problems.append(f"raw TeX left on the page: {raw[:3]}")
        if path.removeprefix("zh_CN/").startswith("notebooks/"):  # the Chinese page shows the same figures
            stored = _stored_images(ROOT / "notebooks" / (Path(path).stem + ".ipynb"))
            shown = sum(img["output"] for img in facts["images"])
            if shown != stored:
                problems.append(f"{stored} pictures in the notebook (explorers' included), {shown} on the page")
        # preload=False: axe would fetch the theme's @import-ed stylesheet itself, resolved
        # against the page instead of the stylesheet (a 404 no reader's browser makes).
        results = Axe().run(page, options={"resultTypes": ["violations"], "preload": False})
        violations = results.response["violations"]
        for v in violations:
            _AXE_TOTALS[v["impact"]] += len(v["nodes"])
        bad = [
            f"axe {v['impact']}: {v['id']} ({len(v['nodes'])} nodes): {v['help']}; e.g. {v['nodes'][0]['target']}"
            for v in violations
            if v["impact"] in BAD_IMPACTS
        ]
        problems.extend(bad)
    finally:
        page.close()
    if path == ALL_PAGES[-1]:
        e2e_report["notes"].append(
            f"website: axe violations (nodes) by impact over {len(ALL_PAGES)} pages"
            f" ({len(ZH_PAGES)} Chinese): {dict(_AXE_TOTALS) or 'none'}"
        )
    assert not problems, f"{path}:\n  " + "\n  ".join(problems)


def test_search_finds_a_word(browser, site_server):
    page, problems = _open(browser, f"{site_server}/search.html?q=warm-up", site_server)
    try:
        page.wait_for_selector("#search-results li", timeout=15_000)
        hits = page.locator("#search-results li").count()
    finally:
        page.close()
    assert not problems, problems
    assert hits >= 2, f"search for 'warm-up' found {hits} pages"


@pytest.mark.parametrize("width", [1280, 390])
def test_replication_table_does_not_scroll_the_page_sideways(browser, site_server, width):
    """ "How sure are we?" on a desktop and a phone: a wide table scrolls in its own box, not the page."""
    page = browser.new_page()
    try:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{site_server}/replication.html", wait_until="load")
        scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    finally:
        page.close()
    assert scroll <= inner, f"the page is {scroll} px wide in a {inner} px window"


def test_the_home_page_opens_on_a_picture_of_what_the_course_shows(browser, site_server, screenshot_dir):
    """A newcomer sees a figure of the course (a run, not a sitemap) before the first section."""
    page, problems = _open(browser, f"{site_server}/index.html", site_server)
    try:
        page.set_viewport_size({"width": 1280, "height": 900})
        hero = page.evaluate(
            """() => {
              const article = document.querySelector('article');
              const first = article.querySelector('h2');
              const img = [...article.querySelectorAll('img')].find(i =>
                  first && (i.compareDocumentPosition(first) & Node.DOCUMENT_POSITION_FOLLOWING));
              return img ? {alt: img.alt, width: img.naturalWidth, shown: img.getBoundingClientRect().width} : null;
            }"""
        )
        page.screenshot(path=str(screenshot_dir / "site-home.png"))
    finally:
        page.close()
    assert not problems, problems
    assert hero, "the home page has no picture before its first section"
    assert hero["width"] > 0 and hero["shown"] >= 400 and len(hero["alt"]) > 20, hero


def test_page_titles_are_not_doubled_and_prose_fits_a_phone(browser, site_server):
    """No "X — X" title; at 390 px no page scrolls sideways (code and tables scroll in their own box)."""
    page = browser.new_page()
    wrong = []
    try:
        page.set_viewport_size({"width": 390, "height": 844})
        for path in ALL_PAGES:
            page.goto(f"{site_server}/{path}", wait_until="load")
            title = page.title()
            parts = [p.strip() for p in title.split("—")]
            if len(parts) != len(set(parts)):
                wrong.append(f"{path}: doubled title {title!r}")
            scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            if scroll > inner:
                wrong.append(f"{path}: {scroll} px wide on a {inner} px phone")
    finally:
        page.close()
    assert not wrong, "\n  ".join(wrong)


def test_search_snippets_are_plain_text(browser, site_server, screenshot_dir):
    """A result's snippet shows the article's words: no TeX source, no theme menu ("System Settings Light Dark")."""
    page, problems = _open(browser, f"{site_server}/search.html?q=stability+limit", site_server)
    try:
        page.wait_for_selector("#search-results li p.context", timeout=30_000)
        page.wait_for_timeout(1500)  # every found page's snippet fetched
        snippets = page.eval_on_selector_all("#search-results li p.context", "els => els.map(e => e.innerText)")
        page.screenshot(path=str(screenshot_dir / "site-search.png"), full_page=True)
    finally:
        page.close()
    assert not problems, problems
    assert len(snippets) >= 2, snippets
    text = "\n".join(snippets)
    for junk in ("\\(", "\\)", "\\eta", "$$", "System Settings", "Light Dark"):
        assert junk not in text, f"{junk!r} in the search snippets:\n{text[:1500]}"
    assert "η" in text or "2/L" in text, f"the formulas are gone from the snippets:\n{text[:1500]}"


# The Chinese glossary terms of notebook 10: is the shipped subset (scripts/cjk_font.py) what draws them?
CJK_FACTS = """async () => {
  await document.fonts.ready;
  const walker = document.createTreeWalker(document.querySelector('article') || document.body, NodeFilter.SHOW_TEXT);
  let node = null;
  while (walker.nextNode()) { if (/[\\u4e00-\\u9fff]/.test(walker.currentNode.textContent)) { node = walker.currentNode; break; } }
  if (!node) return null;
  const char = node.textContent.match(/[\\u4e00-\\u9fff]/)[0];
  const faces = [...document.fonts].filter(f => f.family.replace(/"/g, '') === 'Course Noto Sans SC');
  return {char: char, family: getComputedStyle(node.parentElement).fontFamily,
          statuses: faces.map(f => f.status), check: document.fonts.check('16px "Course Noto Sans SC"', char)};
}"""


def test_chinese_terms_render_with_the_shipped_font(browser, site_server):
    """Without a system CJK font the terms were boxes; the site now loads its own subset for them."""
    page, problems = _open(browser, f"{site_server}/notebooks/10_pitfalls.html", site_server)
    try:
        facts = page.evaluate(CJK_FACTS)
    finally:
        page.close()
    assert not problems, problems
    assert facts is not None, "no Chinese character on the page"
    assert "Course Noto Sans SC" in facts["family"], facts
    assert "loaded" in facts["statuses"] and facts["check"], facts


@pytest.mark.parametrize("width", [1280, 390])
def test_the_language_switch_leads_to_the_same_page_and_back(browser, site_server, width):
    """English ⇄ 中文: visible on a desktop and a phone, one click to the twin (its lang says so), one click back."""
    page = browser.new_page()
    wrong = []
    try:
        page.set_viewport_size({"width": width, "height": 900})
        for zh in ZH_PAGES:
            en = zh.removeprefix("zh_CN/")
            for start, twin, lang in ((en, zh, "zh-CN"), (zh, en, "en")):
                page.goto(f"{site_server}/{start}", wait_until="load")
                link = page.locator("a.course-language-twin")
                if link.count() != 1 or not link.is_visible():
                    wrong.append(
                        f"{start} at {width} px: {link.count()} switch(es), visible: {link.count() and link.is_visible()}"
                    )
                    continue
                link.click()
                page.wait_for_load_state("load")
                landed = urlsplit(page.url).path.lstrip("/")
                if landed != twin or page.evaluate("document.documentElement.lang") != lang:
                    wrong.append(
                        f"{start}: the switch led to {landed} (lang {page.evaluate('document.documentElement.lang')})"
                    )
    finally:
        page.close()
    assert not wrong, "\n  ".join(wrong)


def test_the_chinese_site_renders_with_the_shipped_font(browser, site_server):
    """A Chinese page is drawn with the course's subset, whatever fonts the reader's system has."""
    page, problems = _open(browser, f"{site_server}/zh_CN/notebooks/00_start_here.html", site_server)
    try:
        facts = page.evaluate(CJK_FACTS)
    finally:
        page.close()
    assert not problems, problems
    assert facts is not None and "Course Noto Sans SC" in facts["family"], facts
    assert "loaded" in facts["statuses"] and facts["check"], facts
