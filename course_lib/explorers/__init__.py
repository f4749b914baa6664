"""Explorers: the interactive figures of the lessons (ipywidgets over pure, tested functions)."""
from __future__ import annotations

from course_lib.lazy import lazy_exports

#: exported name -> the module of this room that defines it
_EXPORTS = {
    'ParamSpec': 'widgets',
    'param_specs': 'widgets',
    'build_schedule': 'widgets',
    'GD_SCHEDULES': 'widgets',
    'PROBLEMS': 'widgets',
    'PROBLEM_DEFAULTS': 'widgets',
    'gd_schedule': 'widgets',
    'make_problem': 'widgets',
    'run_gd_experiment': 'widgets',
    'describe_run': 'widgets',
    'ScheduleExplorer': 'widgets',
    'GDExplorer': 'widgets',
    'CompareExplorer': 'widgets',
    'explore_schedules': 'widgets',
    'explore_gd': 'widgets',
    'explore_comparison': 'widgets',
    'ConventionsExplorer': 'widgets',
    'explore_conventions': 'widgets',
    'run_plateau_experiment': 'widgets',
    'describe_plateau': 'widgets',
    'PlateauExplorer': 'widgets',
    'explore_plateau': 'widgets',
    'RESULT_METRICS': 'widgets',
    'select_results': 'widgets',
    'describe_results': 'widgets',
    'ResultsExplorer': 'widgets',
    'explore_results': 'widgets',
    'run_large_batch_experiment': 'widgets',
    'describe_large_batch': 'widgets',
    'LargeBatchExplorer': 'widgets',
    'explore_large_batch': 'widgets',
    'figure_png': 'widgets',
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
