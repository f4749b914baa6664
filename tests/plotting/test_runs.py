"""plotting.runs.

loss curves (plot_history), mean ± band over seeds (plot_runs); plot_val_history (validation loss
with the rate and the plateau cuts) and plot_step_sizes.
"""

from __future__ import annotations

import warnings

import matplotlib.pyplot as plt  # noqa: F401
import numpy as np  # noqa: F401
import pytest  # noqa: F401

from course_lib import plotting as viz  # noqa: F401
from course_lib import problems as P  # noqa: F401
from course_lib import schedules as S  # noqa: F401
from course_lib import training as A  # noqa: E402
from course_lib import training as T  # noqa: F401
from course_lib.training.history import History  # noqa: F401
from course_lib.training.plan import RunPlan  # noqa: E402

from .helpers import assert_labelled, legend_texts, seeds_group, val_history  # noqa: F401


def test_plot_history_loss_and_lr_twin_axis(runs):
    good, bad = runs
    ax = viz.plot_history([good, bad])
    assert_labelled(ax, x=viz.STEP_LABEL, y="loss")
    assert ax.get_yscale() == "log"
    assert ax.lr_axis is not None and viz.LR_LABEL in ax.lr_axis.get_ylabel()
    assert len(ax.lr_axis.lines) == 2
    labels = legend_texts(ax)
    assert labels[:2] == ["cosine", "too big"] and "learning rate (right axis)" in labels
    texts = [t.get_text() for t in ax.texts]
    assert any(f"diverged at step {bad.diverged_step}" in t for t in texts)
    vlines = [line for line in ax.lines if line.get_linestyle() == ":"]
    assert len(vlines) == 1 and vlines[0].get_xdata()[0] == bad.diverged_step
    ax.figure.canvas.draw()


def test_plot_history_without_lr_and_unlabelled():
    h = History(steps=np.arange(5), lr=np.full(5, 0.1), loss=np.array([4.0, 2.0, 1.0, 0.5, 0.25]))
    ax = viz.plot_history(h, show_lr=False, log_loss=False)
    assert ax.lr_axis is None and ax.get_yscale() == "linear"
    assert legend_texts(ax) == ["run"]


