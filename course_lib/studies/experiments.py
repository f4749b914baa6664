"""Small measurements on a :class:`~course_lib.training.history.History` that the notebooks share.

Trainers record; these functions turn a record into the one number (or the curve)
a lesson rests on, so notebook cells stay one line long. One section per topic;
add yours at the end.

>>> from course_lib import problems as P
>>> from course_lib.training import trainers as T
>>> bowl = P.quadratic_bowl(condition_number=10.0)
>>> steps_to_tolerance(T.run_gd(bowl, bowl.optimal_lr, 200), bowl, rel_tol=1e-6)
35
"""
from __future__ import annotations

import copy
import dataclasses
import math
from numbers import Real
from typing import Any, Callable, Iterable, Mapping, Sequence

import numpy as np
import torch

from course_lib import schedules as S
from course_lib.training import trainers as T
from course_lib.validation import check_in, check_int, check_positive
from course_lib.training.history import History

__all__ = ["excess_loss", "late_excess_loss", "steps_to_tolerance", "partial_sums",
           "Budget", "STANDARD_SCHEDULES", "constant_schedule", "step_schedule", "cosine_schedule",
           "warmup_cosine_schedule", "one_cycle_schedule", "sgdr_schedule", "wsd_schedule",
           "run_score", "LRSweep", "tune_lr", "Comparison", "compare_schedules", "axis_progress",
           "sharpness", "SharpnessTrace", "sharpness_during_training", "adam_update_sizes", "first_step_ratio",
           "early_spike", "budget_cut_schedules"]


def _check_history(history: Any) -> History:
    if not isinstance(history, History):
        raise TypeError(f"history must be a History (from a trainer), got history={history!r} "
                        f"({type(history).__name__})")
    return history


def _min_loss(problem: Any) -> float:
    value = getattr(problem, "min_loss", None)
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise TypeError(f"problem must have a finite number min_loss (the best loss), got problem={problem!r}")
    return float(value)


# ---------------------------------------------------------------------------
# Fixed learning rates (notebook 01): how far from the minimum, how fast
# ---------------------------------------------------------------------------

def excess_loss(history: History, problem: Any) -> History:
    """A copy of ``history`` whose ``loss`` is loss - problem.min_loss (the distance to the best loss).

    Use it to draw a run on a log axis, where a loss that levels off at min_loss + a
    small floor would otherwise look flat. Everything else (label, lr, params) is kept.

    Args:
        history: a run on ``problem``.
        problem: has ``min_loss`` (e.g. ``problems.noisy_least_squares()``).

    Returns:
        a new History (the original is not changed).

    Raises:
        TypeError: not a History, or a problem without min_loss.
    """
    history = _check_history(history)
    f_star = _min_loss(problem)
    return dataclasses.replace(history, loss=np.asarray(history.loss, dtype=np.float64) - f_star)


def late_excess_loss(history: History, problem: Any, window: int = 1000) -> float:
    """Mean of loss - problem.min_loss over the last ``window`` recorded steps.

    For constant-rate SGD this is the *noise floor*: the level where the pull of the
    gradient and the kicks of the gradient noise balance (roughly proportional to lr).

    Args:
        history: a run on ``problem`` (training loss recorded before each update).
        problem: has ``min_loss``.
        window: number of final steps averaged (>= 1, at most the recorded steps).

    Returns:
        the mean excess loss; ``math.inf`` for a run that diverged (it has no floor).

    Raises:
        TypeError: not a History, or a problem without min_loss.
        ValueError: window < 1 or longer than the run.
    """
    history = _check_history(history)
    f_star = _min_loss(problem)
    window = check_int("window", window, minimum=1)
    if history.diverged:
        return math.inf
    if window > history.n_steps:
        raise ValueError(f"window must be at most the number of recorded steps ({history.n_steps}), "
                         f"got window={window}")
    return float(np.mean(np.asarray(history.loss[-window:], dtype=np.float64)) - f_star)


def steps_to_tolerance(history: History, problem: Any, rel_tol: float = 1e-6) -> int | None:
    """First step t with loss[t] - f* <= rel_tol * (loss[0] - f*), f* = problem.min_loss.

    loss[t] is the loss after t updates, so the answer counts updates.

    Args:
        history: a run on ``problem``.
        problem: has ``min_loss``.
        rel_tol: the fraction of the initial excess loss to reach (> 0).

    Returns:
        the number of updates, or None if the run never got there (or diverged first).

    Raises:
        TypeError: not a History, or a problem without min_loss.
        ValueError: rel_tol <= 0, or an empty history.
    """
    history = _check_history(history)
    f_star = _min_loss(problem)
    rel_tol = check_positive("rel_tol", rel_tol)
    excess = np.asarray(history.loss, dtype=np.float64) - f_star
    if excess.size == 0:
        raise ValueError("history must hold at least one recorded step, got an empty history")
    reached = np.flatnonzero(excess <= rel_tol * excess[0])
    return int(reached[0]) if reached.size else None


