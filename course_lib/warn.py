"""Warnings that point at the learner's line, not at course_lib's insides.

``warnings.warn(message, category, stacklevel=n)`` blames the frame ``n`` levels up; a fixed
``n`` is right for one call path only (a notebook cell calling ``train_torch`` directly is
blamed on IPython or pytest when the path is one frame shorter). :func:`warn` walks the stack
instead and blames the first frame outside the course_lib package: the learner's cell, script
or test. Every warning course_lib raises goes through it, with a :class:`CourseWarning`
category, so the explorers can tell the course's own warnings from third-party noise.

>>> import warnings
>>> with warnings.catch_warnings(record=True) as caught:
...     warnings.simplefilter("always")
...     warn("the schedule ends early", CourseWarning)
>>> caught[0].filename.startswith("<doctest")   # this example's own line, not warn.py
True
"""

from __future__ import annotations

import os
import sys
import warnings

__all__ = ["CourseWarning", "warn", "outside_stacklevel", "PACKAGE_DIR"]

#: the course_lib package directory: frames whose file is inside it are course_lib's own.
PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


class CourseWarning(UserWarning):
    """Base of the warnings course_lib raises (a learner's or a lesson's mistake it noticed)."""


def _inside_package(filename: str) -> bool:
    path = os.path.abspath(filename)
    return path == PACKAGE_DIR or path.startswith(PACKAGE_DIR + os.sep)


def outside_stacklevel() -> int:
    """The ``stacklevel`` that makes ``warnings.warn``, called by this function's caller, blame
    the first frame outside course_lib (counted as ``warnings.warn`` counts: 1 = that caller).

    When every frame is inside course_lib (a module-level call while importing it), the
    outermost frame is blamed.
    """
    frame = sys._getframe(1)  # the caller of outside_stacklevel: stacklevel 1
    level = 1
    while frame is not None and _inside_package(frame.f_code.co_filename):
        if frame.f_back is None:
            return level
        frame = frame.f_back
        level += 1
    return level


def warn(message: str, category: type[Warning] = CourseWarning) -> None:
    """``warnings.warn(message, category)`` attributed to the first frame outside course_lib.

    Args:
        message: what happened and what to do about it (steps, not epochs).
        category: a Warning subclass, normally a :class:`CourseWarning` (e.g. HorizonWarning).
    """
    if not (isinstance(category, type) and issubclass(category, Warning)):
        raise TypeError(f"category must be a Warning subclass, got category={category!r}")
    warnings.warn(message, category, stacklevel=outside_stacklevel())
