"""Studies: the measurements and multi-seed comparisons the lessons run and assert on."""
from __future__ import annotations

from course_lib.lazy import lazy_exports

#: exported name -> the module of this room that defines it
_EXPORTS = {
    'excess_loss': 'experiments',
    'late_excess_loss': 'experiments',
    'steps_to_tolerance': 'experiments',
    'partial_sums': 'experiments',
    'Budget': 'experiments',
    'STANDARD_SCHEDULES': 'experiments',
    'constant_schedule': 'experiments',
    'step_schedule': 'experiments',
    'cosine_schedule': 'experiments',
    'warmup_cosine_schedule': 'experiments',
    'one_cycle_schedule': 'experiments',
    'sgdr_schedule': 'experiments',
    'wsd_schedule': 'experiments',
    'run_score': 'experiments',
    'LRSweep': 'experiments',
    'tune_lr': 'experiments',
    'Comparison': 'experiments',
    'compare_schedules': 'experiments',
    'axis_progress': 'experiments',
    'sharpness': 'experiments',
    'SharpnessTrace': 'experiments',
    'sharpness_during_training': 'experiments',
    'adam_update_sizes': 'experiments',
    'first_step_ratio': 'experiments',
    'early_spike': 'experiments',
    'budget_cut_schedules': 'experiments',
}
# defined in a sibling room for now (absolute: course_lib.<room>.<module>)
_OTHER = {
    'run_plateau_experiment': 'studies.plateau_study',
    'describe_plateau': 'studies.plateau_study',
    'run_large_batch_experiment': 'studies.large_batch_study',
    'describe_large_batch': 'studies.large_batch_study',
    'PROBLEMS': 'studies.gd_study',
    'PROBLEM_DEFAULTS': 'studies.gd_study',
    'make_problem': 'studies.gd_study',
    'run_gd_experiment': 'studies.gd_study',
    'describe_run': 'studies.gd_study',
    'RESULT_METRICS': 'studies.results_study',
    'select_results': 'studies.results_study',
    'describe_results': 'studies.results_study',
}

__all__ = sorted(_EXPORTS) + sorted(_OTHER)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
_other_getattr, _ = lazy_exports("course_lib", _OTHER)
_own_getattr = __getattr__

def __getattr__(name: str):  # noqa: F811
    return _other_getattr(name) if name in _OTHER else _own_getattr(name)
