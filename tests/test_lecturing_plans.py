"""The lecturer's plans stay teachable and point where the notebooks are.

- every «section» a page names exists in that notebook (or in the notebook it names first: «07 §3»);
- every S-ID a page places in a section is named in that section's cells (markdown or code), or in
  another notebook the same sentence names ("S6 is dispelled in 04");
- every section the "Short of time" part tells you to skip is in a plan;
- each plan's slots (``| 0–10 | ... |``) start at 0, follow each other without gap or overlap, and
  end at the plan's budget, 50 minutes;
- every exercise the page sets in class has a row in a plan;
- every "section N" in the text is a section of that notebook (or of the notebook named just before).

The page conventions are in tests/_guide.py and lecturing/index.md. Nothing is executed.
"""

from __future__ import annotations

import re

import pytest
from _guide import NOTEBOOKS, PAGES, ROOT, notebook, other_notebooks, parts, plans, refs, sids, units

SESSION = 50
IDS = [p.stem for p in PAGES]


def _page(path):
    return path.read_text(), path.stem[:2]


@pytest.mark.parametrize("path", PAGES, ids=IDS)
def test_every_named_section_exists(path):
    text, own = _page(path)
    unknown = [r.text for r in refs(text, own) if r.section is None]
    assert not unknown, (
        f"{path.relative_to(ROOT)} names sections that notebook(s) do not have: {unknown} "
        f"(headings of {notebook(own).path.name}: "
        f"{[s.heading for s in notebook(own).sections if s.level == 2]})"
    )


@pytest.mark.parametrize("path", PAGES, ids=IDS)
def test_every_sid_is_named_where_the_page_places_it(path):
    text, own = _page(path)
    wrong = []
    for label, body in parts(text):
        for unit in units(body):
            ids = sids(unit)
            places = [r for r in refs(unit, own) if r.section is not None]
            others = other_notebooks(unit, own)
            if not ids or not (places or others):
                continue
            for sid in ids:
                if any(notebook(r.notebook).names(sid, r.section) for r in places):
                    continue
                if any(notebook(k).names(sid) for k in others):
                    continue
                where = {nb.stem[:2]: notebook(nb.stem[:2]).where(sid) for nb in NOTEBOOKS}
                where = {k: v for k, v in where.items() if v}
                wrong.append(
                    f"S{sid} ({label}: placed in {[r.text for r in places] or others}; "
                    f"named in {where or 'no notebook'})"
                )
    assert not wrong, f"{path.relative_to(ROOT)} places S-IDs where the notebook does not name them:\n  " + "\n  ".join(
        wrong
    )


@pytest.mark.parametrize("path", PAGES, ids=IDS)
def test_short_of_time_skips_only_what_a_plan_has(path):
    text, own = _page(path)
    planned = [r.section for p in plans(text) for _, _, what in p.slots for r in refs(what, own) if r.section]
    short = [body for label, body in parts(text) if label == "Short of time"]
    assert len(short) == 1, f"{path.name}: one **Short of time.** part, found {len(short)}"
    missing = [
        r.text
        for r in refs(short[0], own)
        if r.section and r.notebook == own and not any(s.contains(r.section) or r.section.contains(s) for s in planned)
    ]
    assert not missing, (
        f"{path.relative_to(ROOT)}: 'Short of time' skips sections no plan has: {missing} "
        "(a skip only makes sense for a section the plan teaches)"
    )


@pytest.mark.parametrize("path", PAGES, ids=IDS)
def test_each_plan_fits_its_session(path):
    text, _ = _page(path)
    found = plans(text)
    assert found, f"{path.name}: no **Plan (50 min).** part"
    for plan in found:
        where = f"{path.relative_to(ROOT)}, **{plan.label}.**"
        assert plan.budget == SESSION, f"{where}: the label must give the budget, (50 min)"
        assert plan.slots, f"{where}: no '| 0–10 | what |' rows"
        clock = 0
        for start, end, what in plan.slots:
            assert start == clock, f"{where}: slot {start}–{end} ({what[:40]}...) should start at {clock}"
            assert end > start, f"{where}: slot {start}–{end} is empty or runs backwards"
            assert what, f"{where}: slot {start}–{end} says nothing"
            clock = end
        assert clock == plan.budget, f"{where}: the slots end at {clock}, not at {plan.budget}"


def test_pages_with_two_plans_name_their_lectures():
    for path in PAGES:
        found = plans(path.read_text())
        if len(found) > 1:
            labels = [p.label for p in found]
            assert len(set(labels)) == len(labels) and all("lecture" in lab for lab in labels), (
                f"{path.name}: two plans need distinct 'Plan, lecture Na (50 min)' labels: {labels}"
            )


def _exercise_numbers(text: str) -> set[int]:
    """Exercise numbers a text names: "Exercise 4", "Exercises 1 and 2", "Exercises 1–2", «Exercise 3»."""
    found: set[int] = set()
    for m in re.finditer(r"\bExercises? (\d+)((?:\s*(?:,|and|[–-])\s*\d+)*)", text):
        numbers = [int(m.group(1)), *map(int, re.findall(r"\d+", m.group(2)))]
        if re.search(r"[–-]", m.group(2)) and len(numbers) == 2:
            numbers = list(range(numbers[0], numbers[1] + 1))
        found.update(numbers)
    return found


@pytest.mark.parametrize("path", PAGES, ids=IDS)
def test_every_in_class_exercise_has_a_slot(path):
    """An exercise set in class (the **Exercises.** part before "Homework") has a row in a plan."""
    text, _ = _page(path)
    body = next((b for label, b in parts(text) if label == "Exercises"), "")
    in_class = _exercise_numbers(body.split("Homework")[0])
    planned = set().union(*(_exercise_numbers(what) for p in plans(text) for _, _, what in p.slots))
    missing = sorted(in_class - planned)
    assert not missing, (
        f"{path.relative_to(ROOT)}: exercises set in class with no slot in a plan: "
        f"{['Exercise %d' % n for n in missing]} (give each its minutes, or make it homework)"
    )


SECTION_WORD = re.compile(r"\bsections? (\d+(?:\.\d+)?)(?: (?:to|and) (\d+(?:\.\d+)?))?")


@pytest.mark.parametrize("path", PAGES, ids=IDS)
def test_every_section_number_in_the_text_exists(path):
    """ "section 4", "sections 6 to 9", "01 up to its section 3": that notebook has those sections."""
    text, own = _page(path)
    text = re.sub(r"`[^`\n]*`", " ", text)
    unknown = []
    for m in SECTION_WORD.finditer(text):
        before = re.findall(r"(?<![\w.])(0\d)(?![\w.])", text[max(0, m.start() - 20) : m.start()])
        key = before[-1] if before else own
        unknown += [f"{key} section {n}" for n in m.groups() if n and notebook(key).resolve(f"§{n}") is None]
    assert not unknown, f"{path.relative_to(ROOT)} names section numbers the notebook does not have: {unknown}"
