"""Renumber the series: git-mv notebooks/ and lecturing/ pages and rewrite every reference to them.

The one home of the series order is the directory: ``sorted(notebooks/*.ipynb)``. This script is how
that order changes. Its table, :data:`STEPS`, lists each renumbering ever applied (old stem -> new
stem), oldest first, and :data:`SECTIONS` the sections that moved between notebooks. Run

    python scripts/renumber.py            # apply (git mv + rewrite), print what changed
    python scripts/renumber.py --check    # exit 1 if anything would change (CI / after a merge)

It is idempotent, and it is meant to be re-run after merging a branch written under an older order:

* **full names** (``02_decay``, ``02_decay.ipynb``, ``lecturing/02_decay.md``, ``where="02_decay §5"``)
  are never reused, so they are rewritten wherever they appear (all steps composed);
* **bare numbers** ("notebook 05", "notebooks 00-02", "05 §2", a notebook's "# 05 ·" title,
  ``test_notebook_05_...``) are ambiguous across steps: "03" meant warm-up before step 1 and decay
  after it. A bare number is rewritten only on a line that ``git blame`` dates before the step's
  *era commit* (the first commit holding the step's first new notebook), or on every line when that
  commit does not exist yet (the first run). Lines not yet committed count as already renumbered, so
  commit a merge before re-running the script on it.

Placing a notebook written elsewhere under a provisional name (``notebooks/21_batch_size.ipynb``):
append a step, ``{"21_batch_size": "10_batch_size"}``, or, to put it between 04 and 05, a step that
also shifts the rest (``{"21_batch_size": "05_batch_size", "05_restarts": "06_restarts", ...}``),
plus its ``SECTIONS`` entry (``{}`` when no section moves). Commit the merge, run the script, commit
its result in its own commit (that commit becomes the step's era). Never edit an applied step: the
old names in it are how the script recognises references written before it.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Each renumbering, oldest first: old stem -> new stem (notebooks/<stem>.ipynb, lecturing/<stem>.md).
#: Issue 23: momentum and per-parameter rates get their own notebook right after the fixed rate
#: (02_momentum_and_adaptive, written by moving 05 §2-3), so 02..08 shift by one and 05 keeps the plateau.
STEPS: list[dict[str, str]] = [
    {
        "02_decay": "03_decay",
        "03_warmup": "04_warmup",
        "04_restarts": "05_restarts",
        "05_plateau_and_adaptive": "06_plateau_and_adam",
        "06_choosing_a_schedule": "07_choosing_a_schedule",
        "07_pitfalls": "08_pitfalls",
        "08_large_batch": "09_large_batch",
    },
    # Issue 23 §2: the lessons written under provisional numbers take their places after 09.
    {
        "23_batch_size_and_noise": "10_batch_size_and_noise",
        "22_weight_decay_and_groups": "11_weight_decay_and_groups",
        "21_averaging": "12_averaging",
    },
    # Issue 23 §1, each notebook one lecture: 01 splits into 01_gradient_descent (lecture 1a: §1-5, the
    # explorer, Exercises 1-2) and 02_stochastic_gradients (1b: §6-9, Exercises 3-4), 04 into 05_warmup
    # (4a: §1-3) and 06_warmup_in_practice (4b: §4-8), so the rest shift by one (02-04) or two (05-12).
    # 1a gets a new stem: a full name with a section ("01_fixed_rate §6") must mean one section forever.
    {
        "01_fixed_rate": "01_gradient_descent",
        "02_momentum_and_adaptive": "03_momentum_and_adaptive",
        "03_decay": "04_decay",
        "04_warmup": "05_warmup",
        "05_restarts": "07_restarts",
        "06_plateau_and_adam": "08_plateau_and_adam",
        "07_choosing_a_schedule": "09_choosing_a_schedule",
        "08_pitfalls": "10_pitfalls",
        "09_large_batch": "11_large_batch",
        "10_batch_size_and_noise": "12_batch_size_and_noise",
        "11_weight_decay_and_groups": "13_weight_decay_and_groups",
        "12_averaging": "14_averaging",
    },
    # Issue 23 §2 topic 6: the width-transfer lesson, written under a provisional number, ends the series.
    {"24_width_transfer": "15_width_transfer"},
]

#: Sections that moved to another notebook (or were renumbered inside one), per step:
#: (old stem, old section) -> (new stem, new section). A section not listed keeps its number.
SECTIONS: list[dict[tuple[str, str], tuple[str, str]]] = [
    {
        ("05_plateau_and_adaptive", "2"): ("02_momentum_and_adaptive", "1"),
        ("05_plateau_and_adaptive", "3"): ("02_momentum_and_adaptive", "2"),
        ("05_plateau_and_adaptive", "4"): ("06_plateau_and_adam", "2"),
        ("05_plateau_and_adaptive", "5"): ("06_plateau_and_adam", "3"),
        ("05_plateau_and_adaptive", "6"): ("06_plateau_and_adam", "4"),
        ("05_plateau_and_adaptive", "7"): ("06_plateau_and_adam", "5"),
    },
    {},
    {
        ("01_fixed_rate", "6"): ("02_stochastic_gradients", "1"),
        ("01_fixed_rate", "7"): ("02_stochastic_gradients", "2"),
        ("01_fixed_rate", "8"): ("02_stochastic_gradients", "3"),
        ("01_fixed_rate", "9"): ("02_stochastic_gradients", "4"),
        ("01_fixed_rate", "10"): ("01_gradient_descent", "6"),
        ("01_fixed_rate", "11"): ("01_gradient_descent", "7"),
        ("04_warmup", "4"): ("06_warmup_in_practice", "1"),
        ("04_warmup", "5"): ("06_warmup_in_practice", "2"),
        ("04_warmup", "6"): ("06_warmup_in_practice", "3"),
        ("04_warmup", "7"): ("06_warmup_in_practice", "4"),
        ("04_warmup", "8"): ("06_warmup_in_practice", "5"),
        ("04_warmup", "9"): ("05_warmup", "4"),
    },
    {},
]

#: This file and what the script must not rewrite (its own tables are written in old names).
SKIP = {"scripts/renumber.py", "tests/test_renumber.py"}

MARK = "\ue000"  # a number already rewritten on this pass
NUM = r"(?<![\d.,\ue000])(\d\d)(?!\d|\.\d)"


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False).stdout


def final_stem(stem: str) -> str:
    """Where ``stem`` ends up after every step ('02_decay' -> '03_decay'); itself if never renamed."""
    for step in STEPS:
        stem = step.get(stem, stem)
    return stem


def _num(stem: str) -> str:
    return stem[:2]


@cache
def era_commit(i: int) -> str | None:
    """The first commit holding step ``i``'s first new notebook (None before the step is committed)."""
    first_new = next(iter(STEPS[i].values()))
    out = _git("log", "--no-renames", "--diff-filter=A", "--format=%H", "--", f"notebooks/{first_new}.ipynb")
    commits = out.split()
    return commits[-1] if commits else None


