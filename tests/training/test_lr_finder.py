"""Tests for course_lib.training.lr_finder: the sweep, the four rules, the torch and NumPy range tests."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from course_lib import training as LF
from course_lib.training import (
    RANGE_TEST_RULES,
    SUGGESTERS,
    RangeTestResult,
    lr_range_test,
    lr_range_test_numpy,
    lr_sweep,
    smooth_losses,
    suggest_minimum,
    suggest_slide,
    suggest_steepest,
    suggest_valley,
)

LRS = np.logspace(-6, 1, 100)
X10 = np.log10(LRS)
#: a realistic curve: flat, falls around 1e-3, explodes past ~1e-1 (bottom near 2.4e-2).
REALISTIC = 2.3 - 2.0 / (1 + np.exp(-3 * (X10 + 3))) + np.exp(3 * (X10 + 0.5))
#: a U in log(lr) with its bottom at lr = 1e-2.
U_CURVE = (X10 + 2) ** 2


# ---------------------------------------------------------------------------
# Stand-ins for course_lib.problems (written concurrently by another helper)
# ---------------------------------------------------------------------------


class Quadratic:
    """f(w) = 0.5 * sum(h_i w_i^2): GD is stable iff lr < 2 / max(h) = 2 / L."""

    def __init__(self, h=(1.0, 10.0)):
        self.h = np.asarray(h, dtype=float)
        self.dim = self.h.size
        self.w0 = np.ones(self.dim)
        self.L = float(self.h.max())

    def loss(self, w):
        return 0.5 * np.sum(self.h * np.asarray(w) ** 2, axis=-1)

    def grad(self, w):
        return self.h * w

    def stochastic_grad(self, w, rng, batch_size):
        return self.h * w + rng.normal(scale=0.1 / np.sqrt(batch_size), size=self.dim)


@pytest.fixture(scope="module")
def digits():
    from sklearn.datasets import load_digits

    d = load_digits()
    X = (d.data / 16.0).astype(np.float32)
    y = d.target.astype(np.int64)
    return X[:1200], y[:1200]


def make_mlp():
    return torch.nn.Sequential(torch.nn.Linear(64, 32), torch.nn.ReLU(), torch.nn.Linear(32, 10))


def fastai_valley(lrs, losses):
    """fastai/callback/schedule.py ``valley``, transcribed loop for loop (index not clamped)."""
    n = len(losses)
    max_start, max_end = 0, 0
    lds = [1] * n
    for i in range(1, n):
        for j in range(0, i):
            if (losses[i] < losses[j]) and (lds[i] < lds[j] + 1):
                lds[i] = lds[j] + 1
            if lds[max_end] < lds[i]:
                max_end = i
                max_start = max_end - lds[max_end]
    sections = (max_end - max_start) / 3
    idx = max_start + int(sections) + int(sections / 2)
    return idx


# ---------------------------------------------------------------------------
# Pure pieces
# ---------------------------------------------------------------------------


def test_lr_sweep_is_fastais_exponential():
    lrs = lr_sweep(1e-7, 10.0, 100)
    assert lrs.shape == (100,)
    assert lrs[0] == pytest.approx(1e-7)
    np.testing.assert_allclose(lrs[1:] / lrs[:-1], (1e8) ** (1 / 100))
    assert lrs[-1] < 10.0
    assert lrs[50] == pytest.approx(1e-7 * 1e8**0.5)


def test_smooth_losses_bias_correction():
    np.testing.assert_allclose(smooth_losses([3.0] * 20, 0.98), 3.0)  # no bias towards 0
    raw = np.array([4.0, 2.0, 1.0, 5.0])
    np.testing.assert_allclose(smooth_losses(raw, 0.0), raw)
    beta, avg, expected = 0.9, 0.0, []
    for k, loss in enumerate(raw):
        avg = beta * avg + (1 - beta) * loss
        expected.append(avg / (1 - beta ** (k + 1)))
    np.testing.assert_allclose(smooth_losses(raw, beta), expected)
    with pytest.raises(ValueError, match="beta"):
        smooth_losses(raw, 1.0)


def test_rules_have_descriptions():
    assert set(RANGE_TEST_RULES) == set(SUGGESTERS) == {"valley", "slide", "minimum", "steepest"}
    assert all(isinstance(text, str) and len(text) > 20 for text in RANGE_TEST_RULES.values())


def test_suggestions_on_realistic_curve():
    bottom = LRS[np.argmin(REALISTIC)]
    assert suggest_minimum(LRS, REALISTIC) == pytest.approx(bottom / 10)
    assert 5e-4 < suggest_steepest(LRS, REALISTIC) < 2e-3  # the middle of the fall (1e-3)
    for name, rule in SUGGESTERS.items():
        value = rule(LRS, REALISTIC)
        assert np.isfinite(value) and LRS[0] / 10 <= value < bottom, name


def test_suggestions_on_u_curve():
    assert suggest_minimum(LRS, U_CURVE) == pytest.approx(1e-3, rel=0.2)
    valley = suggest_valley(LRS, U_CURVE)
    assert 1e-5 < valley < 1e-2  # half way down the falling branch
    assert suggest_steepest(LRS, U_CURVE) == LRS[0]  # a parabola is steepest at its left end


def test_valley_matches_fastai_loops():
    rng = np.random.default_rng(0)
    for trial in range(30):
        losses = np.cumsum(rng.normal(size=40))
        idx = fastai_valley(list(losses), list(losses))
        expected = LRS[:40][max(idx, 0)]  # we clamp fastai's -1 (which wraps to the last rate) to 0
        assert suggest_valley(LRS[:40], losses) == expected, trial


def test_slide_matches_hand_computation():
    lrs = LRS[:30]
    falls_then_flat = np.concatenate([np.linspace(3, 1, 20), np.full(10, 1.0)])
    # the right end is flat: the first window (points 24..29) already has equal gradients,
    # so the loop never runs and the answer is lrs[-1 - lr_diff]
    assert suggest_slide(lrs, falls_then_flat, lr_diff=5) == lrs[24]
    # a right end that keeps bending (the explosion) makes the window slide left, into the fall
    explodes = np.concatenate([np.linspace(3, 1, 20), 1 + 0.5 * np.arange(1, 11) ** 2])
    value = suggest_slide(lrs, explodes, lr_diff=5)
    grad = np.gradient(explodes)
    i = int(np.flatnonzero(lrs == value)[0])  # the left end of the first window with flat gradients
    assert abs(grad[i + 5] - grad[i]) > 0.005 and abs(grad[i + 4] - grad[i - 1]) <= 0.005
    assert suggest_slide(lrs, explodes, lr_diff=5, adjust_value=2.0) == pytest.approx(2 * value)


def test_flat_curve_gives_finite_suggestions():
    flat = np.ones_like(LRS)
    values = {name: rule(LRS, flat) for name, rule in SUGGESTERS.items()}
    assert all(np.isfinite(v) for v in values.values())
    assert values["valley"] == LRS[0]  # fastai would wrap to the largest rate


def test_non_finite_losses_truncate_the_curve():
    broken = REALISTIC.copy()
    broken[70] = np.nan
    broken[80:] = np.inf
    for name, rule in SUGGESTERS.items():
        assert rule(LRS, broken) == rule(LRS[:70], REALISTIC[:70]), name


def test_too_short_curve_asks_for_more_steps():
    with pytest.raises(ValueError, match="num_steps"):
        suggest_slide(LRS[:10], REALISTIC[:10])
    with pytest.raises(ValueError, match="num_steps"):
        suggest_valley(LRS[:5], [1.0, np.nan, 1.0, 1.0, 1.0])
    with pytest.raises(ValueError, match="num_steps"):
        suggest_minimum([], [])


def test_bad_curves_raise_naming_the_argument():
    with pytest.raises(ValueError, match="lrs"):
        suggest_minimum(LRS[::-1], REALISTIC)
    with pytest.raises(ValueError, match="lrs"):
        suggest_minimum(-LRS, REALISTIC)
    with pytest.raises(ValueError, match="same length"):
        suggest_minimum(LRS, REALISTIC[:-1])
    with pytest.raises(ValueError, match="lr_diff"):
        suggest_slide(LRS, REALISTIC, lr_diff=0)
    with pytest.raises(ValueError, match="thresh"):
        suggest_slide(LRS, REALISTIC, thresh=-1)


# ---------------------------------------------------------------------------
# NumPy range test
# ---------------------------------------------------------------------------


def test_numpy_range_test_on_quadratic():
    problem = Quadratic()
    w0 = problem.w0.copy()
    result = lr_range_test_numpy(problem, start_lr=1e-4, end_lr=10.0, num_steps=100)
    assert isinstance(result, RangeTestResult)
    np.testing.assert_array_equal(problem.w0, w0)  # nothing modified
    assert result.stopped_early and result.stop_step == result.n_steps - 1
    limit = 2 / problem.L
    assert set(result.suggestions) == set(RANGE_TEST_RULES)
    assert result.suggestions["valley"] < limit
    assert result.suggestions["steepest"] < limit
    # the first recorded loss is the loss at w0, with the update applied after it
    assert result.losses[0] == pytest.approx(problem.loss(w0))
    assert result.losses[1] == pytest.approx(problem.loss(w0 - result.lrs[0] * problem.grad(w0)))
    assert "valley" in result.summary()


def test_numpy_range_test_sgd_is_deterministic():
    a = lr_range_test_numpy(Quadratic(), start_lr=1e-4, end_lr=10.0, num_steps=60, batch_size=8, seed=3)
    b = lr_range_test_numpy(Quadratic(), start_lr=1e-4, end_lr=10.0, num_steps=60, batch_size=8, seed=3)
    c = lr_range_test_numpy(Quadratic(), start_lr=1e-4, end_lr=10.0, num_steps=60, batch_size=8, seed=4)
    np.testing.assert_array_equal(a.losses, b.losses)
    assert not np.array_equal(a.losses, c.losses)


def test_numpy_no_early_stop_when_disabled():
    result = lr_range_test_numpy(Quadratic(), start_lr=1e-4, end_lr=0.1, num_steps=50, diverge_factor=None)
    assert not result.stopped_early and result.stop_step is None and result.n_steps == 50


def test_numpy_range_test_that_diverges_at_once_reports_instead_of_raising():
    result = lr_range_test_numpy(Quadratic(h=(1e3,)), start_lr=1.0, end_lr=100.0, num_steps=20)
    assert result.stopped_early and result.n_steps < 5
    assert "num_steps" in result.note and result.suggestions == {}
    assert np.isnan(result.loss_at(1.0)) and "note" in result.summary()


def test_used_curve_is_fastais_trim():
    result = lr_range_test_numpy(Quadratic(), start_lr=1e-4, end_lr=0.1, num_steps=50, diverge_factor=None)
    assert result.skip_start == 5 and result.skip_end == 5
    np.testing.assert_array_equal(result.used_lrs, result.lrs[5:45])
    np.testing.assert_array_equal(result.used_losses, result.smoothed[5:45])
    assert result.suggestions["minimum"] == suggest_minimum(result.lrs[5:45], result.smoothed[5:45])
    lr = result.suggestions["valley"]
    assert np.isfinite(result.loss_at(lr))


# ---------------------------------------------------------------------------
# Torch range test
# ---------------------------------------------------------------------------


def test_torch_model_and_optimizer_restored(digits):
    torch.manual_seed(1)
    model = make_mlp()
    model.eval()
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    X, y = (torch.as_tensor(a) for a in digits)
    torch.nn.functional.cross_entropy(model(X[:32]), y[:32]).backward()
    opt.step()  # the optimizer now has momentum buffers, and the model has gradients
    before = {k: v.clone() for k, v in model.state_dict().items()}
    grads = [p.grad.clone() for p in model.parameters()]
    opt_before = {k: v["momentum_buffer"].clone() for k, v in opt.state_dict()["state"].items()}
    threads = torch.get_num_threads()
    rng_state = torch.get_rng_state()

    result = lr_range_test(model, digits, optimizer=opt, num_steps=60, start_lr=1e-4, end_lr=10.0)

    assert result.n_steps > 10
    for k, v in model.state_dict().items():
        assert torch.equal(v, before[k]), k
    for p, g in zip(model.parameters(), grads):
        assert torch.equal(p.grad, g)
    assert not model.training
    state = opt.state_dict()
    assert state["param_groups"][0]["lr"] == 0.05
    for k, v in state["state"].items():
        assert torch.equal(v["momentum_buffer"], opt_before[k])
    assert torch.get_num_threads() == threads
    assert torch.equal(torch.get_rng_state(), rng_state)


def test_torch_range_test_deterministic_and_sensible(digits):
    a = lr_range_test(make_mlp, digits, num_steps=60, start_lr=1e-4, end_lr=10.0, seed=0)
    b = lr_range_test(make_mlp, digits, num_steps=60, start_lr=1e-4, end_lr=10.0, seed=0)
    np.testing.assert_array_equal(a.losses, b.losses)
    assert a.suggestions == b.suggestions
    assert set(a.suggestions) == set(RANGE_TEST_RULES)
    assert all(np.isfinite(v) and 1e-5 <= v <= 10 for v in a.suggestions.values())
    np.testing.assert_allclose(a.smoothed, smooth_losses(a.losses, 0.98))
    np.testing.assert_allclose(a.lrs, lr_sweep(1e-4, 10.0, 60)[: a.n_steps])
    assert a.config["optimizer"] == "sgd" and a.config["seed"] == 0


def test_torch_range_test_stops_on_divergence(digits):
    result = lr_range_test(make_mlp, digits, num_steps=60, start_lr=1e-3, end_lr=1e3)
    assert result.stopped_early
    assert result.stop_step == result.n_steps - 1 < 60
    last = result.smoothed[-1]
    assert not np.isfinite(last) or last > 4 * np.nanmin(result.smoothed[:-1])


def test_torch_range_test_with_adam_and_mse(digits):
    X, y = digits
    model = torch.nn.Sequential(torch.nn.Linear(64, 1))
    result = lr_range_test(
        model,
        (X, y.astype(np.float32)),
        num_steps=30,
        start_lr=1e-4,
        end_lr=1.0,
        optimizer="adam",
        loss="mse",
        batch_size=32,
    )
    assert result.n_steps > 10 and np.isfinite(result.losses[0])


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(start_lr=1.0, end_lr=0.1), "end_lr"),
        (dict(start_lr=0.1, end_lr=0.1), "end_lr"),
        (dict(start_lr=-1.0), "start_lr"),
        (dict(num_steps=5), "num_steps"),
        (dict(num_steps=20.5), "num_steps"),
        (dict(smooth=1.0), "smooth"),
        (dict(diverge_factor=0.5), "diverge_factor"),
        (dict(batch_size=0), "batch_size"),
        (dict(batch_size=100_000), "batch_size"),
        (dict(optimizer="rmsprop"), "optimizer"),
        (dict(loss="hinge"), "loss"),
        (dict(momentum=1.0), "momentum"),
        (dict(skip_end=-1), "skip_end"),
    ],
)
def test_torch_bad_arguments(digits, kwargs, name):
    with pytest.raises((ValueError, TypeError), match=name):
        lr_range_test(make_mlp, digits, **kwargs)


def test_bad_model_and_data(digits):
    with pytest.raises(TypeError, match="model"):
        lr_range_test(42, digits)
    with pytest.raises(TypeError, match="data"):
        lr_range_test(make_mlp, "digits")


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(start_lr=1.0, end_lr=0.5), "end_lr"),
        (dict(num_steps=3), "num_steps"),
        (dict(batch_size=0), "batch_size"),
        (dict(momentum=-0.1), "momentum"),
    ],
)
def test_numpy_bad_arguments(kwargs, name):
    with pytest.raises((ValueError, TypeError), match=name):
        lr_range_test_numpy(Quadratic(), **kwargs)


def test_numpy_needs_stochastic_grad_for_batches():
    class Deterministic:
        w0 = np.zeros(2)

        def loss(self, w):
            return float(np.sum(w**2))

        def grad(self, w):
            return 2 * w

    with pytest.raises(TypeError, match="batch_size"):
        lr_range_test_numpy(Deterministic(), batch_size=4)


def test_with_course_problems_if_available():
    P = pytest.importorskip("course_lib.problems")
    if not hasattr(P, "load_digits"):
        pytest.skip("course_lib.problems.load_digits not written yet")
    data = P.load_digits()
    result = lr_range_test(make_mlp, data, num_steps=40, start_lr=1e-4, end_lr=10.0)
    assert result.n_steps > 10 and result.suggestions


def test_module_exports():
    for name in LF.__all__:
        assert hasattr(LF, name)


# ---------------------------------------------------------------------------
# The range test is a train_torch run: the same numbers as the hand-written loop it replaced
# ---------------------------------------------------------------------------


def hand_range_test(make, X, y, lrs, batch_size, seed, momentum, factor, beta):
    """The loop lr_range_test had before it became a train_torch run, transcribed (SGD, cross-entropy)."""
    torch.set_num_threads(1)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        net = make()
        opt = torch.optim.SGD(net.parameters(), lr=float(lrs[0]), momentum=momentum)
        X, y = torch.as_tensor(X, dtype=torch.float32), torch.as_tensor(y)
        rng, order, losses = np.random.default_rng(seed), [], []
        avg, best = 0.0, np.inf
        for k, lr in enumerate(lrs):
            if not order:
                perm = rng.permutation(len(X))
                order.extend(perm[i * batch_size : (i + 1) * batch_size] for i in range(len(X) // batch_size))
            idx = torch.as_tensor(order.pop(0))
            opt.param_groups[0]["lr"] = float(lr)
            opt.zero_grad(set_to_none=True)
            loss = torch.nn.functional.cross_entropy(net(X[idx]), y[idx])
            loss.backward()
            opt.step()
            losses.append(float(loss.detach()))
            avg = beta * avg + (1 - beta) * losses[-1]
            smooth = avg / (1 - beta ** (k + 1))
            if not np.isfinite(smooth):
                return np.array(losses), k
            best = min(best, smooth)
            if smooth > factor * best:
                return np.array(losses), k
    return np.array(losses), None


@pytest.mark.parametrize("end_lr, seed", [(10.0, 0), (1e3, 1), (1.0, 2)])
def test_torch_range_test_is_the_hand_loop_bit_for_bit(digits, end_lr, seed):
    threads = torch.get_num_threads()
    try:
        lrs = lr_sweep(1e-4, end_lr, 60)
        losses, stop = hand_range_test(make_mlp, *digits, lrs, 64, seed, 0.9, 4.0, 0.98)
    finally:
        torch.set_num_threads(threads)
    result = lr_range_test(make_mlp, digits, start_lr=1e-4, end_lr=end_lr, num_steps=60, seed=seed)
    np.testing.assert_array_equal(result.losses, losses)  # same batches, same rates, same updates
    np.testing.assert_array_equal(result.smoothed, smooth_losses(losses, 0.98))
    assert result.stop_step == stop and result.stopped_early == (stop is not None)


def test_stop_on_divergence_is_fastais_rule():
    rule = LF.StopOnDivergence(factor=4.0, beta=0.98)
    losses = [2.0, 1.5, 1.0, 0.8, 0.5, 3.0, 50.0, 1e3, 1e5]
    smoothed = smooth_losses(losses, 0.98)
    expected = next(k for k in range(len(losses)) if smoothed[k] > 4 * smoothed[: k + 1].min())
    assert [rule(k, 0.1, loss) for k, loss in enumerate(losses[: expected + 1])] == [False] * expected + [True]
    assert LF.StopOnDivergence(factor=None)(0, 0.1, float("nan"))  # nan stops even without a factor
    assert not LF.StopOnDivergence(factor=None)(0, 0.1, 1e30)
    with pytest.raises(ValueError, match="factor"):
        LF.StopOnDivergence(factor=1.0)
    with pytest.raises(ValueError, match="beta"):
        LF.StopOnDivergence(beta=1.0)


def test_stop_when_ends_a_train_torch_run_where_the_rule_says():
    from course_lib import problems

    data = problems.spirals_dataset(n_samples=400, seed=0)
    calls = []

    def rule(t, lr, loss):
        calls.append(t)
        return t == 6

    h = LF.train_torch(LF.mlp(2, 3, hidden=(8,), seed=0), data, 0.1, epochs=3, batch_size=30, stop_when=rule)
    assert h.n_steps == 7 and calls == list(range(7))  # the update that said stop is made and recorded
    assert len(h.val_loss) == 0 and not h.diverged  # no validation after a stop (fastai's CancelFitException)
    exploding = LF.train_torch(
        LF.mlp(2, 3, hidden=(8,), seed=0),
        data,
        lambda t: 0.01 * 10 ** (t / 10),  # x10 every 10 updates
        epochs=10,
        batch_size=30,
        stop_when=LF.StopOnDivergence(4.0),
        check_horizon=False,
    )
    assert 0 < exploding.n_steps < 100 and not exploding.diverged
