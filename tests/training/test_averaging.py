"""training.averaging: the averagers against their definitions, schedule-free SGD against the ``schedulefree``
package's reference optimizer (values it computed, stored in schedulefree_reference.json; the suite does not
need the package), and the batched study paths against the one-run-at-a-time runs.

The fixture was made with::

    opt = schedulefree.SGDScheduleFreeReference([p], lr=0.3, momentum=0.9, warmup_steps=3, weight_decay=0.01)
    opt.train()
    for k in range(8):
        opt.zero_grad(); (0.5 * (p - a) @ H @ (p - a)).backward(); opt.step()
        xs.append(opt.state[p]["x"].tolist()); ys.append(p.detach().tolist())
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from course_lib import problems, schedules, studies, training
from course_lib.studies.averaging import schedule_free_paths
from course_lib.studies.seed_batch import descent_paths
from course_lib.training.averaging import ema, schedule_free_path, swa, tail_average

REFERENCE = json.loads((Path(__file__).parent / "schedulefree_reference.json").read_text())


def _path(n=30, d=3, seed=0):
    return np.random.default_rng(seed).normal(size=(n, d))


def test_tail_average_is_the_mean_of_the_tail_at_every_step():
    p = _path()
    out = tail_average(p, start=7)
    assert np.array_equal(out[:7], p[:7])
    for t in range(7, len(p)):
        assert np.allclose(out[t], p[7 : t + 1].mean(axis=0))


def test_ema_is_the_recursion_and_its_weights_sum_to_one():
    p = _path()
    out = ema(p, 0.8)
    weights = np.array([0.8 ** (len(p) - 1)] + [0.2 * 0.8 ** (len(p) - 1 - s) for s in range(1, len(p))])
    assert np.isclose(weights.sum(), 1.0)
    assert np.allclose(out[-1], weights @ p)
    assert np.array_equal(ema(p, 0.0), p)


def test_swa_samples_every_k_steps_and_holds_in_between():
    p = _path()
    out = swa(p, start=4, every=5)
    assert np.allclose(out[-1], p[4::5].mean(axis=0))
    assert np.array_equal(out[4:9], np.repeat(p[4:5], 5, axis=0))
    assert np.allclose(swa(p, start=3, every=1), tail_average(p, start=3))


def test_averagers_keep_the_shape_of_batched_paths():
    p = np.random.default_rng(1).normal(size=(20, 2, 4, 3))
    for out in (tail_average(p, 5), ema(p, 0.9), swa(p, 5, 3)):
        assert out.shape == p.shape


@pytest.mark.parametrize(
    "call",
    [
        lambda: ema(_path(), 1.0),
        lambda: ema(_path(), -0.1),
        lambda: tail_average(_path(), 30),
        lambda: swa(_path(), 0, 0),
        lambda: training.ema_memory(1.0),
    ],
)
def test_bad_arguments_raise(call):
    with pytest.raises(ValueError):
        call()


def test_schedule_free_matches_the_schedulefree_reference_optimizer():
    H, a = np.array(REFERENCE["H"]), np.array(REFERENCE["a"])
    x, y, _ = schedule_free_path(
        lambda w, t: (w - a) @ H,
        REFERENCE["p0"],
        REFERENCE["lr"],
        8,
        beta=REFERENCE["momentum"],
        warmup_steps=REFERENCE["warmup_steps"],
        weight_decay=REFERENCE["weight_decay"],
    )
    assert np.allclose(x[1:], REFERENCE["x"], rtol=0, atol=1e-12)
    assert np.allclose(y[1:], REFERENCE["y"], rtol=0, atol=1e-12)


def test_schedule_free_x_is_the_uniform_average_of_z_at_a_constant_rate():
    _, _, z = schedule_free_path(lambda w, t: w, np.ones(2), 0.1, 10)
    x, _, _ = schedule_free_path(lambda w, t: w, np.ones(2), 0.1, 10)
    assert np.allclose(x[1:], np.cumsum(z[1:], axis=0) / np.arange(1, 11)[:, None])


def test_batched_paths_are_the_runs_one_at_a_time():
    nls = problems.noisy_least_squares()
    seeds = [3, 4]
    sgd = descent_paths(nls, [schedules.cosine_decay(0.1, 300)], 300, seeds, batch_size=2)
    sf = schedule_free_paths(nls, 0.1, 300, seeds, batch_size=2)
    for i, s in enumerate(seeds):
        h = training.run_gd(nls, schedules.cosine_decay(0.1, 300), 300, batch_size=2, seed=s)
        assert np.allclose(sgd[:, 0, i], h.params, rtol=1e-12, atol=1e-12)
        one = training.run_schedule_free(nls, 0.1, 300, batch_size=2, seed=s)
        assert np.allclose(sf[:, i], one.params, rtol=1e-12, atol=1e-12)


def test_averaging_removes_the_constant_rate_floor_without_annealing():
    nls = problems.noisy_least_squares()
    finals = studies.averaging_finals(nls, 0.1, 2000, seeds=range(4))
    floor = finals["constant"].mean()
    assert 0.4 < floor / (0.25 * 0.1) < 2.5  # the last iterate sits near the predicted floor
    assert finals["constant + tail average"].mean() < floor / 5
    assert finals["cosine"].mean() < floor / 5


def test_averaged_history_scores_the_averaged_path():
    nls = problems.noisy_least_squares()
    h = training.run_gd(nls, 0.1, 200, batch_size=1, seed=0)
    avg = training.tail_average(h.params, 100)
    a = studies.averaged_history(h, nls, avg, "tail")
    assert a.label == "tail" and np.array_equal(a.params, avg)
    assert np.allclose(a.loss, nls.loss(avg[:-1]) - nls.min_loss)
    with pytest.raises(ValueError):
        studies.averaged_history(h, nls, avg[:-1], "short")


def test_plot_finals_labels_its_axes_and_draws_a_mean_per_method():
    import matplotlib

    matplotlib.use("Agg")
    from course_lib import plotting

    ax = plotting.plot_finals({"a": [1e-3, 2e-3], "b + c": [3e-3, 5e-3]})
    assert "final excess loss" in ax.get_ylabel() and "log" in ax.get_ylabel()
    assert ax.get_xlabel().startswith("method")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b +\nc"]
    means = [line.get_ydata()[0] for line in ax.lines if line.get_color() == "black"]
    assert np.allclose(means, [1.5e-3, 4e-3])
    with pytest.raises(TypeError):
        plotting.plot_finals([1, 2])
