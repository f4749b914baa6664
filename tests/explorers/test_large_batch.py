"""Large batches (notebook 11): the pure layer, the epoch-axis plot, early_spike, then the explorer."""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_lib import explorers as W  # noqa: E402
from course_lib import plotting as viz  # noqa: E402
from course_lib import schedules as S  # noqa: E402
from course_lib import studies  # noqa: E402
from course_lib import studies as X  # noqa: E402
from course_lib import training as T  # noqa: E402
from course_lib.explorers import base, controls  # noqa: E402,F401
from course_lib.plotting.live import update_runs_by_epoch  # noqa: E402
from course_lib.studies import large_batch  # noqa: E402
from course_lib.training import distributed as D  # noqa: E402
from course_lib.training.history import History  # noqa: E402


@pytest.fixture(scope="module")
def runs():
    return studies.run_large_batch_experiment(k=4, warmup_epochs=1, epochs=2)


def test_pure_layer_builds_the_four_runs(runs):
    a, b, c, d = runs.values()
    assert [h.config["batch_size"] for h in runs.values()] == [32, 128, 128, 128]
    assert a.label.startswith("(a)") and d.label.startswith("(d)")
    assert b.lr[0] == pytest.approx(0.02) and c.lr[0] == pytest.approx(0.08)
    warm = d.config["steps_per_epoch"]  # one epoch of warm-up
    assert d.lr[0] == pytest.approx(0.02) and d.lr[warm] == pytest.approx(0.08)
    assert np.all(np.diff(d.lr[: warm + 1]) > 0)
    assert all(len(h.val_loss) == 2 and not h.diverged for h in runs.values())


def test_pure_layer_is_the_single_process_batch_k_times_b(runs):
    b = list(runs.values())[1]
    again = T.train_torch(
        D.mlp_factory(64, 10),
        large_batch.raw_digits(),
        S.scaled_schedule(0.02, 1, 22),
        epochs=2,
        batch_size=128,
        seed=0,
    )
    np.testing.assert_array_equal(again.loss, b.loss)


def test_pure_layer_caches_the_reference_run():
    first = studies.run_large_batch_experiment(k=2, warmup_epochs=0, epochs=2)
    second = studies.run_large_batch_experiment(k=4, warmup_epochs=1, epochs=2)
    assert list(first.values())[0] is list(second.values())[0]


@pytest.mark.parametrize(
    "kwargs, word",
    [
        (dict(k=0), "k"),
        (dict(warmup_epochs=2, epochs=2), "warmup_epochs"),
        (dict(base_lr=-1), "base_lr"),
        (dict(epochs=0), "epochs"),
    ],
)
def test_pure_layer_rejects_bad_settings(kwargs, word):
    with pytest.raises(ValueError, match=word):
        studies.run_large_batch_experiment(**kwargs)


def test_describe_large_batch_has_a_line_per_run(runs):
    text = studies.describe_large_batch(runs)
    assert len(text.splitlines()) == 4 and "final val loss" in text and "epoch 1" in text


def test_early_spike():
    h = History(loss=np.array([2.0, 3.0, 1.0, 8.0]), plan=T.RunPlan(2, 1, 2))  # 2 updates per epoch
    assert X.early_spike(h) == 1.5 and X.early_spike(h, epochs=2) == 4.0
    assert math.isnan(X.early_spike(History()))
    with pytest.raises(ValueError, match="epochs"):
        X.early_spike(h, epochs=0)


def test_plot_runs_by_epoch_puts_every_run_on_an_epoch_axis(runs):
    fig = viz.plot_runs_by_epoch(runs, smooth_epochs=0.5)
    lr_ax, loss_ax, val_ax = fig.axes
    ends = [line.get_xdata()[-1] for line in lr_ax.get_lines()]
    assert all(1.9 < e < 2.0 for e in ends), ends  # 2 epochs, whatever the batch size
    assert loss_ax.get_yscale() == "log" and "epoch" in loss_ax.get_xlabel()
    assert [line.get_xdata()[-1] for line in val_ax.get_lines()] == [2, 2, 2, 2]
    assert len(lr_ax.get_legend().get_texts()) == 4


def test_plot_runs_by_epoch_averages_seeds_and_checks_arguments(runs):
    a = list(runs.values())[0]
    fig = viz.plot_runs_by_epoch({"seeds": [a, a]}, metrics=["val_acc"], band="std")
    assert len(fig.axes) == 1
    with pytest.raises(ValueError, match="metrics"):
        viz.plot_runs_by_epoch(runs, metrics=["accuracy"])
    with pytest.raises(ValueError, match="groups"):
        viz.plot_runs_by_epoch({})
    with pytest.raises(ValueError, match="smooth_epochs"):
        viz.plot_runs_by_epoch(runs, smooth_epochs=-1)


