"""References: other libraries' rules and the articles' formulas, reproduced to compare with.

``libraries``: how torch, Keras, Hugging Face, timm step and name a schedule.
``articles``: the formulas of the five articles the course corrects, as written (errors kept).
"""
from __future__ import annotations

from course_lib.lazy import lazy_exports

#: exported name -> the module of this room that defines it
_EXPORTS = {
    'a000_exponential_decay': 'articles',
    'a000_ema_decay': 'articles',
    'a001_exponential_decay': 'articles',
    'a001_linear_decay': 'articles',
    'a001_gradient_based_decay': 'articles',
    'a001_dynamic_listing': 'articles',
    'a002_warmup': 'articles',
    'a002_decay': 'articles',
    'a003_decay_lr': 'articles',
    'A003_CLAIMED_VALUE': 'articles',
    'a004_exponential_decay': 'articles',
    'LRTrace': 'libraries',
    'trace_torch_lrs': 'libraries',
    'ORDERS': 'libraries',
    'torch_cosine_annealing': 'libraries',
    'hf_cosine_with_warmup': 'libraries',
    'torch_one_cycle': 'libraries',
    'torch_multistep': 'libraries',
    'keras_piecewise_constant': 'libraries',
    'timm_multistep': 'libraries',
    'keras_legacy_decay': 'libraries',
    'switch_steps': 'libraries',
    'FAMILIES': 'libraries',
    'FAMILY_DEFAULTS': 'libraries',
    'convention_curves': 'libraries',
    'convention_table': 'libraries',
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
