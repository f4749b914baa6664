"""Reading the lecturer's guide (lecturing/*.md) and the notebooks it points into.

Shared by tests/test_lecturing.py and tests/test_lecturing_plans.py. The conventions of a page:

- **Parts.** A part starts with a bold label at the start of a line: ``**Goals.**``,
  ``**Plan (50 min).**``, ``**Live demos.**``, ``**Misconceptions.**``, ``**Exercises.**``,
  ``**Short of time.**``. A page that needs two sessions has two plans, each labelled
  ``**Plan, lecture 1a (50 min).**`` (any text between ``Plan`` and the parenthesis).
- **A plan** is a Markdown table under its label, one row per slot: ``| 0–10 | what |``. The
  first column is ``start–end`` in whole minutes (an en dash or a hyphen). The slots start at 0,
  each starts where the one before ended, and the last ends at the budget in the label.
- **A section** is named in «guillemets»: the notebook's heading as written (``«2. The decay
  family»``, ``«Explore the shapes»``), or its number (``«§7»``, ``«§1.2»``). A section of
  another notebook carries that notebook's number first: ``«07 §3»``, ``«07 3. What a restart
  does on a landscape with several basins»``.
- **A notebook section** runs from its heading to the next heading of the same or a higher level
  (``## 7.`` runs to the next ``##``; ``### 1.2`` to the next ``###`` or ``##``), also inside a cell:
  a box above a heading in the same cell belongs to the section before.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "lecturing"
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
PAGES = [GUIDE / f"{nb.stem}.md" for nb in NOTEBOOKS]

GUILLEMET = re.compile(r"«([^»]+)»")
PART = re.compile(r"^\*\*([A-Z][^*]*?)\.\*\*", re.M)
SLOT = re.compile(r"^\|\s*(\d+)\s*[–-]\s*(\d+)\s*\|(.*)\|\s*$")
BUDGET = re.compile(r"\((\d+)\s*min\)")
SID = re.compile(r"\bS(\d+)(?:\s*(?:[–-]|to)\s*S(\d+))?\b")
CODE_SPAN = re.compile(r"`[^`\n]*`")
OTHER_NOTEBOOK = re.compile(r"(?<![\w.§-])(0\d)(?!\w|\.\d)")
SECTION_NUMBER = re.compile(r"^§\s*(\d+[a-z]?(?:\.\d+)?)$")


def squash(text: str) -> str:
    """Whitespace runs to one space (a page wraps lines inside «guillemets»)."""
    return " ".join(text.split())


def sids(text: str) -> list[int]:
    """The S-IDs a text names, ranges (``S26–S28``, ``S24 to S27``) expanded."""
    out: list[int] = []
    for m in SID.finditer(text):
        lo = int(m.group(1))
        hi = int(m.group(2)) if m.group(2) else lo
        out.extend(range(lo, hi + 1))
    return out


@dataclass(frozen=True)
class Section:
    heading: str
    level: int
    begin: tuple[int, int]  # (cell, offset of the heading in it)
    stop: tuple[int, int]  # (cell, offset) of the next heading of the same or a higher level

    @property
    def number(self) -> str | None:
        m = re.match(r"(\d+[a-z]?(?:\.\d+)?)\.?\s", self.heading)
        return m.group(1) if m else None

    def contains(self, other: "Section") -> bool:
        return self.begin <= other.begin and other.stop <= self.stop and self.level <= other.level


@dataclass
class Notebook:
    path: Path
    cells: list[dict]
    sections: list[Section] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.path.stem[:2]

    def source(self, index: int) -> str:
        return "".join(self.cells[index]["source"])

    def text(self, section: Section | None = None) -> str:
        """Markdown and code sources of a section, from its heading to the next (of every cell without one)."""
        if section is None:
            return "\n".join(self.source(i) for i in range(len(self.cells)))
        (i, a), (j, b) = section.begin, section.stop
        if i == j:
            return self.source(i)[a:b]
        return "\n".join(
            [
                self.source(i)[a:],
                *(self.source(k) for k in range(i + 1, j)),
                self.source(j)[:b] if j < len(self.cells) else "",
            ]
        )

    def names(self, sid: int, section: Section | None = None) -> bool:
        return sid in sids(self.text(section))

    def where(self, sid: int) -> list[str]:
        """The deepest sections whose cells name an S-ID (for failure messages)."""
        found = [s for s in self.sections if self.names(sid, s)]
        return [s.heading for s in found if not any(o is not s and s.contains(o) for o in found)]

    def resolve(self, name: str) -> Section | None:
        """The section a «name» stands for: a heading as written, or ``§N``."""
        name = squash(name)
        m = SECTION_NUMBER.match(name)
        for s in self.sections:
            if (m and s.number == m.group(1)) or squash(s.heading) == name:
                return s
        return None


@lru_cache(maxsize=None)
def notebook(key_or_path: str | Path) -> Notebook:
    """A notebook by path or by its two-digit number ("04")."""
    path = Path(key_or_path)
    if not path.suffix:
        path = next(p for p in NOTEBOOKS if p.stem.startswith(str(key_or_path)))
    nb = Notebook(path, json.loads(path.read_text())["cells"])
    heads = []
    for i, cell in enumerate(nb.cells):
        if cell["cell_type"] != "markdown":
            continue
        for m in re.finditer(r"^(#{1,6})\s+(.*?)\s*$", "".join(cell["source"]), re.M):
            heads.append(((i, m.start()), len(m.group(1)), m.group(2)))
    for k, (at, level, heading) in enumerate(heads):
        stop = next((a for a, lv, _ in heads[k + 1 :] if lv <= level), (len(nb.cells), 0))
        nb.sections.append(Section(heading, level, at, stop))
    return nb


@dataclass(frozen=True)
class Ref:
    """A «section» a page names: the notebook it belongs to, and the section (None: not found)."""

    text: str
    notebook: str
    section: Section | None


def refs(text: str, own: str) -> list[Ref]:
    """Every «section» in ``text`` of a page about notebook ``own``."""
    out = []
    for raw in GUILLEMET.findall(text):
        name, key = squash(raw), own
        m = re.match(r"(\d\d) (.+)$", name)  # «07 §3», «10 13. Minor slips» (not «10. Explore»)
        if m and m.group(1) in {p.stem[:2] for p in NOTEBOOKS}:
            key, name = m.group(1), m.group(2)
        out.append(Ref(squash(raw), key, notebook(key).resolve(name)))
    return out


def parts(page_text: str) -> list[tuple[str, str]]:
    """(label, body) of each bold-labelled part of a page, in order."""
    marks = list(PART.finditer(page_text))
    return [
        (m.group(1), page_text[m.end() : marks[k + 1].start() if k + 1 < len(marks) else len(page_text)])
        for k, m in enumerate(marks)
    ]


@dataclass(frozen=True)
class Plan:
    label: str
    budget: int | None
    slots: list[tuple[int, int, str]]


def plans(page_text: str) -> list[Plan]:
    out = []
    for label, body in parts(page_text):
        if not label.startswith("Plan"):
            continue
        m = BUDGET.search(label)
        slots = [
            (int(a), int(b), what.strip())
            for a, b, what in (SLOT.match(line).groups() for line in body.splitlines() if SLOT.match(line))
        ]
        out.append(Plan(label, int(m.group(1)) if m else None, slots))
    return out


def units(body: str) -> list[str]:
    """A part's list items (a ``- `` line and its continuation lines), or its paragraphs."""
    items, current = [], []
    for line in body.splitlines():
        if line.startswith("- ") or not line.strip():
            if current:
                items.append(" ".join(current))
            current = [line[2:]] if line.startswith("- ") else []
        else:
            current.append(line.strip())
    if current:
        items.append(" ".join(current))
    return [squash(i) for i in items if i.strip()]


def other_notebooks(unit: str, own: str) -> list[str]:
    """Two-digit notebook numbers a sentence names outside `code` and «guillemets», other than its own."""
    bare = GUILLEMET.sub(" ", CODE_SPAN.sub(" ", unit))
    keys = {p.stem[:2] for p in NOTEBOOKS}
    return sorted({k for k in OTHER_NOTEBOOK.findall(bare) if k != own and k in keys})
