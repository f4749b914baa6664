"""Moved to :mod:`course_lib.schedules.torch_bridge` (also ``schedules.as_torch_scheduler``); kept for old imports."""
from course_lib.schedules.torch_bridge import CourseScheduler, as_torch_scheduler

__all__ = ["CourseScheduler", "as_torch_scheduler"]
