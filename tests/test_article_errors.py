"""Every error of the source articles listed in shared/seeds/README.md is named in the course.

The README gives each error a stable ID (S1, S2, ...) and marks it major or minor. Major ones must be
named (by ID) where a notebook teaches the correct version; minor ones at least in notebook 10's
round-up "Minor slips in the articles". Conversely, every ID a notebook cites must exist.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from course_lib.references.terminology import TERMS

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
# In CI the repository is cloned with shared/ beside it.
SEEDS_README = ROOT.parent / "shared" / "seeds" / "README.md"
ITEM = re.compile(r"^- (S\d+) \((major|minor)\)", re.MULTILINE)
CITED = re.compile(r"(?<![A-Za-z0-9_])S(\d{1,2})(?![0-9])")
ROUNDUP = "Minor slips in the articles"
# The articles' own words that notebook 10's glossary explains, asked of the terminology table
# (course_lib/references/terminology_table.py): every seed term of a term marked `glossary`, and every
# seed term the table calls a wrong name. The table writes them as the articles do (article 002 says
# "学习率 warm-up", never "预热": review Minor 1).
GLOSSARY_TERMS = sorted(
    {s for t in TERMS if t.glossary for s in t.seed_terms} | {w for t in TERMS for w in t.wrong if w in t.seed_terms}
)

pytestmark = pytest.mark.skipif(
    not SEEDS_README.is_file(),
    reason=f"the articles' error list {SEEDS_README} is absent (clone shared/ beside the repository)",
)


def _items() -> dict[str, str]:
    items = dict(ITEM.findall(SEEDS_README.read_text(encoding="utf-8")))
    assert len(items) >= 50, f"parsed only {len(items)} S-IDs from {SEEDS_README}"
    return items


def _sources(path: Path, kinds=("markdown", "code")) -> list[str]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] in kinds]


def _cited(text: str) -> set[str]:
    return {f"S{n}" for n in CITED.findall(text)}


def _roundup() -> str:
    """The text of notebook 10's round-up section, up to the next level-2 heading."""
    text = "\n".join(_sources(ROOT / "notebooks" / "10_pitfalls.ipynb", ("markdown",)))
    match = re.search(rf"^## [^\n]*{ROUNDUP}[^\n]*\n(.*?)(?=^## |\Z)", text, re.MULTILINE | re.DOTALL)
    assert match, f"10_pitfalls.ipynb has no '## ... {ROUNDUP}' section"
    return match.group(1)


def test_readme_ids_are_numbered_without_gaps():
    numbers = sorted(int(sid[1:]) for sid in _items())
    assert numbers == list(range(1, len(numbers) + 1))


def test_every_major_error_is_named_in_a_notebook():
    cited = set().union(*(_cited(s) for path in NOTEBOOKS for s in _sources(path)))
    missing = sorted(
        (sid for sid, kind in _items().items() if kind == "major" and sid not in cited), key=lambda sid: int(sid[1:])
    )
    assert not missing, f"major article errors not named in any notebook: {missing}"


def test_every_minor_error_has_a_line_in_the_roundup():
    roundup = _roundup()
    lines = roundup.splitlines()
    missing = [sid for sid, kind in _items().items() if kind == "minor" and sid not in _cited(roundup)]
    assert not missing, f"minor article errors missing from 07's round-up: {missing}"
    for sid, kind in _items().items():
        if kind == "minor":
            assert sum(sid in _cited(line) for line in lines) >= 1


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_cited_id_exists(path):
    items = _items()
    unknown = sorted(_cited("\n".join(_sources(path))) - set(items))
    assert not unknown, f"{path.name} cites S-IDs that the README does not list: {unknown}"


def test_glossary_names_the_articles_terms():
    text = "\n".join(_sources(ROOT / "notebooks" / "10_pitfalls.ipynb", ("markdown",)))
    match = re.search(r"^## [^\n]*Glossary[^\n]*\n(.*?)(?=^## |\Z)", text, re.MULTILINE | re.DOTALL)
    assert match, "10_pitfalls.ipynb has no '## ... Glossary' section"
    missing = [term for term in GLOSSARY_TERMS if term not in match.group(1)]
    assert not missing, f"glossary lacks the articles' terms {missing}"


def test_glossary_terms_are_the_articles_own_words():
    """Every glossary term occurs verbatim in an article (a term the articles never use is not 'their term')."""
    articles = [p.read_text(encoding="utf-8") for p in sorted(SEEDS_README.parent.glob("0*.txt"))]
    assert len(articles) == 5, f"expected the five articles next to {SEEDS_README}"
    absent = [term for term in GLOSSARY_TERMS if not any(term in text for text in articles)]
    assert not absent, f"glossary terms that no article uses: {absent}"
    glossary = "\n".join(_sources(ROOT / "notebooks" / "10_pitfalls.ipynb", ("markdown",)))
    assert "预热" not in glossary, "article 002 writes 学习率 warm-up, never 预热"
