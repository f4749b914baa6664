"""course_lib.studies: measurements on Histories."""

from __future__ import annotations

import math

import numpy as np
import pytest

from course_lib import problems as P
from course_lib import studies as X
from course_lib import training as T
from course_lib.training.history import History


@pytest.fixture(scope="module")
def bowl():
    return P.quadratic_bowl(condition_number=10.0)


def test_steps_to_tolerance_matches_the_contraction_rate(bowl):
    # at lr = 2/(L+mu) both directions shrink by rho = (k-1)/(k+1) per step: loss by rho**2
    for kappa in (2.0, 10.0, 100.0):
        b = P.quadratic_bowl(condition_number=kappa)
        h = T.run_gd(b, b.optimal_lr, 2000)
        rho = (kappa - 1) / (kappa + 1)
        assert X.steps_to_tolerance(h, b, 1e-6) == math.ceil(math.log(1e-6) / (2 * math.log(rho)))


def test_steps_to_tolerance_none_when_not_reached(bowl):
    assert X.steps_to_tolerance(T.run_gd(bowl, 0.01, 10), bowl, 1e-6) is None
    assert X.steps_to_tolerance(T.run_gd(bowl, 2.5, 500), bowl, 1e-6) is None
    assert X.steps_to_tolerance(T.run_gd(bowl, 0.01, 10), bowl, 1.0) == 0


def test_steps_to_tolerance_stay_counts_from_the_last_time_above():
    # a made-up non-monotone record: relative excess 1, 1e-7 (a dip), 1e-3 (back above), then below for good
    b = P.quadratic_bowl(condition_number=10.0)
    rel = np.array([1.0, 1e-7, 1e-3, 1e-7, 1e-8])
    h = History(steps=np.arange(5), lr=np.full(5, 0.1), loss=b.min_loss + rel)
    assert X.steps_to_tolerance(h, b, 1e-6) == 1  # the first dip
    assert X.steps_to_tolerance(h, b, 1e-6, stay=True) == 3  # stays below from here
    assert X.steps_to_tolerance(h, b, 1e-2, stay=True) == 1
    assert X.steps_to_tolerance(h, b, 1.0, stay=True) == 0  # within from the start


def test_steps_to_tolerance_stay_is_none_when_above_at_the_end(bowl):
    h = T.run_gd(bowl, 0.01, 10)
    assert X.steps_to_tolerance(h, bowl, 1e-6, stay=True) is None
    assert X.steps_to_tolerance(T.run_gd(bowl, 2.5, 500), bowl, 1e-6, stay=True) is None  # diverged


def test_steps_to_tolerance_stay_on_momentum_bowl():
    # notebook 03 section 1: momentum's loss is not monotone, so the first dip and "stays below" differ;
    # GD's loss is monotone, so they agree
    b = P.quadratic_bowl(condition_number=100.0)
    gd = T.run_gd(b, b.optimal_lr, 400)
    hb = T.run_gd(b, 1.0, 400, momentum=0.9)
    nag = T.run_gd(b, 1.0, 400, momentum=0.9, nesterov=True)
    assert X.steps_to_tolerance(gd, b, 1e-6) == X.steps_to_tolerance(gd, b, 1e-6, stay=True) == 346
    assert (X.steps_to_tolerance(hb, b, 1e-6), X.steps_to_tolerance(hb, b, 1e-6, stay=True)) == (103, 132)
    assert (X.steps_to_tolerance(nag, b, 1e-6), X.steps_to_tolerance(nag, b, 1e-6, stay=True)) == (24, 77)


def test_excess_loss_subtracts_min_loss_and_copies():
    nls = P.noisy_least_squares(n_samples=200, dim=3)
    h = T.run_gd(nls, 0.1, 50, label="a")
    e = X.excess_loss(h, nls)
    np.testing.assert_allclose(e.loss, h.loss - nls.min_loss)
    assert e is not h and e.label == "a" and e.lr is h.lr
    assert h.loss[0] > e.loss[0]


def test_late_excess_loss_is_the_noise_floor_and_grows_with_lr():
    nls = P.noisy_least_squares(n_samples=300, dim=4)
    floors = [X.late_excess_loss(T.run_gd(nls, lr, 3000, batch_size=1), nls, 1000) for lr in (0.01, 0.1)]
    assert 0 < floors[0] < floors[1]
    h = History(loss=np.array([3.0, 2.0, 1.5, 1.5]), steps=np.arange(4))
    assert X.late_excess_loss(h, nls, 2) == pytest.approx(1.5 - nls.min_loss)


def test_late_excess_loss_of_a_diverged_run_is_inf(bowl):
    assert X.late_excess_loss(T.run_gd(bowl, 2.5, 500), bowl, 10) == math.inf


@pytest.mark.parametrize(
    "call, error, name",
    [
        (lambda b: X.excess_loss("h", b), TypeError, "history"),
        (lambda b: X.excess_loss(History(), object()), TypeError, "min_loss"),
        (lambda b: X.late_excess_loss(T.run_gd(b, 0.1, 5), b, 0), ValueError, "window"),
        (lambda b: X.late_excess_loss(T.run_gd(b, 0.1, 5), b, 6), ValueError, "window"),
        (lambda b: X.steps_to_tolerance(T.run_gd(b, 0.1, 5), b, 0.0), ValueError, "rel_tol"),
        (lambda b: X.steps_to_tolerance(History(), b), ValueError, "history"),
    ],
)
def test_bad_arguments_name_themselves(bowl, call, error, name):
    with pytest.raises(error, match=name):
        call(bowl)


def test_noise_floor_depends_on_lr_over_batch_size():
    nls = P.noisy_least_squares()
    a = X.noise_floor(nls, 0.02, 1, seeds=[0, 1], n_steps=2500, window=2000)
    b = X.noise_floor(nls, 0.08, 4, seeds=[0, 1], n_steps=2500, window=2000)  # 4x the batch, 4x the rate
    c = X.noise_floor(nls, 0.02, 4, seeds=[0, 1], n_steps=2500, window=2000)  # 4x the batch only
    assert a.shape == (2,) and np.all(a > 0)
    assert 0.8 < b.mean() / a.mean() < 1.25
    assert 3 < a.mean() / c.mean() < 5.5
    predicted = 0.02 * nls.noise**2 * np.trace(nls.H) / 4
    assert 0.8 < a.mean() / predicted < 1.4


def test_noise_floor_of_adam_and_of_a_run_that_diverges():
    nls = P.noisy_least_squares()
    adam = X.noise_floor(nls, 0.004, 4, seeds=[0], n_steps=1500, window=1000, method="adam")
    assert 0 < adam[0] < 1e-2
    assert X.noise_floor(nls, 3.0, 1, seeds=[0], n_steps=200, window=100)[0] == math.inf


@pytest.mark.parametrize(
    "kwargs,match",
    [(dict(method="lbfgs"), "method"), (dict(window=0), "window"), (dict(n_steps=10, window=100), "n_steps")],
)
def test_noise_floor_checks_its_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        X.noise_floor(P.noisy_least_squares(), 0.01, 1, **kwargs)
