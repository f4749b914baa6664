"""A rate per parameter group: the spacings libraries use for discriminative (layer-wise) rates.

Fine-tuning a pretrained network usually gives the layers near the input, which hold general features,
smaller rates than the new head. Two spacings are common; both return one *peak* rate per group, ordered
from the input (group 0) to the output (group n-1), and each group then follows its own schedule
(``schedules.as_torch_scheduler(opt, [s0, s1, ...])``, one schedule per group, or torch's ``LambdaLR`` with
one lambda per group, which multiplies each group's own base rate).

>>> discriminative_rates(1e-5, 1e-3, 3).tolist()
[1e-05, 0.0001, 0.001]
>>> layerwise_rates(1e-3, 0.5, 3).tolist()
[0.00025, 0.0005, 0.001]
"""

from __future__ import annotations

import numpy as np

from course_lib.validation import check_int, check_positive, check_range

__all__ = ["discriminative_rates", "layerwise_rates"]


def discriminative_rates(low: float, high: float, n_groups: int) -> np.ndarray:
    """fastai's ``slice(low, high)``: rates spaced geometrically from ``low`` (first group) to ``high`` (last).

    ``rate_i = low * (high / low) ** (i / (n_groups - 1))``, i = 0 .. n-1 (fastai's ``even_mults``;
    one group gets ``high``). Units: the rate, per update.

    Args:
        low: the first (input-side) group's rate (> 0); high: the last group's rate (>= low).
        n_groups: the number of parameter groups (>= 1).

    >>> discriminative_rates(1e-4, 1e-2, 5).round(6).tolist()
    [0.0001, 0.000316, 0.001, 0.003162, 0.01]
    """
    low, high = check_positive("low", low), check_positive("high", high)
    n_groups = check_int("n_groups", n_groups, minimum=1)
    if high < low:
        raise ValueError(f"high must be >= low, got low={low}, high={high}")
    if n_groups == 1:
        return np.array([high])
    return low * (high / low) ** (np.arange(n_groups) / (n_groups - 1))


def layerwise_rates(top: float, decay: float, n_groups: int) -> np.ndarray:
    """Layer-wise rate decay (LLRD, as in BERT/ELECTRA/BEiT fine-tuning): ``rate_i = top * decay ** (n-1-i)``.

    The last group (the head) gets ``top``; each group closer to the input ``decay`` times less.

    Args:
        top: the head's rate (> 0); decay: the factor per group in (0, 1]; n_groups: >= 1.

    >>> layerwise_rates(1.0, 0.1, 3).tolist()
    [0.010000000000000002, 0.1, 1.0]
    """
    top = check_positive("top", top)
    decay = check_range("decay", decay, 0.0, 1.0, low_open=True)
    n_groups = check_int("n_groups", n_groups, minimum=1)
    return top * decay ** np.arange(n_groups - 1, -1, -1, dtype=float)
