"""Trainers: closed-form and torch references, divergence reports, determinism.

Their speed is measured in benchmarks/test_bench_trainers.py, not asserted here.
"""

from __future__ import annotations

import math
import warnings
from types import SimpleNamespace

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from course_lib import problems as P
from course_lib import schedules as S
from course_lib import training as T
from course_lib.schedules.torch_bridge import as_torch_scheduler
from course_lib.training import models as M
from course_lib.training.history import History
from course_lib.training.plateau import ReduceLROnPlateau

# ---------------------------------------------------------------------------
# Stand-ins
# ---------------------------------------------------------------------------


class Flat:
    """loss = 1 everywhere, zero gradient: a perfect plateau."""

    dim = 2
    w0 = np.array([1.0, 2.0])

    def loss(self, w):
        return np.ones(np.shape(w)[:-1])

    def grad(self, w):
        return np.zeros_like(w)


class NanAfter:
    """A 1-D quadratic whose gradient becomes nan once w < 0.5 (a numerical accident)."""

    dim = 1
    w0 = np.array([1.0])

    def loss(self, w):
        return 0.5 * np.sum(np.asarray(w) ** 2, axis=-1)

    def grad(self, w):
        return np.where(w < 0.5, np.nan, w)


class InfLossBeyond:
    """A 1-D quadratic whose loss overflows to inf for |w| > 10 while w itself stays finite."""

    dim = 1
    w0 = np.array([1.0])

    def loss(self, w):
        w = np.asarray(w)[..., 0]
        return np.where(np.abs(w) > 10, np.inf, 0.5 * w**2)

    def grad(self, w):
        return np.asarray(w, dtype=float)


@pytest.fixture(scope="module")
def digits():
    return P.load_digits()


@pytest.fixture(scope="module")
def moons():
    return P.moons_dataset(n_samples=200)


def finite_history(h: History) -> bool:
    arrays = [h.lr, h.loss, h.val_loss, h.val_acc]
    arrays += [a for a in (h.params, h.momentum) if a is not None]
    return all(np.all(np.isfinite(a)) for a in arrays)


# ---------------------------------------------------------------------------
# run_gd
# ---------------------------------------------------------------------------


