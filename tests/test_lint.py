"""Hygiene by tool: ruff's lint (pyflakes, pycodestyle, import order) and its formatter pass on the repository.

The rules and the exceptions are pyproject.toml's ``[tool.ruff]``; fix a finding with
``ruff check --fix .`` and ``ruff format .`` (both in the venv's test extra).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytest.importorskip("ruff", reason="ruff is in the test extra (pip install -e .[test])")


@pytest.mark.parametrize("command", [["check", "."], ["format", "--check", "."]], ids=["lint", "format"])
def test_ruff_finds_nothing(command):
    done = subprocess.run([sys.executable, "-m", "ruff", *command], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, (
        f"ruff {' '.join(command)} (fix with ruff check --fix . / ruff format .):\n{done.stdout}{done.stderr}"
    )
