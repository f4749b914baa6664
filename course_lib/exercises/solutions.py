"""Reference solutions of the notebook exercises, one per check in ``course_lib.exercises``.

Written the way a learner would (plain formulas, no course_lib schedules), so running each through its check tests
both; defaults match the checks': ``exercises.check_linear_decay(solutions.linear_decay_fn)`` passes. The one home
of the solutions: :data:`SOLUTION_OF` names each check's solution, :func:`worked_answer` is what a check shows after
the second wrong try (or with ``show_answer=True``), and the instructor edition (``scripts/editions.py``) copies
:func:`solution_source` into every exercise cell, as readable code.

>>> from course_lib import exercises
>>> from course_lib.exercises import solutions
>>> bool(exercises.check_exponential_value(solutions.EXPONENTIAL_VALUE, quiet=True))
True
>>> solutions.total_steps(n_examples=1348, batch_size=128, epochs=8)
88
"""

from __future__ import annotations

import ast
import functools
import inspect
import math
import sys
from typing import Any

import numpy as np

__all__ = [
    "SOLUTION_OF",
    "MEASURED",
    "solution_source",
    "solution_call",
    "solution_imports",
    "worked_answer",
    "LR_INIT",
    "ADAM_SCHEDULE",
    "cosine_rate",
    "wrong_order_first_rate",
    "keras_boundary",
    "stability_limit",
    "half_life",
    "EXPONENTIAL_VALUE",
    "linear_decay_fn",
    "warmup_cosine_fn",
    "sgdr_cycle_ends",
    "one_cycle_peak_step",
    "scaled_lr",
    "SCHEDULER_ORDER",
    "total_steps",
    "gd_regime",
    "plateau_lrs",
    "adam_first_step",
    "schedule_choice",
    "ddp_lr",
    "noise_floor_batch",
    "adam_floor_batch",
    "critical_batch",
    "tuned_peak",
    "shortest_warmup",
    "sgdr_escape_peak",
    "loop_rates",
    "adamw_matching_decay",
    "radam_warmup_length",
]


def stability_limit(problem: Any) -> float:
    """2 / L, with L the largest eigenvalue of the Hessian at problem.w0 (problem.L if it is given).

    The Hessian is built column by column from central differences of the gradient.
    """
    L = getattr(problem, "L", None)
    if L is None:
        w0 = np.asarray(problem.w0, dtype=float)
        h = 1e-5
        columns = []
        for i in range(w0.size):
            e = np.zeros_like(w0)
            e[i] = h
            columns.append((np.asarray(problem.grad(w0 + e)) - np.asarray(problem.grad(w0 - e))) / (2 * h))
        hessian = np.column_stack(columns)
        L = np.linalg.eigvalsh((hessian + hessian.T) / 2).max()
    return 2 / float(L)


def half_life(gamma: float = 0.95, decay_steps: float = 1) -> float:
    """Solve gamma ** (t / decay_steps) = 1/2: t = decay_steps * ln 2 / ln(1 / gamma)."""
    return decay_steps * math.log(2) / math.log(1 / gamma)


#: 0.1 * 0.95 ** 10 ≈ 0.0599 (article 003 says 0.003).
EXPONENTIAL_VALUE: float = 0.1 * 0.95**10


def linear_decay_fn(t: int, lr: float = 0.1, total_steps: int = 100, end_lr: float = 0.01) -> float:
    """A straight line from lr to end_lr over total_steps, then flat (never below end_lr)."""
    progress = min(t, total_steps) / total_steps
    return lr + (end_lr - lr) * progress


def warmup_cosine_fn(
    t: int, lr: float = 0.1, warmup_steps: int = 10, total_steps: int = 100, start_lr: float = 0.0
) -> float:
    """Linear warm-up from start_lr to lr, then cosine from lr to 0 over the remaining steps."""
    if t < warmup_steps:
        return start_lr + (lr - start_lr) * t / warmup_steps
    decay_steps = total_steps - warmup_steps
    progress = min(t - warmup_steps, decay_steps) / decay_steps
    return lr * (1 + math.cos(math.pi * progress)) / 2


def sgdr_cycle_ends(cycle_steps: int = 10, cycle_mult: float = 2, n: int = 4) -> list[int]:
    """Last step of each of the first n cycles: running sum of cycle_steps * cycle_mult ** i, minus 1."""
    ends, total = [], 0
    for i in range(n):
        total += cycle_steps * cycle_mult**i
        ends.append(int(math.ceil(total)) - 1)
    return ends


