"""Fixtures shared by the unit tests: figures closed after every test, explorer figures recorded."""
from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

# the classroom tools (scripts/slides.py, scripts/editions.py) import as top-level modules in tests
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture
def shown(monkeypatch):
    """Record the figures the explorers show (and close them, as widgets._show does)."""
    from course_lib import widgets as W

    figures = []

    def record(fig):
        figures.append(fig)
        plt.close(fig)

    monkeypatch.setattr(W, "_show", record)
    return figures
