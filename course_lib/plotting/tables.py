"""Result tables: mean and spread over seeds, diverged runs marked."""

from __future__ import annotations

from typing import Callable, Mapping, Sequence

import numpy as np

from course_lib.display import Table
from course_lib.plotting.records import as_histories
from course_lib.plotting.style import check_nonempty
from course_lib.training.history import History
from course_lib.validation import check_int

__all__ = ['results_table']


# ---------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------


def _metric_value(h: History, metric: str | Callable[[History], float]) -> float:
    return float(metric(h)) if callable(metric) else float(getattr(h, metric))


def round_alike(values: Sequence[float], spread: float, digits: int = 4) -> list[str]:
    """``values`` and ``spread`` as text, all to the same decimal place: the spread's second significant digit.

    A mean and its std read alike ("0.1159 ± 0.0082", not "0.1159 ± 0.008177"). No value gets
    more than ``digits`` significant digits of the largest one; a zero or non-finite spread
    leaves each value at ``digits`` significant digits.

    Returns:
        The formatted ``values``, then the formatted ``spread``.

    >>> round_alike([0.1159, 0.108, 0.124], 0.008177)
    ['0.1159', '0.1080', '0.1240', '0.0082']
    >>> round_alike([0.85, 0.8, 0.9], 0.07071)
    ['0.850', '0.800', '0.900', '0.071']
    >>> round_alike([123.4], 45.6)
    ['123', '46']
    >>> round_alike([0.5, 0.5], 0.0)
    ['0.5', '0.5', '0']
    """
    finite = [abs(v) for v in values if np.isfinite(v) and v != 0]
    if not (np.isfinite(spread) and spread > 0):
        return [f"{v:.{digits}g}" for v in values] + [f"{spread:.{digits}g}"]
    decimals = max(0, 1 - int(np.floor(np.log10(spread))))
    if finite:
        decimals = min(decimals, max(0, digits - 1 - int(np.floor(np.log10(max(finite))))))
    return [f"{v:.{decimals}f}" for v in [*values, spread]]


def results_table(
    groups: Mapping[str, Sequence[History]],
    metric: str | Callable[[History], float] = "final_val_acc",
    *,
    digits: int = 4,
) -> Table:
    """A markdown table: per configuration, the mean ± std of a metric over its runs.

    std is the sample standard deviation (ddof=1; 0 for one run). Diverged runs and runs
    where the metric is nan (e.g. no validation data) are left out of mean, std, min and
    max, and counted in the "diverged / nan" column. A diverged run's History keeps the
    metrics of its last finite evaluation, which says nothing about the rate: if every
    run of a configuration diverged, its cells read "diverged".

    Args:
        groups: a dict label -> list of Histories.
        metric: a History property ("final_val_acc", "final_val_loss", "final_loss")
            or a function History -> float.
        digits: significant digits shown at most (mean, std, min and max are rounded alike, to the
            std's second significant digit: :func:`round_alike`).

    Returns:
        The table, a ``str`` (prints as plain markdown text; as a cell's last expression or in
        ``display`` it renders as a table).

    Raises:
        ValueError: empty ``groups``, an empty group, or an unknown metric.

    >>> import numpy as np
    >>> print(results_table({"a": [History(val_acc=np.array([0.8])), History(val_acc=np.array([0.9]))]}))
    | configuration | runs | final_val_acc (mean ± std) | min | max | diverged / nan |
    |---|---|---|---|---|---|
    | a | 2 | 0.850 ± 0.071 | 0.800 | 0.900 | 0 |
    """
    if not isinstance(groups, Mapping):
        raise TypeError(f"groups must be a dict label -> list of Histories, got groups={groups!r}")
    check_nonempty("groups", groups)
    if not callable(metric) and not (isinstance(metric, str) and isinstance(getattr(History, metric, None), property)):
        names = [k for k, v in vars(History).items() if isinstance(v, property)]
        raise ValueError(
            f"metric must be a History property ({', '.join(names)}) or a function of a History, got metric={metric!r}"
        )
    digits = check_int("digits", digits, minimum=1)
    title = metric if isinstance(metric, str) else getattr(metric, "__name__", "metric")
    rows = [
        f"| configuration | runs | {title} (mean ± std) | min | max | diverged / nan |",
        "|---|---|---|---|---|---|",
    ]
    for name, runs in groups.items():
        runs = as_histories(runs, f"groups[{name!r}]")
        values = np.array([np.nan if h.diverged else _metric_value(h, metric) for h in runs])
        ok = values[np.isfinite(values)]
        bad = len(runs) - ok.size
        if ok.size:
            std = float(ok.std(ddof=1)) if ok.size > 1 else 0.0
            mean, low, high, spread = round_alike([float(ok.mean()), float(ok.min()), float(ok.max())], std, digits)
            cells = f"{mean} ± {spread} | {low} | {high}"
        elif all(h.diverged for h in runs):
            cells = "diverged | diverged | diverged"
        else:
            cells = "n/a | n/a | n/a"
        rows.append(f"| {name} | {len(runs)} | {cells} | {bad} |")
    return Table("\n".join(rows))
