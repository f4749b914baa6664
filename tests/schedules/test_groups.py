"""Rates per parameter group: fastai's slice(low, high) and layer-wise decay."""

from __future__ import annotations

import numpy as np
import pytest

from course_lib import schedules


def test_discriminative_rates_are_geometric_from_low_to_high():
    r = schedules.discriminative_rates(1e-5, 1e-3, 5)
    assert r[0] == pytest.approx(1e-5) and r[-1] == pytest.approx(1e-3)
    assert np.allclose(r[1:] / r[:-1], 10**0.5)
    assert schedules.discriminative_rates(1e-5, 1e-3, 1).tolist() == [1e-3]  # fastai: one group gets the high end


def test_layerwise_rates_decay_towards_the_input():
    r = schedules.layerwise_rates(1e-3, 0.8, 4)
    assert r[-1] == pytest.approx(1e-3) and np.allclose(r[:-1] / r[1:], 0.8)


@pytest.mark.parametrize(
    "call",
    [
        lambda: schedules.discriminative_rates(1e-3, 1e-5, 3),
        lambda: schedules.discriminative_rates(0, 1e-3, 3),
        lambda: schedules.discriminative_rates(1e-5, 1e-3, 0),
        lambda: schedules.layerwise_rates(1e-3, 1.5, 3),
        lambda: schedules.layerwise_rates(1e-3, 0.0, 3),
    ],
)
def test_bad_arguments_raise(call):
    with pytest.raises(ValueError):
        call()
