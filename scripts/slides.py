"""Slides for the classroom: slide structure in cell metadata, and static reveal.js decks.

    python scripts/slides.py --split --mark notebooks/*.ipynb  # split tall text, (re)write slide types
    python scripts/slides.py --check notebooks/*.ipynb   # report unsound slide structure
    python scripts/slides.py --decks build/slides        # one offline deck per notebook (make slides)

Slide structure lives in each cell's standard ``metadata.slideshow.slide_type``, which both
JupyterLab's live deck (jupyterlab-slideshow) and ``nbconvert --to slides`` read:

* ``slide``: the title cell, and every markdown cell that opens with a ``##`` heading;
* ``subslide``: a ``###`` heading, a cell tagged ``new-subslide`` (the author's break, where the
  estimate is too rough: a table full of formulas, a quoted list), and any cell that would not fit
  on the slide it follows (heights estimated by :func:`estimated_height`, checked in the browser
  by tests/e2e/test_decks.py at 1280x720);
* ``skip``: code that shows nothing and teaches nothing on a screen (imports, asserts, and
  assignments or loops that only feed asserts); see :func:`is_skippable`;
* ``-``: everything else continues the current slide.

The static decks load reveal.js 4.0.2, require.js, jQuery and MathJax 2.7.7 from files beside
them (``_assets/``, installed from the npm registry on first build), so a projector without
internet shows every slide, formula and stored explorer picture.
"""

from __future__ import annotations

import argparse
import ast
import base64
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterable

import nbformat

ROOT = Path(__file__).resolve().parent.parent
SLIDE_TYPES = ("slide", "subslide", "fragment", "-", "skip", "notes")

#: The projector the slides are made for (CSS px): reveal.js lays every slide out at this size.
PROJECTOR_PX = (1280, 720)
#: Vertical room on a slide for content (reveal.js pads a section; keep a margin).
SLIDE_BUDGET_PX = 600
#: The cell tag that starts a sub-slide whatever the estimate says.
BREAK_TAG = "new-subslide"
#: npm packages a deck loads, served from beside it (the versions nbconvert 7.17's template expects).
DECK_PACKAGES = ("reveal.js@4.0.2", "requirejs@2.3.7", "jquery@2.2.4", "mathjax@2.7.7")
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


def _only_feeds_asserts(stmt: ast.stmt) -> bool:
    if isinstance(stmt, (ast.Import, ast.ImportFrom, ast.Assert, ast.Pass)):
        return True
    if isinstance(stmt, (ast.For, ast.If)):
        return all(_only_feeds_asserts(s) for s in [*stmt.body, *stmt.orelse])
    return False


