"""Browsing a comparison of schedules (notebook 09): which runs to draw, and a ranked summary.

Pure functions (no widgets): :func:`select_results` and :func:`describe_results`; the results
explorer (``course_lib.explorers.results``) draws them.

>>> from types import SimpleNamespace
>>> c = SimpleNamespace(sweeps={"cosine": "sweep c", "constant": "sweep k"}, runs={"cosine": [], "constant": []})
>>> sweeps, runs = select_results(c, ["cosine"])
>>> list(sweeps)
['cosine']
"""

from __future__ import annotations

from typing import Any, Mapping

from course_lib.training.history import History
from course_lib.validation import check_in

__all__ = ["RESULT_METRICS", "select_results", "describe_results"]

#: The metrics the results explorer can draw on its right panel.
RESULT_METRICS = ("val_loss", "val_acc", "loss", "lr")


def select_results(comparison: Any, names: Any = None) -> tuple[dict[str, Any], dict[str, list[History]]]:
    """The tuning sweeps and evaluation runs of the chosen schedules, in the comparison's order.

    Args:
        comparison: a :class:`course_lib.studies.comparison.Comparison` (has ``sweeps`` and ``runs``, dicts by name).
        names: schedule names to keep; None (or empty) keeps them all.

    Returns:
        (sweeps, runs): dicts name -> LRSweep and name -> list of Histories; a schedule whose
        every rate diverged has no runs and is left out of ``runs``.

    Raises:
        TypeError: ``comparison`` is not a comparison.
        ValueError: an unknown name.
    """
    if not (
        isinstance(getattr(comparison, "sweeps", None), Mapping)
        and isinstance(getattr(comparison, "runs", None), Mapping)
    ):
        raise TypeError(f"comparison must be an experiments.Comparison (sweeps, runs), got comparison={comparison!r}")
    if names is None or (not isinstance(names, str) and len(names) == 0):
        chosen = list(comparison.sweeps)
    else:
        names = [names] if isinstance(names, str) else list(names)
        for name in names:
            check_in("names", name, tuple(comparison.sweeps))
        chosen = [n for n in comparison.sweeps if n in names]
    sweeps = {n: comparison.sweeps[n] for n in chosen}
    runs = {n: list(comparison.runs[n]) for n in chosen if comparison.runs.get(n)}
    return sweeps, runs


def describe_results(comparison: Any, names: Any = None) -> str:
    """One line per chosen schedule: rank by mean final validation loss, tuned lr, loss and accuracy.

    Uses ``comparison.rows()`` (see ``experiments.Comparison``).
    """
    sweeps, _ = select_results(comparison, names)
    ranking = comparison.ranking() if hasattr(comparison, "ranking") else []
    lines = []
    for row in comparison.rows():
        if row["name"] not in sweeps:
            continue
        if not row["runs"]:
            lines.append(f"{row['name']}: every rate of the grid diverged")
            continue
        rank = f"#{ranking.index(row['name']) + 1} " if row["name"] in ranking else ""
        edge = " (edge of the grid: widen it)" if row["at_edge"] else ""
        lines.append(
            f"{rank}{row['name']}: lr {row['lr']:.3g}{edge}; val loss {row['val_loss']:.4f} "
            f"± {row['val_loss_std']:.4f}; val acc {row['val_acc']:.4f} ± {row['val_acc_std']:.4f} "
            f"({row['runs']} seeds)"
        )
    return "\n".join(lines)
