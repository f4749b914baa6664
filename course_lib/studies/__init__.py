"""Studies: the measurements and multi-seed comparisons the lessons run and assert on.

``measures`` (one number from a History: excess loss, steps to a tolerance, partial sums,
progress per axis, the early spike), ``comparison`` (Budget, tune_lr, compare_schedules),
``warmup`` (sharpness, Adam's first steps), ``language_model`` (a small Transformer LM on generated
text under a schedule, over seeds).
"""
from __future__ import annotations

from course_lib.lazy import lazy_exports

#: exported name -> the module of this room that defines it
_EXPORTS = {
    'check_history': 'measures',
    'excess_loss': 'measures',
    'late_excess_loss': 'measures',
    'steps_to_tolerance': 'measures',
    'partial_sums': 'measures',
    'axis_progress': 'measures',
    'early_spike': 'measures',
    'Budget': 'comparison',
    'run_score': 'comparison',
    'LRSweep': 'comparison',
    'tune_lr': 'comparison',
    'Comparison': 'comparison',
    'compare_schedules': 'comparison',
    'sharpness': 'warmup',
    'SharpnessTrace': 'warmup',
    'sharpness_during_training': 'warmup',
    'adam_update_sizes': 'warmup',
    'first_step_ratio': 'warmup',
    'LMSetup': 'language_model',
    'train_lm': 'language_model',
    'run_lm_schedules': 'language_model',
    'first_step_below': 'language_model',
    'paired_drop': 'language_model',
}
# defined in a sibling room for now (absolute: course_lib.<room>.<module>)
_OTHER = {
    'run_plateau_experiment': 'explorers.widgets',
    'describe_plateau': 'explorers.widgets',
    'run_large_batch_experiment': 'explorers.widgets',
    'describe_large_batch': 'explorers.widgets',
}

__all__ = sorted(_EXPORTS) + sorted(_OTHER)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
_other_getattr, _ = lazy_exports("course_lib", _OTHER)
_own_getattr = __getattr__

def __getattr__(name: str):  # noqa: F811
    return _other_getattr(name) if name in _OTHER else _own_getattr(name)
