"""Claims of notebook 12 (batch size beyond linear scaling): the noise scale, the critical batch, batch for decay.

NumPy claims run mini-batch SGD on ``problems.noisy_least_squares()`` (1000 examples, 10 weights,
sigma = 0.5, L = 1.06, mu = 0.097); 4 seeds per set, whose mean loss is measured
(:func:`course_lib.studies.batch_size.run_phases`). The torch claim trains the digits MLP of notebook 02.
The runs of one seed set are cached, so the claims of a section share them (``shares`` = the topic).
"""

from __future__ import annotations

import functools

import numpy as np

from course_lib import problems
from course_lib.studies import batch_size as bs
from course_lib.studies.replication import Claim, Runs, mean_interval, ratio_of_means

NOTEBOOK = "12_batch_size_and_noise"
SEEDS = (0, 1, 2, 3)
#: §1: where the two-batch estimate is taken (excess loss), its batch sizes and draws per batch size
ESTIMATE_AT, B_SMALL, B_BIG, DRAWS = 0.1, 1, 256, 200
#: §3: the two targets (excess loss) of the steps-to-target sweeps
TARGETS = (0.1, 0.01)
#: §4: rate 0.1 at batch 4, then the rate / 5 or the batch x 5, twice; 8000 examples per phase
DECAY = dict(lr=0.1, batch_size=4, factor=5, n_phases=3, examples_per_phase=8000)
#: torch (§2): the digits MLP (64 -> 64 -> 10), SGD at 0.05, batch 32, this many epochs
TORCH_EPOCHS, TORCH_LR, TORCH_BATCH = 10, 0.05, 32


@functools.lru_cache(maxsize=1)
def _nls():
    return problems.noisy_least_squares()


# ---- §1: the two-batch estimator against the exact noise scale -----------------------------------


def two_batch_rows(seeds) -> Runs:
    """Per seed: the two-batch estimate of B_simple (B = 1 and 256, 200 draws each) over the exact value."""
    nls = _nls()
    w, exact = bs.noise_scale_at_loss(nls, ESTIMATE_AT)
    est = [bs.sampled_noise_scale(nls, w, B_SMALL, B_BIG, DRAWS, seed=s).b_simple for s in seeds]
    return Runs(seeds, ratio=np.asarray(est) / exact.b_simple)


TWO_BATCH = Claim(
    "batch_size.two_batch_estimate",
    where=f"{NOTEBOOK} §1",
    statement="From mini-batch gradients alone (200 at batch 1, 200 at batch 256), McCandlish et al.'s "
    "two-batch estimator gives B_simple within 20 % of its exact value, averaged over a set of 4 seeds",
    experiment=two_batch_rows,
    predicate=lambda r: bool(0.8 < r["ratio"].mean() < 1.2),
    effect=lambda r: mean_interval(r["ratio"], "two-batch estimate / exact B_simple (per seed)"),
    notebook_seeds=SEEDS,
    fast=True,
)


# ---- §2: a network's noise scale grows as it trains ------------------------------------------------


@functools.lru_cache(maxsize=64)
def _torch_noise_scales(seed: int) -> tuple[float, float, float]:
    """(B_simple at initialisation, after TORCH_EPOCHS epochs, final validation loss) of the digits MLP."""
    from course_lib import training

    data = problems.load_digits()
    net = training.mlp(64, 10, hidden=(64,), seed=seed)
    before = bs.model_noise_scale(net, data).b_simple
    h = training.train_torch(net, data, TORCH_LR, epochs=TORCH_EPOCHS, batch_size=TORCH_BATCH, seed=seed)
    return before, bs.model_noise_scale(net, data).b_simple, h.final_val_loss


def torch_rows(seeds) -> Runs:
    """Per seed: B_simple of the digits MLP at initialisation and after training."""
    rows = [_torch_noise_scales(int(s)) for s in seeds]
    return Runs(seeds, before=[r[0] for r in rows], after=[r[1] for r in rows])


TORCH_GROWS = Claim(
    "batch_size.network_noise_scale_grows",
    where=f"{NOTEBOOK} §2",
    statement="The digits MLP's noise scale B_simple grows more than 5-fold over 10 epochs of SGD, on every seed",
    experiment=torch_rows,
    predicate=lambda r: bool(np.all(r["after"] > 5 * r["before"])),
    effect=lambda r: ratio_of_means(r["after"], r["before"], "B_simple after / at initialisation"),
    notebook_seeds=(0, 1, 2),
    needs_torch=True,
)


# ---- §3: steps to a target against the batch, the critical batch ------------------------------------


@functools.lru_cache(maxsize=256)
def sweep(target: float, seeds: tuple[int, ...]) -> bs.BatchSweep:
    """:func:`~course_lib.studies.batch_size.batch_size_sweep` on noisy least squares (cached)."""
    return bs.batch_size_sweep(_nls(), target, seeds)


def sweep_rows(seeds) -> Runs:
    """One row per seed set: steps to each target per batch size, and the fitted S_min, E_min, B_crit."""
    seeds = tuple(int(s) for s in seeds)
    sweeps = [sweep(t, seeds) for t in TARGETS]
    fits = [bs.fit_tradeoff(s) for s in sweeps]
    exact = [bs.noise_scale_at_loss(_nls(), t)[1].b_simple for t in TARGETS]
    return Runs(
        (seeds[0],),
        steps=[[s.steps for s in sweeps]],
        s_min=[[f.s_min for f in fits]],
        e_min=[[f.e_min for f in fits]],
        b_crit=[[f.b_crit for f in fits]],
        misfit=[[f.misfit(s) for f, s in zip(fits, sweeps)]],
        b_simple=[exact],
    )