def test_gd_matches_closed_form_iterates_on_a_quadratic():
    q = P.quadratic_bowl(condition_number=10.0, L=1.0, angle=0.3)
    sched = S.step_decay(1.5, step_size=7, gamma=0.5)
    h = T.run_gd(q, sched, 30)
    A, w = np.asarray(q.A), np.asarray(q.w0, dtype=float)
    expected = [w]
    for k in range(30):
        w = w - sched(k) * (A @ w)
        expected.append(w)
    np.testing.assert_allclose(h.params, np.array(expected), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(h.loss, [0.5 * p @ A @ p for p in expected[:30]], rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(h.lr, sched(np.arange(30)))
    np.testing.assert_array_equal(h.steps, np.arange(30))
    assert h.params.shape == (31, 2) and not h.diverged and h.diverged_step is None


@pytest.mark.parametrize("nesterov", [False, True])
def test_gd_momentum_matches_torch_sgd(nesterov):
    q = P.quadratic_bowl(condition_number=20.0, L=2.0, angle=0.7)
    sched, mom = S.cosine_decay(0.4, 50), S.one_cycle_momentum(50)
    h = T.run_gd(q, sched, 50, momentum=mom, nesterov=nesterov)
    A = torch.tensor(np.asarray(q.A))
    w = torch.tensor(np.asarray(q.w0, dtype=float), requires_grad=True)
    opt = torch.optim.SGD([w], lr=1.0, momentum=0.9, nesterov=nesterov)
    lr_sched = as_torch_scheduler(opt, sched)
    path = [w.detach().clone().numpy()]
    for t in range(50):
        opt.param_groups[0]["momentum"] = mom(t)
        opt.zero_grad()
        (0.5 * w @ A @ w).backward()
        opt.step()
        lr_sched.step()
        path.append(w.detach().clone().numpy())
    np.testing.assert_allclose(h.params, np.array(path), rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(h.momentum, mom(np.arange(50)))


def test_gd_fixed_momentum_is_heavy_ball():
    q = P.quadratic_bowl()
    h = T.run_gd(q, 0.1, 20, momentum=0.9)
    A, w, v = np.asarray(q.A), np.asarray(q.w0, dtype=float), np.zeros(2)
    for k in range(20):
        v = 0.9 * v + A @ w
        w = w - 0.1 * v
    np.testing.assert_allclose(h.params[-1], w, rtol=1e-12)
    np.testing.assert_array_equal(h.momentum, np.full(20, 0.9))


def test_gd_divergence_above_the_stability_limit_is_reported_not_raised():
    q = P.quadratic_bowl(L=1.0)
    lr = 1.1 * q.stability_limit
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no numpy overflow warnings
        h = T.run_gd(q, lr, 10_000)
    assert h.diverged and h.diverged_lr == pytest.approx(lr)
    assert 0 < h.diverged_step < 10_000 and h.n_steps == h.diverged_step
    assert h.params.shape == (h.n_steps + 1, 2) and len(h.loss) == len(h.lr) == h.n_steps
    assert finite_history(h)
    assert np.linalg.norm(h.params[-1]) <= 1e6
    assert "DIVERGED" in h.summary()
    # just below the limit it converges
    assert not T.run_gd(q, 0.95 * q.stability_limit, 2000).diverged


def test_gd_max_norm_sets_the_divergence_threshold():
    q = P.quadratic_bowl()
    early = T.run_gd(q, 2.5, 1000, max_norm=100.0)
    late = T.run_gd(q, 2.5, 1000)
    assert early.diverged and late.diverged and early.diverged_step < late.diverged_step


def test_gd_nan_gradient_stops_cleanly():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        h = T.run_gd(NanAfter(), 0.3, 100)
    # w: 1 -> 0.7 -> 0.49 (recorded), then the nan gradient at 0.49 poisons update 2
    assert h.diverged and h.diverged_step == 2 and h.diverged_lr == 0.3
    np.testing.assert_allclose(h.params[:, 0], [1.0, 0.7, 0.49])
    assert finite_history(h)


def test_gd_non_finite_loss_stops_cleanly():
    # w multiplies by (1 - 3) = -2 per step: 1, -2, 4, -8, 16 (loss inf beyond 10)
    h = T.run_gd(InfLossBeyond(), 3.0, 50, max_norm=1e9)
    assert h.diverged and h.diverged_step == 4
    np.testing.assert_allclose(h.params[:, 0], [1.0, -2.0, 4.0, -8.0, 16.0])
    assert h.n_steps == 4 and finite_history(h)


def test_gd_accepts_a_plain_function_as_schedule():
    h = T.run_gd(P.quadratic_bowl(), lambda t: 0.5 / (1 + t), 10)
    np.testing.assert_allclose(h.lr, 0.5 / (1 + np.arange(10)))


def test_gd_zero_rate_from_a_broken_schedule_is_allowed():
    h = T.run_gd(P.quadratic_bowl(), S.noam(0.5, 10), 5)  # noam starts at 0
    assert h.lr[0] == 0.0 and np.array_equal(h.params[0], h.params[1])


def test_gd_w0_overrides_the_start():
    h = T.run_gd(P.quadratic_bowl(), 0.5, 3, w0=[1.0, -1.0])
    assert h.params[0].tolist() == [1.0, -1.0] and h.config["w0"] == [1.0, -1.0]


def test_gd_stochastic_is_deterministic_per_seed():
    p = P.noisy_least_squares(n_samples=200, dim=3)
    a = T.run_gd(p, 0.05, 200, batch_size=8, seed=1)
    b = T.run_gd(p, 0.05, 200, batch_size=8, seed=1)
    c = T.run_gd(p, 0.05, 200, batch_size=8, seed=2)
    np.testing.assert_array_equal(a.params, b.params)
    assert not np.array_equal(a.params, c.params)
    full = T.run_gd(p, 0.05, 200)
    assert not np.array_equal(a.params, full.params)
    assert a.config["batch_size"] == 8 and a.config["seed"] == 1


def test_gd_plateau_reduces_on_a_plateau_and_leaves_the_policy_untouched():
    policy = ReduceLROnPlateau(0.2, factor=0.5, patience=1)
    h = T.run_gd(Flat(), None, 60, plateau=policy, plateau_every=10)
    replay = ReduceLROnPlateau(0.2, factor=0.5, patience=1)
    expected = [0.2]
    for _ in range(5):
        expected.append(replay.step(1.0))
    np.testing.assert_allclose(h.lr, np.repeat(expected, 10))
    assert h.lr[-1] < h.lr[0]
    assert policy.lr == 0.2 and policy.history == []  # a copy was stepped
    replay.step(1.0)  # the policy is also stepped after the last window
    assert h.config["plateau_lrs"] == replay.history


def test_gd_plateau_scales_the_schedule():
    policy = ReduceLROnPlateau(0.3, factor=0.1, patience=0)
    sched = S.cosine_decay(2.0, 40)
    h = T.run_gd(Flat(), sched, 40, plateau=policy, plateau_every=10)
    factor = np.repeat([0.3, 0.3, 0.03, 0.003], 10)
    np.testing.assert_allclose(h.lr, factor * sched(np.arange(40)) / sched(0))


def test_gd_plateau_on_a_real_problem_matches_a_replay():
    p = P.noisy_least_squares(n_samples=200, dim=3, noise=1.0)
    h = T.run_gd(p, None, 400, batch_size=1, plateau=ReduceLROnPlateau(0.1, factor=0.5, patience=0), plateau_every=50)
    replay = ReduceLROnPlateau(0.1, factor=0.5, patience=0)
    rates = [0.1] + [replay.step(np.mean(h.loss[k : k + 50])) for k in range(0, 350, 50)]
    np.testing.assert_allclose(h.lr, np.repeat(rates, 50))


@pytest.mark.parametrize(
    "kwargs,error,name",
    [
        (dict(n_steps=0), ValueError, "n_steps"),
        (dict(schedule=-0.1), ValueError, "lr"),
        (dict(schedule=0.0), ValueError, "schedule"),
        (dict(schedule="fast"), TypeError, "schedule"),
        (dict(schedule=None), TypeError, "schedule"),
        (dict(schedule=lambda t: 0.05 - 0.01 * t), ValueError, "schedule"),
        (dict(momentum=1.0), ValueError, "momentum"),
        (dict(momentum="heavy"), TypeError, "momentum"),
        (dict(nesterov=True), ValueError, "nesterov"),
        (dict(w0=[1.0, 2.0, 3.0]), ValueError, "w0"),
        (dict(w0=[np.nan, 0.0]), ValueError, "w0"),
        (dict(max_norm=0.0), ValueError, "max_norm"),
        (dict(plateau_every=0, plateau=ReduceLROnPlateau(0.1)), ValueError, "plateau_every"),
        (dict(plateau="yes"), TypeError, "plateau"),
        (dict(batch_size=4), TypeError, "batch_size"),  # the quadratic has no stochastic_grad
        (dict(batch_size=0), ValueError, "batch_size"),
        (dict(seed=-1), ValueError, "seed"),
    ],
)
def test_gd_bad_arguments_name_the_argument(kwargs, error, name):
    args = dict(problem=P.quadratic_bowl(), schedule=0.1, n_steps=10) | kwargs
    with pytest.raises(error, match=name):
        T.run_gd(**args)


# ---------------------------------------------------------------------------
# train_torch
# ---------------------------------------------------------------------------


def small_mlp():
    return M.mlp(2, 2, hidden=(8,), seed=None)


def test_torch_same_seed_same_history(moons):
    kwargs = dict(epochs=2, batch_size=16, momentum=0.9)
    a = T.train_torch(small_mlp, moons, S.cosine_decay(0.1, 20), seed=3, **kwargs)
    b = T.train_torch(small_mlp, moons, S.cosine_decay(0.1, 20), seed=3, **kwargs)
    c = T.train_torch(small_mlp, moons, S.cosine_decay(0.1, 20), seed=4, **kwargs)
    for field in ("steps", "lr", "loss", "momentum", "val_epochs", "val_loss", "val_acc"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    assert a.config == b.config
    assert not np.array_equal(a.loss, c.loss)


def test_torch_leaves_global_rng_and_threads_alone(moons):
    threads = torch.get_num_threads()
    torch.manual_seed(11)
    expected = torch.rand(2)
    torch.manual_seed(11)
    T.train_torch(small_mlp, moons, 0.1, epochs=1)
    assert torch.equal(torch.rand(2), expected)
    assert torch.get_num_threads() == threads


def test_torch_lr_per_step_is_the_schedule(moons):
    steps_per_epoch = math.ceil(moons.n_train / 32)
    sched = S.warmup(S.cosine_decay(0.2, 3 * steps_per_epoch - 5), 5)
    h = T.train_torch(small_mlp, moons, sched, epochs=3, batch_size=32)
    assert h.n_steps == 3 * steps_per_epoch == h.config["steps_per_epoch"] * 3
    np.testing.assert_array_equal(h.lr, sched(np.arange(h.n_steps)))
    np.testing.assert_array_equal(h.val_epochs, [1, 2, 3])
    assert len(h.val_loss) == len(h.val_acc) == 3 and 0 <= h.final_val_acc <= 1


def hand_loop(data, sched, epochs, batch_size, seed, opt_name="sgd", momentum=0.9, clip=None, clip_value=None):
    """The same training written out by hand with as_torch_scheduler."""
    torch.manual_seed(seed)
    net = M.mlp(data.n_features, data.n_classes, hidden=(8,), seed=None)
    X, y = torch.from_numpy(data.X_train), torch.from_numpy(data.y_train)
    if opt_name == "sgd":
        opt = torch.optim.SGD(net.parameters(), lr=1.0, momentum=momentum)
    else:
        opt = torch.optim.Adam(net.parameters(), lr=1.0)
    lr_sched = as_torch_scheduler(opt, sched)
    g = torch.Generator().manual_seed(seed)
    losses = []
    for _ in range(epochs):
        for idx in torch.randperm(len(X), generator=g).split(batch_size):
            loss = F.cross_entropy(net(X[idx]), y[idx])
            losses.append(loss.item())
            opt.zero_grad()
            loss.backward()
            if clip_value is not None:
                torch.nn.utils.clip_grad_value_(net.parameters(), clip_value)
            if clip is not None:
                torch.nn.utils.clip_grad_norm_(net.parameters(), clip)
            opt.step()
            lr_sched.step()
    return np.array(losses)


@pytest.mark.parametrize("opt_name,clip", [("sgd", None), ("adam", None), ("sgd", 0.5)])
def test_torch_equals_a_hand_written_loop_with_as_torch_scheduler(moons, opt_name, clip):
    sched = S.step_decay(0.05, step_size=7, gamma=0.5)
    h = T.train_torch(
        small_mlp,
        moons,
        sched,
        epochs=2,
        batch_size=16,
        optimizer=opt_name,
        momentum=0.9 if opt_name == "sgd" else 0.0,
        clip_grad_norm=clip,
        seed=5,
    )
    expected = hand_loop(moons, sched, 2, 16, 5, opt_name, clip=clip)
    np.testing.assert_array_equal(h.loss, expected)


def test_torch_sgd_momentum_schedule_is_applied(moons):
    n = 2 * math.ceil(moons.n_train / 16)
    mom = S.cyclic_momentum(5, base_momentum=0.5, max_momentum=0.95)
    h = T.train_torch(small_mlp, moons, 0.05, epochs=2, batch_size=16, momentum=mom)
    np.testing.assert_array_equal(h.momentum, mom(np.arange(n)))
    fixed = T.train_torch(small_mlp, moons, 0.05, epochs=2, batch_size=16, momentum=0.95)
    assert np.all(fixed.momentum == 0.95)
    assert not np.array_equal(h.loss, fixed.loss)  # the schedule changed the training


def test_torch_adam_beta1_schedule_is_applied(moons):
    n = math.ceil(moons.n_train / 16)
    mom = S.one_cycle_momentum(n)
    h = T.train_torch(small_mlp, moons, 0.01, epochs=1, batch_size=16, optimizer="adamw", momentum=mom)
    np.testing.assert_array_equal(h.momentum, mom(np.arange(n)))
    plain = T.train_torch(small_mlp, moons, 0.01, epochs=1, batch_size=16, optimizer="adamw", betas=(0.9, 0.999))
    assert np.all(plain.momentum == 0.9) and not np.array_equal(h.loss, plain.loss)


def test_torch_divergence_on_digits_is_reported_not_raised(digits):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        h = T.train_torch(lambda: M.mlp(64, 10, (64,)), digits, 1e4, epochs=2, momentum=0.9)
    assert h.diverged and h.diverged_lr == 1e4
    assert h.n_steps == h.diverged_step == len(h.lr) == len(h.loss)
    assert finite_history(h) and "DIVERGED" in h.summary()


def test_torch_max_loss_is_the_divergence_threshold(moons):
    h = T.train_torch(small_mlp, moons, 0.1, epochs=1, max_loss=1e-3)
    assert h.diverged and h.diverged_step == 0 and h.n_steps == 0


def test_torch_clip_grad_norm_bounds_each_update(moons):
    net = M.mlp(2, 2, hidden=(8,))
    before = torch.nn.utils.parameters_to_vector(net.parameters()).detach().clone()
    h = T.train_torch(net, moons, 1.0, epochs=1, batch_size=16, clip_grad_norm=1e-3)
    moved = torch.nn.utils.parameters_to_vector(net.parameters()).detach() - before
    assert 0 < moved.norm() <= h.n_steps * 1.0 * 1e-3 * (1 + 1e-6)  # trained in place
    assert h.config["clip_grad_norm"] == 1e-3


def test_torch_clip_grad_value_matches_a_hand_written_loop(moons):
    sched = S.step_decay(0.05, step_size=7, gamma=0.5)
    h = T.train_torch(
        small_mlp,
        moons,
        sched,
        epochs=2,
        batch_size=16,
        momentum=0.9,
        clip_grad_value=0.01,
        clip_grad_norm=0.05,
        seed=5,
    )
    expected = hand_loop(moons, sched, 2, 16, 5, clip=0.05, clip_value=0.01)
    np.testing.assert_array_equal(h.loss, expected)
    assert h.config["clip_grad_value"] == 0.01


def test_torch_clip_grad_value_bounds_every_entry_of_an_sgd_step(moons):
    net = M.mlp(2, 2, hidden=(8,))
    before = torch.nn.utils.parameters_to_vector(net.parameters()).detach().clone()
    T.train_torch(net, moons, 0.5, epochs=1, batch_size=len(moons.X_train), clip_grad_value=1e-3)  # one step
    moved = torch.nn.utils.parameters_to_vector(net.parameters()).detach() - before
    assert 0 < moved.abs().max() <= 0.5 * 1e-3 * (1 + 1e-3)  # float32 weights: rounding of w - step


@pytest.mark.parametrize("value", [0.0, -1.0])
def test_torch_clip_grad_value_is_checked(value):
    with pytest.raises(ValueError, match="clip_grad_value"):
        T.TrainConfig(epochs=1, clip_grad_value=value)


def test_torch_plateau_steps_on_the_val_loss(moons):
    policy = ReduceLROnPlateau(0.5, factor=0.5, patience=0, threshold=0.5)  # demands big gains
    sched = S.linear_decay(1.0, T.RunPlan(moons.n_train, 32, 4).total_steps, end_lr=0.5)  # built for the run
    h = T.train_torch(small_mlp, moons, sched, epochs=4, batch_size=32, plateau=policy)
    per_epoch = h.config["steps_per_epoch"]
    replay = ReduceLROnPlateau(0.5, factor=0.5, patience=0, threshold=0.5)
    rates = [0.5] + [replay.step(v) for v in h.val_loss[:-1]]
    expected = np.repeat(rates, per_epoch) * sched(np.arange(h.n_steps)) / sched(0)
    np.testing.assert_allclose(h.lr, expected, rtol=1e-15)
    assert h.lr[-1] < 0.5 * h.lr[0]  # it did reduce
    assert policy.history == []  # the caller's policy is untouched


def test_torch_plateau_without_schedule(moons):
    h = T.train_torch(small_mlp, moons, None, epochs=2, plateau=ReduceLROnPlateau(0.05))
    assert np.all(h.lr == 0.05)


def test_torch_regression_with_mse():
    data = P.teacher_student_dataset(n_samples=120)
    h = T.train_torch(lambda: M.mlp(data.n_features, 1, (8,)), data, 0.05, epochs=2, loss="mse")
    assert len(h.val_loss) == 2 and len(h.val_acc) == 0 and not h.diverged


def test_torch_callback_can_stop_early(moons):
    seen = []

    def stop_after_two(epoch, model, metrics):
        seen.append((epoch, sorted(metrics)))
        return epoch == 2

    h = T.train_torch(small_mlp, moons, 0.05, epochs=5, callback=stop_after_two)
    assert [e for e, _ in seen] == [1, 2] and len(h.val_loss) == 2
    assert seen[0][1] == ["step", "train_loss", "val_acc", "val_loss"]


def test_torch_progress_bar_runs(moons, capsys):
    h = T.train_torch(small_mlp, moons, 0.05, epochs=1, progress=True, label="bar")
    assert h.label == "bar"


def test_torch_config_records_the_settings(moons):
    h = T.train_torch(small_mlp, moons, S.constant(0.05), epochs=1, batch_size=50, optimizer="adam", seed=2)
    c = h.config
    assert c["schedule"] == "Constant(lr=0.05)" and c["optimizer"] == "adam"
    assert (c["epochs"], c["batch_size"], c["seed"], c["steps_per_epoch"]) == (1, 50, 2, 3)
    assert c["data"] == "moons"


def test_torch_batch_larger_than_the_data(moons):
    h = T.train_torch(small_mlp, moons, 0.05, epochs=2, batch_size=10_000)
    assert h.n_steps == 2


@pytest.mark.parametrize(
    "kwargs,error,name",
    [
        (dict(optimizer="rmsprop"), ValueError, "optimizer.*'sgd', 'adam', 'adamw'"),
        (dict(epochs=0), ValueError, "epochs"),
        (dict(epochs=1.5), TypeError, "epochs"),
        (dict(batch_size=0), ValueError, "batch_size"),
        (dict(schedule=-0.1), ValueError, "lr"),
        (dict(schedule=None), TypeError, "schedule"),
        (dict(momentum=1.2), ValueError, "momentum"),
        (dict(optimizer="adam", momentum=0.9), ValueError, "momentum"),
        (dict(nesterov=True), ValueError, "nesterov"),
        (dict(optimizer="adam", nesterov=True), ValueError, "nesterov"),
        (dict(weight_decay=-1e-4), ValueError, "weight_decay"),
        (dict(betas=(0.9, 1.0)), ValueError, r"betas\[1\]"),
        (dict(betas=0.9), TypeError, "betas"),
        (dict(clip_grad_norm=0.0), ValueError, "clip_grad_norm"),
        (dict(loss="hinge"), ValueError, "loss"),
        (dict(max_loss=-1.0), ValueError, "max_loss"),
        (dict(seed=-3), ValueError, "seed"),
        (dict(plateau=0.1), TypeError, "plateau"),
        (dict(callback="print"), TypeError, "callback"),
        (dict(model="mlp"), TypeError, "model"),
        (dict(model=lambda: 3), TypeError, "model"),
        (dict(data=np.zeros((4, 2))), TypeError, "data"),
    ],
)
def test_torch_bad_arguments_name_the_argument(moons, kwargs, error, name):
    args = dict(model=small_mlp, data=moons, schedule=0.1, epochs=1) | kwargs
    with pytest.raises(error, match=name):
        T.train_torch(**args)


def test_torch_cross_entropy_on_regression_targets_says_use_mse():
    data = P.teacher_student_dataset(n_samples=40)
    with pytest.raises(ValueError, match="loss='mse'"):
        T.train_torch(lambda: M.mlp(data.n_features, 1), data, 0.1, epochs=1)


# ---------------------------------------------------------------------------
# Repeats and summaries
# ---------------------------------------------------------------------------


def test_run_many_repeats_over_seeds():
    p = P.noisy_least_squares(n_samples=100, dim=2)
    runs = T.run_many(T.run_gd, [0, 1, 2], problem=p, schedule=0.05, n_steps=50, batch_size=4)
    assert [h.config["seed"] for h in runs] == [0, 1, 2]
    assert not np.array_equal(runs[0].loss, runs[1].loss)
    with pytest.raises(TypeError, match="seed"):
        T.run_many(T.run_gd, [0], problem=p, schedule=0.05, n_steps=5, seed=1)


def test_run_many_copies_a_model_instance(moons):
    net = M.mlp(2, 2, hidden=(8,))
    before = [p.detach().clone() for p in net.parameters()]
    a, b = T.run_many(T.train_torch, [0, 0], model=net, data=moons, schedule=0.05, epochs=1)
    np.testing.assert_array_equal(a.loss, b.loss)  # both started from the same weights
    assert all(torch.equal(x, y) for x, y in zip(before, net.parameters()))


def test_summarize_and_mean_curve():
    runs = [
        History(steps=np.arange(3), loss=np.array([3.0, 2.0, 1.0]), val_acc=np.array([0.5, 0.7])),
        History(steps=np.arange(2), loss=np.array([5.0, 4.0]), val_acc=np.array([0.9]), diverged=True),
        History(steps=np.arange(0), loss=np.zeros(0)),
    ]
    mean, std = T.summarize(runs)  # the third run has no val_acc: left out
    assert mean == pytest.approx(0.8) and std == pytest.approx(np.std([0.7, 0.9], ddof=1))
    assert T.summarize(runs[:1], "final_val_acc") == (0.7, 0.0)
    assert T.summarize(runs, lambda h: h.n_steps) == pytest.approx((5 / 3, np.std([3, 2, 0], ddof=1)))
    assert all(math.isnan(v) for v in T.summarize(runs[2:], "final_val_acc"))
    with pytest.raises(ValueError, match="metric"):
        T.summarize(runs, "accuracy")
    x, mean, std = T.mean_curve(runs, "loss")
    np.testing.assert_array_equal(x, [0, 1, 2])
    np.testing.assert_allclose(mean, [4.0, 3.0, 1.0])
    np.testing.assert_allclose(std, [1.0, 1.0, 0.0])
    with pytest.raises(ValueError, match="field"):
        T.mean_curve(runs, "params")


def test_summarize_over_real_runs(moons):
    runs = T.run_many(T.train_torch, range(2), model=small_mlp, data=moons, schedule=0.1, epochs=1)
    mean, std = T.summarize(runs, "final_val_acc")
    assert 0 <= mean <= 1 and std >= 0


class NanInEval(torch.nn.Module):
    """Trains normally, but predicts nan in eval mode: a validation blow-up."""

    def __init__(self):
        super().__init__()
        self.layer = torch.nn.Linear(2, 2)

    def forward(self, x):
        out = self.layer(x)
        return out if self.training else out * float("nan")


def test_torch_non_finite_val_loss_is_divergence(moons):
    h = T.train_torch(NanInEval(), moons, 0.05, epochs=3, batch_size=50)
    assert h.diverged and h.diverged_step == h.n_steps == 3 and h.diverged_lr == 0.05
    assert len(h.val_loss) == 0 and finite_history(h)


def test_torch_without_a_validation_split_uses_the_epoch_training_loss():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2)).astype(np.float32)
    data = SimpleNamespace(
        X_train=X,
        y_train=(X[:, 0] > 0).astype(np.int64),
        X_val=np.zeros((0, 2), np.float32),
        y_val=np.zeros(0, np.int64),
        name="tiny",
    )
    h = T.train_torch(small_mlp, data, 0.1, epochs=2, batch_size=10)
    np.testing.assert_allclose(h.val_loss, [np.mean(h.loss[:4]), np.mean(h.loss[4:])])
    assert np.all(np.isnan(h.val_acc))


def test_gd_uses_an_overridden_grad():
    class Doubled(P.Quadratic):
        def grad(self, w):
            return 2 * super().grad(w)

    h = T.run_gd(Doubled(), 0.1, 3)
    ref = T.run_gd(P.quadratic_bowl(), 0.2, 3)
    np.testing.assert_allclose(h.params, ref.params)


# ---------------------------------------------------------------------------
# One loop: resume (start=), stop rules, an optimizer instance, one thread
# ---------------------------------------------------------------------------


def test_train_torch_resumed_at_a_step_continues_the_uninterrupted_run():
    data = P.spirals_dataset(n_samples=200, n_classes=3, seed=0)  # 150 train: 5 updates per epoch at batch 32
    schedule = S.cosine_decay(0.3, 20)

    def run(start, stop, net, opt):
        return T.train_torch(
            net, data, schedule, epochs=4, batch_size=32, optimizer=opt, seed=3, start=start,
            stop_when=lambda t, lr, loss: t + 1 >= stop,
        )  # fmt: skip

    net = M.mlp(2, 3, hidden=(16,), seed=0)
    whole = run(0, 20, net, torch.optim.SGD(net.parameters(), lr=0.3, momentum=0.9))
    net = M.mlp(2, 3, hidden=(16,), seed=0)
    opt = torch.optim.SGD(net.parameters(), lr=0.3, momentum=0.9)
    first, rest = run(0, 7, net, opt), run(7, 20, net, opt)  # mid-epoch, the optimizer's momentum kept
    np.testing.assert_array_equal(rest.steps, np.arange(7, 20))
    np.testing.assert_array_equal(np.concatenate([first.loss, rest.loss]), whole.loss)
    np.testing.assert_array_equal(np.concatenate([first.lr, rest.lr]), whole.lr)
    with pytest.raises(ValueError, match="start"):
        T.train_torch(M.mlp(2, 3, seed=0), data, 0.1, epochs=1, start=5)


def test_train_torch_refuses_an_optimizer_of_another_model():
    data = P.spirals_dataset(n_samples=100, seed=0)
    other = M.mlp(2, 2, seed=1)
    with pytest.raises(ValueError, match="optimizer"):
        T.train_torch(M.mlp(2, 2, seed=0), data, 0.1, epochs=1, optimizer=torch.optim.SGD(other.parameters(), lr=0.1))


def test_one_thread_helpers_restore_threads_and_rng():
    from course_lib.training.torch_loop import one_thread, seeded_one_thread

    threads, state = torch.get_num_threads(), torch.get_rng_state()
    with one_thread():
        assert torch.get_num_threads() == 1
    with seeded_one_thread(3):
        assert torch.get_num_threads() == 1
        drawn = torch.rand(2)
    torch.manual_seed(3)
    assert torch.equal(drawn, torch.rand(2))
    torch.set_rng_state(state)
    with seeded_one_thread(3):
        pass
    assert torch.get_num_threads() == threads and torch.equal(torch.get_rng_state(), state)
