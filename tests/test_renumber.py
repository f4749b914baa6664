"""scripts/renumber.py: moves notebooks and lecturing pages, rewrites references, and is idempotent.

Run in a throw-away git repository with a two-notebook series: 01_a, 02_b become 01_a, 02_new, 03_b.
The case the lead meets after merging: a branch written under the old order adds "notebook 02" (meaning
02_b) after the renumbering commit; a re-run rewrites that line and leaves the renumbered ones alone.
"""

from __future__ import annotations

import importlib.util
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load():
    spec = importlib.util.spec_from_file_location("renumber_under_test", ROOT / "scripts" / "renumber.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _git(repo: Path, *args: str) -> str:
    env_args = ["-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"]
    return subprocess.run(["git", *env_args, *args], cwd=repo, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def series(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    (repo / "notebooks").mkdir(parents=True)
    (repo / "lecturing").mkdir()
    (repo / "notebooks" / "01_a.ipynb").write_text('{"cells": ["# 01 · A\\n", "see notebook 02 §3"]}\n')
    (repo / "notebooks" / "02_b.ipynb").write_text('{"cells": ["# 02 · B\\n", "after notebook 01"]}\n')
    (repo / "lecturing" / "02_b.md").write_text("# 02 · B (lecturer)\n")
    (repo / "README.md").write_text("1. [02_b](notebooks/02_b.ipynb)\n2. notebooks 01, 02\nkeep 0.02 §3\n")
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "old order")
    module = _load()
    monkeypatch.setattr(module, "ROOT", repo)
    monkeypatch.setattr(module, "STEPS", [{"02_b": "03_b"}])
    monkeypatch.setattr(module, "SECTIONS", [{("02_b", "3"): ("02_new", "1")}])
    return repo, module


def _fresh(module):
    module.era_commit.cache_clear()
    module.descendants.cache_clear()


def test_moves_rewrites_and_is_idempotent(series):
    repo, module = series
    assert module.main([]) == 0
    assert (repo / "notebooks" / "03_b.ipynb").is_file() and not (repo / "notebooks" / "02_b.ipynb").exists()
    assert (repo / "lecturing" / "03_b.md").read_text() == "# 03 · B (lecturer)\n"
    assert (repo / "README.md").read_text() == "1. [03_b](notebooks/03_b.ipynb)\n2. notebooks 01, 03\nkeep 0.02 §3\n"
    assert "see notebook 02 §1" in (repo / "notebooks" / "01_a.ipynb").read_text()  # the section moved
    assert module.main(["--check"]) == 0  # uncommitted: counts as renumbered already
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "renumbered")
    _fresh(module)
    assert module.main(["--check"]) == 0


def test_a_merged_line_in_the_old_order_is_rewritten(series):
    repo, module = series
    _git(repo, "checkout", "-qb", "other")
    (repo / "notebooks" / "21_c.ipynb").write_text('{"cells": ["builds on notebook 02 and 02_b"]}\n')
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "a new lesson, old order")
    _git(repo, "checkout", "-q", "-")
    module.main([])
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "renumbered")
    _git(repo, "merge", "-q", "--no-edit", "other")
    _fresh(module)
    assert module.main(["--check"]) == 1
    module.main([])
    assert (repo / "notebooks" / "21_c.ipynb").read_text() == '{"cells": ["builds on notebook 03 and 03_b"]}\n'
    assert (repo / "README.md").read_text().startswith("1. [03_b]")  # renumbered lines: untouched
    _git(repo, "commit", "-qam", "renumbered the merge")
    _fresh(module)
    assert module.main(["--check"]) == 0


def test_a_provisional_notebook_is_placed_by_a_later_step(series, monkeypatch):
    repo, module = series
    module.main([])
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "renumbered")
    (repo / "notebooks" / "21_c.ipynb").write_text('{\n "cells": [\n  "# 21 · C\\n",\n  "after notebook 03"\n ]\n}\n')
    (repo / "lecturing" / "21_c.md").write_text("# 21 · C (lecturer)\n")
    (repo / "README.md").write_text((repo / "README.md").read_text() + "3. [21_c](notebooks/21_c.ipynb)\n")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "merged a new lesson")
    monkeypatch.setattr(module, "STEPS", [*module.STEPS, {"21_c": "04_c"}])
    _fresh(module)
    module.main([])
    placed = (repo / "notebooks" / "04_c.ipynb").read_text()
    assert placed == '{\n "cells": [\n  "# 04 · C\\n",\n  "after notebook 03"\n ]\n}\n'
    assert (repo / "lecturing" / "04_c.md").is_file()
    assert (repo / "README.md").read_text().endswith("3. [04_c](notebooks/04_c.ipynb)\n")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "placed")
    _fresh(module)
    assert module.main(["--check"]) == 0


def test_the_guide_rule_does_not_shift_a_number_twice(monkeypatch):
    """In lecturing/ every zero-led number is a notebook; one a rule above already rewrote stays rewritten."""
    module = _load()
    monkeypatch.setattr(module, "STEPS", [{"02_b": "03_b", "03_c": "04_c"}])
    monkeypatch.setattr(module, "SECTIONS", [{("01_a", "7"): ("02_n", "2")}])
    assert module.rewrite_numbers("# 02 · B (lecturer)\n", 0, True) == "# 03 · B (lecturer)\n"
    line = "recall «01 §7» and «02 3. X», then 03\n"
    assert module.rewrite_numbers(line, 0, True) == "recall «02 §2» and «03 3. X», then 04\n"
