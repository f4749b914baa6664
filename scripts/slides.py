"""Slides for the classroom: slide structure in cell metadata, and static reveal.js decks.

    python scripts/slides.py --split --mark notebooks/*.ipynb  # split tall text, (re)write slide types
    python scripts/slides.py --check notebooks/*.ipynb   # report unsound slide structure
    python scripts/slides.py --decks build/slides        # one offline deck per notebook (make slides)
    python scripts/slides.py --decks build/slides --lang zh   # Chinese decks: build/slides/zh_CN (make slides LANG=zh)

Slide structure lives in each cell's standard ``metadata.slideshow.slide_type``, which both
JupyterLab's live deck (jupyterlab-slideshow) and ``nbconvert --to slides`` read:

* ``slide``: the title cell, and every markdown cell that opens with a ``##`` heading;
* ``subslide``: a ``###`` heading, a cell tagged ``new-subslide`` (the author's break, where the
  estimate is too rough: a table full of formulas, a quoted list), and any cell that would not fit
  on the slide it follows (heights estimated by :func:`estimated_height`, checked in the browser
  by tests/e2e/test_decks.py at 1280x720);
* ``skip``: code that shows nothing and teaches nothing on a screen (imports, asserts, and
  assignments or loops that only feed asserts); see :func:`is_skippable`;
* ``-``: everything else continues the current slide, and so does a cell that would start a
  sub-slide right after a lone heading (no slide holds a heading alone).

In a deck (not in the notebook's metadata) a slide that holds one short paragraph and nothing else
(fewer than :data:`LONE_SENTENCE_WORDS` words, no formula block, no picture: "First, the tuning
curves: ...", "Next: 04_decay ...") joins the slide after it, or the one before it when it is the
last or the next one opens a section (:func:`merge_lone_sentences`).

The static decks load reveal.js 4.0.2 (vendored in scripts/deck/reveal.js) and MathJax 3 (the
website's copy, site/_static/mathjax) from files beside them (``_assets/``), so building them needs
Python alone (no npm, no network) and a projector without internet shows every slide, formula and
stored explorer picture. A deck is a lecture, not the notebook dumped: :func:`deck_notebook` leaves
out test plumbing and the placeholder verdicts of unanswered exercises.

The Chinese decks (``--lang zh``) are built from notebooks/zh_CN (the translated notebooks, executed:
their outputs speak Chinese) into ``<DIR>/zh_CN``, with ``<html lang="zh-CN">``; their language cell
is marked ``skip`` like any plumbing, and a placeholder verdict is recognised in either language.
"""

from __future__ import annotations

import argparse
import ast
import base64
import copy
import re
import shutil
import struct
import sys
from pathlib import Path
from typing import Any, Iterable

import nbformat

from course_lib.display import is_stored_line
from course_lib.i18n import LANGUAGES, tr_in

ROOT = Path(__file__).resolve().parent.parent
SLIDE_TYPES = ("slide", "subslide", "fragment", "-", "skip", "notes")

#: The projector the slides are made for (CSS px): reveal.js lays every slide out at this size.
PROJECTOR_PX = (1280, 720)
#: Vertical room on a slide for content (reveal.js pads a section; keep a margin).
SLIDE_BUDGET_PX = 600
#: The cell tag that starts a sub-slide whatever the estimate says.
BREAK_TAG = "new-subslide"
#: What a deck loads, copied beside it into ``_assets/``: reveal.js (vendored, see its README) and the
#: website's MathJax 3 (one copy for site and decks); and the nbconvert template that loads them.
DECK_DIR = ROOT / "scripts" / "deck"
REVEAL_DIR = DECK_DIR / "reveal.js"
MATHJAX_DIR = ROOT / "site" / "_static" / "mathjax"
TEMPLATE_NAME = "template"
ASSETS = "_assets"

#: The projector style of a deck: reveal.js lays slides out at PROJECTOR_PX, text at 20 px, code at 19 px
#: (nbconvert's sizes); a stored picture is drawn at most IMAGE_MAX_PX high, and a slide that still
#: overflows shrinks its pictures (never its text) down to IMAGE_MIN_SCALE (see DECK_FIT_JS).
IMAGE_MAX_PX = 440
CODE_FONT_PX = 17  # a 115-character line of course code fits the slide's width
TABLE_FONT_PX = 17  # the pitfall table of 07 fits one slide
TEXT_OUTPUT_MAX_PX = 280  # a longer printed output scrolls in its own box
IMAGE_MIN_SCALE = 0.5
_CODE_LINE_PX = 27
_TEXT_LINE_PX = 30
_TEXT_CHARS_PER_LINE = 118

