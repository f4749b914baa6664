"""No notebook uses a term before the section that defines it, unless it points forward to it.

The index is course_lib/references/concepts.py (term -> "<stem> §<section>", with the term's forms as
a regular expression). The notebooks are read in series order, sorted(notebooks/*.ipynb), paragraph
by paragraph of their Markdown. A use of a term counts as *before* its definition when it is in an
earlier notebook, or in the same notebook in an earlier numbered section. Such a use is allowed when
its paragraph, or an earlier paragraph of the same section, links to the defining notebook (a forward
pointer: ``[notebook 03](03_momentum_and_adaptive.ipynb)``; inside the defining notebook, "(section 6)").
The site cannot follow JupyterLab's heading anchors (myst makes its own), so links name the notebook
only. The defining notebook's own preamble
(title, "You will learn", before its section 1) may name what it will define.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from course_lib.references import concepts

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
HEADING = re.compile(r"^(#{2,3})\s+(.*)$")
NUMBERED = re.compile(r"^(\d+)(?:\.(\d+))?[a-z]?\.?\s")
AFTER_ALL = (10_000,)  # "## Summary" and other unnumbered closing sections


def paragraphs(path: Path):
    """(section, paragraph) of a notebook's Markdown, section as a tuple of numbers (() = preamble)."""
    section: tuple[int, ...] = ()
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        for para in re.split(r"\n\s*\n", "".join(cell["source"])):
            first = para.strip().split("\n")[0]
            m = HEADING.match(first)
            if m:
                level, title = len(m.group(1)), m.group(2)
                number = NUMBERED.match(title)
                if number:
                    major = int(number.group(1))
                    minor = number.group(2)
                    section = (major, int(minor)) if minor and level == 3 else (major,)
                elif level == 2 and re.match(r"(?i)summary|exercises", title):
                    section = AFTER_ALL
            yield section, para


def early_uses(notebooks: list[Path], index: dict[str, concepts.Concept]) -> list[str]:
    """Every use of a term before its defining section with no forward pointer, as readable lines."""
    order = {p.stem: i for i, p in enumerate(notebooks)}
    problems = []
    for path in notebooks:
        here = order[path.stem]
        pointed: dict[tuple[int, ...], set[str]] = {}  # top-level section -> notebooks it has linked to
        for section, para in paragraphs(path):
            top = section[:1]
            seen = pointed.setdefault(top, set())
            seen |= set(re.findall(r"\]\((?:\.\./notebooks/)?([\w-]+)\.ipynb[)#]", para))
            for term in concepts.find(para):
                c = index[term]
                there = order.get(c.notebook)
                assert there is not None, f"{term}: {c.where} names no notebook of the series"
                before = here < there or (here == there and section < c.section)
                if not before or (here == there and section == ()) or c.notebook in seen:
                    continue
                if here == there and re.search(rf"(?:section|§)\s*{c.section[0]}\b", para):
                    continue  # a pointer inside the notebook: "(section 6)"
                snippet = " ".join(concepts.prose(para).split())
                m = c.regex().search(concepts.prose(para).replace("\n", " "))
                start = max(0, m.start() - 40) if m else 0
                problems.append(
                    f"{path.stem} §{'.'.join(map(str, section)) or '0'}: '{term}' (defined in {c.where}): "
                    f"...{snippet[start : start + 100]}..."
                )
    return problems


def test_every_defining_section_exists_and_uses_its_term():
    """The index points at real sections, and each defining section does use the term."""
    stems = {p.stem: p for p in NOTEBOOKS}
    wrong = []
    for c in concepts.CONCEPTS.values():
        if c.notebook not in stems:
            wrong.append(f"{c.term}: no notebook {c.notebook}")
            continue
        text = "\n".join(p for s, p in paragraphs(stems[c.notebook]) if s[: len(c.section)] == c.section)
        if not text:
            wrong.append(f"{c.term}: {c.notebook} has no section §{'.'.join(map(str, c.section))}")
        elif not c.regex().search(concepts.prose(text)):
            wrong.append(f"{c.term}: {c.where} never uses it")
    assert not wrong, "\n".join(wrong)


def test_the_index_is_a_real_index():
    assert 30 <= len(concepts.CONCEPTS) <= 60
    assert len({c.term.lower() for c in concepts.CONCEPTS.values()}) == len(concepts.CONCEPTS)


def test_no_term_is_used_before_its_defining_section():
    problems = early_uses(NOTEBOOKS, concepts.CONCEPTS)
    assert not problems, f"{len(problems)} use(s) before the definition, with no link to it:\n  " + "\n  ".join(
        problems
    )


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Adam with `training.adam_step` and AdamW", ["Adam", "AdamW"]),
        ("see [notebook 03](03_momentum_and_adaptive.ipynb)", []),  # a link target is not prose
        ("a warmup, then a Warm-up", ["warm-up"]),
    ],
)
def test_find_reads_prose_only(text, found):
    assert concepts.find(text) == found
