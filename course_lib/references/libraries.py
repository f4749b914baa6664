"""How the libraries count: their rules transcribed, and a tracer for torch's schedulers.

Two tools for the pitfalls notebook (and anyone comparing libraries):

* :func:`trace_torch_lrs` runs a tiny torch loop (one parameter, SGD) for a few
  steps and records the rate *each optimizer update actually used*, whether the
  update happened, the warnings torch raised and the error that stopped it, if
  any. The loop order (``optimizer.step()`` then ``scheduler.step()``, or the
  reverse) and skipped updates (AMP's GradScaler on an overflow) are options.
* Library rules transcribed as functions of the step ``t``, vectorised like a
  course_lib schedule, for the places where libraries disagree (see
  ``/work/shared/reference/schedules-in-libraries.md``, "Conventions to encode"):
  torch's cosine and Hugging Face's cosine rise again past their horizon, torch's
  OneCycleLR raises one step past its end, and a milestone ``b`` switches the rate
  at ``t = b`` (torch, optax), ``t = b + 1`` (Keras PiecewiseConstantDecay) or
  ``t = b - 1`` (timm MultiStep). Keras and timm are not installed: their rules
  are transcribed from their sources; torch's are tested against torch.

:func:`convention_curves` gathers, for one family, each library's rule next to
the course_lib schedule (the pure layer of ``explorers.ConventionsExplorer``).

>>> import torch
>>> from course_lib import references
>>> [float(references.keras_piecewise_constant(t, [5], [1.0, 0.1])) for t in (5, 6)]
[1.0, 0.1]
>>> trace = references.trace_torch_lrs(lambda opt: torch.optim.lr_scheduler.ExponentialLR(opt, 0.5), 3)
>>> trace.lrs.round(4).tolist(), trace.warnings
([0.1, 0.05, 0.025], [])
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Sequence

import numpy as np
import torch

from course_lib import schedules
from course_lib.schedules import as_steps, shaped_like
from course_lib.validation import check_in, check_int, check_non_negative, check_positive, check_range

__all__ = [
    "LRTrace",
    "trace_torch_lrs",
    "ORDERS",
    "torch_cosine_annealing",
    "hf_cosine_with_warmup",
    "torch_one_cycle",
    "torch_multistep",
    "keras_piecewise_constant",
    "timm_multistep",
    "keras_legacy_decay",
    "torch_radam_rectification",
    "switch_steps",
    "FAMILIES",
    "FAMILY_DEFAULTS",
    "convention_curves",
    "convention_table",
]

#: The two loop orders :func:`trace_torch_lrs` can run (the first is right).
ORDERS = ("optimizer_first", "scheduler_first")


# ---------------------------------------------------------------------------
# Tracing a torch scheduler
# ---------------------------------------------------------------------------


@dataclass
class LRTrace:
    """What a short torch loop did, update by update.

    Attributes:
        lrs: the rate in param group 0 when update t ran (t = 0, 1, ...), i.e. the
            rate that update used (or would have used, if it was skipped).
        applied: True where ``optimizer.step()`` really updated the parameters
            (False where a GradScaler skipped it).
        warnings: the distinct warning messages raised, in order.
        error: ``"ValueError: ..."`` if a ``scheduler.step()`` raised (the loop
            stopped there; ``lrs`` holds the updates done before), else None.
    """

    lrs: np.ndarray
    applied: np.ndarray
    warnings: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def n_steps(self) -> int:
        """Number of updates recorded."""
        return int(self.lrs.size)

    def summary(self, digits: int = 4) -> str:
        """One line: the rates (rounded to ``digits`` significant digits), warnings and error."""
        rates = " ".join(f"{x:.{digits}g}" for x in self.lrs)
        skipped = [int(i) for i in np.flatnonzero(~self.applied)]
        text = f"lr used: {rates}"
        if skipped:
            text += f" | skipped updates: {skipped}"
        if self.warnings:
            text += f" | {len(self.warnings)} warning(s)"
        if self.error:
            text += f" | stopped: {self.error.splitlines()[0]}"
        return text


def trace_torch_lrs(
    make_scheduler: Callable[[torch.optim.Optimizer], Any] | None,
    n_steps: int,
    *,
    lr: float = 0.1,
    order: str = "optimizer_first",
    set_lr: Callable[[int], float] | None = None,
    amp_inf_steps: Iterable[int] = (),
) -> LRTrace:
    """Run ``n_steps`` updates of SGD on one parameter and record the rate each update used.

    The loop, for t = 0 .. n_steps-1::

        if set_lr: group["lr"] = set_lr(t)                       # nanoGPT style
        if order == "scheduler_first": scheduler.step()           # the wrong order
        loss.backward(); optimizer.step()    (through a GradScaler if amp_inf_steps)
        if order == "optimizer_first": scheduler.step()           # the right order

    Args:
        make_scheduler: builds the scheduler from the optimizer, e.g.
            ``lambda opt: torch.optim.lr_scheduler.StepLR(opt, 2)``; None for no scheduler.
        n_steps: number of updates (>= 1).
        lr: the optimizer's initial (base) rate, > 0.
        order: "optimizer_first" (right) or "scheduler_first" (wrong: skips schedule(0)).
        set_lr: a function of t whose value the loop writes into every param group
            before update t (the way to apply a hand-written decay function).
        amp_inf_steps: steps whose loss is made infinite. The loop then goes through
            ``torch.amp.GradScaler("cpu")``, which skips ``optimizer.step()`` on those
            steps, as AMP does on an overflow.

    Returns:
        An :class:`LRTrace`. Warnings are recorded, not shown; an error raised by
        ``scheduler.step()`` (e.g. OneCycleLR stepped past total_steps) is recorded
        in ``.error`` and stops the loop.

    Raises:
        ValueError, TypeError: bad arguments (named in the message).
    """
    n_steps = check_int("n_steps", n_steps, minimum=1)
    lr = check_positive("lr", lr)
    check_in("order", order, ORDERS)
    if make_scheduler is not None and not callable(make_scheduler):
        raise TypeError(
            f"make_scheduler must be a function optimizer -> scheduler or None, got make_scheduler={make_scheduler!r}"
        )
    if set_lr is not None and not callable(set_lr):
        raise TypeError(f"set_lr must be a function of the step t or None, got set_lr={set_lr!r}")
    inf_steps = {check_int("amp_inf_steps[]", s, minimum=0) for s in amp_inf_steps}

    param = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([param], lr=lr)
    done: list[int] = []
    optimizer.register_step_post_hook(lambda opt, args, kwargs: done.append(1))
    lrs: list[float] = []
    applied: list[bool] = []
    error = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scheduler = make_scheduler(optimizer) if make_scheduler is not None else None
        scaler = torch.amp.GradScaler("cpu") if inf_steps else None

        def step_scheduler() -> bool:
            nonlocal error
            if scheduler is None:
                return True
            try:
                scheduler.step()
            except (ValueError, RuntimeError, ZeroDivisionError) as err:
                error = f"{type(err).__name__}: {err}"
                return False
            return True

        for t in range(n_steps):
            if set_lr is not None:
                for group in optimizer.param_groups:
                    group["lr"] = float(set_lr(t))
            if order == "scheduler_first" and not step_scheduler():
                break
            optimizer.zero_grad()
            loss = param.sum() + 1.0
            if t in inf_steps:
                loss = loss * float("inf")
            lrs.append(float(optimizer.param_groups[0]["lr"]))
            before = len(done)
            if scaler is None:
                loss.backward()
                optimizer.step()
            else:
                scaler.scale(loss).backward()
                scaler.step(optimizer)
                scaler.update()
            applied.append(len(done) > before)
            if order == "optimizer_first" and not step_scheduler():
                break
    messages: list[str] = []
    for w in caught:
        text = str(w.message)
        if text not in messages:
            messages.append(text)
    return LRTrace(np.array(lrs, dtype=np.float64), np.array(applied, dtype=bool), messages, error)


# ---------------------------------------------------------------------------
# Library rules, transcribed (functions of the step t, vectorised)
# ---------------------------------------------------------------------------


def _milestones(name: str, values: Any) -> np.ndarray:
    if isinstance(values, (str, bytes)) or not isinstance(values, (Sequence, np.ndarray)):
        raise TypeError(f"{name} must be a sequence of steps, got {name}={values!r}")
    out = np.array([check_int(f"{name}[{i}]", v, minimum=0) for i, v in enumerate(values)], dtype=np.float64)
    if np.any(np.diff(out) <= 0):
        raise ValueError(f"{name} must be strictly increasing, got {name}={list(values)}")
    return out


def torch_cosine_annealing(t: Any, lr: float, T_max: int, eta_min: float = 0.0) -> float | np.ndarray:
    """torch ``CosineAnnealingLR`` (closed form): eta_min + (lr - eta_min) * (1 + cos(pi * t / T_max)) / 2.

    No clamp: past T_max the rate rises again, back to lr at t = 2 * T_max
    (period 2 * T_max). ``schedules.cosine_decay`` equals it for t <= T_max and then holds min_lr.
    """
    steps = as_steps(t)
    lr = check_positive("lr", lr)
    T_max = check_int("T_max", T_max, minimum=1)
    eta_min = check_non_negative("eta_min", eta_min)
    return shaped_like(t, eta_min + (lr - eta_min) * (1 + np.cos(math.pi * steps / T_max)) / 2)


def hf_cosine_with_warmup(
    t: Any, lr: float, warmup_steps: int, total_steps: int, num_cycles: float = 0.5
) -> float | np.ndarray:
    """Hugging Face ``get_cosine_schedule_with_warmup`` (lr times its LambdaLR multiplier).

    multiplier = t / max(1, W) for t < W, else max(0, (1 + cos(2 pi num_cycles p)) / 2)
    with p = (t - W) / max(1, N - W). No clamp on p: past N the rate rises again.
    """
    steps = as_steps(t)
    lr = check_positive("lr", lr)
    W = check_int("warmup_steps", warmup_steps, minimum=0)
    N = check_int("total_steps", total_steps, minimum=1)
    num_cycles = check_positive("num_cycles", num_cycles)
    progress = (steps - W) / max(1, N - W)
    decay = np.maximum(0.0, 0.5 * (1.0 + np.cos(math.pi * num_cycles * 2.0 * progress)))
    return shaped_like(t, lr * np.where(steps < W, steps / max(1, W), decay))


def torch_one_cycle(
    t: Any,
    max_lr: float,
    total_steps: int,
    pct_start: float = 0.3,
    div_factor: float = 25.0,
    final_div_factor: float = 1e4,
    anneal: str = "cos",
) -> float | np.ndarray:
    """torch ``OneCycleLR`` (two phases) as a function of t, including what it does past the end.

    Equal to ``schedules.one_cycle`` for t <= total_steps - 1. At t = total_steps torch
    still computes a rate (it extrapolates the last phase); any later step raises
    ``ValueError: Tried to step ... times``: that is returned as nan here.
    """
    steps = as_steps(t)
    schedule = schedules.one_cycle(max_lr, total_steps, pct_start, div_factor, final_div_factor, anneal)
    N = schedule.total_steps
    start, peak, end = schedule.initial_lr, schedule.max_lr, schedule.final_lr
    p_end = float(schedule.pct_start * N) - 1

    def anneal_(a: float, b: float, pct: np.ndarray) -> np.ndarray:
        return schedules.anneal(a, b, pct, schedule.anneal)

    pct_up = steps / p_end if p_end != 0 else np.ones_like(steps)
    pct_down = (steps - p_end) / (N - 1 - p_end)
    values = np.where(steps <= p_end, anneal_(start, peak, pct_up), anneal_(peak, end, pct_down))
    return shaped_like(t, np.where(steps > N, np.nan, values))


def torch_multistep(t: Any, lr: float, milestones: Sequence[int], gamma: float = 0.1) -> float | np.ndarray:
    """torch ``MultiStepLR``: lr * gamma ** bisect_right(milestones, t). Switches *at* t = b."""
    steps = as_steps(t)
    lr = check_positive("lr", lr)
    ms = _milestones("milestones", milestones)
    gamma = check_range("gamma", gamma, 0.0, 1.0, low_open=True)
    return shaped_like(t, lr * gamma ** np.searchsorted(ms, steps, side="right"))


def keras_piecewise_constant(t: Any, boundaries: Sequence[int], values: Sequence[float]) -> float | np.ndarray:
    """Keras ``PiecewiseConstantDecay``: values[i] for boundaries[i-1] < t <= boundaries[i].

    The rate switches one step *after* each boundary (at t = b + 1).
    """
    steps = as_steps(t)
    bs = _milestones("boundaries", boundaries)
    vals = np.array([check_non_negative(f"values[{i}]", v) for i, v in enumerate(values)])
    if vals.size != bs.size + 1:
        raise ValueError(
            f"values must have one more entry than boundaries, got {vals.size} values for {bs.size} boundaries"
        )
    return shaped_like(t, vals[np.searchsorted(bs, steps, side="left")])


def timm_multistep(t: Any, lr: float, milestones: Sequence[int], gamma: float = 0.1) -> float | np.ndarray:
    """timm ``MultiStepLRScheduler``: lr * gamma ** bisect_right(milestones, t + 1).

    The rate switches one step *before* each milestone (at t = b - 1).
    """
    steps = as_steps(t)
    lr = check_positive("lr", lr)
    ms = _milestones("milestones", milestones)
    gamma = check_range("gamma", gamma, 0.0, 1.0, low_open=True)
    return shaped_like(t, lr * gamma ** np.searchsorted(ms, steps + 1, side="right"))


def keras_legacy_decay(t: Any, lr: float, decay: float) -> float | np.ndarray:
    """What ``SGD(learning_rate=lr, decay=decay)`` did in Keras 2 (tf.keras optimizer_v2): lr / (1 + decay * t).

    t counts optimizer iterations (batches). Keras 3 ignores ``decay=`` with a
    warning; the equivalent is ``schedules.inverse_time_decay(lr, decay)`` (or Keras'
    ``InverseTimeDecay(lr, decay_steps=1, decay_rate=decay)``).
    """
    steps = as_steps(t)
    lr = check_positive("lr", lr)
    decay = check_non_negative("decay", decay)
    return shaped_like(t, lr / (1 + decay * steps))


def torch_radam_rectification(t: Any, beta2: float = 0.999) -> float | np.ndarray:
    """The factor torch's ``RAdam`` multiplies Adam's step by at update ``t`` (counted from 1), or 0.

    torch (``torch.optim.radam``, Liu et al. 2020): with rho_inf = 2 / (1 - beta2) - 1 and
    rho_t = rho_inf - 2 t beta2^t / (1 - beta2^t), an update with rho_t > 5 is Adam's step times
    r_t = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t)), which rises towards 1;
    an update with rho_t <= 5 (the first 5 at any usual beta2) is no Adam step at all but a momentum step
    lr * m_hat, not divided by sqrt(v_hat): 0 here. So RAdam is Adam behind a built-in warm-up whose length
    beta2 sets (r_t passes 1/2 at t = 556 for beta2 = 0.999, at t = 16 for 0.95; 0.9 at t = 2737 and 58).

    >>> [round(float(r), 4) for r in torch_radam_rectification([5, 6, 555, 556, 2000])]
    [0.0, 0.0258, 0.4998, 0.5002, 0.8284]
    """
    steps = as_steps(t)
    beta2 = check_range("beta2", beta2, 0.0, 1.0, low_open=True, high_open=True)
    if np.any(steps < 1):
        raise ValueError(f"t counts updates from 1, got t={t!r}")
    rho_inf = 2 / (1 - beta2) - 1
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        power = beta2**steps
        rho = rho_inf - 2 * steps * power / (1 - power)
        rect = np.sqrt((rho - 4) * (rho - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho))
    return shaped_like(t, np.where(rho > 5, rect, 0.0))


def switch_steps(schedule: Callable[[Any], Any], n_steps: int) -> list[int]:
    """The steps t in 1 .. n_steps-1 at which schedule(t) differs from schedule(t - 1)."""
    values = schedules.evaluate(schedule, check_int("n_steps", n_steps, minimum=1))
    return [int(i) + 1 for i in np.flatnonzero(~np.isclose(values[1:], values[:-1], rtol=1e-12, atol=0))]


# ---------------------------------------------------------------------------
# One family at a time: each library next to course_lib (for the explorer)
# ---------------------------------------------------------------------------

#: The families :func:`convention_curves` knows.
FAMILIES = ("cosine", "one_cycle", "multistep")

#: family -> (horizon, n_steps) that make a readable picture.
FAMILY_DEFAULTS: dict[str, tuple[int, int]] = {"cosine": (100, 300), "one_cycle": (100, 110), "multistep": (5, 12)}


def convention_curves(family: str, horizon: int, lr: float = 0.1) -> dict[str, Callable[[Any], Any]]:
    """Label -> function of t: how each library runs one schedule family, and course_lib's version.

    Args:
        family: "cosine" (horizon = T_max / total_steps), "one_cycle" (horizon =
            total_steps) or "multistep" (horizon = the milestone b, gamma 0.1).
        horizon: the schedule's length or milestone, in steps (>= 1; >= 2 for one_cycle).
        lr: the peak rate.

    Returns:
        A dict whose last entry is the course_lib schedule.
    """
    check_in("family", family, FAMILIES)
    H = check_int("horizon", horizon, minimum=2 if family == "one_cycle" else 1)
    lr = check_positive("lr", lr)
    if family == "cosine":
        return {
            f"torch CosineAnnealingLR(T_max={H})": lambda t: torch_cosine_annealing(t, lr, H),
            f"Hugging Face cosine (N={H}, no warm-up)": lambda t: hf_cosine_with_warmup(t, lr, 0, H),
            f"course_lib schedules.cosine_decay(lr, {H})": schedules.cosine_decay(lr, H),
        }
    if family == "one_cycle":
        return {
            f"torch OneCycleLR(total_steps={H}) (raises after)": lambda t: torch_one_cycle(t, lr, H),
            f"course_lib schedules.one_cycle(lr, {H})": schedules.one_cycle(lr, H),
        }
    return {
        f"torch MultiStepLR / optax: switch at t={H}": lambda t: torch_multistep(t, lr, [H]),
        f"Keras PiecewiseConstantDecay: at t={H + 1}": lambda t: keras_piecewise_constant(t, [H], [lr, 0.1 * lr]),
        f"timm MultiStep: at t={H - 1}": lambda t: timm_multistep(t, lr, [H]),
        f"course_lib schedules.multistep_decay(lr, [{H}])": schedules.multistep_decay(lr, [H]),
    }


def convention_table(curves: dict[str, Callable[[Any], Any]], steps: Iterable[int], digits: int = 4) -> str:
    """A fixed-width text table: one row per curve, its value at each of ``steps`` (nan = raises)."""
    steps = [check_int("steps[]", s, minimum=0) for s in steps]
    if not steps:
        raise ValueError("steps must not be empty")
    width = max(len(label) for label in curves)
    lines = [f"{'t =':<{width}} " + " ".join(f"{s:>10d}" for s in steps)]
    for label, fn in curves.items():
        cells = []
        for s in steps:
            value = float(fn(s))
            cells.append(f"{'raises':>10}" if math.isnan(value) else f"{value:>10.{digits}g}")
        lines.append(f"{label:<{width}} " + " ".join(cells))
    return "\n".join(lines)