# ---------------------------------------------------------------------------
# Which cells to skip, where slides start
# ---------------------------------------------------------------------------


def _only_feeds_asserts(stmt: ast.stmt, has_assert: bool = False) -> bool:
    if isinstance(stmt, (ast.Import, ast.ImportFrom, ast.Assert, ast.Pass)):
        return True
    if has_assert and isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        return True
    if isinstance(stmt, (ast.For, ast.If)):
        return all(_only_feeds_asserts(s, has_assert) for s in [*stmt.body, *stmt.orelse])
    return False


def is_skippable(cell: Any) -> bool:
    """True for a code cell a class need not see: it displays nothing and only imports or asserts.

    Allowed statements: imports, asserts, ``pass``, loops/ifs of those, and assignments (also
    inside those loops) that exist only to feed the asserts (the cell must contain at least one
    assert then): a cell whose only job is checking stays out of the slides. A cell
    that defines a function or a class, calls anything at top level, or has a stored output
    (a print, a plot, a check's verdict) is never skipped: the lesson may need it.
    """
    if cell.cell_type != "code" or cell.get("outputs"):
        return False
    source = cell.source.strip()
    if not source:
        return True
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    has_assert = any(isinstance(node, ast.Assert) for node in ast.walk(tree))
    return all(_only_feeds_asserts(stmt, has_assert) for stmt in tree.body)


def _png_height(output: Any) -> int:
    """The height (CSS px) a stored PNG takes on a deck slide: its size, scaled to fit the slide."""
    data = output.get("data", {}).get("image/png")
    if not data:
        return 0
    head = base64.b64decode(data[:64] + "=" * (-len(data[:64]) % 4))
    width, height = struct.unpack(">II", head[16:24])
    scale = min(1.0, (PROJECTOR_PX[0] - 140) / max(width, 1), IMAGE_MAX_PX / max(height, 1))
    return int(height * scale)


