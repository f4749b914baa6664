"""Fuzz the trainers and the tools around them: run_gd, run_adaptive, train_torch, the range
tests (lr_range_test, lr_range_test_numpy, lr_sweep) and ReduceLROnPlateau.

Each call returns a result (a History reports its divergence), or raises ValueError/TypeError
naming the argument; never another exception, a NaN record or a RuntimeWarning. Torch cases
are few and cheap: a tiny model, 1-2 epochs, a few dozen samples. Regression tests for the
bugs found are at the end.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from _fuzz import any_float, assert_history, call, examples, junk, mostly, number_or_junk, or_junk, rates
from hypothesis import given
from hypothesis import strategies as st

from course_lib import problems as P
from course_lib import schedules as S
from course_lib import training as A
from course_lib import training as LF
from course_lib import training as T
from course_lib.training import models as M
from course_lib.training.plateau import ReduceLROnPlateau

PROBLEMS = {
    "quadratic": P.quadratic_bowl(condition_number=100.0),
    "rosenbrock": P.rosenbrock(),
    "multi_basin": P.multi_basin(),
    "least_squares": P.noisy_least_squares(n_samples=50, dim=3),
    "logistic": P.logistic_regression(n_samples=50),
}
problems = st.sampled_from(sorted(PROBLEMS)).map(PROBLEMS.__getitem__)

#: The rate argument: a number, a schedule (tame or wild), a plain function, or junk.
schedules = or_junk(
    st.one_of(
        rates,
        st.builds(S.constant, st.floats(1e-6, 1e6)),
        st.builds(S.cosine_decay, st.floats(1e-6, 1e4), st.integers(1, 50)),
        st.builds(S.exponential_decay, st.floats(1e-6, 1e300), st.floats(1e-3, 1.0)),
        st.builds(S.one_cycle, st.floats(1e-6, 1e4), st.integers(2, 50)),
        st.sampled_from([lambda t: 0.01, lambda t: 10.0**t, lambda t: -1.0, lambda t: "fast", lambda t: 1 / 0]),
    )
)
momenta = mostly(
    st.one_of(st.floats(0, 0.999), st.just(S.one_cycle_momentum(20))),
    st.one_of(st.sampled_from([1.0, -0.1, math.nan]), number_or_junk),
)
small_n = mostly(st.integers(1, 60), st.one_of(st.integers(-2, 0), junk, st.sampled_from([2.0, 2.5, math.inf])))
batch_sizes = or_junk(st.one_of(st.none(), mostly(st.integers(1, 60), st.integers(-1, 0))))
start_points = mostly(
    st.one_of(st.none(), st.lists(st.floats(-1e3, 1e3), min_size=2, max_size=3)),
    st.one_of(st.lists(any_float, max_size=3), junk),
)
fractions = mostly(st.floats(0, 0.999), st.floats(-0.5, 1.5))


@examples(150)
@given(problem=problems, schedule=schedules, n_steps=small_n, data=st.data())
def test_run_gd(problem, schedule, n_steps, data):
    kwargs = data.draw(
        st.fixed_dictionaries(
            {},
            optional=dict(
                w0=start_points,
                momentum=momenta,
                nesterov=st.booleans(),
                batch_size=batch_sizes,
                seed=or_junk(st.integers(0, 5)),
                max_norm=or_junk(rates),
                plateau=or_junk(st.one_of(st.none(), st.builds(ReduceLROnPlateau, st.floats(1e-4, 10.0)))),
                plateau_every=or_junk(st.integers(0, 30)),
            ),
        ),
        label="kwargs",
    )
    h = call(
        T.run_gd,
        problem,
        schedule,
        n_steps,
        names=("schedule", "n_steps", "momentum", "nesterov", "w0", "batch_size", *kwargs),
        **kwargs,
    )
    if h is not None:
        assert_history(h)


@examples(100)
@given(problem=problems, schedule=schedules, n_steps=small_n, data=st.data())
def test_run_adaptive(problem, schedule, n_steps, data):
    kwargs = data.draw(
        st.fixed_dictionaries(
            {},
            optional=dict(
                method=or_junk(st.sampled_from(A.METHODS)),
                w0=start_points,
                betas=or_junk(st.tuples(fractions, fractions)),
                alpha=or_junk(fractions),
                eps=or_junk(st.one_of(st.none(), mostly(st.floats(0, 1), any_float))),
                batch_size=batch_sizes,
                max_norm=or_junk(rates),
            ),
        ),
        label="kwargs",
    )
    h = call(
        A.run_adaptive,
        problem,
        schedule,
        n_steps,
        names=("schedule", "n_steps", "w0", "batch_size", "betas", *kwargs),
        **kwargs,
    )
    if h is not None:
        assert_history(h)


@examples(80)
@given(start=or_junk(rates), end=or_junk(rates), n=or_junk(st.integers(-1, 500)))
def test_lr_sweep(start, end, n):
    lrs = call(LF.lr_sweep, start_lr=start, end_lr=end, num_steps=n)
    if lrs is not None:
        assert lrs.shape == (n,) and np.all(np.isfinite(lrs)) and np.all(lrs > 0)


def _sweep_kwargs() -> st.SearchStrategy:
    return st.fixed_dictionaries(
        {},
        optional=dict(
            start_lr=or_junk(rates),
            end_lr=or_junk(st.one_of(rates, st.sampled_from([1e6, 1e300]))),
            num_steps=or_junk(st.integers(9, 60)),
            smooth=or_junk(fractions),
            diverge_factor=or_junk(st.one_of(st.none(), mostly(st.floats(1.01, 100), st.floats(-1, 1)))),
            skip_start=or_junk(st.one_of(st.none(), st.integers(0, 70))),
            skip_end=or_junk(st.integers(0, 70)),
            momentum=or_junk(fractions),
        ),
    )


def _assert_range_result(result) -> None:
    assert isinstance(result, LF.RangeTestResult)
    assert len(result.lrs) == len(result.losses) == len(result.smoothed)
    assert all(math.isfinite(v) and v > 0 for v in result.suggestions.values()), result.suggestions
    assert isinstance(result.summary(), str) and isinstance(repr(result), str)
    for lr in result.suggestions.values():
        result.loss_at(lr)


@examples(100)
@given(problem=problems, kwargs=_sweep_kwargs(), batch_size=batch_sizes)
def test_lr_range_test_numpy(problem, kwargs, batch_size):
    result = call(LF.lr_range_test_numpy, problem, batch_size=batch_size, **kwargs)
    if result is not None:
        _assert_range_result(result)


_X = np.random.default_rng(0).normal(size=(24, 2)).astype(np.float32)
_DATA = P.split(_X, (_X[:, 0] > 0).astype(np.int64), val_fraction=0.25, name="tiny")


@examples(12)
@given(
    kwargs=_sweep_kwargs(),
    batch_size=or_junk(st.integers(0, 20)),
    optimizer=or_junk(st.sampled_from(["sgd", "adam", "adamw"])),
    loss=mostly(st.sampled_from(["cross_entropy", "mse"]), st.just("hinge")),
)
def test_lr_range_test_torch(kwargs, batch_size, optimizer, loss):
    model = M.mlp(2, 2, hidden=(4,), seed=0)
    result = call(LF.lr_range_test, model, _DATA, batch_size=batch_size, optimizer=optimizer, loss=loss, **kwargs)
    if result is not None:
        _assert_range_result(result)


@examples(15)
@given(schedule=schedules, data=st.data())
def test_train_torch(schedule, data):
    kwargs = data.draw(
        st.fixed_dictionaries(
            {},
            optional=dict(
                epochs=or_junk(st.integers(0, 2)),
                batch_size=or_junk(st.integers(0, 30)),
                optimizer=or_junk(st.sampled_from(["sgd", "adam", "adamw"])),
                momentum=or_junk(st.one_of(st.floats(0, 0.99), st.just(S.one_cycle_momentum(4)))),
                weight_decay=or_junk(st.floats(-0.1, 1)),
                clip_grad_norm=or_junk(st.one_of(st.none(), rates)),
                max_loss=or_junk(rates),
                loss=mostly(st.just("cross_entropy"), st.sampled_from(["mse", "hinge"]), 4),
                plateau=st.one_of(st.none(), st.builds(ReduceLROnPlateau, st.floats(1e-4, 10.0))),
            ),
        ),
        label="kwargs",
    )
    h = call(
        T.train_torch,
        lambda: M.mlp(2, 2, hidden=(4,), seed=None),
        _DATA,
        schedule,
        names=("schedule", "epochs", "momentum", "nesterov", "loss", *kwargs),
        **{"epochs": 1, **kwargs},
    )
    if h is not None:
        assert_history(h)
        assert np.all(np.isfinite(h.val_loss))


@examples(100)
@given(data=st.data())
def test_reduce_lr_on_plateau(data):
    kwargs = data.draw(
        st.fixed_dictionaries(
            {"lr": or_junk(rates)},
            optional=dict(
                mode=or_junk(st.sampled_from(["min", "max"])),
                factor=or_junk(fractions),
                patience=or_junk(st.integers(0, 5)),
                threshold=or_junk(mostly(st.floats(0, 1), any_float)),
                threshold_mode=or_junk(st.sampled_from(["rel", "abs"])),
                cooldown=or_junk(st.integers(0, 3)),
                min_lr=or_junk(rates),
                eps=or_junk(mostly(st.floats(0, 1), any_float)),
            ),
        ),
        label="kwargs",
    )
    policy = call(ReduceLROnPlateau, **kwargs)
    if policy is None:
        return
    for metric in data.draw(
        st.lists(mostly(st.floats(-1e3, 1e3), st.one_of(any_float, junk)), max_size=12), label="metrics"
    ):
        lr = call(policy.step, metric, names=("metric",))
        if lr is not None:
            assert math.isfinite(lr) and lr >= 0
    repr(policy)


# ---------------------------------------------------------------------------
# Regression tests: one per bug the fuzzing found
# ---------------------------------------------------------------------------


def test_run_gd_diverging_at_the_first_step_reports_it():
    # used to raise "ValueError: need at least one array to concatenate" (empty path)
    h = T.run_gd(P.rosenbrock(), S.constant(1e4), 50)
    assert h.diverged and h.diverged_step == 0 and h.diverged_lr == 1e4
    assert h.n_steps == 0 and h.params.shape == (1, 2)
    assert "DIVERGED at step 0" in h.summary()


def test_a_name_given_as_an_array_is_refused_naming_the_argument():
    # check_in compared the array elementwise: "The truth value of an array ... is ambiguous"
    for value in (np.array([]), np.zeros((2, 2))):
        with pytest.raises(ValueError, match="method must be one of"):
            A.run_adaptive(P.quadratic_bowl(), 0.1, 5, method=value)
        with pytest.raises(ValueError, match="optimizer must be one of"):
            T.train_torch(M.mlp(2, 2, hidden=(4,)), _DATA, 0.1, epochs=1, optimizer=value)


@pytest.mark.parametrize("returned", [None, "fast", [0.1, 0.2], 1j])
def test_a_schedule_function_returning_no_number_is_named(returned):
    # used to raise "float() argument must be a string or a real number, not 'NoneType'"
    with pytest.raises(TypeError, match=r"schedule must return a number at every step, but schedule\(0\) returned"):
        T.run_gd(P.quadratic_bowl(), lambda t: returned, 10)


def test_lr_sweep_wider_than_the_float_range():
    # end_lr / start_lr overflowed to inf: every rate after the first was inf
    lrs = LF.lr_sweep(1e-12, 1e300, 10)
    assert np.all(np.isfinite(lrs)) and lrs[0] == pytest.approx(1e-12) and lrs[-1] < 1e300
    assert np.all(np.diff(np.log(lrs)) > 0)
    assert np.array_equal(LF.lr_sweep(1e-7, 10.0, 100), 1e-7 * (10.0 / 1e-7) ** (np.arange(100) / 100))


@pytest.mark.parametrize("run", [T.run_gd, A.run_adaptive])
def test_a_huge_max_norm_never_stops_a_run(run):
    # max_norm ** 2 raised OverflowError: (34, 'Numerical result out of range') for max_norm > 1.3e154
    h = run(P.quadratic_bowl(), 0.1, 20, max_norm=1e300)
    assert not h.diverged and h.n_steps == 20


@pytest.mark.parametrize("w0", ["start", object(), [1.0, None], [[1.0], [2.0, 3.0]], {"x": 1}])
@pytest.mark.parametrize("run", [T.run_gd, A.run_adaptive])
def test_a_start_point_that_is_no_numbers_is_named(run, w0):
    # numpy's "float() argument must be a string or a real number" / "could not convert string to float"
    with pytest.raises((TypeError, ValueError), match="w0 must be 2 finite numbers, got w0="):
        run(P.quadratic_bowl(), 0.1, 5, w0=w0)


_FIVE_CLASSES = P.split(_X, np.arange(len(_X)) % 5, name="five classes")


def test_a_model_with_too_few_outputs_for_the_labels_is_named():
    # torch's "IndexError: Target 4 is out of bounds." from inside the loss
    with pytest.raises(ValueError, match=r"model must give one output per class .* labels go up to 4"):
        T.train_torch(M.mlp(2, 2, hidden=(4,)), _FIVE_CLASSES, 0.1, epochs=1)
    with pytest.raises(ValueError, match=r"model must give one output per class .* labels go up to 4"):
        LF.lr_range_test(M.mlp(2, 2, hidden=(4,)), _FIVE_CLASSES, num_steps=10, batch_size=4)
    negative = P.split(_X, -(np.arange(len(_X)) % 2), name="negative labels")
    with pytest.raises(ValueError, match="class labels 0, 1, 2, ...; the data has the label -1"):
        T.train_torch(M.mlp(2, 2, hidden=(4,)), negative, 0.1, epochs=1)


def test_mse_on_outputs_that_do_not_match_the_targets_is_named():
    # train_torch: a broadcasting UserWarning then "RuntimeError: The size of tensor a (2) must match ..."
    with pytest.raises(ValueError, match=r"loss='mse' needs one model output per target"):
        T.train_torch(M.mlp(2, 2, hidden=(4,)), _DATA, 0.1, epochs=1, loss="mse")
    with pytest.raises(ValueError, match=r"loss='mse' needs one model output per target"):
        LF.lr_range_test(M.mlp(2, 2, hidden=(4,)), _DATA, num_steps=10, batch_size=4, loss="mse")


@pytest.mark.parametrize(
    "schedule, kwargs",
    [
        (1e300, {}),
        (S.exponential_decay(1e300, 0.5), dict(momentum=0.9)),
        (1e38, dict(optimizer="adam")),
        (3e38, dict(optimizer="adamw", weight_decay=0.9)),
    ],
)
def test_train_torch_reports_a_rate_float32_cannot_hold_as_divergence(schedule, kwargs):
    # torch raised "RuntimeError: value cannot be converted to type float without overflow"
    # in optimizer.step (Adam's step is lr / (1 - beta1), AdamW's decay lr * weight_decay)
    net = M.mlp(2, 2, hidden=(4,), seed=0)
    before = [p.detach().clone() for p in net.parameters()]
    h = T.train_torch(net, _DATA, schedule, epochs=2, **kwargs)
    assert (
        h.diverged and h.diverged_step == 0 and h.diverged_lr == float(schedule(0) if callable(schedule) else schedule)
    )
    assert len(h.lr) == len(h.loss) == 0
    assert all(torch.equal(a, b) for a, b in zip(before, net.parameters()))  # the refused step changed nothing
