"""studies.batch_size: the noise scale (exact, two-batch, a network's), SGD phases, steps to a target, the trade-off."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest

from course_lib import problems
from course_lib import studies as X
from course_lib.studies import batch_size as bs


@pytest.fixture(scope="module")
def nls():
    return problems.noisy_least_squares()


def test_noise_scale_is_trace_of_covariance_over_squared_mean():
    g = np.random.default_rng(0).normal(size=(500, 3)) + [1.0, 0.0, 0.0]
    ns = bs.noise_scale(g)
    assert math.isclose(ns.grad_sq, float(g.mean(0) @ g.mean(0)))
    assert math.isclose(ns.trace_cov, float(np.trace(np.cov(g.T, bias=True))), rel_tol=1e-12)
    assert math.isclose(ns.b_simple, ns.trace_cov / ns.grad_sq)
    assert bs.noise_scale([[1.0, 0.0], [-1.0, 0.0]]).b_simple == math.inf  # G = 0: no batch is "enough"
    with pytest.raises(ValueError, match="shape"):
        bs.noise_scale([1.0, 2.0])


def test_noise_scale_predicts_the_minibatch_noise(nls):
    """E|g_B - G|^2 = tr(C) / B for batches drawn with replacement: B_simple is where it equals |G|^2."""
    w = bs.noise_scale_at_loss(nls, 0.1)[0]
    ns = bs.noise_scale(nls.example_grads(w))
    rng = np.random.default_rng(1)
    B = 8
    noise = np.mean([np.sum((nls.stochastic_grad(w, rng, B) - nls.grad(w)) ** 2) for _ in range(4000)])
    assert noise == pytest.approx(ns.trace_cov / B, rel=0.08)


def test_example_grads_average_to_the_gradient(nls):
    w = np.random.default_rng(3).normal(size=nls.dim)
    assert np.allclose(nls.example_grads(w).mean(axis=0), nls.grad(w))
    with pytest.raises(ValueError, match="one point"):
        nls.example_grads(np.zeros((2, nls.dim)))


def test_two_batch_estimator_is_exact_on_expected_norms_and_checks_its_batches():
    G2, trC = 0.5, 3.0
    est = bs.two_batch_noise_scale([G2 + trC / 2], [G2 + trC / 64], 2, 64)
    assert est.grad_sq == pytest.approx(G2) and est.trace_cov == pytest.approx(trC)
    with pytest.raises(ValueError, match="b_big must be larger"):
        bs.two_batch_noise_scale([1.0], [1.0], 8, 8)


def test_sampled_estimate_is_near_the_exact_value(nls):
    w, exact = bs.noise_scale_at_loss(nls, 0.1)
    est = [bs.sampled_noise_scale(nls, w, 1, 256, 400, seed=s).b_simple for s in range(6)]
    assert np.mean(est) == pytest.approx(exact.b_simple, rel=0.15)


def test_noise_scale_grows_as_the_loss_falls(nls):
    scales = [bs.noise_scale_at_loss(nls, e)[1].b_simple for e in (1.0, 0.1, 0.01, 0.001)]
    assert all(b > 2 * a for a, b in zip(scales, scales[1:]))
    with pytest.raises(ValueError, match="did not reach"):
        bs.noise_scale_at_loss(nls, 1e-30, max_steps=5)


def test_run_phases_is_the_sgd_loop_of_stochastic_grad(nls):
    """The vectorised runs are `w -= lr * stochastic_grad(w, rng, B)`, phase after phase, one generator per seed."""
    phases = [bs.Phase(0.1, 2, 30), bs.Phase(0.05, 5, 20)]
    excess = bs.run_phases(nls, phases, [7, 8])
    assert excess.shape == (51, 1, 2)
    for j, seed in enumerate((7, 8)):
        rng, w = np.random.default_rng(seed), np.array(nls.w0)
        for p in phases:
            for _ in range(p.steps):
                w = w - p.lr * nls.stochastic_grad(w, rng, p.batch_size)
        assert excess[-1, 0, j] == pytest.approx(nls.loss(w) - nls.min_loss, rel=1e-9, abs=1e-15)
    swept = bs.run_phases(nls, [bs.Phase(1.0, 4, 10)], [0], lrs=[0.01, 0.1])
    alone = bs.run_phases(nls, [bs.Phase(0.1, 4, 10)], [0])
    assert np.allclose(swept[:, 1], alone[:, 0])
    with pytest.raises(TypeError, match="Phase"):
        bs.run_phases(nls, [(0.1, 4, 10)], [0])


def test_a_diverging_rate_gives_inf_not_nan(nls):
    excess = bs.run_phases(nls, [bs.Phase(5.0, 1, 400)], [0])
    assert np.isinf(excess[-1]).all()
    assert bs.steps_to_target(excess, 0.1)[0] == math.inf


def test_steps_to_target_counts_from_when_the_mean_stays_below():
    curve = np.array([5.0, 0.5, 0.05, 0.2, 0.05, 0.04])[:, None]  # dips below 0.1 at 2, back up at 3
    assert bs.steps_to_target(curve, 0.1) == 4.0
    assert bs.steps_to_target(curve[:4], 0.1) == math.inf  # above at the last step
    two_seeds = np.array([[1.0, 1.0], [0.15, 0.01], [0.05, 0.05]])  # the seed mean is what counts
    assert bs.steps_to_target(two_seeds, 0.1) == 1.0


def test_tradeoff_formula_and_fit():
    t = bs.Tradeoff(s_min=10.0, e_min=1000.0)
    B = np.array([1, 10, 100, 1000])
    S, E = t.steps(B), t.examples(B)
    assert np.allclose((S / t.s_min - 1) * (E / t.e_min - 1), 1.0)
    sweep = bs.BatchSweep(tuple(B), tuple(S), (0.1,) * 4, 0.01, (0,))
    fit = bs.fit_tradeoff(sweep)
    assert fit.s_min == pytest.approx(10.0) and fit.e_min == pytest.approx(1000.0) and fit.misfit(sweep) < 1e-9
    with pytest.raises(ValueError, match="two batch sizes"):
        bs.fit_tradeoff(bs.BatchSweep((1, 2), (5.0, math.inf), (0.1, 0.1), 0.01, (0,)))


def test_sweep_shows_perfect_scaling_then_a_plateau(nls):
    sweep = bs.batch_size_sweep(nls, 0.1, [0, 1], batch_sizes=(1, 2, 256, 1024))
    assert 1.6 < sweep.steps_at(1) / sweep.steps_at(2) < 2.5
    assert sweep.steps_at(256) / sweep.steps_at(1024) < 1.5
    assert sweep.best_lr[1] > sweep.best_lr[0]
    assert bs.batch_size_sweep(nls, 0.1, [0, 1], batch_sizes=(1, 2, 256, 1024)) is sweep  # cached


def test_decay_or_grow_keeps_lr_over_b_and_the_examples():
    pair = bs.decay_or_grow(0.1, 4, 5, 3, 4000)
    decay, grow = pair["decay the rate"], pair["grow the batch"]
    assert [p.lr / p.batch_size for p in decay] == pytest.approx([p.lr / p.batch_size for p in grow])
    assert [p.examples for p in decay] == [p.examples for p in grow] == [4000] * 3
    assert bs.examples_seen(grow)[-1] == 12000 and len(bs.examples_seen(grow)) == 1240 + 1
    with pytest.raises(ValueError, match="multiple"):
        bs.decay_or_grow(0.1, 4, 5, 3, 1010)
    with pytest.raises(ValueError, match="factor"):
        bs.decay_or_grow(0.1, 4, 1, 3, 1000)


def test_model_noise_scale_matches_per_example_autograd():
    torch = pytest.importorskip("torch")
    from course_lib import training

    data = problems.load_digits()
    small = SimpleNamespace(X_train=data.X_train[:40], y_train=data.y_train[:40])  # what it reads
    net = training.mlp(64, 10, hidden=(16,), seed=0)
    rows = []
    for i in range(40):
        net.zero_grad()
        x = torch.as_tensor(small.X_train[i : i + 1], dtype=torch.float32)
        torch.nn.functional.cross_entropy(net(x), torch.as_tensor(small.y_train[i : i + 1])).backward()
        rows.append(torch.cat([p.grad.flatten() for p in net.parameters()]).double().numpy())
    exact = bs.noise_scale(np.array(rows))
    fast = X.model_noise_scale(net, small)
    assert fast.grad_sq == pytest.approx(exact.grad_sq, rel=1e-4)
    assert fast.trace_cov == pytest.approx(exact.trace_cov, rel=1e-4)
    with pytest.raises(ValueError, match="loss"):
        X.model_noise_scale(net, small, loss="hinge")
