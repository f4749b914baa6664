"""ConventionsExplorer: driven by setting control values (observers fire without a kernel)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_lib import explorers as W  # noqa: E402
from course_lib.references import libraries as C  # noqa: E402


def test_draws_a_labelled_picture_immediately(shown):
    explorer = W.explore_conventions()
    assert len(shown) == 1
    ax = shown[0].axes[0]
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels == list(C.convention_curves("cosine", 100))
    assert ax.get_xlabel() and ax.get_ylabel()
    assert "course_lib" in explorer.table.value and "raises" not in explorer.table.value


def test_family_change_resets_sliders_and_redraws_once(shown):
    explorer = W.ConventionsExplorer()
    explorer.controls["family"].value = "multistep"
    assert len(shown) == 2
    assert (explorer.controls["horizon"].value, explorer.controls["n_steps"].value) == C.FAMILY_DEFAULTS["multistep"]
    assert len(explorer.last_result) == 4
    explorer.controls["family"].value = "one_cycle"
    assert "raises" in explorer.table.value


def test_horizon_slider_changes_the_curves(shown):
    explorer = W.ConventionsExplorer("multistep")
    explorer.controls["horizon"].value = 8
    keras = [fn for label, fn in explorer.last_result.items() if label.startswith("Keras")][0]
    assert C.switch_steps(keras, 20) == [9]
    ys = shown[-1].axes[0].get_lines()[-1].get_ydata()
    assert np.isclose(ys[7], 0.1) and np.isclose(ys[8], 0.01)


def test_bad_family_names_the_argument():
    with pytest.raises(ValueError, match="family"):
        W.ConventionsExplorer("tanh")