# ---------------------------------------------------------------------------
# Decaying rates (notebook 02): how much a schedule moves in total
# ---------------------------------------------------------------------------

def partial_sums(schedule: Any, n_steps: int, power: float = 1.0) -> np.ndarray:
    """Running totals S_t = sum_{s=0..t} lr(s) ** power, for t = 0 .. n_steps-1.

    power=1 gives the total learning after t+1 updates (the first Robbins-Monro sum,
    which must grow without bound for SGD to reach the minimum from any start);
    power=2 gives the accumulated gradient noise (the second sum, which must stay
    bounded for that noise to die out).

    Args:
        schedule: a course_lib schedule (evaluated in one vectorised call) or any
            function of the step.
        n_steps: number of steps (>= 1).
        power: exponent applied to each rate (> 0).

    Returns:
        a float64 array of length n_steps.

    Raises:
        ValueError: n_steps < 1 or power <= 0.

    >>> from course_lib import schedules as S
    >>> partial_sums(S.constant(0.5), 4)
    array([0.5, 1. , 1.5, 2. ])
    >>> round(float(partial_sums(S.exponential_decay(1.0, 0.5), 60)[-1]), 9)  # 1 / (1 - 0.5)
    2.0
    """
    n_steps = check_int("n_steps", n_steps, minimum=1)
    power = check_positive("power", power)
    return np.cumsum(np.asarray(S.evaluate(schedule, n_steps), dtype=np.float64) ** power)


