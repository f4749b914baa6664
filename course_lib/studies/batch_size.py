"""Batch size beyond linear scaling: the gradient noise scale, the critical batch, batches for decays.

The linear scaling rule (k times the batch, k times the rate) keeps SGD's noise floor, which depends
on lr / B only. It stops paying somewhere: past a *critical batch size* a larger batch no longer cuts
the number of steps. Three measurements of that, on problems small enough to run in seconds:

* **The gradient noise scale** (McCandlish, Kaplan, Amodei et al. 2018, "An Empirical Model of
  Large-Batch Training"): with G the full gradient and C the covariance of one example's gradient,

      B_simple = tr(C) / |G|^2        (units: examples)

  is the batch at which the mini-batch gradient's noise, E|g_B - G|^2 = tr(C) / B, equals |G|^2.
  :func:`noise_scale` computes it from every example's gradient (exact); :func:`two_batch_noise_scale`
  estimates it from the squared norms of mini-batch gradients at two batch sizes (their Appendix A),
  which is what a training run can afford.
* **Steps to a target against the batch** with the rate tuned for each batch (Shallue et al. 2019,
  "Measuring the Effects of Data Parallelism on Neural Network Training"): :func:`batch_size_sweep`.
  McCandlish et al.'s model of the result is :class:`Tradeoff`: S = S_min + E_min / B steps, that is

      (S / S_min - 1) (E / E_min - 1) = 1,   E = B * S examples,   B_crit = E_min / S_min.

* **Increase the batch instead of decaying the rate** (Smith, Kindermans, Ying & Le 2018): a rate cut
  by a factor and a batch grown by the same factor give the same lr / B, hence the same floor;
  :func:`decay_or_grow` builds the two phase lists, :func:`run_phases` runs them.

Units: steps are optimizer updates; examples are gradient evaluations of one example (a step at batch
B processes B examples). NumPy only; :func:`model_noise_scale` imports torch when it is called.

>>> from course_lib import problems
>>> nls = problems.noisy_least_squares()
>>> ns = noise_scale(nls.example_grads(nls.w0))
>>> round(ns.b_simple, 2)        # at the start |G|^2 is large: a small batch is as good as the full one
7.38
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np

from course_lib.validation import check_int, check_positive

__all__ = [
    "NoiseScale",
    "noise_scale",
    "two_batch_noise_scale",
    "sampled_noise_scale",
    "noise_scale_at_loss",
    "Phase",
    "run_phases",
    "steps_to_target",
    "BatchSweep",
    "batch_size_sweep",
    "Tradeoff",
    "fit_tradeoff",
    "decay_or_grow",
    "examples_seen",
    "model_noise_scale",
]


# ---- the gradient noise scale -------------------------------------------------------------------


@dataclass(frozen=True)
class NoiseScale:
    """|G|^2 and tr(C) at one point, and their ratio B_simple = tr(C) / |G|^2 (examples).

    Attributes:
        grad_sq: |G|^2, the squared norm of the full gradient (loss^2 / parameter^2).
        trace_cov: tr(C), the summed variance of one example's gradient (same units).
        b_simple: tr(C) / |G|^2, in examples: the batch whose gradient noise E|g_B - G|^2 = tr(C) / B
            equals |G|^2 (inf where G = 0).
    """

    grad_sq: float
    trace_cov: float

    @property
    def b_simple(self) -> float:
        return self.trace_cov / self.grad_sq if self.grad_sq > 0 else math.inf

    def __str__(self) -> str:
        return f"|G|^2 = {self.grad_sq:.4g}, tr(C) = {self.trace_cov:.4g}, B_simple = {self.b_simple:.4g} examples"


def noise_scale(example_grads: Any) -> NoiseScale:
    """The exact noise scale from every example's gradient, an array (n_examples, n_params).

    G = mean_i g_i, tr(C) = mean_i |g_i|^2 - |G|^2 (the covariance of one example drawn uniformly,
    i.e. of a batch of 1 drawn with replacement).

    >>> round(noise_scale([[1.0, 0.0], [3.0, 0.0]]).b_simple, 3)   # G = (2, 0), C = 1
    0.25
    """
    g = np.asarray(example_grads, dtype=np.float64)
    if g.ndim != 2 or len(g) < 1:
        raise ValueError(f"example_grads must have shape (n_examples, n_params), got shape {g.shape}")
    mean = g.mean(axis=0)
    grad_sq = float(mean @ mean)
    return NoiseScale(grad_sq, max(float(np.mean(np.einsum("ij,ij->i", g, g))) - grad_sq, 0.0))


def two_batch_noise_scale(sq_small: Any, sq_big: Any, b_small: int, b_big: int) -> NoiseScale:
    """McCandlish et al.'s Appendix A estimator from squared gradient norms at two batch sizes.

    A mini-batch gradient of B examples has E|g_B|^2 = |G|^2 + tr(C) / B, so two batch sizes
    give two equations and the unbiased estimates

        |G|^2 = (b_big |g_big|^2 - b_small |g_small|^2) / (b_big - b_small),
        tr(C) = (|g_small|^2 - |g_big|^2) / (1 / b_small - 1 / b_big).

    Each is noisy; average many measurements of each (``sq_small``, ``sq_big``: arrays of squared
    norms, averaged here) before taking the ratio, as the paper does (it uses running averages).

    >>> two_batch_noise_scale([1 + 4 / 1], [1 + 4 / 5], 1, 5).b_simple   # |G|^2 = 1, tr(C) = 4
    4.0
    """
    b_small, b_big = check_int("b_small", b_small, minimum=1), check_int("b_big", b_big, minimum=1)
    if b_big <= b_small:
        raise ValueError(f"b_big must be larger than b_small, got b_small={b_small}, b_big={b_big}")
    small, big = float(np.mean(sq_small)), float(np.mean(sq_big))
    grad_sq = (b_big * big - b_small * small) / (b_big - b_small)
    trace_cov = (small - big) / (1 / b_small - 1 / b_big)
    return NoiseScale(grad_sq, trace_cov)


def sampled_noise_scale(
    problem: Any, w: Any, b_small: int = 1, b_big: int = 64, n_draws: int = 200, seed: int = 0
) -> NoiseScale:
    """:func:`two_batch_noise_scale` from ``n_draws`` mini-batch gradients at each of two batch sizes.

    ``problem.stochastic_grad(w, rng, B)`` draws the batches (with replacement); the estimate uses
    only what a training loop sees, mini-batch gradients, and no example's own gradient.
    """
    n_draws = check_int("n_draws", n_draws, minimum=1)
    rng = np.random.default_rng(check_int("seed", seed, minimum=0))
    sq = {}
    for b in (check_int("b_small", b_small, minimum=1), check_int("b_big", b_big, minimum=1)):
        if hasattr(problem, "X") and hasattr(problem, "y"):  # least squares: the n_draws batches at once
            rows = rng.integers(0, problem.n_samples, size=(n_draws, b))
            Xb = problem.X[rows]
            g = np.einsum("kbi,kb->ki", Xb, Xb @ np.asarray(w, dtype=np.float64) - problem.y[rows]) / b
            sq[b] = np.einsum("ki,ki->k", g, g)
        else:
            sq[b] = [float(np.sum(problem.stochastic_grad(w, rng, b) ** 2)) for _ in range(n_draws)]
    return two_batch_noise_scale(sq[b_small], sq[b_big], b_small, b_big)


def noise_scale_at_loss(problem: Any, excess: float, max_steps: int = 100_000) -> tuple[np.ndarray, NoiseScale]:
    """(w, its exact noise scale) at the first point of full-batch GD (rate 1/L, from ``problem.w0``) whose
    excess loss f(w) - f* is at most ``excess``: the noise scale "when the loss is down to" that level.
    """
    excess = check_positive("excess", excess)
    w = np.asarray(problem.w0, dtype=np.float64)
    for _ in range(check_int("max_steps", max_steps, minimum=1)):
        if problem.loss(w) - problem.min_loss <= excess:
            return w, noise_scale(problem.example_grads(w))
        w = w - problem.grad(w) / problem.L
    raise ValueError(f"full-batch GD did not reach excess loss {excess} in {max_steps} steps")


# ---- SGD runs with a rate and a batch per phase, many seeds at once -------------------------------


@dataclass(frozen=True)
class Phase:
    """``steps`` SGD updates at rate ``lr`` with batch ``batch_size``: lr * batch_size * steps examples seen."""

    lr: float
    batch_size: int
    steps: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "lr", check_positive("lr", self.lr))
        object.__setattr__(self, "batch_size", check_int("batch_size", self.batch_size, minimum=1))
        object.__setattr__(self, "steps", check_int("steps", self.steps, minimum=1))

    @property
    def examples(self) -> int:
        return self.batch_size * self.steps


def run_phases(
    problem: Any, phases: Sequence[Phase], seeds: Sequence[int], *, lrs: Any = None, w0: Any = None
) -> np.ndarray:
    """Excess loss f(w_t) - f* of mini-batch SGD through ``phases``, shape (steps + 1, rates, seeds).

    One run per (rate, seed), all stepped together: ``w = w - lr * X_B^T (X_B w - y_B) / B`` with the
    rows B drawn with replacement from ``np.random.default_rng(seed)``, phase after phase (the same
    draws as ``problem.stochastic_grad``). ``lrs`` (optional, K numbers) replaces every phase's rate by
    each of them in turn: K runs per seed that share their batches (a rate sweep). Row t is the
    excess loss after t updates (row 0: at ``w0``, default ``problem.w0``).

    Args:
        problem: a least-squares problem (``problems.noisy_least_squares()``): X, y, H, minimum.
        phases: the phases, in order.
        seeds: mini-batch seeds, one run each.
        lrs: rates to sweep (each for all phases), or None for the phases' own rates.
        w0: the start, shape (dim,).
    """
    phases = list(phases)
    if not phases or not all(isinstance(p, Phase) for p in phases):
        raise TypeError(f"phases must be a non-empty sequence of Phase, got {phases!r}")
    seeds = [check_int("seed", s, minimum=0) for s in seeds]
    X, y = np.asarray(problem.X, dtype=np.float64), np.asarray(problem.y, dtype=np.float64)
    H, best = np.asarray(problem.H), np.asarray(problem.minimum)
    sweep = np.atleast_1d(np.asarray(lrs, dtype=np.float64)) if lrs is not None else np.ones(1)
    rngs = [np.random.default_rng(s) for s in seeds]
    start = np.asarray(problem.w0 if w0 is None else w0, dtype=np.float64)
    w = np.array(np.broadcast_to(start, (len(sweep), len(seeds), len(start))))
    total = sum(p.steps for p in phases)
    path = np.empty((total + 1,) + w.shape)
    path[0], t = w, 0
    with np.errstate(all="ignore"):
        for p in phases:
            rows = np.stack([r.integers(0, len(X), size=(p.steps, p.batch_size)) for r in rngs], axis=1)
            lr = (sweep if lrs is not None else sweep * p.lr)[:, None, None]
            for k in range(p.steps):
                Xb = X[rows[k]]  # (seeds, B, d)
                residual = (Xb @ w[..., None])[..., 0] - y[rows[k]]  # (rates, seeds, B)
                w = w - lr * (Xb.transpose(0, 2, 1) @ residual[..., None])[..., 0] / p.batch_size
                t += 1
                path[t] = w
        d = path - best
        out = 0.5 * np.einsum("...i,ij,...j->...", d, H, d)
    return np.where(np.isfinite(out), out, np.inf)


def steps_to_target(excess: Any, target: float) -> np.ndarray:
    """Steps after which the seed-mean excess loss stays at or below ``target`` to the end of the run.

    ``excess`` has shape (steps + 1, ..., seeds) (:func:`run_phases`); the mean over the last axis is
    taken first. Returns, per remaining index, the first t with mean[t:] <= target, or inf if the
    mean is above the target at the last step. "Stays below" and not "first dips below": a rate
    whose noise floor sits just under the target dips below it early and pops back up.
    """
    target = check_positive("target", target)
    mean = np.asarray(excess, dtype=np.float64).mean(axis=-1)
    above = ~(mean <= target)
    n = mean.shape[0]
    last_above = np.where(above.any(axis=0), n - 1 - np.argmax(above[::-1], axis=0), -1)
    return np.where(last_above < n - 1, last_above + 1, np.inf).astype(np.float64)


@dataclass(frozen=True)
class BatchSweep:
    """Steps to a target for each batch size, each at its best rate of a grid (:func:`batch_size_sweep`).

    Attributes:
        batch_sizes: the batch sizes (examples per step).
        steps: steps to the target at the best rate (inf: no rate of the grid reached it).
        best_lr: that rate, per batch size.
        target: the excess loss to reach and stay below.
        seeds: the seeds whose mean loss is measured.
    """

    batch_sizes: tuple[int, ...]
    steps: tuple[float, ...]
    best_lr: tuple[float, ...]
    target: float
    seeds: tuple[int, ...]

    @property
    def examples(self) -> np.ndarray:
        """Examples processed to reach the target, E = B * S."""
        return np.asarray(self.batch_sizes, dtype=np.float64) * np.asarray(self.steps)

    def steps_at(self, batch_size: int) -> float:
        return self.steps[self.batch_sizes.index(batch_size)]


#: the default rates tried for every batch size (log-spaced up to near 2 / L = 1.9 on noisy_least_squares())
LR_GRID = tuple(float(x) for x in np.geomspace(0.003, 1.6, 22))
#: the default batch sizes, 1 to 1024
BATCH_SIZES = tuple(2**k for k in range(11))


def default_horizon(batch_size: int) -> int:
    """Steps run per batch size: 40 + 4000 / B (the smallest batches need the most steps)."""
    return int(40 + 4000 / batch_size)


def batch_size_sweep(
    problem: Any,
    target: float,
    seeds: Sequence[int],
    *,
    batch_sizes: Sequence[int] = BATCH_SIZES,
    lrs: Sequence[float] = LR_GRID,
    horizon: Callable[[int], int] = default_horizon,
) -> BatchSweep:
    """Steps to reach and stay below ``target`` (excess loss) for each batch size, the rate tuned per batch.

    For each B, constant-rate SGD from ``problem.w0`` at every rate of ``lrs`` for ``horizon(B)`` steps
    on ``seeds`` (:func:`run_phases`); :func:`steps_to_target` of each rate's seed-mean loss; the best
    rate is the one with the fewest steps (Shallue et al. 2019 tune the rate for every batch size too:
    a fixed rate would measure the rate, not the batch).
    """
    target = check_positive("target", target)
    key = (repr(problem), target, tuple(int(s) for s in seeds), tuple(batch_sizes), tuple(lrs), horizon)
    if key in _SWEEPS:  # the runs are fixed by these: a notebook and its claims share one sweep
        return _SWEEPS[key]
    steps, best = [], []
    for B in batch_sizes:
        B = check_int("batch_size", B, minimum=1)
        excess = run_phases(problem, [Phase(1.0, B, horizon(B))], seeds, lrs=lrs)
        s = steps_to_target(excess, target)
        k = int(np.argmin(s))
        steps.append(float(s[k]))
        best.append(float(lrs[k]))
    if len(_SWEEPS) >= 256:
        _SWEEPS.clear()
    _SWEEPS[key] = BatchSweep(tuple(int(b) for b in batch_sizes), tuple(steps), tuple(best), target, key[2])
    return _SWEEPS[key]


#: (problem's repr, target, seeds, batch sizes, rates, horizon) -> its sweep (deterministic, so cached)
_SWEEPS: dict[tuple, BatchSweep] = {}


# ---- McCandlish et al.'s trade-off -------------------------------------------------------------------


@dataclass(frozen=True)
class Tradeoff:
    """S(B) = S_min + E_min / B steps, E(B) = B S(B) = B S_min + E_min examples.

    Equivalently (S / S_min - 1)(E / E_min - 1) = 1: S_min is the fewest steps (infinite batch),
    E_min the fewest examples (batch 1 in the limit), and B_crit = E_min / S_min the batch at which
    a run takes 2 S_min steps and 2 E_min examples.

    >>> t = Tradeoff(s_min=10.0, e_min=1000.0)
    >>> t.b_crit, t.steps(100), t.examples(100)
    (100.0, 20.0, 2000.0)
    """

    s_min: float
    e_min: float

    @property
    def b_crit(self) -> float:
        return self.e_min / self.s_min

    def steps(self, batch_size: Any) -> Any:
        """S(B) in steps: a float for one batch size, an array for an array of them."""
        out = self.s_min + self.e_min / np.asarray(batch_size, dtype=np.float64)
        return float(out) if out.ndim == 0 else out

    def examples(self, batch_size: Any) -> Any:
        """E(B) = B S(B) in examples: a float for one batch size, an array for an array of them."""
        out = np.asarray(batch_size, dtype=np.float64) * self.steps(batch_size)
        return float(out) if out.ndim == 0 else out

    def misfit(self, sweep: BatchSweep) -> float:
        """Largest |S_measured / S_model - 1| over the sweep's batch sizes."""
        return float(np.max(np.abs(np.asarray(sweep.steps) / self.steps(sweep.batch_sizes) - 1)))


