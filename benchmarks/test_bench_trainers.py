"""Trainers: course_lib's loops vs the loop you would write by hand, doing the same work.

* torch: ``trainers.train_torch``, one epoch of ``models.mlp(64, 10, (64,))`` on
  ``problems.load_digits()`` (SGD, momentum 0.9, batch 32, cosine rate per update, validation
  pass at the end) vs a hand-written loop with the same model weights, data, optimizer, rates,
  batch order (``torch.randperm`` from ``torch.Generator().manual_seed(0)``), recorded losses
  and validation pass. Both run on one torch thread (train_torch's setting).
* numpy: ``trainers.run_gd``, N_GD steps of GD with a cosine rate on ``problems.quadratic_bowl()``
  vs a hand-written loop (gradient, update, path recorded; losses computed after, vectorised);
  run_gd's fastest round must also stay within its absolute budget (``GD_BUDGET_S`` per 10 000 steps).

The two sides are interleaved (ours, hand, ours, hand, ... REPS times), and before timing each
pair checks that both sides produce the same numbers.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from bench_config import GD_BUDGET_S, N_GD, PAIR_ROUNDS, QUICK, REPS, pedantic

from course_lib import problems as P
from course_lib import schedules as S
from course_lib import training as T
from course_lib.training import models as M

BATCH = 32
MOMENTUM = 0.9


@pytest.fixture(scope="module")
def digits():
    return P.load_digits()


def _model_setup():
    return (M.mlp(64, 10, (64,), seed=0),), {}


def course_torch(model, data):
    schedule = S.cosine_decay(0.1, T.steps_per_epoch(data.n_train, BATCH))
    return T.train_torch(model, data, schedule, epochs=1, batch_size=BATCH, momentum=MOMENTUM, seed=0)


def hand_torch(model, data):
    """One epoch the way a tutorial writes it (plus recording lr and loss per step)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        X, y = torch.as_tensor(data.X_train), torch.as_tensor(data.y_train)
        Xv, yv = torch.as_tensor(data.X_val), torch.as_tensor(data.y_val)
        rates = S.cosine_decay(0.1, T.steps_per_epoch(data.n_train, BATCH))(
            np.arange(T.steps_per_epoch(data.n_train, BATCH))
        ).tolist()
        opt = torch.optim.SGD(model.parameters(), lr=rates[0], momentum=MOMENTUM)
        order = torch.randperm(len(X), generator=torch.Generator().manual_seed(0))
        lrs, losses = [], []
        for t, idx in enumerate(order.split(BATCH)):
            opt.param_groups[0]["lr"] = rates[t]
            loss = F.cross_entropy(model(X[idx]), y[idx])
            lrs.append(rates[t])
            losses.append(loss.item())
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            out = model(Xv)
            val_loss = F.cross_entropy(out, yv).item()
            val_acc = (out.argmax(dim=1) == yv).float().mean().item()
        model.train()
        return lrs, losses, val_loss, val_acc
    finally:
        torch.set_num_threads(threads)


def course_gd(problem, schedule):
    return T.run_gd(problem, schedule, N_GD)


def hand_gd(problem, schedule):
    """GD written by hand: the same rates, gradient, path and losses as run_gd."""
    A, c = problem.A, problem.center
    rates = schedule(np.arange(N_GD)).tolist()
    path = np.empty((N_GD + 1, 2))
    w = path[0] = problem.w0
    for t, lr in enumerate(rates):
        w = w - lr * ((w - c) @ A)
        path[t + 1] = w
    d = path[:-1] - c
    losses = 0.5 * np.einsum("ni,ij,nj->n", d, A, d)
    return path, losses, bool(np.all(np.isfinite(losses)))


def test_pairs_agree(digits):
    (m1,), _ = _model_setup()
    (m2,), _ = _model_setup()
    h = course_torch(m1, digits)
    lrs, losses, val_loss, _ = hand_torch(m2, digits)
    np.testing.assert_allclose(h.loss, losses, rtol=1e-5)
    np.testing.assert_allclose(h.val_loss, [val_loss], rtol=1e-5)
    problem, schedule = P.quadratic_bowl(), S.cosine_decay(1.0, N_GD)
    g = course_gd(problem, schedule)
    path, gd_losses, _ = hand_gd(problem, schedule)
    np.testing.assert_allclose(g.params, path, rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(g.loss, gd_losses, rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("impl", ["course_lib", "hand"])
@pytest.mark.parametrize("rep", range(REPS))
def test_train_torch_epoch(benchmark, digits, impl, rep):
    if rep == 0 and impl == "course_lib":
        test_pairs_agree(digits)
    benchmark.group = "trainer torch"
    benchmark.extra_info.update(
        kind="trainer_torch", impl=impl, rep=rep, steps=T.steps_per_epoch(digits.n_train, BATCH)
    )
    fn = course_torch if impl == "course_lib" else hand_torch
    pedantic(benchmark, lambda model: fn(model, digits), setup=_model_setup, rounds=PAIR_ROUNDS, warmup_rounds=2)


@pytest.mark.parametrize("impl", ["course_lib", "hand"])
@pytest.mark.parametrize("rep", range(REPS))
def test_run_gd(benchmark, impl, rep):
    problem, schedule = P.quadratic_bowl(), S.cosine_decay(1.0, N_GD)
    benchmark.group = "trainer numpy"
    benchmark.extra_info.update(kind="trainer_numpy", impl=impl, rep=rep, steps=N_GD)
    fn = course_gd if impl == "course_lib" else hand_gd
    pedantic(benchmark, lambda: fn(problem, schedule), rounds=PAIR_ROUNDS, warmup_rounds=2)
    if impl == "course_lib" and benchmark.stats and not QUICK:  # quick sizes measure nothing; no stats if disabled
        best, budget = benchmark.stats.stats.min, GD_BUDGET_S * N_GD / 10**4
        assert best < budget, f"{N_GD} run_gd steps took {best:.3f} s at best (budget {budget:.3f} s)"