# ---------------------------------------------------------------------------
# Choosing a schedule (notebook 06): budget-matched, fairly tuned comparisons
# ---------------------------------------------------------------------------
#
# "Try a few values and watch the loss" made systematic: every schedule gets the same
# budget (model, data, optimizer, number of updates), its own peak rate tuned on the
# same log-spaced grid, and a report over fresh seeds (mean and spread).

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
        options: further keyword arguments of ``trainers.train_torch`` (momentum,
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
            raise TypeError("model must be a function building a fresh model, e.g. "
                            f"lambda: M.mlp(64, 10, seed=None); got model={self.model!r} (an instance would "
                            "be trained further by every run)")
        object.__setattr__(self, "epochs", check_int("epochs", self.epochs, minimum=1))
        object.__setattr__(self, "batch_size", check_int("batch_size", self.batch_size, minimum=1))
        check_in("optimizer", self.optimizer, T.OPTIMIZERS)
        if not isinstance(self.options, Mapping):
            raise TypeError(f"options must be a dict of train_torch keywords, got options={self.options!r}")
        clash = sorted(set(self.options) & set(_TRAIN_KEYS))
        if clash:
            raise ValueError(f"options must not set {clash}: the budget and the comparison set those; "
                             f"got options={dict(self.options)!r}")
        object.__setattr__(self, "options", dict(self.options))

    @property
    def steps_per_epoch(self) -> int:
        """Updates per epoch: ceil(training examples / batch_size)."""
        return math.ceil(len(self.data.X_train) / self.batch_size)

    @property
    def total_steps(self) -> int:
        """Updates in the whole budget, the T a schedule is planned for: epochs * steps_per_epoch."""
        return self.epochs * self.steps_per_epoch

    def train(self, schedule: Any, *, seed: int = 0, epochs: int | None = None, label: str = "") -> History:
        """One run of ``trainers.train_torch`` with this budget's settings.

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
        return T.train_torch(self.model, self.data, schedule, epochs=epochs, batch_size=self.batch_size,
                             optimizer=self.optimizer, seed=seed, label=label, **self.options)


# The recipes "shape fitted to (peak lr, T)" live in the schedules package.
from course_lib.schedules.recipes import (  # noqa: E402
    STANDARD_SCHEDULES, constant_schedule, cosine_schedule, one_cycle_schedule, sgdr_schedule, step_schedule,
    warmup_cosine_schedule, wsd_schedule,
)


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
        raise ValueError(f"metric must be a History property to minimise ('final_val_loss', 'final_loss') "
                         f"or a function History -> float (lower is better), got metric={metric!r}")
    if metric == "final_val_acc":
        raise ValueError("metric is minimised: use metric='final_val_loss', or "
                         "lambda h: 1 - h.final_val_acc to pick the best accuracy")
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
    from tqdm.auto import tqdm

    return tqdm(total=total, disable=not progress, desc=desc, leave=False)


def tune_lr(make_schedule: Callable[[float, int], S.Schedule], lrs: Any, budget: Budget, *,
            seeds: Sequence[int] = (0,), metric: Any = "final_val_loss", label: str = "",
            progress: bool = False, _bar: Any = None) -> LRSweep:
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
        raise TypeError(f"make_schedule must be a function (lr, total_steps) -> Schedule, "
                        f"got make_schedule={make_schedule!r}")
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
            loss, loss_std = T.summarize(runs, "final_val_loss") if runs else (math.nan, math.nan)
            acc, acc_std = T.summarize(runs, "final_val_acc") if runs else (math.nan, math.nan)
            out.append(dict(name=name, lr=self.sweeps[name].best_lr, at_edge=self.sweeps[name].at_edge,
                            runs=len(runs), diverged=sum(h.diverged for h in runs),
                            val_loss=loss, val_loss_std=loss_std, val_acc=acc, val_acc_std=acc_std))
        return out

    def ranking(self) -> list[str]:
        """Schedule names from the lowest to the highest mean final validation loss."""
        rows = [r for r in self.rows() if math.isfinite(r["val_loss"])]
        return [r["name"] for r in sorted(rows, key=lambda r: r["val_loss"])]

    def table(self) -> str:
        """A markdown table, fixed format (lr to 3 significant digits, loss and accuracy to 4 decimals).

        A rate marked "(edge)" is the smallest or largest of the grid: the grid should be
        widened on that side before trusting it.
        """
        lines = [f"| schedule | tuned lr | final val loss (mean ± std) | final val acc (mean ± std) | runs |",
                 "|---|---|---|---|---|"]
        for r in self.rows():
            lr = "all diverged" if math.isnan(r["lr"]) else f"{r['lr']:.3g}" + (" (edge)" if r["at_edge"] else "")
            runs = f"{r['runs']}" + (f" ({r['diverged']} diverged)" if r["diverged"] else "")
            if r["runs"]:
                lines.append(f"| {r['name']} | {lr} | {r['val_loss']:.4f} ± {r['val_loss_std']:.4f} | "
                             f"{r['val_acc']:.4f} ± {r['val_acc_std']:.4f} | {runs} |")
            else:
                lines.append(f"| {r['name']} | {lr} | n/a | n/a | 0 |")
        return "\n".join(lines)


def compare_schedules(schedules: Mapping[str, Callable[[float, int], S.Schedule]], lrs: Any, budget: Budget, *,
                      seeds: Sequence[int] = (1, 2, 3), tune_seeds: Sequence[int] = (0,),
                      metric: Any = "final_val_loss", progress: bool = False) -> Comparison:
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
        raise TypeError(f"schedules must be a non-empty dict name -> make(lr, total_steps), "
                        f"got schedules={schedules!r}")
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


# ---------------------------------------------------------------------------
# Per-parameter rates (notebook 05): progress along each axis
# ---------------------------------------------------------------------------

def axis_progress(history: History, problem: Any, fraction: float = 0.1) -> list[int | None]:
    """For each parameter i, the first step t with |w_t,i - w*_i| <= fraction * |w_0,i - w*_i|.

    On an ill-conditioned quadratic plain GD solves the steep axis in a few steps and
    needs hundreds on the flat one; a per-parameter method (AdaGrad, RMSProp, Adam)
    brings the two counts together.

    Args:
        history: a run with a ``params`` path (a NumPy trainer).
        problem: has ``minimum`` (w*).
        fraction: the fraction of the starting distance to reach, in (0, 1].

    Returns:
        one entry per parameter: the number of updates, or None if the run never got there.

    Raises:
        TypeError: not a History, or a problem without ``minimum``.
        ValueError: no path, or fraction outside (0, 1].

    >>> from course_lib import problems as P
    >>> from course_lib.training import trainers as T
    >>> bowl = P.quadratic_bowl(condition_number=100.0)
    >>> axis_progress(T.run_gd(bowl, 1.0, 300), bowl)
    [1, 230]
    """
    history = _check_history(history)
    fraction = check_positive("fraction", fraction)
    if fraction > 1:
        raise ValueError(f"fraction must be in (0, 1], got fraction={fraction!r}")
    if history.params is None or np.ndim(history.params) != 2:
        raise ValueError("history must have a params path (run it with a NumPy trainer)")
    if getattr(problem, "minimum", None) is None:
        raise TypeError(f"problem must have a minimum (w*), got problem={problem!r}")
    distance = np.abs(np.asarray(history.params, dtype=np.float64) - np.asarray(problem.minimum, dtype=np.float64))
    out: list[int | None] = []
    for i in range(distance.shape[1]):
        reached = np.flatnonzero(distance[:, i] <= fraction * distance[0, i])
        out.append(int(reached[0]) if reached.size else None)
    return out


# ---------------------------------------------------------------------------
# Warm-up (notebook 03): the curvature at the start, Adam's first steps
# ---------------------------------------------------------------------------

def _hessian_inputs(model: torch.nn.Module, data: Any, loss: str, n_examples: int
                    ) -> tuple[torch.Tensor, torch.Tensor, Callable[..., torch.Tensor]]:
    """The first n_examples training rows as tensors, and the loss function."""
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model must be a torch nn.Module, got model={model!r} ({type(model).__name__})")
    if not hasattr(data, "X_train") or not hasattr(data, "y_train"):
        raise TypeError(f"data must be a Dataset (X_train, y_train, ...), got data={data!r}")
    check_in("loss", loss, T.LOSSES)
    n_examples = check_int("n_examples", n_examples, minimum=1)
    X = torch.as_tensor(np.asarray(data.X_train)[:n_examples], dtype=torch.float32)
    target = torch.int64 if loss == "cross_entropy" else torch.float32
    y = torch.as_tensor(np.asarray(data.y_train)[:n_examples], dtype=target)
    fn = torch.nn.functional.cross_entropy if loss == "cross_entropy" else torch.nn.functional.mse_loss
    return X, y, fn


def sharpness(model: torch.nn.Module, data: Any, *, loss: str = "cross_entropy", n_examples: int = 512,
              n_iter: int = 20, seed: int = 0) -> float:
    """The sharpness: the largest Hessian eigenvalue of the training loss at the model's weights.

    Power iteration with Hessian-vector products (double backpropagation):
    v <- H v / |H v|, n_iter times from a random v; returns the Rayleigh quotient v.Hv.
    The loss is the full-batch loss on the first ``n_examples`` training examples. Power
    iteration finds the eigenvalue of largest magnitude; for these networks at and after
    initialisation that is the top (positive) one.

    Plain gradient descent at rate lr is locally stable only while lr < 2 / sharpness
    (notebook 01's limit 2/L, with L measured where the weights are now).

    Args:
        model: a torch model (not changed; its gradients are not touched).
        data: a Dataset (X_train, y_train).
        loss: "cross_entropy" or "mse".
        n_examples: training examples in the loss (>= 1; all of them if fewer).
        n_iter: power-iteration steps (>= 1).
        seed: seed of the random start vector.

    Returns:
        The eigenvalue, a float (1 / units of the learning rate).

    Raises:
        TypeError, ValueError: bad arguments, naming them.
    """
    X, y, loss_fn = _hessian_inputs(model, data, loss, n_examples)
    n_iter = check_int("n_iter", n_iter, minimum=1)
    seed = check_int("seed", seed, minimum=0)
    params = [p for p in model.parameters() if p.requires_grad]
    generator = torch.Generator().manual_seed(seed)
    v = [torch.randn(p.shape, generator=generator) for p in params]
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # reproducible sums, like the trainers
    try:
        with torch.enable_grad():
            grads = torch.autograd.grad(loss_fn(model(X), y), params, create_graph=True)
            value = 0.0
            for _ in range(n_iter):
                norm = torch.sqrt(sum((a * a).sum() for a in v))
                v = [a / norm for a in v]
                hv = torch.autograd.grad(grads, params, grad_outputs=v, retain_graph=True)
                value = float(sum((a * b).sum() for a, b in zip(hv, v)))
                v = [a.detach() for a in hv]
    finally:
        torch.set_num_threads(threads)
    return value


@dataclasses.dataclass(eq=False)
class SharpnessTrace:
    """Sharpness measured during one run of :func:`sharpness_during_training`.

    Attributes:
        epochs: when it was measured, in epochs (0 = at initialisation).
        sharpness: the top Hessian eigenvalue at those points.
        lr: the rate of the next update at those points, schedule(epoch * steps_per_epoch).
        history: the training run.
        label: name for legends.
    """

    epochs: np.ndarray
    sharpness: np.ndarray
    lr: np.ndarray
    history: History
    label: str = ""

    @property
    def stability_ratio(self) -> np.ndarray:
        """lr * sharpness / 2: above 1, plain GD at that rate is beyond its local stability limit 2/sharpness."""
        return self.lr * self.sharpness / 2


def sharpness_during_training(model: torch.nn.Module, data: Any, schedule: Any, *, epochs: int,
                              measure_epochs: Sequence[int] | None = None, loss: str = "cross_entropy",
                              n_examples: int = 512, n_iter: int = 20, label: str = "",
                              **train_kwargs: Any) -> SharpnessTrace:
    """Train with ``trainers.train_torch`` and measure the :func:`sharpness` at init and after some epochs.

    Args:
        model: an nn.Module, trained in place (build it with a seed, e.g. ``M.mlp(..., seed=0)``).
        data: a Dataset.
        schedule: the learning-rate schedule (per optimizer step).
        epochs: epochs of training (>= 1).
        measure_epochs: epochs after which to measure (each in 1 .. epochs); default every epoch.
            The sharpness at initialisation (epoch 0) is always measured.
        loss: "cross_entropy" or "mse" (for training and for the sharpness).
        n_examples, n_iter: passed to :func:`sharpness`.
        label: the run's label.
        **train_kwargs: further ``train_torch`` arguments (batch_size, optimizer, momentum, seed...).

    Returns:
        A :class:`SharpnessTrace`. A run that diverges stops early; the trace then ends
        at the last epoch it completed.

    Raises:
        TypeError, ValueError: bad arguments, naming them.
    """
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model must be an nn.Module built with a seed (its initial sharpness is measured), "
                        f"got model={model!r}")
    epochs = check_int("epochs", epochs, minimum=1)
    wanted = set(range(1, epochs + 1)) if measure_epochs is None else {
        check_int(f"measure_epochs[{i}]", e, minimum=1) for i, e in enumerate(measure_epochs)}
    if wanted and max(wanted) > epochs:
        raise ValueError(f"measure_epochs must lie in 1 .. epochs ({epochs}), got measure_epochs={sorted(wanted)}")
    def measure(net: torch.nn.Module) -> float:
        return sharpness(net, data, loss=loss, n_examples=n_examples, n_iter=n_iter)

    points = [(0, measure(model))]

    def callback(epoch: int, net: torch.nn.Module, metrics: dict) -> None:
        if epoch in wanted:
            points.append((epoch, measure(net)))

    history = T.train_torch(model, data, schedule, epochs=epochs, loss=loss, label=label, callback=callback,
                            **train_kwargs)
    per_epoch = int(history.config["steps_per_epoch"])
    at = np.array([e for e, _ in points])
    rates = np.asarray(S.evaluate(schedule, epochs * per_epoch + 1), dtype=np.float64) if callable(schedule) \
        else np.full(epochs * per_epoch + 1, float(schedule))
    return SharpnessTrace(epochs=at, sharpness=np.array([v for _, v in points]), lr=rates[at * per_epoch],
                          history=history, label=label)


def adam_update_sizes(n_steps: int, *, n_params: int = 2000, signal: float = 0.0, noise: float = 1.0,
                      beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8, seed: int = 0) -> np.ndarray:
    """Adam's step per unit of lr, m_hat / (sqrt(v_hat) + eps), on a stream of noisy gradients.

    Each of ``n_params`` independent parameters receives gradients g = signal + noise * z,
    z ~ N(0, 1), fresh at every step; the moments follow :func:`course_lib.training.adaptive.adam_step`
    (with bias correction). The update of a parameter is lr times the returned value.
    At step 1 it is exactly sign(g) (size 1, whatever the gradient); once the averages
    have filled up, it settles near signal / sqrt(signal^2 + noise^2) with a spread set by beta1.

    Args:
        n_steps: Adam steps (>= 1).
        n_params: independent parameters simulated (>= 1).
        signal: the gradient's mean (the same for all parameters).
        noise: the gradient noise's standard deviation (>= 0; signal and noise not both 0).
        beta1, beta2: Adam's averaging constants in [0, 1).
        eps: Adam's eps (> 0).
        seed: seed of the noise.

    Returns:
        A float64 array of shape (n_steps, n_params): row t-1 is the update of step t.

    Raises:
        ValueError: bad arguments, naming them.

    >>> u = adam_update_sizes(3, n_params=4, signal=0.0, noise=1.0)
    >>> bool(np.allclose(np.abs(u[0]), 1.0))   # the first step is lr * sign(g)
    True
    """
    from course_lib.training.adaptive import adam_step  # local: adaptive is a sibling module

    n_steps = check_int("n_steps", n_steps, minimum=1)
    n_params = check_int("n_params", n_params, minimum=1)
    signal = float(signal)
    noise = float(noise)
    if not (math.isfinite(signal) and math.isfinite(noise) and noise >= 0 and (noise > 0 or signal != 0)):
        raise ValueError(f"signal must be finite and noise >= 0, not both 0; got signal={signal!r}, noise={noise!r}")
    for name, value in (("beta1", beta1), ("beta2", beta2)):
        if not (isinstance(value, Real) and 0 <= value < 1):
            raise ValueError(f"{name} must be in [0, 1), got {name}={value!r}")
    eps = check_positive("eps", eps)
    rng = np.random.default_rng(check_int("seed", seed, minimum=0))
    w, m, v = np.zeros(n_params), np.zeros(n_params), np.zeros(n_params)
    out = np.empty((n_steps, n_params))
    for t in range(1, n_steps + 1):
        g = signal + noise * rng.standard_normal(n_params)
        new_w, m, v = adam_step(w, g, m, v, t, lr=1.0, beta1=float(beta1), beta2=float(beta2), eps=eps)
        out[t - 1] = w - new_w
    return out


def first_step_ratio(model: torch.nn.Module, data: Any, lr: float, *, optimizer: str = "adam",
                     loss: str = "cross_entropy", batch_size: int = 64) -> float:
    """How far the very first update moves the weights, relative to their size: |w_1 - w_0| / |w_0|.

    One update of a copy of ``model`` (the model itself is not changed) on the first
    ``batch_size`` training examples, with a fresh optimizer at rate ``lr`` (SGD without
    momentum, or Adam/AdamW with torch's defaults). Norms are over all parameters.
    SGD moves by lr * |g|, so its first step depends on the gradient's size; Adam's first
    step is lr * sign(g) in every coordinate, so it is lr * sqrt(n_params) whatever the gradient.

    Args:
        model: the torch model at initialisation.
        data: a Dataset (X_train, y_train).
        lr: the rate of the first update (> 0).
        optimizer: "sgd", "adam" or "adamw".
        loss: "cross_entropy" or "mse".
        batch_size: examples in the batch (>= 1).

    Returns:
        The ratio, a float.

    Raises:
        TypeError, ValueError: bad arguments, naming them.
    """
    X, y, loss_fn = _hessian_inputs(model, data, loss, batch_size)
    lr = check_positive("lr", lr)
    check_in("optimizer", optimizer, T.OPTIMIZERS)
    net = copy.deepcopy(model)
    params = [p for p in net.parameters() if p.requires_grad]
    before = torch.cat([p.detach().reshape(-1).clone() for p in params])
    make = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW}[optimizer]
    opt = make(params, lr=lr)
    with torch.enable_grad():
        loss_fn(net(X), y).backward()
    opt.step()
    after = torch.cat([p.detach().reshape(-1) for p in params])
    return float((after - before).norm() / before.norm())


from course_lib.schedules.recipes import budget_cut_schedules  # noqa: E402


# ---------------------------------------------------------------------------
# Large batches (notebook 08)
# ---------------------------------------------------------------------------

def early_spike(history: History, epochs: float = 1.0) -> float:
    """Largest training loss over the first ``epochs`` epochs, divided by the first loss.

    1.0 means the loss never rose above where it started; 2.0 that it doubled at some step
    (a rate too large for the initial curvature). The window is ``epochs * steps_per_epoch``
    steps (from the History's config; the whole run if it has none).

    Args:
        history: a History from a torch trainer.
        epochs: the window, in epochs (> 0).

    Returns:
        The ratio (nan for a run with no steps).

    >>> early_spike(History(loss=np.array([2.0, 3.0, 1.0, 0.5]), config={"steps_per_epoch": 2}))
    1.5
    """
    _check_history(history)
    epochs = check_positive("epochs", epochs)
    loss = np.asarray(history.loss, dtype=np.float64)
    if loss.size == 0:
        return math.nan
    per_epoch = int(history.config.get("steps_per_epoch") or loss.size)
    window = loss[: max(int(round(epochs * per_epoch)), 1)]
    return float(np.max(window) / loss[0])