def _steps(r: Runs, target: int, batch: int) -> np.ndarray:
    return r["steps"][:, target, bs.BATCH_SIZES.index(batch)]


def _diminishing(r: Runs) -> bool:
    low = TARGETS.index(0.01)
    return bool(
        np.all(_steps(r, low, 1) > 8 * _steps(r, low, 16)) and np.all(_steps(r, low, 256) < 1.5 * _steps(r, low, 1024))
    )


DIMINISHING = Claim(
    "batch_size.perfect_then_diminishing",
    where=f"{NOTEBOOK} §3",
    statement="With the rate tuned per batch, steps to an excess loss of 0.01 fall almost in proportion to the "
    "batch at first (16 times the batch from 1: more than 8 times fewer steps) and hardly at all at the end "
    "(4 times the batch from 256: fewer than 1.5 times fewer steps)",
    experiment=sweep_rows,
    predicate=_diminishing,
    effect=lambda r: ratio_of_means(_steps(r, 1, 1), _steps(r, 1, 16), "steps at B = 1 / at B = 16 (16 = perfect)"),
    notebook_seeds=SEEDS,
)

TRADEOFF_FITS = Claim(
    "batch_size.tradeoff_fits",
    where=f"{NOTEBOOK} §3",
    statement="McCandlish et al.'s S = S_min + E_min / B, fitted to the steps of 11 batch sizes (1 to 1024), "
    "is within 35 % of every measured point, at both targets",
    experiment=sweep_rows,
    predicate=lambda r: bool(np.all(r["misfit"] < 0.35)),
    effect=lambda r: mean_interval(r["misfit"].max(axis=1), "largest |S / S_model - 1| over both targets"),
    notebook_seeds=SEEDS,
)


def _grows(r: Runs) -> bool:
    crit, simple = r["b_crit"], r["b_simple"]
    return bool(np.all(crit[:, 1] > 3 * crit[:, 0]) and np.all((crit > 0.2 * simple) & (crit < simple)))


CRITICAL_GROWS = Claim(
    "batch_size.critical_batch_grows",
    where=f"{NOTEBOOK} §3",
    statement="The critical batch B_crit = E_min / S_min grows as the target falls (more than 3 times from an "
    "excess loss of 0.1 to 0.01) and lies between 0.2 and 1 times the noise scale B_simple at the target",
    experiment=sweep_rows,
    predicate=_grows,
    effect=lambda r: mean_interval(r["b_crit"][:, 1] / r["b_crit"][:, 0], "B_crit at 0.01 / at 0.1"),
    notebook_seeds=SEEDS,
)


# ---- §4: increase the batch instead of decaying the rate ---------------------------------------------


def phase_levels(excess: np.ndarray, phases) -> np.ndarray:
    """Mean excess loss over the last quarter of each phase, per seed: shape (phases, seeds)."""
    ends = np.cumsum([p.steps for p in phases])
    return np.stack([excess[e - p.steps // 4 : e + 1].mean(axis=0) for e, p in zip(ends, phases)])


@functools.lru_cache(maxsize=256)
def _decay_or_grow(seeds: tuple[int, ...]) -> dict[str, np.ndarray]:
    return {
        name: phase_levels(bs.run_phases(_nls(), phases, seeds)[:, 0, :], phases)
        for name, phases in bs.decay_or_grow(**DECAY).items()
    }


def decay_rows(seeds) -> Runs:
    """Per seed: the level at the end of phases 2 and 3 of both runs, and the first-order floor of phase 3."""
    levels = _decay_or_grow(tuple(int(s) for s in seeds))
    decay, grow = levels["decay the rate"], levels["grow the batch"]
    return Runs(seeds, decay=decay.T, grow=grow.T)


def floor_formula(phase: int) -> float:
    """sigma^2 tr(H) / 4 * lr / B in phase ``phase`` (0-based) of :data:`DECAY` (02 §2's floor)."""
    nls = _nls()
    return float(nls.noise**2 * np.trace(nls.H) / 4 * DECAY["lr"] / (DECAY["batch_size"] * DECAY["factor"] ** phase))


def _same_floor(r: Runs) -> bool:
    d, g = r["decay"].mean(axis=0), r["grow"].mean(axis=0)
    ratio = g[1:] / d[1:]
    last = DECAY["n_phases"] - 1
    near = all(0.6 < x[last] / floor_formula(last) < 1.5 for x in (d, g))
    return bool(np.all((0.75 < ratio) & (ratio < 1.33)) and near)


GROW_MATCHES_DECAY = Claim(
    "batch_size.grow_matches_decay",
    where=f"{NOTEBOOK} §4",
    statement="Growing the batch 5-fold instead of cutting the rate 5-fold (twice, 8000 examples a phase) ends "
    "every phase within 25-33 % of the same loss (mean of 4 seeds), at 0.6-1.5 times the floor "
    "sigma^2 tr(H)/4 * lr / B, with 2480 steps instead of 6000",
    experiment=decay_rows,
    predicate=_same_floor,
    effect=lambda r: ratio_of_means(r["grow"][:, -1], r["decay"][:, -1], "grow / decay, loss at the end"),
    notebook_seeds=SEEDS,
    fast=True,
)

__all__ = [
    "TWO_BATCH",
    "TORCH_GROWS",
    "DIMINISHING",
    "TRADEOFF_FITS",
    "CRITICAL_GROWS",
    "GROW_MATCHES_DECAY",
    "sweep",
    "sweep_rows",
    "decay_rows",
    "phase_levels",
    "floor_formula",
]
