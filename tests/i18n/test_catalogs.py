"""Every translation keeps what is not prose: math, code, link targets, the block's markup, placeholders.

These check each translated entry (complete files or not), so a translator learns at once that a
formula or a link was changed, and :func:`translate.iter_messages` is what a terminology check iterates.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

pytest.importorskip("markdown_it", reason="scripts/translate.py needs markdown-it-py (installed with myst-parser)")
pytest.importorskip("babel", reason="scripts/translate.py needs Babel (installed with Sphinx)")

import translate  # noqa: E402

ENTRIES = list(translate.iter_messages())
PROSE = [e for e in ENTRIES if not e.source.startswith("course_lib/")]
LIBRARY = [e for e in ENTRIES if e.source.startswith("course_lib/")]

MATH = re.compile(r"\$\$.*?\$\$|\$[^$]+\$", re.DOTALL)
#: A MyST directive's opening line (its body is prose), a code fence, or a code span (which may wrap a line).
CODE = re.compile(r"```\{[^}\n]*\}[^\n]*|```(?!\{).*?```|`[^`\n][^`]*`", re.DOTALL)
TARGET = re.compile(r"\]\(([^)\s]+)")
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _markup(text: str) -> tuple:
    """What a block is: its first token's type, a heading's level, a list item's marker, a table's columns."""
    tokens = [t for t in translate.markdown_parser().parse(text) if t.nesting != -1 and t.map is not None]
    first = tokens[0]
    marker = re.match(r"\s*([-*+]|\d+[.)])\s", text).group(1) if first.type.endswith("list_open") else ""
    columns = text.splitlines()[0].count("|") if first.type == "table_open" else 0
    return first.type, first.tag, marker, columns


def _id(entry) -> str:
    return f"{entry.source}:{entry.msgid[:40]}"


def test_iter_messages_gives_msgid_msgstr_source():
    assert ENTRIES, "no translated entry at all"
    for msgid, msgstr, source in ENTRIES:
        assert msgid and msgstr and isinstance(source, str)
    assert any(e.source == "notebooks/00_start_here.ipynb" for e in ENTRIES)
    assert any(e.source == "course_lib/validation.py" for e in ENTRIES)


@pytest.mark.parametrize("entry", PROSE, ids=_id)
def test_a_translation_keeps_math_code_and_links(entry):
    for name, pattern in (("math", MATH), ("code", CODE), ("link target", TARGET)):
        english, chinese = Counter(pattern.findall(entry.msgid)), Counter(pattern.findall(entry.msgstr))
        assert english == chinese, f"{name} differs: English {sorted(english)}, translation {sorted(chinese)}"


@pytest.mark.parametrize("entry", PROSE, ids=_id)
def test_a_translation_is_one_block_of_the_same_kind(entry):
    segments = [s for s in translate.split_markdown(entry.msgstr) if s.is_message]
    assert len(segments) == 1 and segments[0].text == entry.msgstr.rstrip("\n"), (
        "the translation is not one block (a blank line splits it, or it lost its words)"
    )
    assert _markup(entry.msgstr) == _markup(entry.msgid), "the block's markup (heading, list marker, table) changed"


@pytest.mark.parametrize("entry", LIBRARY, ids=_id)
def test_a_library_message_keeps_its_placeholders(entry):
    assert set(PLACEHOLDER.findall(entry.msgstr)) == set(PLACEHOLDER.findall(entry.msgid))
