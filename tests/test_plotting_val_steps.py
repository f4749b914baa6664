"""plot_val_history (validation loss with the rate and the plateau cuts) and plot_step_sizes."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_lib import training as A  # noqa: E402
from course_lib import plotting as viz  # noqa: E402
from course_lib import problems as P  # noqa: E402
from course_lib import training as T  # noqa: E402
from course_lib.training.history import History
from course_lib.training.plan import RunPlan  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def fake_torch_run(lrs_per_epoch, per_epoch=4, plateau=True, label=""):
    """A History shaped like train_torch's: per-step lr, per-epoch validation."""
    lr = np.repeat(lrs_per_epoch, per_epoch)
    n_epochs = len(lrs_per_epoch)
    return History(steps=np.arange(lr.size), lr=lr, loss=np.linspace(2, 1, lr.size),
                   val_epochs=np.arange(1, n_epochs + 1), val_loss=np.linspace(1.0, 0.5, n_epochs),
                   val_acc=np.linspace(0.5, 0.9, n_epochs), label=label,
                   plan=RunPlan(per_epoch, 1, n_epochs),  # per_epoch updates per epoch
                   plateau_lrs=list(lrs_per_epoch) if plateau else None)


def test_val_history_draws_loss_rate_and_cuts():
    plat = fake_torch_run([0.1, 0.1, 0.1, 0.01, 0.01, 0.001], label="plateau")
    const = fake_torch_run([0.1] * 6, plateau=False, label="constant")
    ax = viz.plot_val_history([const, plat])
    assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == "validation loss"
    assert ax.lr_axis.get_yscale() == "log" and "learning rate" in ax.lr_axis.get_ylabel()
    cut_lines = [line for line in ax.get_lines() if line.get_linestyle() == ":"]
    assert sorted(line.get_xdata()[0] for line in cut_lines) == [3.0, 5.0]   # the rate drops after epochs 3 and 5
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

    h = T.train_torch(M.mlp(2, 2, hidden=(8,)), data, None, epochs=6, batch_size=32,
                      plateau=ReduceLROnPlateau(0.5, factor=0.5, patience=0))
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
    assert lines[2].get_ydata()[0] == pytest.approx(0.1, rel=1e-6)           # Adam's first step: lr
    assert lines[0].get_ydata()[0] / lines[1].get_ydata()[0] > 50            # GD: decades apart


def test_step_sizes_errors():
    with pytest.raises(ValueError, match="path"):
        viz.plot_step_sizes(History(lr=np.ones(3), loss=np.ones(3)))
    wide = History(params=np.zeros((4, 5)))
    with pytest.raises(ValueError, match="at most 4"):
        viz.plot_step_sizes(wide)
    with pytest.raises(ValueError, match="n_steps"):
        viz.plot_step_sizes(T.run_gd(P.quadratic_bowl(), 0.5, 5), n_steps=0)