def test_explorer_trains_on_release_and_redraws(shown):
    explorer = W.explore_large_batch(k=2, warmup_epochs=1, epochs=5)
    assert len(shown) == 1 and len(explorer.last_result) == 4
    assert all(not c.continuous_update for name, c in explorer.controls.items())
    explorer.controls["k"].value = 4
    assert len(shown) == 2
    assert [h.config["batch_size"] for h in explorer.last_result.values()] == [32, 128, 128, 128]
    assert "(d)" in explorer.status.value
    explorer.controls["warmup_epochs"].value = 10  # longer than the run: clamped, still draws
    assert len(shown) == 3 and isinstance(explorer.last_result, dict)
    with pytest.raises(ValueError, match="k"):
        W.LargeBatchExplorer(k=3)


@pytest.mark.parametrize("projector", [False, True], ids=["notebook", "projector"])
def test_explorer_legends_leave_the_tick_labels_readable(shown, projector):
    """The notebook's explorer (08: k=4, warm-up 5 epochs): its legend was wider than the rate panel
    and hid the y tick labels "0.10" and "0.12" (``shown`` checks every frame: no data point, tick label,
    axis label or title under a legend), at the notebook's size and at the projector's."""
    viz.use_projector_style(projector)
    try:
        explorer = W.explore_large_batch(k=4, warmup_epochs=5, epochs=15)
        explorer.controls["k"].value = 16
    finally:
        viz.use_projector_style(False)
    assert len(shown) == 2
    legend = shown[0].axes[0].get_legend()
    assert legend is not None and legend.get_window_extent().x0 >= shown[0].axes[0].bbox.x0 - 1


def test_update_runs_by_epoch_redraws_in_place_as_a_new_figure_would(runs):
    other = studies.run_large_batch_experiment(k=2, warmup_epochs=0.5, epochs=2)
    fig = viz.plot_runs_by_epoch(runs, smooth_epochs=0.25)
    lines = [line for ax in fig.axes for line in ax.get_lines()]
    assert update_runs_by_epoch(fig, other, smooth_epochs=0.25)
    fresh = viz.plot_runs_by_epoch(other, smooth_epochs=0.25)
    assert [line for ax in fig.axes for line in ax.get_lines()] == lines  # the same artists
    for ax, new in zip(fig.axes, fresh.axes):
        for line, want in zip(ax.get_lines(), new.get_lines()):
            np.testing.assert_allclose(line.get_xdata(), want.get_xdata())
            np.testing.assert_allclose(line.get_ydata(), want.get_ydata())
            assert line.get_label() == want.get_label()
        assert ax.get_ylim() == pytest.approx(new.get_ylim())
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == list(other)
    # runs that do not fit the figure: it is left as it was
    assert not update_runs_by_epoch(fig, dict(list(other.items())[:3]), smooth_epochs=0.25)
    assert not update_runs_by_epoch(fig, other, metrics=["lr", "loss"])


def test_explorer_reuses_its_figure_and_draws_a_warmed_step_without_training(shown, monkeypatch):
    explorer = W.explore_large_batch(k=2, warmup_epochs=1, epochs=5)
    fig = explorer.figure
    idle = []
    explorer.idle = lambda fn, *args: idle.append((fn, args))
    explorer.controls["warmup_epochs"].value = 1.5
    assert explorer.figure is fig  # updated in place, not drawn anew
    while idle:  # the learner looks at the frame: the kernel warms the neighbouring settings
        fn, args = idle.pop(0)
        fn(*args)
    trained = []
    monkeypatch.setattr(D, "train_simulated", lambda *a, **k: trained.append(k) or pytest.fail("trained"))
    monkeypatch.setattr(T, "train_torch", lambda *a, **k: trained.append(k) or pytest.fail("trained"))
    for name, value in (("warmup_epochs", 2.0), ("k", 4), ("epochs", 6)):
        explorer.controls[name].value = value
        assert explorer.last_error is None and not trained, name
        idle.clear()  # the learner moves on at once: nothing more warmed
        explorer.controls[name].value = {"warmup_epochs": 1.5, "k": 2, "epochs": 5}[name]  # back: cached
    assert "(d)" in explorer.status.value and explorer.figure is fig


def test_explorer_warms_one_run_per_turn_of_the_loop(monkeypatch):
    """A learner's move that arrives while the kernel warms ahead waits for one run, not four."""
    explorer = W.explore_large_batch(k=2, warmup_epochs=1, epochs=5)
    idle = []
    explorer.idle = lambda fn, *args: idle.append((fn, args))
    explorer.controls["base_lr"].value = explorer.controls["base_lr"].value * 10**0.05
    trained = []
    real_simulated, real_torch = D.train_simulated, T.train_torch
    monkeypatch.setattr(D, "train_simulated", lambda *a, **k: trained.append(1) or real_simulated(*a, **k))
    monkeypatch.setattr(T, "train_torch", lambda *a, **k: trained.append(1) or real_torch(*a, **k))
    for _ in range(4):  # the next base_lr: (a), (b), (c), (d), one per turn
        before = len(trained)
        fn, args = idle.pop(0)
        fn(*args)
        assert len(trained) == before + 1
    assert len(large_batch.large_batch_steps(2, 1, base_lr=0.02, epochs=5)) == 4