def test_plot_history_zeros_masked_and_negative_losses_linear():
    zeros = History(steps=np.arange(4), lr=np.ones(4), loss=np.array([1.0, 0.1, 0.0, 0.0]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ax = viz.plot_history(zeros)
        ax.figure.canvas.draw()
    assert ax.get_yscale() == "log" and np.isnan(ax.lines[0].get_ydata()[2])
    negative = History(steps=np.arange(3), lr=np.ones(3), loss=np.array([0.5, -1.0, -2.0]))
    ax = viz.plot_history(negative)
    assert ax.get_yscale() == "linear"


def test_plot_history_errors():
    with pytest.raises(ValueError, match="history_or_list"):
        viz.plot_history([])
    with pytest.raises(TypeError, match="history_or_list"):
        viz.plot_history({"a": 1})


def test_plot_runs_mean_and_band_with_a_diverged_run(bowl):
    ok = seeds_group(1.0)
    mixed = seeds_group(1.0, n=2) + [T.run_gd(bowl, 2.5, 40)]
    ax = viz.plot_runs({"lr=1": ok, "mixed": mixed}, log=True)
    assert_labelled(ax, x=viz.STEP_LABEL, y="training loss")
    assert legend_texts(ax) == ["lr=1 (n=3)", "mixed (n=3, 1 diverged)"]
    assert len(ax.collections) == 2  # one band per group
    assert ax.get_yscale() == "log"
    ax.figure.canvas.draw()


@pytest.mark.parametrize("band", ["std", "minmax", "none"])
def test_plot_runs_val_metrics_bands_and_smoothing(band):
    groups = {
        "a": [val_history([0.5, 0.6, 0.7]), val_history([0.4, 0.7, 0.8])],
        "b": [val_history([0.3, 0.5]), val_history([0.2, 0.6, 0.9], diverged=True)],
    }
    ax = viz.plot_runs(groups, metric="val_acc", band=band, smooth=2)
    assert_labelled(ax, x="epoch", y="validation accuracy")
    assert len(ax.collections) == (0 if band == "none" else 2)
    np.testing.assert_allclose(ax.lines[0].get_xdata(), [1, 2, 3])
    assert "moving average of 2" in ax.get_title()


def test_plot_runs_names_the_quantity_it_draws():
    ax = viz.plot_runs({"a": seeds_group(1.0)}, log=True, smooth=2, quantity="excess loss f(w) − f*")
    assert ax.get_title().startswith("excess loss f(w) − f*: mean ± std over seeds")
    assert "training loss" not in ax.get_title() + ax.get_ylabel()
    assert ax.get_ylabel() == "excess loss f(w) − f* (log scale)"
    for bad in ("", "  ", 3):
        with pytest.raises(ValueError, match="quantity"):
            viz.plot_runs({"a": seeds_group(1.0)}, quantity=bad)


def test_moving_average_is_trailing():
    np.testing.assert_allclose(T.moving_average(np.array([1.0, 3.0, 5.0, 7.0]), 2), [1, 2, 4, 6])
    np.testing.assert_allclose(T.moving_average(np.array([1.0, 3.0]), 0), [1, 3])


def test_plot_runs_errors():
    with pytest.raises(ValueError, match="groups"):
        viz.plot_runs({})
    with pytest.raises(ValueError, match=r"groups\['a'\]"):
        viz.plot_runs({"a": []})
    with pytest.raises(ValueError, match="metric"):
        viz.plot_runs({"a": [val_history([0.5])]}, metric="accuracy")
    with pytest.raises(ValueError, match="val_acc"):
        viz.plot_runs({"a": [History(loss=np.ones(3), steps=np.arange(3))]}, metric="val_acc")
    with pytest.raises(ValueError, match="smooth"):
        viz.plot_runs({"a": [val_history([0.5])]}, smooth=-1)
    with pytest.raises(ValueError, match="band"):
        viz.plot_runs({"a": [val_history([0.5])]}, band="iqr")


# ---------------------------------------------------------------------------
# from tests/test_plotting_val_steps.py
# ---------------------------------------------------------------------------


def fake_torch_run(lrs_per_epoch, per_epoch=4, plateau=True, label=""):
    """A History shaped like train_torch's: per-step lr, per-epoch validation."""
    lr = np.repeat(lrs_per_epoch, per_epoch)
    n_epochs = len(lrs_per_epoch)
    return History(
        steps=np.arange(lr.size),
        lr=lr,
        loss=np.linspace(2, 1, lr.size),
        val_epochs=np.arange(1, n_epochs + 1),
        val_loss=np.linspace(1.0, 0.5, n_epochs),
        val_acc=np.linspace(0.5, 0.9, n_epochs),
        label=label,
        plan=RunPlan(per_epoch, 1, n_epochs),  # per_epoch updates per epoch
        plateau_lrs=list(lrs_per_epoch) if plateau else None,
    )


def test_val_history_draws_loss_rate_and_cuts():
    plat = fake_torch_run([0.1, 0.1, 0.1, 0.01, 0.01, 0.001], label="plateau")
    const = fake_torch_run([0.1] * 6, plateau=False, label="constant")
    ax = viz.plot_val_history([const, plat])
    assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == "validation loss"
    assert ax.lr_axis.get_yscale() == "log" and "learning rate" in ax.lr_axis.get_ylabel()
    cut_lines = [line for line in ax.get_lines() if line.get_linestyle() == ":"]
    assert sorted(line.get_xdata()[0] for line in cut_lines) == [3.0, 5.0]  # the rate drops after epochs 3 and 5
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[:2] == ["constant", "plateau"] and "plateau cut" in labels
    x, y = ax.get_lines()[0].get_data()
    assert list(x) == [1, 2, 3, 4, 5, 6] and y[0] == pytest.approx(1.0)


def test_val_history_options_and_errors():
    ax = viz.plot_val_history(fake_torch_run([0.1, 0.05]), log_loss=True, log_lr=False, mark_cuts=False)
    assert ax.get_yscale() == "log" and ax.lr_axis.get_yscale() == "linear"
    assert not [line for line in ax.get_lines() if line.get_linestyle() == ":"]
    fig, axes = plt.subplots(1, 2)
    assert viz.plot_val_history(fake_torch_run([0.1]), ax=axes[1]) is axes[1]
    with pytest.raises(ValueError, match="validation"):
        viz.plot_val_history(History(lr=np.ones(3), loss=np.ones(3)))
    with pytest.raises(ValueError, match="history_or_list"):
        viz.plot_val_history([])


def test_val_history_of_a_real_run():
    data = P.spirals_dataset(n_samples=120)
    from course_lib.training import models as M
    from course_lib.training.plateau import ReduceLROnPlateau

    h = T.train_torch(
        M.mlp(2, 2, hidden=(8,)),
        data,
        None,
        epochs=6,
        batch_size=32,
        plateau=ReduceLROnPlateau(0.5, factor=0.5, patience=0),
    )
    ax = viz.plot_val_history(h)
    assert len(ax.lr_axis.get_lines()) == 1 and len(ax.get_lines()[0].get_xdata()) == 6


def test_step_sizes_gd_vs_adam():
    bowl = P.quadratic_bowl(condition_number=100.0)
    gd = T.run_gd(bowl, 1.0, 50, label="GD")
    adam = A.run_adaptive(bowl, 0.1, 50, label="Adam")
    ax = viz.plot_step_sizes([gd, adam], n_steps=30, names=["steep", "flat"])
    assert ax.get_yscale() == "log"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["GD: steep", "GD: flat", "Adam: steep", "Adam: flat"]
    lines = ax.get_lines()
    assert all(len(line.get_xdata()) == 30 for line in lines)
    assert lines[2].get_ydata()[0] == pytest.approx(0.1, rel=1e-6)  # Adam's first step: lr
    assert lines[0].get_ydata()[0] / lines[1].get_ydata()[0] > 50  # GD: decades apart


def test_step_sizes_errors():
    with pytest.raises(ValueError, match="path"):
        viz.plot_step_sizes(History(lr=np.ones(3), loss=np.ones(3)))
    wide = History(params=np.zeros((4, 5)))
    with pytest.raises(ValueError, match="at most 4"):
        viz.plot_step_sizes(wide)
    with pytest.raises(ValueError, match="n_steps"):
        viz.plot_step_sizes(T.run_gd(P.quadratic_bowl(), 0.5, 5), n_steps=0)


def test_plot_loss_levels_draws_a_labelled_line_per_level():
    ax = viz.plot_loss_levels({"unigram": 3.85, "bigram": 3.1})
    assert sorted(round(line.get_ydata()[0], 2) for line in ax.get_lines()) == [3.1, 3.85]
    assert {t.get_text() for t in ax.texts} == {"unigram 3.85", "bigram 3.10"}
    with pytest.raises(ValueError, match="finite"):
        viz.plot_loss_levels({"bad": float("nan")})