def one_cycle_peak_step(total_steps: int = 1000, pct_start: float = 0.3) -> int:
    """torch OneCycleLR's warm-up ends at step pct_start * total_steps - 1.

    At whole steps the peak is the nearest one.
    """
    end = pct_start * total_steps - 1
    candidates = [max(math.floor(end), 0), math.ceil(end)]

    # the rate rises (cosine) up to `end` and falls after it: compare the two whole steps around it
    def rate(t: float) -> float:
        if t <= end:
            return (1 - math.cos(math.pi * t / end)) / 2 if end > 0 else 1.0
        return (1 + math.cos(math.pi * (t - end) / (total_steps - 1 - end))) / 2

    return max(candidates, key=lambda t: (rate(t), -t))


def scaled_lr(base_lr: float = 0.1, base_batch: int = 256, batch: int = 1024) -> float:
    """Linear scaling rule: base_lr * batch / base_batch."""
    return base_lr * batch / base_batch


#: The order of the two calls in a torch training step.
SCHEDULER_ORDER: str = "optimizer.step() then scheduler.step()"


def total_steps(n_examples: int = 1797, batch_size: int = 64, epochs: int = 10, drop_last: bool = False) -> int:
    """Optimizer updates in a run: steps per epoch (ceil, or floor with drop_last) times epochs."""
    per_epoch = n_examples // batch_size if drop_last else math.ceil(n_examples / batch_size)
    return per_epoch * epochs


def gd_regime(lr: float = 1.5, L: float = 1.0, mu: float = 0.1) -> str:
    """Fixed-rate GD on a quadratic: look at the per-step factors 1 - lr * L and 1 - lr * mu."""
    steep, flat = 1 - lr * L, 1 - lr * mu
    if abs(steep) > 1 or abs(flat) > 1:
        return "diverges"
    if steep < 0:
        return "oscillates but converges"
    return "converges without oscillating"


def plateau_lrs(
    metrics: Any = (1.0, 0.9, 0.898, 0.896, 0.894, 0.895, 0.893, 0.891, 0.8, 0.81, 0.82, 0.83),
    lr: float = 0.1,
    factor: float = 0.5,
    patience: int = 2,
    threshold: float = 0.01,
    cooldown: int = 1,
) -> list[float]:
    """ReduceLROnPlateau (mode "min", relative threshold) by hand: the rate after each evaluation."""
    best, bad, cool, rates = math.inf, 0, 0, []
    for metric in metrics:
        if metric < best * (1 - threshold):  # an improvement by more than the threshold
            best, bad = metric, 0
        else:
            bad += 1
        if cool > 0:  # bad evaluations during a cooldown do not count
            cool -= 1
            bad = 0
        if bad > patience:  # patience exceeded: cut, start a cooldown
            lr, bad, cool = lr * factor, 0, cooldown
        rates.append(lr)
    return rates


def adam_first_step(
    lr: float = 1e-3, grad: float = 250.0, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8
) -> float:
    """|w_1 - w_0| for Adam: m_hat = g and v_hat = g^2 after bias correction, so lr |g| / (|g| + eps)."""
    beta1, beta2 = betas
    m_hat = (1 - beta1) * grad / (1 - beta1**1)
    v_hat = (1 - beta2) * grad**2 / (1 - beta2**1)
    return abs(lr * m_hat / (math.sqrt(v_hat) + eps))


def schedule_choice(scenario: str = "unknown_budget") -> str:
    """Notebook 09's decision guide: budget unknown -> WSD; known -> cosine; Adam/Transformer -> warm-up +
    cosine; few epochs, small data -> cosine at a tuned peak (notebook 09's data: the shape matters less
    than the peak, and one-cycle did not beat cosine); no budget at all -> reduce-on-plateau."""
    guide = {
        "unknown_budget": "WSD",
        "known_budget": "cosine",
        "adam_transformer": "warmup+cosine",
        "small_fast": "cosine",
        "no_budget": "reduce-on-plateau",
    }
    return guide[scenario]


def ddp_lr(base_lr: float = 0.02, base_batch: int = 32, per_worker_batch: int = 64, world_size: int = 2) -> float:
    """Linear scaling on the global batch: DDP averages gradients over world_size * per_worker_batch examples."""
    return base_lr * world_size * per_worker_batch / base_batch


