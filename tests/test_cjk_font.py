"""The shipped CJK font covers every Chinese character the course's text uses (a new glossary term
with a new character fails here: rebuild it with scripts/cjk_font.py), and the site and decks load it."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent


def _script():
    spec = importlib.util.spec_from_file_location("cjk_font", ROOT / "scripts" / "cjk_font.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_cjk_character_of_the_course_is_in_the_shipped_font():
    script = _script()
    used = script.course_characters()
    assert len(used) > 50  # the glossary is there
    cmap = TTFont(script.FONT).getBestCmap()
    missing = sorted(c for c in used if ord(c) not in cmap)
    assert not missing, f"not in {script.FONT.name}: {''.join(missing)} (run python scripts/cjk_font.py)"


def test_the_font_is_small_and_licensed():
    script = _script()
    assert script.FONT.stat().st_size < 400_000
    licence = (script.FONT.parent / "OFL.txt").read_text()
    assert "SIL OPEN FONT LICENSE" in licence.upper()


def test_site_and_decks_load_the_font():
    script = _script()
    css = (ROOT / "site" / "_static" / "course.css").read_text()
    assert f'font-family: "{script.FAMILY}"' in css and script.FONT.name in css
    spec = importlib.util.spec_from_file_location("slides", ROOT / "scripts" / "slides.py")
    slides = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(slides)
    assert script.FAMILY in slides.DECK_STYLE and script.FONT.name in slides.DECK_STYLE


def test_the_scan_finds_exactly_the_characters_of_the_ranges():
    script = _script()
    edges = [chr(c) for a, b in script.RANGES for c in (a - 1, a, b, b + 1)]
    assert {c for c in edges if script.is_cjk(c)} == {chr(c) for a, b in script.RANGES for c in (a, b)}
    text = "learning rate 学习率, warm-up 预热（" + "".join(edges) + "é∞"
    assert {c for c in text if any(a <= ord(c) <= b for a, b in script.RANGES)} == set(script.CJK.findall(text))
