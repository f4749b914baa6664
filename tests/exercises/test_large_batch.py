"""The linear scaling rule, on one machine and for DDP."""

from __future__ import annotations

import pytest

from course_lib import exercises as E
from course_lib.exercises import solutions as sol


@pytest.mark.parametrize(
    "params", [dict(base_lr=0.1, base_batch=256, batch=8192), dict(base_lr=0.05, base_batch=128, batch=128)]
)
def test_scaled_lr_with_other_parameters(params):
    assert E.check_scaled_lr(sol.scaled_lr(**params), **params, quiet=True)
