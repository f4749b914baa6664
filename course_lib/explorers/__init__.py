"""Explorers: the interactive figures of the lessons (ipywidgets over pure, tested functions).

One declarative base (``base``): each explorer declares its controls (``controls``: one spec,
one factory), a pure compute function (the experiments live in ``course_lib.studies``) and a
draw function that updates its figure in place (``course_lib.plotting.live``), rendered once
per change into a persistent image. One file per explorer: ``schedule``, ``gd``, ``compare``,
``conventions``, ``plateau``, ``results``, ``large_batch``, ``weight_decay``.
"""

from __future__ import annotations

from course_lib.lazy import lazy_exports

#: exported name -> the module of this room that defines it
_EXPORTS = {
    'Explorer': 'base',
    'Control': 'controls',
    'make_control': 'controls',
    'ParamSpec': 'controls',
    'param_specs': 'controls',
    'build_schedule': 'controls',
    'GD_SCHEDULES': 'controls',
    'gd_schedule': 'controls',
    'ScheduleExplorer': 'schedule',
    'explore_schedules': 'schedule',
    'GDExplorer': 'gd',
    'explore_gd': 'gd',
    'CompareExplorer': 'compare',
    'explore_comparison': 'compare',
    'ConventionsExplorer': 'conventions',
    'explore_conventions': 'conventions',
    'PlateauExplorer': 'plateau',
    'explore_plateau': 'plateau',
    'ResultsExplorer': 'results',
    'explore_results': 'results',
    'LargeBatchExplorer': 'large_batch',
    'explore_large_batch': 'large_batch',
    'WeightDecayExplorer': 'weight_decay',
    'explore_weight_decay': 'weight_decay',
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
