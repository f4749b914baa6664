"""Result tables render as tables in Jupyter; progress bars leave their final state in the notebook."""

from __future__ import annotations

import numpy as np
import pytest

from course_lib import display as report
from course_lib import plotting
from course_lib.training.history import History


def test_a_results_table_renders_as_markdown_and_prints_the_same_text():
    table = plotting.results_table({"a": [History(val_acc=np.array([0.8])), History(val_acc=np.array([0.9]))]})
    assert isinstance(table, report.Table) and isinstance(table, str)
    assert table._repr_markdown_() == str(table)
    assert table.splitlines()[1] == "|---|---|---|---|---|---|"


def test_the_text_repr_is_the_table_not_a_quoted_string():
    from IPython.lib.pretty import pretty

    table = report.Table("| a |\n|---|\n| 1 |")
    assert pretty(table) == "| a |\n|---|\n| 1 |"  # what a notebook stores as text/plain


class FakeHandle:
    def __init__(self, shown):
        self.shown = shown

    def update(self, data, raw):
        self.shown.append(data["text/plain"])


def test_in_a_kernel_the_bar_is_one_line_that_ends_at_100_percent(monkeypatch):
    shown = []

    def display(data, raw, display_id):
        shown.append(data["text/plain"])
        return FakeHandle(shown)

    import IPython.display

    monkeypatch.setattr(report, "in_kernel", lambda: True)
    monkeypatch.setattr(IPython.display, "display", display)
    bar = report.progress_bar(total=5, desc="runs")
    for _ in range(5):
        bar.update(1)
    bar.close()
    assert shown and all("\r" not in s and "\n" not in s for s in shown)
    assert shown[-1].startswith("runs: 100%") and "5/5" in shown[-1], shown


def test_outside_a_kernel_the_bar_writes_to_stderr_and_can_be_disabled(capsys):
    assert not report.in_kernel()
    assert list(report.progress_bar(range(3), desc="x")) == [0, 1, 2]
    assert list(report.progress_bar(range(3), disable=True)) == [0, 1, 2]
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("text", ["", "\r", "\n", "   "])
def test_blank_writes_do_not_replace_the_last_line(text, monkeypatch):
    line = report._DisplayLine()
    line.write(text)
    assert line.handle is None
