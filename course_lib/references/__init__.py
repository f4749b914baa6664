"""References: what others wrote, reproduced exactly so a lesson can compare the course with it.

The room, by source:

* ``libraries``: how torch, Keras, Hugging Face and timm step and name a schedule: their rules
  transcribed as functions of the step t (``torch_cosine_annealing``, ``keras_piecewise_constant``,
  ``timm_multistep``...), ``trace_torch_lrs`` (the rate each torch update really used) and
  ``convention_curves``/``convention_table`` (each library's rule next to the course's schedule).
  Needs torch, imported only when one of these names is first read.
* ``articles``: the formulas of the five articles the course corrects, as written, errors kept
  (``a000_exponential_decay`` ... ``a004_exponential_decay``). NumPy only. Do not train with them.
* ``concepts``: the course's own index, each term it defines -> the notebook section that defines
  it (``CONCEPTS``; tests/test_concept_order.py keeps the notebooks in that order).
* ``terminology``: each term in English and in the Chinese the translation uses, with the articles'
  own words and where they are wrong, and where Chinese readers meet it (``TERMS``, rows in
  ``terminology_table``); ``check_translation`` is the check the Chinese catalogs must pass.

Every name is read from the room (``references.trace_torch_lrs``); the module that defines it is
imported the first time it is read, so ``import course_lib.references`` does not import torch.

>>> from course_lib import references
>>> round(references.a003_decay_lr(10), 4), references.A003_CLAIMED_VALUE   # 0.1 * 0.95 ** 10 vs article 003
(0.0599, 0.003)
>>> [float(references.timm_multistep(t, 1.0, [5])) for t in (3, 4)]          # timm switches one step early
[1.0, 0.1]
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
    'torch_radam_rectification': 'libraries',
    'switch_steps': 'libraries',
    'FAMILIES': 'libraries',
    'FAMILY_DEFAULTS': 'libraries',
    'convention_curves': 'libraries',
    'convention_table': 'libraries',
    'Concept': 'concepts',
    'CONCEPTS': 'concepts',
    'Term': 'terminology',
    'TERMS': 'terminology',
    'TERMS_BY_EN': 'terminology',
    'SECTIONS': 'terminology',
    'SOURCES': 'terminology',
    'Problem': 'terminology',
    'find_terms': 'terminology',
    'check_translation': 'terminology',
    'catalog_entries': 'terminology',
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
