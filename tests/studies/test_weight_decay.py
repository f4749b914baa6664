"""The scale-invariant study: the gradient is orthogonal to w, the turn settles at sqrt(2 lr wd)."""

from __future__ import annotations

import numpy as np
import pytest

from course_lib import studies, training


def test_sgd_turn_settles_at_sqrt_2_lr_wd():
    r = studies.run_scale_invariant(0.1, 0.01, 2000, seeds=(0, 1))
    assert np.allclose(studies.rms_turn(r, 1000), training.equilibrium_angular_update(0.1, 0.01), rtol=0.05)


def test_without_decay_the_norm_only_grows():
    r = studies.run_scale_invariant(0.1, 0.0, 300, seeds=(0,))
    assert np.all(np.diff(r.norm[0]) > 0)  # orthogonal steps: |w|^2 grows by |step|^2 each update


def test_seeds_are_independent_and_reproducible():
    a = studies.run_scale_invariant(0.1, 0.01, 50, seeds=(0, 1))
    b = studies.run_scale_invariant(0.1, 0.01, 50, seeds=(1,))
    assert np.array_equal(a.norm[1], b.norm[0]) and not np.array_equal(a.norm[0], a.norm[1])


def test_relaxation_step():
    r = studies.run_scale_invariant(0.1, 0.01, 2000, seeds=(0,))
    step = int(studies.relaxation_step(r, 1000)[0])
    steady = r.norm[0, -1000:].mean()
    assert abs(r.norm[0, step - 1] / steady - 1) > 0.1 and np.all(np.abs(r.norm[0, step:] / steady - 1) <= 0.1)


@pytest.mark.parametrize("bad", [dict(optimizer="sgdw"), dict(dim=1), dict(w0_norm=0)])
def test_bad_arguments_raise(bad):
    with pytest.raises(ValueError):
        studies.run_scale_invariant(0.1, 0.01, 10, **bad)
