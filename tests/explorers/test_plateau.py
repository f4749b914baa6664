"""The reduce-on-plateau explorer: the pure layer, then the widget driven by setting control values."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_lib import explorers as W  # noqa: E402
from course_lib import problems as P  # noqa: E402
from course_lib import studies  # noqa: E402
from course_lib import training as T  # noqa: E402
from course_lib.training.plateau import ReduceLROnPlateau  # noqa: E402


def test_pure_layer_runs_both_and_the_plateau_run_goes_below_the_floor():
    const, plat = studies.run_plateau_experiment(n_steps=3000)
    assert const.n_steps == plat.n_steps == 3000 and not const.diverged and not plat.diverged
    assert np.all(const.lr == 0.1)
    assert np.all(np.diff(plat.lr) <= 0) and plat.lr[-1] < 0.1
    cuts = np.flatnonzero(np.diff(plat.lr) < 0) + 1
    assert np.all(cuts % 100 == 0)  # the policy only acts at evaluations
    assert np.mean(plat.loss[-300:]) < 0.2 * np.mean(const.loss[-300:])
    # the losses are excess losses: the same run minus f*
    problem = P.noisy_least_squares()
    raw = T.run_gd(problem, 0.1, 3000, batch_size=1, seed=0)
    np.testing.assert_allclose(const.loss, raw.loss - problem.min_loss)


def test_pure_layer_settings_matter_and_are_validated():
    patient = studies.run_plateau_experiment(patience=10, n_steps=2000)[1]
    eager = studies.run_plateau_experiment(patience=0, n_steps=2000)[1]
    assert np.sum(np.diff(eager.lr) < 0) > np.sum(np.diff(patient.lr) < 0)
    floor = studies.run_plateau_experiment(factor=0.1, patience=0, min_lr=0.01, n_steps=2000)[1]
    assert floor.lr.min() == pytest.approx(0.01)
    with pytest.raises(ValueError, match="factor"):
        studies.run_plateau_experiment(factor=1.5)
    with pytest.raises(ValueError, match="plateau_every"):
        studies.run_plateau_experiment(plateau_every=0)


def test_pure_layer_matches_a_by_hand_policy():
    const, plat = studies.run_plateau_experiment(n_steps=1000, plateau_every=100, patience=1, factor=0.5)
    problem = P.noisy_least_squares()
    by_hand = T.run_gd(
        problem, None, 1000, batch_size=1, plateau=ReduceLROnPlateau(0.1, factor=0.5, patience=1), plateau_every=100
    )
    np.testing.assert_allclose(plat.lr, by_hand.lr)


def test_pure_layer_remembers_runs_and_hands_out_copies():
    first = studies.run_plateau_experiment(n_steps=1500, factor=0.3)
    first[0].label = "relabelled by a caller"
    again = studies.run_plateau_experiment(n_steps=1500, factor=0.3)
    assert again[0].label == "constant lr 0.1" and again[1].lr is first[1].lr  # not trained again
    other = studies.run_plateau_experiment(n_steps=1500, factor=0.6)  # the constant run does not depend on it
    assert other[0].loss is not first[0].loss and np.array_equal(other[0].loss, first[0].loss)
    assert not np.array_equal(other[1].lr, first[1].lr)


def test_describe_plateau_names_cuts_and_floors():
    runs = studies.run_plateau_experiment(n_steps=2000)
    text = studies.describe_plateau(runs)
    assert "constant lr 0.1" in text and "reduce on plateau" in text and "cut(s), at steps" in text
    assert "final lr" in text.splitlines()[1] and "cut" not in text.splitlines()[0]


def test_explorer_initial_picture_and_every_control(shown):
    e = W.explore_plateau(n_steps=1000)
    assert len(shown) == 1 and "cut" in e.status.value
    ax = shown[0].axes[0]
    assert "excess loss" in ax.get_ylabel()
    values = {
        "lr": 0.02,
        "factor": 0.2,
        "patience": 0,
        "cooldown": 3,
        "threshold": 1e-2,
        "threshold_mode": "abs",
        "plateau_every": 50,
        "n_steps": 500,
    }
    for name, value in values.items():
        before = len(shown)
        e.controls[name].value = value
        assert len(shown) == before + 1, name
        const, plat = e.last_result
        assert const.n_steps == e.controls["n_steps"].value
    assert e.last_result[0].lr[0] == pytest.approx(0.02)
    # extremes: the largest rate, the smallest factor still draw a picture and a status line
    e.controls["lr"].value = e.controls["lr"].max
    e.controls["factor"].value = e.controls["factor"].min
    assert e.status.value and len(e.last_result) == 2 and not e.last_result[0].diverged


@pytest.mark.parametrize(
    "kwargs, name",
    [(dict(patience=-1), "patience"), (dict(factor=1.0), "factor"), (dict(lr=0.0), "lr"), (dict(n_steps=0), "n_steps")],
)
def test_explorer_argument_errors(kwargs, name):
    with pytest.raises((ValueError, TypeError), match=name):
        W.PlateauExplorer(**kwargs)