#: Notebook 01: choosing the starting learning rate means choosing the step size (one number).
LR_INIT: str = "choosing the optimizer's step size eta before the first update"

#: Notebook 03: Adam normalises each parameter's step, but lr still sets its size.
ADAM_SCHEDULE: str = (
    "Adam rescales each parameter's step; the global rate still sets the step size and decaying it still helps"
)


def cosine_rate(lr: float = 0.1, t: int = 44, total_steps: int = 88) -> float:
    """A cosine decay from lr to 0 over total_steps, at update t: lr * (1 + cos(pi * t / total_steps)) / 2."""
    return lr * (1 + math.cos(math.pi * t / total_steps)) / 2


def wrong_order_first_rate(lr: float = 0.1, warmup_steps: int = 10) -> float:
    """scheduler.step() runs first, so update t uses s(t + 1): the first update uses s(1).

    s(t) = lr * min(1, t / warmup_steps), the LambdaLR warm-up.
    """

    def s(t: int) -> float:
        return lr * min(1.0, t / warmup_steps)

    return s(0 + 1)


def keras_boundary(boundary: int = 30) -> int:
    """Keras' PiecewiseConstantDecay uses values[1] for t > boundary: the first such step is boundary + 1."""
    t = 0
    while t <= boundary:  # values[0] for t <= boundaries[0]
        t += 1
    return t


# --- Experiments (each runs in a few seconds; the checks judge what they measure) ---


