"""course_lib.training.adaptive: the NumPy AdaGrad / RMSProp / Adam against torch.optim, step for step."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
import torch

from course_lib import problems as P
from course_lib import schedules as S
from course_lib import training as A
from course_lib import training as T


def test_doctests():
    assert doctest.testmod(A).failed == 0


def torch_path(problem, schedule, n_steps, method, w0=None, batch_size=None, seed=0, **kwargs):
    """The same run with torch.optim (float64), the gradient taken from the NumPy problem."""
    w = torch.tensor(np.array(problem.w0 if w0 is None else w0, dtype=np.float64), requires_grad=True)
    cls = {"adagrad": torch.optim.Adagrad, "rmsprop": torch.optim.RMSprop, "adam": torch.optim.Adam}[method]
    lrs = S.evaluate(schedule, n_steps) if callable(schedule) else np.full(n_steps, float(schedule))
    opt = cls([w], lr=float(lrs[0]), **kwargs)
    rng = np.random.default_rng(seed)
    path = [w.detach().numpy().copy()]
    for t in range(n_steps):
        opt.param_groups[0]["lr"] = float(lrs[t])
        x = w.detach().numpy()
        g = problem.grad(x) if batch_size is None else problem.stochastic_grad(x, rng, batch_size)
        w.grad = torch.tensor(g, dtype=torch.float64)
        opt.step()
        path.append(w.detach().numpy().copy())
    return np.array(path)


BOWL = P.quadratic_bowl(condition_number=100.0)
NLS = P.noisy_least_squares(n_samples=200, dim=5)


@pytest.mark.parametrize(
    "method, kwargs, torch_kwargs",
    [
        ("adam", {}, {}),
        ("adam", dict(betas=(0.8, 0.99), eps=1e-6), dict(betas=(0.8, 0.99), eps=1e-6)),
        ("adagrad", {}, {}),
        ("rmsprop", {}, {}),
        ("rmsprop", dict(alpha=0.9), dict(alpha=0.9)),
    ],
)
@pytest.mark.parametrize("schedule", [0.1, S.cosine_decay(0.3, 150)])
def test_matches_torch_step_for_step_on_the_bowl(method, kwargs, torch_kwargs, schedule):
    ours = A.run_adaptive(BOWL, schedule, 150, method=method, **kwargs)
    theirs = torch_path(BOWL, schedule, 150, method, **torch_kwargs)
    assert not ours.diverged
    np.testing.assert_allclose(ours.params, theirs, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("method", A.METHODS)
def test_matches_torch_with_minibatch_noise(method):
    ours = A.run_adaptive(NLS, S.warmup(S.cosine_decay(0.05, 80), 20), 100, method=method, batch_size=4, seed=3)
    theirs = torch_path(NLS, S.warmup(S.cosine_decay(0.05, 80), 20), 100, method, batch_size=4, seed=3)
    np.testing.assert_allclose(ours.params, theirs, rtol=1e-10, atol=1e-12)


def test_adam_first_step_is_lr_times_sign_whatever_the_gradient_scale():
    for g in ([250.0, -0.004], [1e-3, 1e3]):
        g = np.array(g)
        w, m, v = A.adam_step(np.zeros(2), g, np.zeros(2), np.zeros(2), t=1, lr=0.01)
        np.testing.assert_allclose(w, -0.01 * np.sign(g), rtol=1e-5)
    # and without the bias correction it would be lr * (1 - b1) / sqrt(1 - b2) ~ 3.16 lr
    first = A.run_adaptive(BOWL, 0.01, 1).params
    np.testing.assert_allclose(np.abs(first[1] - first[0]), 0.01, rtol=1e-6)


def test_adagrad_first_step_is_lr_times_sign_and_its_rate_only_shrinks():
    h = A.run_adaptive(BOWL, 0.5, 50, method="adagrad")
    steps = np.abs(np.diff(h.params, axis=0))
    np.testing.assert_allclose(steps[0], 0.5, rtol=1e-8)
    # on a bowl the gradient shrinks and G grows: every step is smaller than the one before
    assert np.all(np.diff(steps, axis=0) <= 1e-12)


def test_adam_is_invariant_to_the_scale_of_the_loss():
    """Multiplying the loss by c multiplies g by c, m by c, sqrt(v) by c: the path does not change."""
    steep = P.quadratic_bowl(condition_number=100.0, L=1000.0)
    flat = P.quadratic_bowl(condition_number=100.0, L=1.0)
    a = A.run_adaptive(steep, 0.05, 300, eps=0.0)
    b = A.run_adaptive(flat, 0.05, 300, eps=0.0)
    np.testing.assert_allclose(a.params, b.params, rtol=1e-9, atol=1e-12)
    # plain GD at a fixed rate diverges on the steep bowl and crawls on the flat one
    assert T.run_gd(steep, 0.05, 300).diverged and not T.run_gd(flat, 0.05, 300).diverged


def test_per_parameter_steps_are_equalised_on_an_ill_conditioned_bowl():
    gd = T.run_gd(BOWL, 1.0, 30)
    adam = A.run_adaptive(BOWL, 0.1, 30)
    gd_steps = np.abs(np.diff(gd.params, axis=0))[:10]
    adam_steps = np.abs(np.diff(adam.params, axis=0))[:10]
    # GD: the flat direction (w[1], curvature 0.01) moves ~100x less than the steep one at first
    assert gd_steps[0, 0] / gd_steps[0, 1] > 50
    # Adam: both move by about lr
    np.testing.assert_allclose(adam_steps[0], 0.1, rtol=1e-6)
    assert np.all(adam_steps[:5] > 0.05)


def test_history_fields_and_config():
    h = A.run_adaptive(BOWL, S.cosine_decay(0.1, 20), 20, method="adam", label="adam")
    assert h.n_steps == 20 and h.params.shape == (21, 2) and h.label == "adam"
    np.testing.assert_allclose(h.lr, S.cosine_decay(0.1, 20)(np.arange(20)))
    np.testing.assert_allclose(h.loss, BOWL.loss(h.params[:-1]))
    assert np.all(h.momentum == 0.9)
    assert h.config["trainer"] == "run_adaptive" and h.config["eps"] == 1e-8
    assert A.run_adaptive(BOWL, 0.1, 5, method="rmsprop").momentum is None
    assert A.run_adaptive(BOWL, 0.1, 5, method="adagrad").config["eps"] == 1e-10


def test_same_seed_same_run_and_different_seed_different_run():
    a = A.run_adaptive(NLS, 0.01, 50, batch_size=1, seed=1)
    b = A.run_adaptive(NLS, 0.01, 50, batch_size=1, seed=1)
    c = A.run_adaptive(NLS, 0.01, 50, batch_size=1, seed=2)
    assert np.array_equal(a.params, b.params) and not np.array_equal(a.params, c.params)


def test_divergence_is_reported_not_raised():
    first = A.run_adaptive(BOWL, 10.0, 50, method="rmsprop", max_norm=6.0)  # first step ~ 10 lr
    assert first.diverged and first.diverged_step == 0 and first.diverged_lr == 10.0
    assert first.n_steps == 0 and first.params.shape == (1, 2)
    doubling = A.run_adaptive(BOWL, lambda t: 0.01 * 2.0**t, 100, method="adam", max_norm=100.0)
    assert doubling.diverged and 5 < doubling.diverged_step < 100
    assert doubling.diverged_lr == 0.01 * 2.0**doubling.diverged_step
    for h in (first, doubling):
        assert h.n_steps == h.diverged_step and len(h.params) == h.n_steps + 1
        assert np.all(np.isfinite(h.loss)) and np.all(np.isfinite(h.params))


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(method="sgd"), "method"),
        (dict(betas=(1.0, 0.999)), "betas"),
        (dict(betas=0.9), "betas"),
        (dict(alpha=1.5), "alpha"),
        (dict(eps=-1.0), "eps"),
        (dict(batch_size=0), "batch_size"),
        (dict(seed=-1), "seed"),
        (dict(max_norm=0.0), "max_norm"),
        (dict(w0=[1.0, 2.0, 3.0]), "w0"),
    ],
)
def test_bad_arguments_name_the_argument(kwargs, name):
    with pytest.raises((ValueError, TypeError), match=name):
        A.run_adaptive(BOWL, 0.1, 10, **kwargs)


def test_bad_schedule_n_steps_and_problem():
    with pytest.raises(ValueError, match="n_steps"):
        A.run_adaptive(BOWL, 0.1, 0)
    with pytest.raises(ValueError, match="schedule"):
        A.run_adaptive(BOWL, -0.1, 10)
    with pytest.raises(TypeError, match="problem"):
        A.run_adaptive(object(), 0.1, 10)
    with pytest.raises(TypeError, match="stochastic_grad"):
        A.run_adaptive(BOWL, 0.1, 10, batch_size=4)


# ---------------------------------------------------------------------------
# Gradient clipping in the one NumPy loop
# ---------------------------------------------------------------------------


def test_clip_gradient_by_norm_keeps_direction_and_caps_length():
    g = np.array([30.0, -40.0, 0.0])
    out = T.clip_gradient(g, clip_norm=2.0)
    assert np.linalg.norm(out) == pytest.approx(2.0, rel=1e-15)
    np.testing.assert_allclose(out / np.linalg.norm(out), g / 50.0)
    short = np.array([0.3, -0.4])
    np.testing.assert_array_equal(T.clip_gradient(short, clip_norm=1.0), short)  # under the cap: unchanged
    np.testing.assert_array_equal(T.clip_gradient(g), g)  # no option: unchanged


def test_clip_gradient_by_value_bounds_every_coordinate():
    rng = np.random.default_rng(0)
    g = 10 * rng.standard_normal(1000)
    out = T.clip_gradient(g, clip_value=0.5)
    assert np.all(np.abs(out) <= 0.5)
    inside = np.abs(g) <= 0.5
    np.testing.assert_array_equal(out[inside], g[inside])
    np.testing.assert_array_equal(np.sign(out), np.sign(g))
    both = T.clip_gradient(g, clip_norm=1.0, clip_value=0.5)  # value first, then norm
    np.testing.assert_allclose(both, T.clip_gradient(out, clip_norm=1.0))


@pytest.mark.parametrize("c", [0.01, 0.3, 7.0])
def test_clip_gradient_matches_torch(c):
    rng = np.random.default_rng(1)
    g = rng.standard_normal(50) * 3
    t = torch.tensor(g.copy(), requires_grad=True)
    t.grad = torch.tensor(g.copy())
    torch.nn.utils.clip_grad_norm_([t], c)
    np.testing.assert_allclose(T.clip_gradient(g, clip_norm=c), t.grad.numpy(), rtol=1e-5)  # torch: c / (|g| + 1e-6)
    t.grad = torch.tensor(g.copy())
    torch.nn.utils.clip_grad_value_([t], c)
    np.testing.assert_array_equal(T.clip_gradient(g, clip_value=c), t.grad.numpy())


@pytest.mark.parametrize("lr", [0.5, 2.5])
def test_run_gd_clipped_step_is_at_most_lr_times_c(lr):
    bowl = P.quadratic_bowl(condition_number=10.0)
    sched = S.warmup(S.constant(lr), 20)  # the cap moves with the rate: lr_t * c
    h = T.run_gd(bowl, sched, 200, clip_norm=0.5)
    steps = np.linalg.norm(np.diff(h.params, axis=0), axis=1)
    assert np.all(steps <= h.lr * 0.5 * (1 + 1e-12))
    assert np.isclose(steps, h.lr * 0.5, rtol=1e-12).sum() > 10  # the far start: many steps exactly at the cap
    assert h.config["clip_norm"] == 0.5 and h.config["clip_value"] is None


def test_run_gd_value_clipping_bounds_every_coordinate_of_the_step():
    r = P.rosenbrock()
    h = T.run_gd(r, 1e-3, 300, w0=[2.5, 0.0], clip_value=10.0)
    assert not h.diverged
    assert np.all(np.abs(np.diff(h.params, axis=0)) <= 1e-3 * 10.0 * (1 + 1e-12))
    assert T.run_gd(r, 1e-3, 300, w0=[2.5, 0.0]).diverged  # the same run unclipped blows up


def test_run_gd_clipping_matches_torch_sgd_with_clip_grad_norm():
    q = P.quadratic_bowl(condition_number=20.0, L=2.0, angle=0.7)
    h = T.run_gd(q, 0.3, 40, momentum=0.9, clip_norm=0.2)
    A = torch.tensor(np.asarray(q.A))
    w = torch.tensor(np.asarray(q.w0, dtype=float), requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.3, momentum=0.9)
    path = [w.detach().clone().numpy()]
    for _ in range(40):
        opt.zero_grad()
        (0.5 * w @ A @ w).backward()
        torch.nn.utils.clip_grad_norm_([w], 0.2)
        opt.step()
        path.append(w.detach().clone().numpy())
    np.testing.assert_allclose(h.params, np.array(path), rtol=1e-4, atol=1e-4)  # torch divides by |g| + 1e-6


def test_run_adaptive_takes_the_clipping_options():
    bowl = P.quadratic_bowl(condition_number=10.0)
    a = T.run_adaptive(bowl, 0.1, 5, method="adam", clip_norm=1e-3)
    b = T.run_adaptive(bowl, 0.1, 5, method="adam")
    np.testing.assert_allclose(
        a.params[1], b.params[1], rtol=1e-4
    )  # step 1 is lr * sign(g) (up to eps): clipping cannot shrink it
    assert a.config["clip_norm"] == 1e-3


@pytest.mark.parametrize("kwargs", [dict(clip_norm=0.0), dict(clip_value=-1.0), dict(clip_norm=float("nan"))])
def test_clip_options_are_checked(kwargs):
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        T.run_gd(P.quadratic_bowl(), 0.1, 5, **kwargs)


def test_sgd_final_points_are_run_gds_end_points():
    # notebook 07 runs hundreds of seeds of multi_basin at once; the points must be run_gd's, seed for seed
    from course_lib import problems as P
    from course_lib import schedules as S
    from course_lib import training as T

    basin = P.multi_basin()
    schedule = S.cosine_restarts(0.25, 50)
    seeds = [0, 3, 7]
    points = T.sgd_final_points(basin, schedule, 200, seeds)
    for s, p in zip(seeds, points):
        np.testing.assert_array_equal(p, T.run_gd(basin, schedule, 200, batch_size=1, seed=s).params[-1])
    starts = np.array([basin.random_start(k) for k in range(3)])
    points = T.sgd_final_points(basin, 0.05, 100, seeds, w0=starts, batch_size=4)
    for s, w, p in zip(seeds, starts, points):
        np.testing.assert_array_equal(p, T.run_gd(basin, 0.05, 100, w0=w, batch_size=4, seed=s).params[-1])
    with pytest.raises(TypeError, match="multi_basin"):
        T.sgd_final_points(P.quadratic_bowl(), 0.1, 10, [0])


# ---------------------------------------------------------------------------
# GDConfig: the keywords and the frozen config are one thing
# ---------------------------------------------------------------------------


def same_history(a, b):
    for name in ("steps", "lr", "loss", "params"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    assert (a.momentum is None) == (b.momentum is None)
    if a.momentum is not None:
        np.testing.assert_array_equal(a.momentum, b.momentum)
    assert (a.diverged, a.diverged_step, a.label, a.config, a.plateau_lrs) == (
        b.diverged,
        b.diverged_step,
        b.label,
        b.config,
        b.plateau_lrs,
    )


@pytest.mark.parametrize(
    "options",
    [
        {},
        dict(momentum=0.9, nesterov=True, label="nesterov"),
        dict(batch_size=4, seed=3, clip_norm=1.0, max_norm=1e3),
        dict(batch_size=4, plateau=T.ReduceLROnPlateau(0.05), plateau_every=50),
    ],
)
def test_run_gd_keywords_and_config_give_the_same_history(options):
    keywords = T.run_gd(NLS, 0.05, 300, **options)
    same_history(keywords, T.run_gd(NLS, 0.05, 300, T.GDConfig(**options)))
    same_history(keywords, T.run_gd(NLS, 0.05, 300, config=T.GDConfig(**options)))


@pytest.mark.parametrize(
    "options",
    [
        {},
        dict(method="rmsprop", alpha=0.9, batch_size=2, seed=1, clip_value=0.5),
        dict(method="adagrad", eps=1e-8, w0=np.ones(5)),
    ],
)
def test_run_adaptive_keywords_and_config_give_the_same_history(options):
    keywords = T.run_adaptive(NLS, 0.01, 300, **options)
    config = T.GDConfig(**{"method": "adam", **options})
    same_history(keywords, T.run_adaptive(NLS, 0.01, 300, config))


def test_gd_config_is_frozen_checked_and_overridden_by_keywords():
    import dataclasses

    config = T.GDConfig(momentum=0.9, seed=1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.seed = 2
    same_history(T.run_gd(BOWL, 0.01, 50, config, seed=2), T.run_gd(BOWL, 0.01, 50, momentum=0.9, seed=2))
    for bad, name in [
        (dict(batch_size=0), "batch_size"),
        (dict(method="lbfgs"), "method"),
        (dict(betas=(1, 0)), "betas"),
    ]:
        with pytest.raises((TypeError, ValueError), match=name):
            T.GDConfig(**bad)
    with pytest.raises(TypeError, match="momentun"):
        T.run_gd(BOWL, 0.01, 50, momentun=0.9)  # a typo is named
    with pytest.raises(TypeError, match="betas"):
        T.run_gd(BOWL, 0.01, 50, betas=(0.8, 0.9))  # run_adaptive's option
    with pytest.raises(TypeError, match="momentum"):
        T.run_adaptive(BOWL, 0.01, 50, momentum=0.9)  # run_gd's option
    with pytest.raises(ValueError, match="run_adaptive"):
        T.run_gd(BOWL, 0.01, 50, method="adam")
    with pytest.raises(TypeError, match="config"):
        T.run_gd(BOWL, 0.01, 50, {"momentum": 0.9})


def test_minibatch_least_squares_runs_many_steps_at_once_as_the_loop_would():
    # run_gd on noisy least squares with mini-batches takes the problem's closed form (sgd_steps);
    # the run, with or without a plateau policy, is the step-by-step one up to rounding
    p = P.noisy_least_squares()
    rng, w, loss = np.random.default_rng(5), p.w0.copy(), []
    for _ in range(700):
        loss.append(p.loss(w))
        w = w - 0.1 * p.stochastic_grad(w, rng, 2)
    h = T.run_gd(p, 0.1, 700, batch_size=2, seed=5)
    np.testing.assert_allclose(h.loss, loss, rtol=1e-11)
    np.testing.assert_allclose(h.params[-1], w, rtol=1e-11, atol=1e-13)
    policy = T.ReduceLROnPlateau(0.3, factor=0.5, patience=0)
    h = T.run_gd(p, None, 700, batch_size=1, seed=5, plateau=policy, plateau_every=50)
    rng, w, loss, lrs, lr = np.random.default_rng(5), p.w0.copy(), [], [], 0.3
    policy = T.ReduceLROnPlateau(0.3, factor=0.5, patience=0)
    for t in range(700):
        loss.append(p.loss(w))
        lrs.append(lr)
        w = w - lr * p.stochastic_grad(w, rng, 1)
        if (t + 1) % 50 == 0:
            lr = policy.step(np.mean(loss[-50:]))
    assert h.lr.tolist() == lrs and len(set(lrs)) > 2  # the policy cut the rate, at the same steps
    np.testing.assert_allclose(h.loss, loss, rtol=1e-10)