@cache
def descendants(commit: str) -> frozenset[str]:
    """``commit`` and the commits between it and HEAD (the lines written under the new numbering)."""
    out = _git("rev-list", "--ancestry-path", f"{commit}..HEAD")
    return frozenset(out.split()) | {commit}


def line_commits(path: str) -> list[str] | None:
    """The commit of each line of ``path`` by git blame (None: not in HEAD, i.e. not committed)."""
    proc = subprocess.run(
        ["git", "blame", "--porcelain", "--", path], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if proc.returncode:
        return None
    commits: list[str] = []
    for line in proc.stdout.splitlines():
        head = line.split(" ")
        if len(head) >= 3 and re.fullmatch(r"[0-9a-f]{40}", head[0]) and head[2].isdigit():
            commits.append(head[0])
    return commits


def _sections(i: int) -> dict[tuple[str, str], tuple[str, str]]:
    """Step ``i``'s moved sections ({} when the step moved none or has no entry)."""
    return SECTIONS[i] if i < len(SECTIONS) else {}


def _number_map(i: int) -> dict[str, str]:
    return {_num(old): _num(new) for old, new in STEPS[i].items()}


def _section_map(i: int) -> dict[tuple[str, str], tuple[str, str]]:
    return {(_num(o), s): (_num(n), t) for (o, s), (n, t) in _sections(i).items()}


def rewrite_numbers(line: str, i: int, everywhere: bool = False) -> str:
    """Bare notebook numbers of step ``i`` on one line: "05 §2", "notebook 03", "notebooks 00-02", titles."""
    numbers, sections = _number_map(i), _section_map(i)
    if not numbers:
        return line

    def sec(m: re.Match) -> str:
        num, s, sep, s2 = m.group(1), m.group(2), m.group(3), m.group(4)
        n, t = sections.get((num, s), (numbers.get(num, num), s))
        if sep is None:
            return f"{MARK}{n} §{t}"
        n2, t2 = sections.get((num, s2), (numbers.get(num, num), s2))
        return f"{MARK}{n} §{t}{sep}{t2}" if n2 == n else f"{MARK}{n} §{t}{sep}{MARK}{n2} §{t2}"

    line = re.sub(r"(?<![Ii]ssue )(?<![Ii]ssues )" + NUM + r" §(\d+)(?:(–|-)(\d+))?", sec, line)  # not "issue 21 §2"

    def listed(m: re.Match) -> str:
        return re.sub(NUM, lambda k: MARK + numbers.get(k.group(1), k.group(1)), m.group(0))

    line = re.sub(
        r"(?<![A-Za-z])([Nn]otebooks?|[Nn]otebook_)\s?" + NUM + r"((?:\s?(?:,|and|or|-|–|to)\s?" + NUM + r")*)",
        listed,
        line,
    )

    def title(m: re.Match) -> str:
        return m.group(1) + MARK + numbers.get(m.group(2), m.group(2)) + m.group(3)

    line = re.sub(r"^(\s*\"?#+ )" + NUM + r"( ·)", title, line)
    line = re.sub(r"(\[|«)" + NUM + r"( · | )", title, line)  # "[05 · Plateau](...)", "«04 3. What ...»"
    if everywhere:  # the lecturer's guide: a bare "04" is always a notebook (tests/_guide.py)
        # only a zero-led number: "14–22" minutes and a provisional "22" are not bare notebook numbers;
        # not one the rules above already rewrote ("# 02 ·" became "# 03 ·": not "# 04 ·" as well)
        line = re.sub(r"(?<![\w.§–\ue000-])(0\d)(?![\w–]|\.\d)", lambda m: numbers.get(m.group(1), m.group(1)), line)
    return line.replace(MARK, "")


def rewrite_names(text: str) -> str:
    """Full names, all steps composed: stems, '<stem> §N' with moved sections."""
    for i, step in enumerate(STEPS):
        for (old, s), (new, t) in _sections(i).items():
            text = re.sub(rf"(?<![\w/]){re.escape(old)} §{s}\b", f"{new} §{t}", text)
        for old, new in step.items():
            text = re.sub(rf"(?<![\w]){re.escape(old)}(?!\w)", new, text)
    return text


def rewrite_file(path: str, text: str) -> str:
    """The new text of tracked file ``path`` (names everywhere, bare numbers on old lines)."""
    lines = text.splitlines(keepends=True)
    guide = path.startswith("lecturing/")
    if all(rewrite_numbers(line, i, guide) == line for line in lines for i in range(len(STEPS))):
        return rewrite_names(text)
    commits = line_commits(path)
    out = []
    for k, line in enumerate(lines):
        commit = commits[k] if commits is not None and k < len(commits) else None
        for i in range(len(STEPS)):
            era = era_commit(i)
            uncommitted = commit is None or set(commit) == {"0"}
            if uncommitted:
                continue  # written under the current numbering (or not committed yet: commit first)
            if era is None or commit not in descendants(era):
                line = rewrite_numbers(line, i, guide)
        out.append(line)
    return rewrite_names("".join(out))


def tracked_text_files() -> list[str]:
    files = [f for f in _git("ls-files", "-z").split("\0") if f and f not in SKIP]
    return [f for f in files if (ROOT / f).is_file()]


def moves() -> list[tuple[str, str]]:
    """(old path, new path) for every file of notebooks/ and lecturing/ still at an old name."""
    todo = []
    for folder, ext in (("notebooks", ".ipynb"), ("lecturing", ".md")):
        for path in sorted((ROOT / folder).glob(f"*{ext}")):
            new = final_stem(path.stem)
            if new != path.stem:
                todo.append((f"{folder}/{path.name}", f"{folder}/{new}{ext}"))
    return todo


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if anything would change")
    args = parser.parse_args(argv)
    changed: list[str] = []
    for f in tracked_text_files():
        try:
            text = (ROOT / f).read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        new = rewrite_file(f, text)
        if new != text:
            changed.append(f)
            if not args.check:
                (ROOT / f).write_text(new, encoding="utf-8")
    todo = moves()
    for old, new in todo:
        if not args.check:
            subprocess.run(["git", "mv", old, new], cwd=ROOT, check=True)
    for f in changed:
        print(f"rewrote {f}")
    for old, new in todo:
        print(f"moved {old} -> {new}")
    if args.check:
        return 1 if changed or todo else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