def _floor_ratio(run: Any, batch_size: int, lr: float, seeds: Any = (0, 1, 2), n_steps: int = 3000) -> float:
    """floor(2B) / floor(B): mean late excess loss over seeds, at batch 2B and at batch B."""
    from course_lib import problems, studies

    nls = problems.noisy_least_squares()
    floor = {
        B: np.mean(
            [
                studies.late_excess_loss(run(nls, lr, n_steps, batch_size=B, seed=s), nls, window=n_steps // 2)
                for s in seeds
            ]
        )
        for B in (batch_size, 2 * batch_size)
    }
    return float(floor[2 * batch_size] / floor[batch_size])


def noise_floor_batch(batch_size: int = 1, lr: float = 0.03) -> float:
    """SGD's noise floor at 2B over its floor at B, on noisy least squares (about 1/2)."""
    from course_lib import training

    return _floor_ratio(training.run_gd, batch_size, lr)


def adam_floor_batch(batch_size: int = 1, lr: float = 0.01) -> float:
    """Adam's noise floor at 2B over its floor at B, on noisy least squares (about 1/sqrt(2))."""
    from course_lib import training

    return _floor_ratio(training.run_adaptive, batch_size, lr)


def tail_average_gain(lr: float = 0.05, seeds: Any = range(5), n_steps: int = 4000) -> float:
    """Final excess loss of the last iterate / of the mean of the second half of the iterates (constant rate)."""
    from course_lib import problems, training

    nls = problems.noisy_least_squares()
    runs = [training.run_gd(nls, lr, n_steps, batch_size=1, seed=s) for s in seeds]
    last = np.mean([nls.loss(h.params[-1]) - nls.min_loss for h in runs])
    tail = np.mean([nls.loss(training.tail_average(h.params, n_steps // 2)[-1]) - nls.min_loss for h in runs])
    return float(last / tail)


def mup_wide_rate(width: int = 128, seeds: Any = (0, 1)) -> float:
    """The best base rate of the µP-style MLP at ``width`` on the lesson's grid (notebook 15's setting)."""
    from course_lib import studies

    grid = [2.0**k for k in range(-11, -2)]
    sweep = studies.width_sweep([width], grid, "muP", seeds=seeds, n_steps=120, batch_size=32)
    return sweep.best_lr(width)


def critical_batch(target: float = 0.03, seeds: Any = range(4)) -> float:
    """B_crit = E_min / S_min (examples) from steps to ``target`` against the batch, the rate tuned per batch."""
    from course_lib import problems, studies

    nls = problems.noisy_least_squares()
    sweep = studies.batch_size_sweep(nls, target, seeds=seeds)  # batch sizes 1 to 1024, a grid of rates each
    fit = studies.fit_tradeoff(sweep)  # S = S_min + E_min / B
    return fit.b_crit


def adamw_matching_decay(lr: float = 0.005, target_lr: float = 0.1, target_wd: float = 0.01) -> float:
    """The AdamW weight decay (a log grid, refined) whose steady turn per update matches SGD's, measured."""
    from course_lib import studies

    def turn(optimizer: str, rate: float, wd: float) -> float:
        run = studies.run_scale_invariant(rate, wd, 4000, seeds=range(3), optimizer=optimizer)
        return float(np.mean(studies.rms_turn(run, 2000)))

    goal = turn("sgd", target_lr, target_wd)
    grid = np.geomspace(0.1, 10, 9)
    turns = np.array([turn("adamw", lr, wd) for wd in grid])
    # the turn grows like sqrt(wd): interpolate log(turn) against log(wd) between the two grid points around the goal
    return float(np.exp(np.interp(np.log(goal), np.log(turns), np.log(grid))))


def tuned_peak(peaks: Any = (0.01, 0.03, 0.1, 0.3, 1.0), seeds: Any = range(5), n_steps: int = 1000) -> float:
    """The peak of a cosine decay with the lowest mean late excess loss (a diverged run is inf)."""
    from course_lib import problems, schedules, studies, training

    nls = problems.noisy_least_squares()
    score = {
        peak: np.mean(
            [
                studies.late_excess_loss(
                    training.run_gd(nls, schedules.cosine_decay(peak, n_steps), n_steps, batch_size=1, seed=s),
                    nls,
                    window=100,
                )
                for s in seeds
            ]
        )
        for peak in peaks
    }
    return min(score, key=score.get)


def shortest_warmup(
    grid: Any = (0, 2, 5, 10, 20, 50), peak: float = 0.15, epochs: int = 3, threshold: float = 1.5
) -> int:
    """The shortest warm-up W (updates) whose first 50 losses stay below threshold * the first, on seeds 0-2.

    Notebook 05's setting: the teacher-student MLP, Adam, cosine decay over 15 epochs of 24
    updates (only the first ``epochs`` are run: the spike is in the first updates).
    """
    from course_lib import problems, schedules, training

    ts = problems.teacher_student_dataset(n_samples=2000, d_in=20, hidden=32, noise=0.1)
    total = 15 * math.ceil(ts.n_train / 64)
    for W in grid:
        schedule = (
            schedules.warmup(schedules.cosine_decay(peak, total - W), W) if W else schedules.cosine_decay(peak, total)
        )
        runs = [
            training.train_torch(
                lambda: training.mlp(20, 1, hidden=(64, 64), seed=None),
                ts,
                schedule,
                epochs=epochs,
                batch_size=64,
                optimizer="adam",
                loss="mse",
                seed=s,
                check_horizon=False,
            )
            for s in range(3)
        ]
        if all(h.loss[:50].max() / h.loss[0] < threshold for h in runs):
            return W
    raise RuntimeError(f"no warm-up in {grid} removes the spike")


def radam_warmup_length(beta2: float = 0.999, n_updates: int = 3000) -> int:
    """The update (from 1) after which torch's RAdam steps at least half as far as Adam, under a constant gradient."""
    import torch

    paths = {}
    for name, optimizer_class in (("radam", torch.optim.RAdam), ("adam", torch.optim.Adam)):
        w = torch.nn.Parameter(torch.ones(1, dtype=torch.float64))
        w.grad, paths[name] = torch.full_like(w, 0.01), [1.0]  # a constant gradient: set once, never zeroed
        opt = optimizer_class([w], lr=0.01, betas=(0.9, beta2))
        for _ in range(n_updates):
            opt.step()
            paths[name].append(w.item())
    ratio = np.abs(np.diff(paths["radam"])) / np.abs(np.diff(paths["adam"]))  # Adam steps lr at every update
    return int(np.flatnonzero(ratio < 0.5)[-1]) + 2  # the update after the last one below half


def sgdr_escape_peak(
    grid: Any = (0.1, 0.2, 0.3, 0.4, 0.5), cycle_steps: int = 200, n_steps: int = 1000, needed: int = 15
) -> float:
    """The smallest SGDR peak whose runs from w0 end in multi_basin's deepest basin in >= needed of 20 seeds."""
    from course_lib import problems, schedules, training

    basin = problems.multi_basin()
    for peak in grid:
        runs = training.run_many(
            training.run_gd, range(20), basin, schedules.cosine_restarts(peak, cycle_steps), n_steps, batch_size=1
        )
        if basin.is_deepest(np.array([h.params[-1] for h in runs])).sum() >= needed:
            return peak
    raise RuntimeError(f"no peak in {grid} escapes")


def loop_rates(lr: float = 0.1, n_examples: int = 256, batch_size: int = 32, epochs: int = 4) -> list[float]:
    """Notebook 09's loop, fixed: CosineAnnealingLR with T_max = all updates, stepped after each optimizer.step()."""
    import torch

    X = torch.randn(n_examples, 8, generator=torch.Generator().manual_seed(0))
    y = X.sum(dim=1, keepdim=True)
    model = torch.nn.Linear(8, 1)
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    n_updates = epochs * math.ceil(n_examples / batch_size)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=n_updates)
    used = []
    for epoch in range(epochs):
        for xb, yb in zip(X.split(batch_size), y.split(batch_size)):
            used.append(opt.param_groups[0]["lr"])
            opt.zero_grad()
            torch.nn.functional.mse_loss(model(xb), yb).backward()
            opt.step()
            scheduler.step()
    return used


# --- The registry: which solution answers which check, as code and as a worked answer ---

#: check name (its key in ``exercises.CHECKS``) -> the name of its solution in this module
SOLUTION_OF: dict[str, str] = {
    "stability_limit": "stability_limit",
    "gd_regime": "gd_regime",
    "lr_init": "LR_INIT",
    "half_life": "half_life",
    "exponential_value": "EXPONENTIAL_VALUE",
    "linear_decay": "linear_decay_fn",
    "warmup": "warmup_cosine_fn",
    "sgdr_cycle_ends": "sgdr_cycle_ends",
    "one_cycle_peak_step": "one_cycle_peak_step",
    "scaled_lr": "scaled_lr",
    "scheduler_order": "SCHEDULER_ORDER",
    "total_steps": "total_steps",
    "cosine_rate": "cosine_rate",
    "wrong_order_first_rate": "wrong_order_first_rate",
    "keras_boundary": "keras_boundary",
    "plateau_lrs": "plateau_lrs",
    "adam_first_step": "adam_first_step",
    "adam_schedule": "ADAM_SCHEDULE",
    "schedule_choice": "schedule_choice",
    "ddp_lr": "ddp_lr",
    "noise_floor_batch": "noise_floor_batch",
    "adam_floor_batch": "adam_floor_batch",
    "critical_batch": "critical_batch",
    "tuned_peak": "tuned_peak",
    "tail_average_gain": "tail_average_gain",
    "mup_wide_rate": "mup_wide_rate",
    "shortest_warmup": "shortest_warmup",
    "sgdr_escape_peak": "sgdr_escape_peak",
    "loop_rates": "loop_rates",
    "adamw_matching_decay": "adamw_matching_decay",
    "radam_warmup_length": "radam_warmup_length",
}

#: The experiments: what the reference run measures at the defaults, quoted by the worked answer instead of
#: running it (tests/exercises/test_experiments.py runs them).
MEASURED: dict[str, str] = {
    "noise_floor_batch": "about 0.45 (SGD's floor halves with the batch)",
    "adam_floor_batch": "about 0.67 (near 1/sqrt(2): Adam's floor falls more slowly)",
    "critical_batch": "about 46 examples (other seed sets: 40 to 66)",
    "tuned_peak": "0.03",
    "tail_average_gain": "about 18 (the tail average lies far below the constant rate's floor)",
    "mup_wide_rate": "2**-6 = 0.0156 (the rate tuned at width 16: it transferred)",
    "shortest_warmup": "20 updates",
    "sgdr_escape_peak": "0.3",
    "adamw_matching_decay": "3.8 (SGD's turn 0.0447 per update; AdamW's at wd 3.8: 0.0451)",
    "radam_warmup_length": "update 556 (RAdam's step / Adam's: 0.4998 at 555, 0.5002 at 556)",
}


@functools.lru_cache(maxsize=1)
def _module_source() -> tuple[str, ast.Module]:
    """This module's source and its syntax tree, read and parsed once (a wrong answer's worked
    answer cuts its code out of them: parsing the module each time took about 0.1 s a try)."""
    source = inspect.getsource(sys.modules[__name__])
    return source, ast.parse(source)


@functools.lru_cache(maxsize=None)
def solution_source(name: str) -> str:
    """The code of check ``name``'s solution, as a learner would write it in the cell.

    A function comes with the private helpers it calls (defined first); a constant is its assignment.
    """
    target_name = SOLUTION_OF[name]
    source, tree = _module_source()
    nodes = {
        node.name if isinstance(node, ast.FunctionDef) else node.target.id: node
        for node in tree.body
        if isinstance(node, ast.FunctionDef) or (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name))
    }
    node = nodes[target_name]
    if isinstance(node, ast.AnnAssign):  # NAME: type = value
        return f"{target_name} = {ast.get_source_segment(source, node.value)}"
    used = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
    helpers = [nodes[h] for h in sorted(used) if h.startswith("_") and isinstance(nodes.get(h), ast.FunctionDef)]
    return "\n\n\n".join(ast.get_source_segment(source, n) for n in [*helpers, node])


def solution_imports(code: str) -> list[str]:
    """The import lines (of this module's own) that ``code``, cut out of this module, needs to run on its own."""
    imports: dict[str, str] = {}
    for node in _module_source()[1].body:
        if isinstance(node, (ast.Import, ast.ImportFrom)) and getattr(node, "module", "") != "__future__":
            for alias in node.names:
                line = (
                    f"import {alias.name}" + (f" as {alias.asname}" if alias.asname else "")
                    if isinstance(node, ast.Import)
                    else f"from {node.module} import {alias.name}"
                )
                imports[alias.asname or alias.name] = line
    used = {n.id for n in ast.walk(ast.parse(code)) if isinstance(n, ast.Name)}
    return [line for name, line in imports.items() if name in used]


def _argument_text(value: Any) -> str | None:
    """``value`` as source text if it is a plain literal, else None (the caller names the argument)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return repr(value)
    if isinstance(value, (list, tuple)) and all(_argument_text(v) is not None for v in value):
        return repr(tuple(value) if isinstance(value, tuple) else list(value))
    return None


def solution_call(name: str, arguments: dict[str, Any], first: str = "") -> str:
    """The call of check ``name``'s solution with the check's arguments (by parameter name) as source text.

    ``first`` is passed first (the step ``t`` of a function answer). An argument that is no plain
    literal keeps its parameter name: the text names the variable of the notebook only by chance.
    """
    target = getattr(sys.modules[__name__], SOLUTION_OF[name])
    parameters = inspect.signature(target).parameters
    parts = [first] if first else []
    for key, value in arguments.items():
        if key in parameters and key != first:
            text = _argument_text(value)
            parts.append(f"{key}={text}" if text is not None else f"{key}={key}")
    return f"{target.__name__}({', '.join(parts)})"


def _show(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, (list, tuple)):
        shown = [_show(v) for v in value]
        if len(shown) > 8:
            shown = [*shown[:4], "...", shown[-1]]
            return "[" + ", ".join(shown) + f"] ({len(value)} values)"
        return "[" + ", ".join(shown) + "]"
    return repr(value)


def worked_answer(name: str, arguments: dict[str, Any]) -> str:
    """The worked answer of check ``name`` called with ``arguments`` (by parameter name): the value and its code.

    ``arguments`` holds the answer too (ignored). An experiment quotes what its reference run
    measures (:data:`MEASURED`) instead of running it.

    >>> text = worked_answer("total_steps", {"answer": 7, "n_examples": 1000, "batch_size": 10, "epochs": 5})
    >>> print(text.splitlines()[0])
    total_steps(n_examples=1000, batch_size=10, epochs=5) = 500, computed by
    >>> text.splitlines()[1]
    'def total_steps(n_examples: int = 1797, batch_size: int = 64, epochs: int = 10, drop_last: bool = False) -> int:'
    """
    if name not in SOLUTION_OF:
        return ""
    target = getattr(sys.modules[__name__], SOLUTION_OF[name])
    code = solution_source(name)
    if not callable(target):
        return f"{_show(target)}\n{code}"
    parameters = inspect.signature(target).parameters
    if next(iter(parameters)) == "t":  # the answer is a function of the step
        return f"the function t -> {solution_call(name, arguments, first='t')}, with\n{code}"
    kwargs = {k: v for k, v in arguments.items() if k in parameters}
    call = solution_call(name, arguments)
    if name in MEASURED:
        defaults = all(parameters[k].default == v for k, v in kwargs.items())
        result = MEASURED[name] if defaults else "what the check accepts"
        return f"{call} measures {result}: run this experiment\n{code}"
    return f"{call} = {_show(target(**kwargs))}, computed by\n{code}"
