"""The generic checks: check_value, check_choice, check_schedule_function."""

from __future__ import annotations

import numpy as np
import torch

from course_lib import exercises as E
from course_lib import schedules as S


def test_accepted_variants():
    assert E.check_value(torch.tensor(0.5), 0.5, quiet=True)
    assert E.check_value(np.float32(0.5), 0.5, rtol=1e-6, quiet=True)
    assert E.check_value([1, 2, 3], np.array([1.0, 2.0, 3.0]), quiet=True)
    assert E.check_choice("  COSINE ", "cosine", ["step", "cosine"], quiet=True)
    assert E.check_choice("b)", "cosine", ["step", "cosine"], quiet=True)
    assert E.check_choice(2, 2, [1, 2, 3], quiet=True)
    assert E.check_schedule_function(S.cosine_decay(0.1, 50), S.cosine_decay(0.1, 50), steps=[0, 10, 60], quiet=True)