def fit_tradeoff(sweep: BatchSweep) -> Tradeoff:
    """S_min and E_min fitted to a sweep: least squares on the relative error of S = S_min + E_min / B.

    Relative error, because the steps span decades: a plain fit would only see the smallest batches.

    Raises:
        ValueError: fewer than two batch sizes reached the target.
    """
    B = np.asarray(sweep.batch_sizes, dtype=np.float64)
    S = np.asarray(sweep.steps, dtype=np.float64)
    ok = np.isfinite(S) & (S > 0)
    if ok.sum() < 2:
        raise ValueError(f"fit_tradeoff needs at least two batch sizes that reached the target, got {sweep}")
    A = np.column_stack([np.ones(ok.sum()), 1 / B[ok]]) / S[ok, None]
    s_min, e_min = np.linalg.lstsq(A, np.ones(ok.sum()), rcond=None)[0]
    return Tradeoff(float(s_min), float(e_min))


# ---- increase the batch instead of decaying the rate ---------------------------------------------


def decay_or_grow(
    lr: float, batch_size: int, factor: int, n_phases: int, examples_per_phase: int
) -> dict[str, list[Phase]]:
    """Smith et al. 2018's pair: a step decay of the rate, and the batch grown by the same factor.

    Both see ``examples_per_phase`` examples in each of ``n_phases`` phases, and have the same lr / B
    in every phase (lr / (batch_size factor^k) in phase k), so the same noise floor:

    * "decay the rate": rate lr / factor^k at batch ``batch_size``;
    * "grow the batch": rate lr at batch ``batch_size * factor^k``, factor^k times fewer steps.

    >>> pair = decay_or_grow(0.1, 4, 5, 3, 4000)
    >>> [sum(p.steps for p in phases) for phases in pair.values()]
    [3000, 1240]
    """
    lr = check_positive("lr", lr)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    factor = check_int("factor", factor, minimum=2)
    n_phases = check_int("n_phases", n_phases, minimum=1)
    examples_per_phase = check_int("examples_per_phase", examples_per_phase, minimum=1)
    decay, grow = [], []
    for k in range(n_phases):
        big = batch_size * factor**k
        if examples_per_phase % big:
            raise ValueError(
                f"examples_per_phase={examples_per_phase} must be a multiple of every phase's batch (here {big})"
            )
        decay.append(Phase(lr / factor**k, batch_size, examples_per_phase // batch_size))
        grow.append(Phase(lr, big, examples_per_phase // big))
    return {"decay the rate": decay, "grow the batch": grow}


def examples_seen(phases: Sequence[Phase]) -> np.ndarray:
    """Examples processed after each step t = 0, 1, ..., total (the x axis of a run against data)."""
    per_step = np.concatenate([np.full(p.steps, p.batch_size) for p in phases])
    return np.concatenate([[0], np.cumsum(per_step)])


# ---- a torch network ----------------------------------------------------------------------------


def model_noise_scale(model: Any, data: Any, *, loss: str = "cross_entropy") -> NoiseScale:
    """The exact noise scale of a torch network's mean loss over ``data``'s training set.

    Every example's squared gradient norm in one backward pass (Goodfellow 2015's trick): for a
    linear layer z = W a + b, example i's gradient is (delta_i a_i^T, delta_i) with delta_i = dloss_i/dz_i,
    so |g_i|^2 = sum over layers of |delta_i|^2 (|a_i|^2 + 1). Then tr(C) = mean_i |g_i|^2 - |G|^2.
    Works for networks whose parameters all sit in ``nn.Linear`` layers (``training.mlp``).

    Args:
        model: an ``nn.Module`` (not changed; its ``.grad`` fields are not touched).
        data: a :class:`~course_lib.problems.Dataset` (X_train, y_train).
        loss: "cross_entropy" (class labels) or "mse".

    Raises:
        ValueError: a parameter outside ``nn.Linear`` layers, or an unknown ``loss``.
    """
    import torch
    import torch.nn.functional as F

    if loss not in ("cross_entropy", "mse"):
        raise ValueError(f"loss must be 'cross_entropy' or 'mse', got loss={loss!r}")
    linears = [m for m in model.modules() if isinstance(m, torch.nn.Linear)]
    params = list(model.parameters())
    if sum(p.numel() for m in linears for p in m.parameters()) != sum(p.numel() for p in params):
        raise ValueError("model_noise_scale: every parameter must belong to an nn.Linear layer")
    seen: list[tuple[Any, Any, bool]] = []
    hooks = [m.register_forward_hook(lambda m, i, o: seen.append((i[0], o, m.bias is not None))) for m in linears]
    try:
        X = torch.as_tensor(np.asarray(data.X_train), dtype=torch.float32)
        y = torch.as_tensor(np.asarray(data.y_train))
        out = model(X)
    finally:
        for h in hooks:
            h.remove()
    per_example = (
        F.cross_entropy(out, y, reduction="none") if loss == "cross_entropy" else F.mse_loss(out, y, reduction="none")
    )
    per_example = per_example.reshape(len(X), -1).sum(dim=1)
    deltas = torch.autograd.grad(per_example.sum(), [o for _, o, _ in seen], retain_graph=True)
    full = torch.autograd.grad(per_example.mean(), params)
    sq = torch.zeros(len(X), dtype=torch.float64)
    for (a, _, bias), delta in zip(seen, deltas):
        sq += delta.double().pow(2).sum(dim=1) * (a.detach().double().pow(2).sum(dim=1) + (1.0 if bias else 0.0))
    grad_sq = float(sum(g.double().pow(2).sum() for g in full))
    return NoiseScale(grad_sq, max(float(sq.mean()) - grad_sq, 0.0))
