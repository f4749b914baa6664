"""Choosing a schedule (notebook 09): budget-matched, fairly tuned comparisons.

"Try a few values and watch the loss" made systematic: every schedule gets the same
budget (model, data, optimizer, number of updates: one :class:`~course_lib.training.plan.RunPlan`),
its own peak rate tuned on the same log-spaced grid, and a report over fresh seeds (mean and spread).
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any, Callable, Iterable, Mapping, Sequence

import numpy as np
import torch

from course_lib import schedules as S
from course_lib.display import Table
from course_lib.training.factories import OPTIMIZERS
from course_lib.training.history import History
from course_lib.training.plan import RunPlan
from course_lib.training.seeds import summarize
from course_lib.training.torch_loop import train_torch
from course_lib.validation import check_in, check_int

__all__ = ["Budget", "run_score", "LRSweep", "tune_lr", "Comparison", "compare_schedules"]

_TRAIN_KEYS = ("epochs", "batch_size", "optimizer", "seed", "progress", "label", "plateau")


@dataclasses.dataclass(frozen=True)
class Budget:
    """The fixed training budget every schedule of a comparison gets.

    Same data, same model builder, same optimizer settings and the same number of
    updates for every run: only the schedule (and its tuned peak rate) differs.

    Attributes:
        data: a Dataset (X_train, y_train, X_val, y_val), e.g. ``problems.load_digits()``.
        model: a function with no arguments building a fresh model, e.g.
            ``lambda: models.mlp(64, 10, seed=None)`` (seed=None: the init comes from the
            run's seed, so seeds differ in initialisation too).
        epochs: passes over the training set (>= 1).
        batch_size: examples per update (>= 1).
        optimizer: "sgd", "adam" or "adamw".
        options: further fields of ``training.TrainConfig`` (momentum,
            weight_decay, betas, clip_grad_norm, ...).

    >>> from course_lib import problems as P
    >>> from course_lib.training import models as M
    >>> budget = Budget(P.load_digits(), lambda: M.mlp(64, 10, seed=None), epochs=8, batch_size=64)
    >>> budget.steps_per_epoch, budget.total_steps
    (22, 176)
    """

    data: Any
    model: Callable[[], Any]
    epochs: int
    batch_size: int = 64
    optimizer: str = "sgd"
    options: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        if not hasattr(self.data, "X_train") or not hasattr(self.data, "X_val"):
            raise TypeError(f"data must be a Dataset (X_train, y_train, X_val, y_val), got data={self.data!r}")
        if isinstance(self.model, torch.nn.Module) or not callable(self.model):
            raise TypeError(
                "model must be a function building a fresh model, e.g. "
                f"lambda: M.mlp(64, 10, seed=None); got model={self.model!r} (an instance would "
                "be trained further by every run)"
            )
        object.__setattr__(self, "epochs", check_int("epochs", self.epochs, minimum=1))
        object.__setattr__(self, "batch_size", check_int("batch_size", self.batch_size, minimum=1))
        check_in("optimizer", self.optimizer, OPTIMIZERS)
        if not isinstance(self.options, Mapping):
            raise TypeError(f"options must be a dict of train_torch keywords, got options={self.options!r}")
        clash = sorted(set(self.options) & set(_TRAIN_KEYS))
        if clash:
            raise ValueError(
                f"options must not set {clash}: the budget and the comparison set those; "
                f"got options={dict(self.options)!r}"
            )
        object.__setattr__(self, "options", dict(self.options))

    @property
    def plan(self) -> RunPlan:
        """The budget's :class:`~course_lib.training.plan.RunPlan` (examples, batch size, epochs)."""
        return RunPlan(len(self.data.X_train), self.batch_size, self.epochs)

    @property
    def steps_per_epoch(self) -> int:
        """Updates per epoch: ceil(training examples / batch_size) (the plan's)."""
        return self.plan.steps_per_epoch

    @property
    def total_steps(self) -> int:
        """Updates in the whole budget, the T a schedule is planned for: epochs * steps_per_epoch."""
        return self.plan.total_steps

    def train(self, schedule: Any, *, seed: int = 0, epochs: int | None = None, label: str = "") -> History:
        """One run of ``training.train_torch`` with this budget's settings.

        Args:
            schedule: a course_lib schedule (or a number: a constant rate).
            seed: the run's seed (batch order and model init).
            epochs: train for this many epochs instead of the budget's (e.g. to stop a
                run planned for the full budget half-way); None for the budget's.
            label: name for legends.

        Returns:
            The History.
        """
        epochs = self.epochs if epochs is None else check_int("epochs", epochs, minimum=1)
        return train_torch(
            self.model,
            self.data,
            schedule,
            epochs=epochs,
            batch_size=self.batch_size,
            optimizer=self.optimizer,
            seed=seed,
            label=label,
            check_horizon=epochs == self.epochs,
            **self.options,
        )  # a shorter run: a deliberate cut


def _check_lrs(lrs: Any) -> np.ndarray:
    values = np.asarray(lrs, dtype=np.float64).reshape(-1) if not isinstance(lrs, (str, bytes)) else None
    if values is None or values.size == 0 or not np.all(np.isfinite(values) & (values > 0)):
        raise ValueError(f"lrs must be one or more finite learning rates > 0, got lrs={lrs!r}")
    if np.any(np.diff(values) <= 0):
        raise ValueError(f"lrs must be increasing (e.g. np.geomspace(1e-3, 1e-1, 5)), got lrs={lrs!r}")
    return values


def _check_seeds(name: str, seeds: Any) -> list[int]:
    if isinstance(seeds, (str, bytes)) or not isinstance(seeds, Iterable):
        raise TypeError(f"{name} must be a list of seeds, got {name}={seeds!r}")
    out = [check_int(f"{name}[{i}]", s, minimum=0) for i, s in enumerate(seeds)]
    if not out:
        raise ValueError(f"{name} must hold at least one seed, got {name}={seeds!r}")
    return out


def _check_metric(metric: Any) -> Any:
    if callable(metric):
        return metric
    if not (isinstance(metric, str) and isinstance(getattr(History, metric, None), property)):
        raise ValueError(
            f"metric must be a History property to minimise ('final_val_loss', 'final_loss') "
            f"or a function History -> float (lower is better), got metric={metric!r}"
        )
    if metric == "final_val_acc":
        raise ValueError(
            "metric is minimised: use metric='final_val_loss', or "
            "lambda h: 1 - h.final_val_acc to pick the best accuracy"
        )
    return metric


def run_score(history: History, metric: Any = "final_val_loss") -> float:
    """The tuning score of one run (lower is better): the metric, or inf if the run diverged or it is nan.

    >>> run_score(History(val_loss=np.array([0.5, 0.3])))
    0.3
    >>> run_score(History(val_loss=np.array([0.5]), diverged=True))
    inf
    """
    metric = _check_metric(metric)
    value = float(metric(history)) if callable(metric) else float(getattr(history, metric))
    return value if math.isfinite(value) and not history.diverged else math.inf


@dataclasses.dataclass(eq=False)
class LRSweep:
    """One schedule trained at every rate of a grid: the tuning record.

    Attributes:
        lrs: the peak rates tried, increasing.
        scores: mean score over the tuning seeds at each rate (lower is better; inf if any
            run at that rate diverged).
        histories: histories[i] are the runs at lrs[i], one per tuning seed.
        metric: the metric minimised (a History property name, or a function's name).
    """

    lrs: np.ndarray
    scores: np.ndarray
    histories: list[list[History]]
    metric: str = "final_val_loss"

    @property
    def best_index(self) -> int | None:
        """Index of the best rate, or None if every rate diverged."""
        if not np.any(np.isfinite(self.scores)):
            return None
        return int(np.argmin(self.scores))

    @property
    def best_lr(self) -> float:
        """The rate with the lowest score (nan if every rate diverged)."""
        i = self.best_index
        return math.nan if i is None else float(self.lrs[i])

    @property
    def at_edge(self) -> bool:
        """True if the best rate is the smallest or the largest tried: widen the grid on that side."""
        i = self.best_index
        return i is not None and len(self.lrs) > 1 and i in (0, len(self.lrs) - 1)


def _progress_bar(total: int, progress: bool, desc: str) -> Any:
    from course_lib.display import progress_bar

    return progress_bar(total=total, disable=not progress, desc=desc)


def tune_lr(
    make_schedule: Callable[[float, int], S.Schedule],
    lrs: Any,
    budget: Budget,
    *,
    seeds: Sequence[int] = (0,),
    metric: Any = "final_val_loss",
    label: str = "",
    progress: bool = False,
    _bar: Any = None,
) -> LRSweep:
    """Train ``make_schedule(lr, budget.total_steps)`` for every lr of a grid; keep the best.

    A run that diverges scores inf (it is reported, not raised). The score at a rate is
    the mean over ``seeds``.

    Args:
        make_schedule: a function (peak lr, total steps) -> Schedule, e.g.
            ``STANDARD_SCHEDULES["cosine"]``; it is planned for the whole budget.
        lrs: increasing peak rates, e.g. ``np.geomspace(1e-3, 1e-1, 5)``.
        budget: the :class:`Budget` every run gets.
        seeds: tuning seeds (>= 1 of them).
        metric: what to minimise: a History property ("final_val_loss") or a function
            History -> float.
        label: the runs' label (legends).
        progress: show a tqdm bar over the runs.

    Returns:
        An :class:`LRSweep`.

    Raises:
        ValueError, TypeError: bad arguments, naming them.
    """
    if not callable(make_schedule):
        raise TypeError(
            f"make_schedule must be a function (lr, total_steps) -> Schedule, got make_schedule={make_schedule!r}"
        )
    if not isinstance(budget, Budget):
        raise TypeError(f"budget must be a Budget, got budget={budget!r}")
    lrs = _check_lrs(lrs)
    seeds = _check_seeds("seeds", seeds)
    metric = _check_metric(metric)
    bar = _bar if _bar is not None else _progress_bar(len(lrs) * len(seeds), progress, label or "tune lr")
    histories, scores = [], []
    try:
        for lr in lrs:
            schedule = make_schedule(float(lr), budget.total_steps)
            runs = []
            for s in seeds:
                runs.append(budget.train(schedule, seed=s, label=f"{label} lr={lr:.3g}".strip()))
                bar.update(1)
            histories.append(runs)
            scores.append(float(np.mean([run_score(h, metric) for h in runs])))
    finally:
        if _bar is None:
            bar.close()
    name = metric if isinstance(metric, str) else getattr(metric, "__name__", "metric")
    return LRSweep(lrs=lrs, scores=np.array(scores), histories=histories, metric=name)


@dataclasses.dataclass(eq=False)
class Comparison:
    """The result of :func:`compare_schedules`.

    Attributes:
        budget: the budget every run had.
        sweeps: schedule name -> its :class:`LRSweep` (the tuning runs).
        runs: schedule name -> the evaluation runs at its tuned rate, one per seed
            (empty if every rate diverged during tuning).
        seeds: the evaluation seeds.
    """

    budget: Budget
    sweeps: dict[str, LRSweep]
    runs: dict[str, list[History]]
    seeds: list[int]

    @property
    def best_lr(self) -> dict[str, float]:
        """Schedule name -> tuned peak rate."""
        return {name: sweep.best_lr for name, sweep in self.sweeps.items()}

    def rows(self) -> list[dict[str, Any]]:
        """One dict per schedule: name, lr, at_edge, runs, diverged, and mean/std of the final
        validation loss and accuracy over the evaluation seeds (std with ddof=1)."""
        out = []
        for name, runs in self.runs.items():
            loss, loss_std = summarize(runs, "final_val_loss") if runs else (math.nan, math.nan)
            acc, acc_std = summarize(runs, "final_val_acc") if runs else (math.nan, math.nan)
            out.append(
                dict(
                    name=name,
                    lr=self.sweeps[name].best_lr,
                    at_edge=self.sweeps[name].at_edge,
                    runs=len(runs),
                    diverged=sum(h.diverged for h in runs),
                    val_loss=loss,
                    val_loss_std=loss_std,
                    val_acc=acc,
                    val_acc_std=acc_std,
                )
            )
        return out

    def ranking(self) -> list[str]:
        """Schedule names from the lowest to the highest mean final validation loss."""
        rows = [r for r in self.rows() if math.isfinite(r["val_loss"])]
        return [r["name"] for r in sorted(rows, key=lambda r: r["val_loss"])]

    def table(self) -> Table:
        """A markdown table (renders as a table in Jupyter), fixed format.

        lr to 3 significant digits, loss and accuracy to 4 decimals.

        A rate marked "(edge)" is the smallest or largest of the grid: the grid should be
        widened on that side before trusting it.
        """
        lines = [
            "| schedule | tuned lr | final val loss (mean ± std) | final val acc (mean ± std) | runs |",
            "|---|---|---|---|---|",
        ]
        for r in self.rows():
            lr = "all diverged" if math.isnan(r["lr"]) else f"{r['lr']:.3g}" + (" (edge)" if r["at_edge"] else "")
            runs = f"{r['runs']}" + (f" ({r['diverged']} diverged)" if r["diverged"] else "")
            if r["runs"]:
                lines.append(
                    f"| {r['name']} | {lr} | {r['val_loss']:.4f} ± {r['val_loss_std']:.4f} | "
                    f"{r['val_acc']:.4f} ± {r['val_acc_std']:.4f} | {runs} |"
                )
            else:
                lines.append(f"| {r['name']} | {lr} | n/a | n/a | 0 |")
        return Table("\n".join(lines))


def compare_schedules(
    schedules: Mapping[str, Callable[[float, int], S.Schedule]],
    lrs: Any,
    budget: Budget,
    *,
    seeds: Sequence[int] = (1, 2, 3),
    tune_seeds: Sequence[int] = (0,),
    metric: Any = "final_val_loss",
    progress: bool = False,
) -> Comparison:
    """A fair comparison: tune each schedule's peak rate on the grid, then rerun it over seeds.

    For every schedule: :func:`tune_lr` over ``lrs`` with ``tune_seeds``, then
    ``len(seeds)`` runs at the best rate. The evaluation seeds should differ from the
    tuning seeds (the defaults do): re-using the run that won the tuning would report
    its luck along with the schedule. Cost: len(schedules) * (len(lrs) * len(tune_seeds)
    + len(seeds)) runs of the budget.

    Args:
        schedules: name -> make(lr, total_steps) -> Schedule (e.g. :data:`STANDARD_SCHEDULES`).
        lrs: increasing peak rates tried for every schedule (log-spaced: ``np.geomspace``).
        budget: the :class:`Budget` of every run.
        seeds: evaluation seeds.
        tune_seeds: tuning seeds.
        metric: what the tuning minimises (see :func:`tune_lr`).
        progress: one tqdm bar over all the runs.

    Returns:
        A :class:`Comparison` (``.table()``, ``.rows()``, ``.runs`` for ``plotting.plot_runs``).

    Raises:
        ValueError, TypeError: bad arguments, naming them.
    """
    if not isinstance(schedules, Mapping) or not schedules:
        raise TypeError(
            f"schedules must be a non-empty dict name -> make(lr, total_steps), got schedules={schedules!r}"
        )
    for name, make in schedules.items():
        if not callable(make):
            raise TypeError(f"schedules[{name!r}] must be a function (lr, total_steps) -> Schedule, got {make!r}")
    if not isinstance(budget, Budget):
        raise TypeError(f"budget must be a Budget, got budget={budget!r}")
    lrs = _check_lrs(lrs)
    seeds = _check_seeds("seeds", seeds)
    tune_seeds = _check_seeds("tune_seeds", tune_seeds)
    metric = _check_metric(metric)
    total = len(schedules) * (len(lrs) * len(tune_seeds) + len(seeds))
    sweeps, runs = {}, {}
    with _progress_bar(total, progress, "compare schedules") as bar:
        for name, make in schedules.items():
            bar.set_postfix_str(name)
            sweeps[name] = tune_lr(make, lrs, budget, seeds=tune_seeds, metric=metric, label=name, _bar=bar)
            best = sweeps[name].best_lr
            runs[name] = []
            if not math.isnan(best):
                schedule = make(best, budget.total_steps)
                for s in seeds:
                    runs[name].append(budget.train(schedule, seed=s, label=name))
                    bar.update(1)
            else:
                bar.update(len(seeds))
    return Comparison(budget=budget, sweeps=sweeps, runs=runs, seeds=seeds)
