"""The weight-decay explorer: its controls drive the scale-invariant study, and the picture follows."""

from __future__ import annotations

import numpy as np

from course_lib import explorers, training


def _values(e):
    return {k: c.value for k, c in e.controls.items()}


def test_the_turn_follows_the_product_not_the_rate():
    e = explorers.explore_weight_decay(lr=0.1, weight_decay=0.01)
    first = e.last_result
    e.controls["lr"].value = 0.01
    e.controls["weight_decay"].value = 0.1  # the same product
    second = e.last_result
    assert second.lr == 0.01 and second.weight_decay == 0.1
    late = lambda r: np.sqrt(np.mean(r.turn[0, -1500:] ** 2))  # noqa: E731
    assert np.isclose(late(first), late(second), rtol=0.05)
    assert not np.isclose(first.norm[0, -1], second.norm[0, -1], rtol=0.5)
    assert "predicted 0.0447" in e.describe(second, _values(e))[0]


def test_adamw_shows_its_momentum_factor():
    e = explorers.explore_weight_decay(lr=0.01, weight_decay=0.1, optimizer="adamw")
    assert e.predicted(_values(e)) == training.equilibrium_angular_update(0.01, 0.1, momentum=0.9)
    assert e.last_result.optimizer == "adamw"
    assert e.snapshot_png()[:4] == b"\x89PNG"