def is_skippable(cell: Any) -> bool:
    """True for a code cell a class need not see: it displays nothing and only imports or asserts.

    Allowed statements: imports, asserts, ``pass``, loops/ifs of those, and assignments that
    exist only to feed the asserts (the cell must contain at least one assert then). A cell
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
    for stmt in tree.body:
        if _only_feeds_asserts(stmt):
            continue
        if has_assert and isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            continue
        return False
    return True


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


def slide_types(nb: Any, budget_px: int = SLIDE_BUDGET_PX) -> list[str]:
    """The slide type of each cell of ``nb`` by the rules in the module docstring."""
    if budget_px <= 0:
        raise ValueError(f"budget_px must be > 0 (CSS px), got budget_px={budget_px}")
    types: list[str] = []
    used = 0
    for i, cell in enumerate(nb.cells):
        height = estimated_height(cell)
        level = _heading_level(cell)
        if i == 0 or level in (1, 2):
            kind = "slide"
        elif is_skippable(cell):
            types.append("skip")
            continue
        elif level == 3 or BREAK_TAG in cell.metadata.get("tags", ()) or used + height > budget_px:
            kind = "subslide"
        else:
            kind = "-"
        used = height if kind != "-" else used + height
        types.append(kind)
    return types


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
    """npm-install :data:`DECK_PACKAGES` into ``out_dir/_assets`` (once); returns its node_modules."""
    prefix = out_dir / ASSETS
    modules = prefix / "node_modules"
    if all((modules / spec.rsplit("@", 1)[0]).is_dir() for spec in DECK_PACKAGES):
        return modules
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError(
            "npm is needed once to fetch reveal.js, require.js, jQuery and MathJax for the "
            "offline decks: apt-get install -y npm"
        )
    prefix.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            npm,
            "install",
            "--prefix",
            str(prefix),
            "--no-audit",
            "--no-fund",
            "--no-save",
            "--loglevel=error",
            *DECK_PACKAGES,
        ],
        check=True,
    )
    return modules


def deck_options() -> list[str]:
    """nbconvert options that make a deck load everything from ``_assets/`` beside it."""
    nm = f"{ASSETS}/node_modules"
    width, height = PROJECTOR_PX
    return [
        f"--SlidesExporter.reveal_url_prefix={nm}/reveal.js",
        f"--SlidesExporter.require_js_url={nm}/requirejs/require.js",
        f"--SlidesExporter.jquery_url={nm}/jquery/dist/jquery.min.js",
        f"--SlidesExporter.mathjax_url={nm}/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
        "--SlidesExporter.reveal_theme=white",  # the default theme fetches web fonts
        "--SlidesExporter.reveal_transition=none",
        "--SlidesExporter.reveal_number=c/t",
        f"--SlidesExporter.reveal_width={width}",
        f"--SlidesExporter.reveal_height={height}",
    ]


#: The course's CJK font subset (scripts/cjk_font.py), copied beside the decks.
CJK_FONT = Path(__file__).resolve().parent.parent / "site" / "_static" / "fonts" / "NotoSansSC-course.woff"
#: Added to every deck: the projector style (pictures at most IMAGE_MAX_PX high) and a fit step that,
#: on each slide shown, shrinks that slide's pictures (never its text) until it fits the slide.
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
  section.dataset.courseFitted = '1';
}}
require(['{ASSETS}/node_modules/reveal.js/dist/reveal.js'], function (Reveal) {{
  const fit = () => {{ const all = document.querySelectorAll('.reveal .slides section.present');
                      courseFitSlide(all[all.length - 1]); }};
  Reveal.on('ready', fit); Reveal.on('slidechanged', fit); fit();
}});
</script>"""


_MERMAID_IMPORT = re.compile(r'<script type="module">\s*import mermaid from [^<]*</script>')


def style_deck(html: str) -> str:
    """``html`` of an nbconvert deck with :data:`DECK_STYLE` and :data:`DECK_FIT_JS` added.

    Also drops the template's Mermaid import: it comes from a CDN (nbconvert 7.17 offers no
    setting for its URL) and the course draws no Mermaid diagrams.
    """
    if "</head>" not in html or "</body>" not in html:
        raise ValueError("html is not a complete deck page (no </head> or </body>)")
    html = _MERMAID_IMPORT.sub("", html)
    html = html.replace("</head>", DECK_STYLE + "\n</head>", 1)
    head, body_end, tail = html.rpartition("</body>")
    return head + DECK_FIT_JS + "\n" + body_end + tail


def build_decks(notebooks: Iterable[Path], out_dir: Path) -> list[Path]:
    """Write ``out_dir/<name>.slides.html`` for each notebook (stored outputs, no execution)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    install_assets(out_dir)
    paths = [Path(p) for p in notebooks]
    if not paths:
        raise ValueError("notebooks is empty: pass at least one .ipynb")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "jupyter",
            "nbconvert",
            "--to",
            "slides",
            *deck_options(),
            f"--output-dir={out_dir}",
            *map(str, paths),
        ],
        check=True,
        capture_output=True,
    )
    decks = [out_dir / f"{p.stem}.slides.html" for p in paths]
    shutil.copy2(CJK_FONT, out_dir / CJK_FONT.name)  # the Chinese terms' font (DECK_STYLE), beside the decks
    for deck in decks:
        deck.write_text(style_deck(deck.read_text(encoding="utf-8")), encoding="utf-8")
    return decks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", action="store_true", help="split markdown cells taller than a slide")
    parser.add_argument("--mark", action="store_true", help="rewrite the slide metadata of the notebooks")
    parser.add_argument("--check", action="store_true", help="report unsound slide structure")
    parser.add_argument("--decks", metavar="DIR", help="write static reveal.js decks into DIR")
    parser.add_argument("notebooks", nargs="*", default=sorted(map(str, (ROOT / "notebooks").glob("*.ipynb"))))
    args = parser.parse_args(argv)
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
        for deck in build_decks(map(Path, args.notebooks), Path(args.decks)):
            print(deck)
    return status


if __name__ == "__main__":
    sys.exit(main())
