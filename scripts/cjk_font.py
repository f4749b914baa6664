"""The course's CJK font: a subset of Noto Sans SC with only the Chinese characters the course uses.

The glossary terms (notebooks 01, 05, 10, the decks, the lecturer's guide) and the whole Chinese
edition (the Chinese site, decks and notebooks) are Chinese; a reader without a CJK system font
would see boxes. The site (site/_static/course.css) and the decks
(scripts/slides.py) load this subset with ``@font-face`` for CJK code points only
(``unicode-range``), so Latin text keeps its font. Noto Sans CJK is under the SIL Open Font Licence
1.1 (site/_static/fonts/OFL.txt), which allows a subset to be shipped under the same licence.

    python scripts/cjk_font.py [--source /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc]

rebuilds site/_static/fonts/NotoSansSC-course.woff (Debian's fonts-noto-cjk has the source);
``tests/test_cjk_font.py`` fails when a character the course uses is missing from it.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FONT = ROOT / "site" / "_static" / "fonts" / "NotoSansSC-course.woff"
#: The family name the CSS gives the subset.
FAMILY = "Course Noto Sans SC"
#: The code points the subset covers and the CSS' unicode-range: CJK symbols and punctuation,
#: CJK ideographs (and extension A, radicals), compatibility ideographs, full-width forms.
RANGES = ((0x2E80, 0x2FDF), (0x3000, 0x303F), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0xFF00, 0xFFEF))
UNICODE_RANGE = ", ".join(f"U+{a:04X}-{b:04X}" for a, b in RANGES)
#: One character of RANGES, as a regular expression (a scan of megabytes of notebook JSON in C, not
#: a Python test per character: the course's text is about 10 MB with the stored figures).
CJK = re.compile("[" + "".join(f"{chr(a)}-{chr(b)}" for a, b in RANGES) + "]")
#: Where the course's text is: every CJK character in these files must be in the font. With the Chinese
#: edition: its catalogs (every translation, built or not), the generated notebooks and pages, the
#: site's own words (site_hooks.py, templates, build_site.py's captions) and the decks' and editions' scripts.
TEXT_GLOBS = (
    "notebooks/*.ipynb",
    "notebooks/zh_CN/*.ipynb",
    "lecturing/**/*.md",
    "site/**/*.md",
    "site/**/*.py",
    "site/_templates/*.html",
    "README.md",
    "zh_CN/**/*.md",
    "locales/**/*.po",
    "course_lib/**/*.py",
    "scripts/*.py",
)
#: The Chinese site's chrome comes from Sphinx's and the themes' own catalogs (language = "zh_CN"):
#: (package, catalog inside it). Every translation in them is covered (search page, index, buttons).
UI_CATALOGS = (
    ("sphinx", "locale/zh_CN/LC_MESSAGES/sphinx.mo"),
    ("sphinx_book_theme", "theme/sphinx_book_theme/static/locales/zh_CN/LC_MESSAGES/booktheme.mo"),
    ("pydata_sphinx_theme", "locale/zh/LC_MESSAGES/sphinx.mo"),
)
DEFAULT_SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
#: In the .ttc collection: the Simplified Chinese face.
SC_FACE = "Noto Sans CJK SC"


def is_cjk(char: str) -> bool:
    return CJK.fullmatch(char) is not None


def ui_characters() -> set[str]:
    """Every CJK character of the Chinese site's chrome (:data:`UI_CATALOGS`; a package not installed adds none)."""
    import gettext
    import importlib.util

    chars: set[str] = set()
    for package, catalog in UI_CATALOGS:
        spec = importlib.util.find_spec(package)
        if spec is None or spec.origin is None:
            continue
        path = Path(spec.origin).parent / catalog
        if path.is_file():
            with path.open("rb") as f:
                for text in gettext.GNUTranslations(f)._catalog.values():  # type: ignore[attr-defined]
                    chars |= set(CJK.findall(text if isinstance(text, str) else ""))
    return chars


def course_characters(root: Path = ROOT) -> set[str]:
    """Every CJK character in the course's text (notebooks English and Chinese, lecturing notes, site pages,
    README, the translation catalogs, course_lib, the scripts) and the Chinese site's chrome (:func:`ui_characters`)."""
    chars: set[str] = ui_characters()
    for pattern in TEXT_GLOBS:
        for path in root.glob(pattern):
            if path.is_file():
                chars |= set(CJK.findall(path.read_text(encoding="utf-8", errors="ignore")))
    return chars


def _sc_index(source: Path) -> int:
    from fontTools.ttLib import TTCollection

    if source.suffix.lower() != ".ttc":
        return 0
    for i, font in enumerate(TTCollection(str(source)).fonts):
        if font["name"].getDebugName(1) == SC_FACE:
            return i
    raise SystemExit(f"cjk_font.py: no '{SC_FACE}' face in {source}")


def build(source: Path = DEFAULT_SOURCE, out: Path = FONT) -> set[str]:
    """Write the subset of ``source`` with the course's characters to ``out`` (WOFF); returns them."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    chars = course_characters()
    options = subset.Options()
    options.flavor = "woff"  # zlib: no brotli needed
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    font = TTFont(str(source), fontNumber=_sc_index(source), lazy=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(ord(c) for c in chars))
    subsetter.subset(font)
    out.parent.mkdir(parents=True, exist_ok=True)
    subset.save_font(font, str(out), options)
    return chars


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    args = parser.parse_args(argv)
    chars = build(args.source)
    print(f"{FONT.relative_to(ROOT)}: {len(chars)} characters, {FONT.stat().st_size / 1024:.0f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