def _markdown_height(source: str) -> int:
    """Rough rendered height (CSS px) of markdown at the deck's 20 px text (within ~30% in 02-08)."""
    height, in_math = 20, False
    for line in source.splitlines():
        text = line.strip()
        if text.startswith("$$"):
            if text.count("$$") == 2 and len(text) > 4:
                height += 60
            else:
                in_math = not in_math
                height += 0 if in_math else 20
            continue
        if in_math:
            height += 45
        elif not text:
            height += 12
        elif text.startswith("#"):
            height += 55
        elif text.startswith("|"):
            if not set(text) <= set("|-: "):
                height += 42 * max(1, -(-len(re.sub(r"\$[^$]*\$", "xxxx", text)) // 150))
        else:
            height += _TEXT_LINE_PX * max(1, -(-len(re.sub(r"\$[^$]*\$", "xxxxxx", text)) // _TEXT_CHARS_PER_LINE))
    return height


def estimated_height(cell: Any) -> int:
    """A rough height (CSS px) of ``cell`` on a deck slide: its text or code plus its outputs."""
    if cell.cell_type != "code":
        return _markdown_height(cell.source)
    height = _CODE_LINE_PX * sum(max(1, -(-len(line) // 100)) for line in cell.source.splitlines() or [""]) + 40
    for output in cell.get("outputs", []):
        if is_stored_line(output):  # not in a deck (deck_notebook drops it)
            continue
        png = _png_height(output)
        if png:
            height += png + 10
        elif "text/markdown" in output.get("data", {}):
            height += 42 * len(output["data"]["text/markdown"].splitlines()) + 10
        else:
            text = output.get("text") or output.get("data", {}).get("text/plain", "")
            height += min(26 * len(text.splitlines()), TEXT_OUTPUT_MAX_PX) + 10
    return height


def split_markdown(source: str, limit_px: int) -> list[str]:
    """``source`` cut at blank lines (never inside a ``$$`` block) into pieces of at most ``limit_px``.

    The text is unchanged: ``"\n\n".join(pieces)`` gives it back (up to blank lines). A single
    paragraph taller than the limit stays whole.
    """
    if limit_px <= 0:
        raise ValueError(f"limit_px must be > 0 (CSS px), got limit_px={limit_px}")
    blocks, current, in_math = [], [], False
    for line in source.splitlines():
        if line.strip().startswith("$$") and not (line.strip().count("$$") == 2 and len(line.strip()) > 4):
            in_math = not in_math
        if not line.strip() and not in_math:
            if current:
                blocks.append("\n".join(current))
            current = []
        else:
            current.append(line)
    if current:
        blocks.append("\n".join(current))
    pieces: list[str] = []
    for block in blocks:
        if pieces and _markdown_height(pieces[-1] + "\n\n" + block) <= limit_px:
            pieces[-1] += "\n\n" + block
        else:
            pieces.append(block)
    # a list item or a table row that opens a piece continues the previous one: keep them together
    merged: list[str] = []
    for piece in pieces:
        if (
            merged
            and re.match(r"\s*([-*+|]|\d+\.)\s", piece)
            and re.match(r"\s*([-*+|]|\d+\.)\s", merged[-1].splitlines()[-1])
            and _markdown_height(merged[-1]) < limit_px // 3
        ):
            merged[-1] += "\n\n" + piece
        else:
            merged.append(piece)
    return merged


def split_long_markdown(nb: Any, limit_px: int = SLIDE_BUDGET_PX) -> bool:
    """Split every markdown cell of ``nb`` taller than ``limit_px`` (see :func:`split_markdown`)."""
    cells, changed = [], False
    for cell in nb.cells:
        pieces = split_markdown(cell.source, limit_px) if cell.cell_type == "markdown" else []
        if len(pieces) > 1:
            changed = True
            cell.source = pieces[0]  # the first piece keeps the cell's id and metadata
            cells.append(cell)
            cells.extend(nbformat.v4.new_markdown_cell(piece) for piece in pieces[1:])
        else:
            cells.append(cell)
    nb.cells = cells
    return changed


def _heading_level(cell: Any) -> int:
    if cell.cell_type != "markdown":
        return 0
    match = re.match(r"(#{1,6})\s", cell.source.lstrip())
    return len(match.group(1)) if match else 0


def _heading_only(cell: Any) -> bool:
    """True for a markdown cell that is one heading line and nothing else."""
    lines = cell.source.strip().splitlines() if cell.cell_type == "markdown" else []
    return len(lines) == 1 and _heading_level(cell) > 0


def slide_types(nb: Any, budget_px: int = SLIDE_BUDGET_PX) -> list[str]:
    """The slide type of each cell of ``nb`` by the rules in the module docstring.

    No slide holds a lone heading: a cell that would start a sub-slide (``###``, the break tag,
    or its height) right after a slide that so far holds only a heading continues that slide.
    """
    if budget_px <= 0:
        raise ValueError(f"budget_px must be > 0 (CSS px), got budget_px={budget_px}")
    types: list[str] = []
    used, lone_heading = 0, False
    for i, cell in enumerate(nb.cells):
        height = estimated_height(cell)
        level = _heading_level(cell)
        if i == 0 or level in (1, 2):
            kind = "slide"
        elif is_skippable(cell):
            types.append("skip")
            continue
        elif lone_heading:
            kind = "-"
        elif level == 3 or BREAK_TAG in cell.metadata.get("tags", ()) or used + height > budget_px:
            kind = "subslide"
        else:
            kind = "-"
        used = height if kind != "-" else used + height
        lone_heading = kind != "-" and _heading_only(cell)
        types.append(kind)
    return types


#: A slide holding one markdown paragraph of fewer words than this, and nothing else, joins a neighbour.
LONE_SENTENCE_WORDS = 40
_NOT_A_SENTENCE = re.compile(r"\$\$|!\[|<img|^\s*(#|[-*+] |\d+[.)] |>|\|)", re.M)


def is_lone_sentence(cell: Any) -> bool:
    """True for a markdown cell that is one short paragraph (< LONE_SENTENCE_WORDS words): no heading, list,
    quote, table, formula block or picture."""
    if cell.cell_type != "markdown":
        return False
    text = cell.source.strip()
    return (
        bool(text)
        and "\n\n" not in text
        and not _NOT_A_SENTENCE.search(text)
        and len(text.split()) < LONE_SENTENCE_WORDS
    )


def _split_list_tail(group: list[Any], budget_px: int) -> Any | None:
    """Cut the trailing items of the bulleted list that ends ``group`` (its last cell, markdown) so that
    the rest fits :data:`SLIDE_BUDGET_PX` with a margin; returns a new sub-slide cell holding those items
    (None: no such list, or fewer than two items)."""
    last = group[-1]
    if last.cell_type != "markdown":
        return None
    lines = last.source.rstrip().splitlines()
    starts = [k for k, line in enumerate(lines) if re.match(r"[-*+] ", line)]
    if len(starts) < 2 or starts[0] != 0:
        return None
    others = sum(estimated_height(c) for c in group[:-1])
    cut = len(starts) - 1
    while cut > 1 and others + _markdown_height("\n".join(lines[: starts[cut]])) > 0.85 * budget_px:
        cut -= 1
    last.source = "\n".join(lines[: starts[cut]])
    tail = nbformat.v4.new_markdown_cell("\n".join(lines[starts[cut] :]))
    tail.metadata["slideshow"] = {"slide_type": "subslide"}
    return tail


def merge_lone_sentences(nb: Any, budget_px: int = SLIDE_BUDGET_PX) -> int:
    """Join each slide of ``nb`` that holds only a lone sentence (:func:`is_lone_sentence`) to a neighbour,
    by its cells' ``slide_type`` (in place); returns how many were joined.

    It joins the next slide (a lead-in to the picture or code there) when that one is a sub-slide and
    both fit :data:`SLIDE_BUDGET_PX`; else the previous one (the closing "Next: ..." line), if it fits;
    else the next one anyway (the deck shrinks a picture that does not fit, never text).
    """

    def kind(cell: Any) -> str:
        return cell.metadata.get("slideshow", {}).get("slide_type", "-")

    groups: list[list[Any]] = []
    for cell in nb.cells:
        if kind(cell) in ("skip", "notes"):
            continue
        if kind(cell) in ("slide", "subslide") or not groups:
            groups.append([])
        groups[-1].append(cell)
    merged = 0
    i = 0
    while i < len(groups):
        group = groups[i]
        if len(group) != 1 or not is_lone_sentence(group[0]):
            i += 1
            continue
        height = estimated_height(group[0])
        after = groups[i + 1] if i + 1 < len(groups) else None
        before = groups[i - 1] if i > 0 else None

        def fits(other: list[Any] | None) -> bool:
            return other is not None and height + sum(map(estimated_height, other)) <= budget_px

        if after is not None and kind(after[0]) == "subslide" and (fits(after) or not fits(before)):
            after[0].metadata["slideshow"] = {"slide_type": "-"}
            groups[i : i + 2] = [group + after]
        elif before is not None and not fits(before) and (moved := _split_list_tail(before, budget_px)) is not None:
            # the previous slide is full (a long summary list): its last items come onto this one
            nb.cells.insert(nb.cells.index(group[0]), moved)
            group[0].metadata["slideshow"] = {"slide_type": "-"}
            groups[i] = [moved, group[0]]
        elif before is not None:
            group[0].metadata["slideshow"] = {"slide_type": "-"}
            groups[i - 1 : i + 1] = [before + group]
            i -= 1
        elif after is not None:
            after[0].metadata["slideshow"] = {"slide_type": "-"}
            groups[i : i + 2] = [group + after]
        else:
            i += 1
            continue
        merged += 1
        i += 1
    return merged


def mark(nb: Any) -> bool:
    """Write :func:`slide_types` into ``nb``'s cell metadata; True if anything changed."""
    changed = False
    for cell, kind in zip(nb.cells, slide_types(nb)):
        if cell.metadata.get("slideshow", {}).get("slide_type") != kind:
            cell.metadata["slideshow"] = {"slide_type": kind}
            changed = True
    return changed


def problems(nb: Any, name: str = "notebook") -> list[str]:
    """What is unsound in ``nb``'s slide structure (empty if nothing).

    Every cell has a known slide type; the first cell is a ``slide`` holding a ``#`` title;
    a skipped cell is one :func:`is_skippable` allows (nothing a lesson needs is hidden).
    """
    found = []
    for i, cell in enumerate(nb.cells):
        kind = cell.metadata.get("slideshow", {}).get("slide_type")
        if kind not in SLIDE_TYPES:
            found.append(f"{name} cell {i}: slide_type {kind!r}, expected one of {SLIDE_TYPES}")
        elif kind == "skip" and not is_skippable(cell):
            found.append(f"{name} cell {i}: skipped, but it shows or defines something: {cell.source[:80]!r}")
    first = nb.cells[0] if nb.cells else None
    if first is None or first.metadata.get("slideshow", {}).get("slide_type") != "slide" or _heading_level(first) != 1:
        found.append(f"{name}: no title slide (the first cell must be a '# title' markdown cell of type 'slide')")
    return found


# ---------------------------------------------------------------------------
# Static decks
# ---------------------------------------------------------------------------


def install_assets(out_dir: Path) -> Path:
    """Copy reveal.js and MathJax into ``out_dir/_assets`` (plain file copies: no npm, no network)."""
    assets = Path(out_dir) / ASSETS
    for source, name in ((REVEAL_DIR, "reveal.js"), (MATHJAX_DIR, "mathjax")):
        if not source.is_dir():
            raise FileNotFoundError(f"{source} is missing: the decks load it (see scripts/deck/README.md)")
        shutil.copytree(source, assets / name, dirs_exist_ok=True, ignore=shutil.ignore_patterns("README.md"))
    return assets


def deck_config(language_code: str = "en") -> dict[str, dict[str, Any]]:
    """nbconvert settings of a deck: the course template, loading everything from ``_assets/``;
    ``language_code`` is the page's ``<html lang>``."""
    width, height = PROJECTOR_PX
    return {
        "SlidesExporter": {
            "language_code": language_code,
            "extra_template_basedirs": [str(DECK_DIR)],
            "template_name": TEMPLATE_NAME,
            "reveal_url_prefix": f"{ASSETS}/reveal.js",
            "mathjax_url": f"{ASSETS}/mathjax/tex-chtml.js",
            "reveal_theme": "white",  # the default theme fetches web fonts
            "reveal_transition": "none",
            "reveal_number": "c/t",
            "reveal_width": str(width),
            "reveal_height": str(height),
        }
    }


# ---------------------------------------------------------------------------
# A deck is a lecture: what the notebook keeps for its tests stays out of the slides
# ---------------------------------------------------------------------------

#: A code comment line that is test plumbing: nbval's markers and the notes about what nbval compares.
PLUMBING_LINE = re.compile(r"^\s*#.*(\bNBVAL_[A-Z_]+|\bnbval\b)")
#: The verdict a check prints for an exercise nobody answered yet (the stored notebooks are blank),
#: with its hint: from this line to the end of the output; in each language course_lib speaks ("还不对。").
_NOT_YET = sorted({tr_in(lang, "Not yet. {message}", message="").strip() for lang in LANGUAGES})
PLACEHOLDER_VERDICT = re.compile(
    "^(?:" + "|".join(re.escape(v) for v in _NOT_YET) + r")\s?.*", re.MULTILINE | re.DOTALL
)
#: The decks of each language: the folder of its notebooks (under notebooks/) and of its decks, its html lang.
LANG_DECKS = {"en": ("", "en"), "zh": ("zh_CN", "zh-CN"), "zh_CN": ("zh_CN", "zh-CN")}


def deck_notebook(nb: Any) -> Any:
    """A copy of ``nb`` as its deck shows it (``nb`` is unchanged).

    * comment lines of test plumbing (:data:`PLUMBING_LINE`) are dropped from the code;
    * the placeholder verdict of an unanswered exercise (:data:`PLACEHOLDER_VERDICT`) is dropped
      from its output, and an output left empty goes;
    * the lab's stored-picture line above an explorer's picture goes (a deck has no kernel);
    * a skipped cell (:func:`is_skippable`, marked ``skip``) stays out, as nbconvert does;
    * a slide holding one short sentence alone joins a neighbour (:func:`merge_lone_sentences`).
    """
    nb = copy.deepcopy(nb)
    merge_lone_sentences(nb)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        cell.source = "\n".join(line for line in cell.source.splitlines() if not PLUMBING_LINE.match(line))
        outputs = []
        for output in cell.get("outputs", []):
            if is_stored_line(output):  # "run this cell to make it live again": a deck has no kernel
                continue
            if output.get("output_type") == "stream":
                output.text = PLACEHOLDER_VERDICT.sub("", output.text)
                if not output.text.strip():
                    continue
            outputs.append(output)
        cell.outputs = outputs
    return nb


def _deck_exporter(language_code: str = "en") -> Any:
    """nbconvert's SlidesExporter with :func:`deck_config`, rendering tables inside quotes and lists.

    nbconvert's markdown (mistune 3) parses a table only at the top level, so a table in a
    ``>`` misconception box came out as raw ``| --- |`` text; JupyterLab and the site render it.
    """
    from jinja2 import pass_context
    from mistune.plugins import import_plugin
    from mistune.plugins.table import table_in_list, table_in_quote
    from nbconvert import SlidesExporter
    from nbconvert.filters.markdown_mistune import MarkdownWithMath
    from traitlets.config import Config

    class DeckMarkdown(MarkdownWithMath):
        def __init__(self, renderer: Any) -> None:
            plugins = [import_plugin(name) for name in MarkdownWithMath.DEFAULT_PLUGINS]
            super().__init__(renderer, plugins=[*plugins, table_in_quote, table_in_list])

    class DeckExporter(SlidesExporter):
        @pass_context
        def markdown2html(self, context: Any, source: str) -> str:
            import nbconvert.exporters.html as html_module

            original = html_module.MarkdownWithMath
            html_module.MarkdownWithMath = DeckMarkdown
            try:
                return super().markdown2html(context, source)
            finally:
                html_module.MarkdownWithMath = original

    return DeckExporter(config=Config(deck_config(language_code)))


#: The course's CJK font subset (scripts/cjk_font.py), copied beside the decks.
CJK_FONT = Path(__file__).resolve().parent.parent / "site" / "_static" / "fonts" / "NotoSansSC-course.woff"
#: Added to every deck: the projector style (pictures at most IMAGE_MAX_PX high) and a fit step that,
#: on each slide shown (and once the formulas are typeset), shrinks that slide's pictures (never its
#: text) until it fits the slide, then has reveal.js centre the slide again at its final height.
DECK_STYLE = f"""<style>
.reveal .jp-OutputArea-output img {{ max-height: {IMAGE_MAX_PX}px; width: auto; max-width: 100%; }}
.reveal .slides section {{ overflow: hidden; }}
.reveal .jp-InputPrompt, .reveal .jp-OutputPrompt {{ display: none; }}
:root {{ --jp-code-font-size: {CODE_FONT_PX}px; }}
.reveal pre {{ white-space: pre-wrap; overflow-wrap: anywhere; }}
.reveal table {{ font-size: {TABLE_FONT_PX}px; }}
.reveal .jp-RenderedText pre {{ max-height: {TEXT_OUTPUT_MAX_PX}px; overflow-y: auto; }}
@font-face {{ font-family: "Course Noto Sans SC"; src: url("{CJK_FONT.name}") format("woff");
  unicode-range: U+2E80-2FDF, U+3000-303F, U+3400-4DBF, U+4E00-9FFF, U+F900-FAFF, U+FF00-FFEF; }}
.reveal {{ font-family: "Course Noto Sans SC", var(--r-main-font, sans-serif); }}
.reveal h1, .reveal h2, .reveal h3 {{ font-family: "Course Noto Sans SC", var(--r-heading-font, sans-serif); }}
.reveal .jp-RenderedHTMLCommon {{ font-family: "Course Noto Sans SC", var(--jp-content-font-family, sans-serif); }}
</style>"""
DECK_FIT_JS = f"""<script>
// Fit each slide to the projector: shrink its pictures (down to {IMAGE_MIN_SCALE}) while it overflows.
function courseContentHeight(section) {{
  const top = section.getBoundingClientRect().top, scale = section.getBoundingClientRect().width / {PROJECTOR_PX[0]};
  let bottom = 0;
  for (const el of section.querySelectorAll('*')) {{
    if (el.parentElement.closest('.jp-RenderedText pre')) continue;   // inside a scroll box: the box counts
    const r = el.getBoundingClientRect();
    if (r.height > 0) bottom = Math.max(bottom, r.bottom - top);
  }}
  return bottom / scale;
}}
function courseFitSlide(section) {{
  if (!section || section.dataset.courseFitted) return;
  const images = Array.from(section.querySelectorAll('.jp-OutputArea-output img'));
  for (let k = 0; k < 12 && courseContentHeight(section) > {PROJECTOR_PX[1]}; k++) {{
    const scale = 1 - k * {(1 - IMAGE_MIN_SCALE) / 10:.3f};
    if (scale < {IMAGE_MIN_SCALE} || !images.length) break;
    for (const img of images) img.style.maxHeight = Math.round({IMAGE_MAX_PX} * scale) + 'px';
  }}
  if (window.courseMathTypeset) section.dataset.courseFitted = '1';   // measure again once math is set
}}
window.courseFitCurrent = () => {{
  const all = document.querySelectorAll('.reveal .slides section.present');
  courseFitSlide(all[all.length - 1]);
  Reveal.layout();   // centre the slide at its final height (reveal.js measured it before MathJax)
}};
if (Reveal.isReady()) window.courseFitCurrent(); else Reveal.on('ready', window.courseFitCurrent);
Reveal.on('slidechanged', window.courseFitCurrent);
</script>"""


def style_deck(html: str) -> str:
    """``html`` of an nbconvert deck with :data:`DECK_STYLE` and :data:`DECK_FIT_JS` added."""
    if "</head>" not in html or "</body>" not in html:
        raise ValueError("html is not a complete deck page (no </head> or </body>)")
    html = html.replace("</head>", DECK_STYLE + "\n</head>", 1)
    head, body_end, tail = html.rpartition("</html>")
    return head + DECK_FIT_JS + "\n" + body_end + tail


def build_decks(notebooks: Iterable[Path], out_dir: Path, language_code: str = "en") -> list[Path]:
    """Write ``out_dir/<name>.slides.html`` for each notebook (stored outputs, no execution).

    Python alone: nbconvert runs in this process, the assets are copied from the repository.
    ``language_code``: the decks' ``<html lang>`` ("zh-CN" for the Chinese notebooks).
    """
    out_dir = Path(out_dir)
    paths = [Path(p) for p in notebooks]
    if not paths:
        raise ValueError("notebooks is empty: pass at least one .ipynb")
    out_dir.mkdir(parents=True, exist_ok=True)
    install_assets(out_dir)
    # nbconvert takes an ISO 639-1 code only ("zh"); the page says the region too (BCP 47 "zh-CN").
    exporter = _deck_exporter(language_code.split("-")[0])
    decks = []
    for path in paths:
        nb = deck_notebook(nbformat.read(path, as_version=4))
        html, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": path.stem}})
        deck = out_dir / f"{path.stem}.slides.html"
        html = html.replace(f'<html lang="{language_code.split("-")[0]}">', f'<html lang="{language_code}">', 1)
        deck.write_text(style_deck(html), encoding="utf-8")
        decks.append(deck)
    shutil.copy2(CJK_FONT, out_dir / CJK_FONT.name)  # the Chinese terms' font (DECK_STYLE), beside the decks
    return decks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", action="store_true", help="split markdown cells taller than a slide")
    parser.add_argument("--mark", action="store_true", help="rewrite the slide metadata of the notebooks")
    parser.add_argument("--check", action="store_true", help="report unsound slide structure")
    parser.add_argument("--decks", metavar="DIR", help="write static reveal.js decks into DIR")
    parser.add_argument(
        "--lang", default="en", choices=sorted(LANG_DECKS), help="zh: decks of notebooks/zh_CN into DIR/zh_CN"
    )
    parser.add_argument("notebooks", nargs="*", help="default: every notebook of the language")
    args = parser.parse_args(argv)
    folder, language_code = LANG_DECKS[args.lang]
    args.notebooks = args.notebooks or sorted(map(str, (ROOT / "notebooks" / folder).glob("*.ipynb")))
    if folder and (args.split or args.mark):
        parser.error("--split/--mark rewrite the English notebooks; the Chinese ones mirror them (translate.py build)")
    status = 0
    for path in map(Path, args.notebooks):
        nb = nbformat.read(path, as_version=4)
        if args.split and split_long_markdown(nb):
            nbformat.write(nb, path)
            print(f"split long markdown cells of {path}")
        if args.mark and mark(nb):
            nbformat.write(nb, path)
            print(f"marked {path}")
        if args.check:
            for problem in problems(nb, path.name):
                print(problem)
                status = 1
    if args.decks:
        for deck in build_decks(map(Path, args.notebooks), Path(args.decks) / folder, language_code):
            print(deck)
    return status


if __name__ == "__main__":
    sys.exit(main())
