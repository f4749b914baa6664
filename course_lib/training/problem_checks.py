"""Checks of a learner's own problem before a run: its loss and gradient have the shapes the loop needs.

A problem not from course_lib (a class written in a notebook) is called once before the run
(:func:`check_learner_problem`): its loss must give a number at a point and the same numbers,
vectorised, at several points; its gradient a vector of the problem's dimension. Without the
check a loss returning one number for a whole path gave a History of 5 rates and 1 loss.

>>> import numpy as np
>>> class Bowl:  # a learner's problem that is not vectorised
...     dim, w0 = 2, np.array([1.0, 1.0])
...     def loss(self, w): return float(np.sum(w**2))
...     def grad(self, w): return 2 * w
>>> check_learner_problem(Bowl(), Bowl.w0)  # doctest: +ELLIPSIS
Traceback (most recent call last):
    ...
ValueError: problem.loss(w) must return shape (2,), got shape (); a problem's loss and grad are vectorised...
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from course_lib.validation import check_real_array

__all__ = ["check_learner_problem", "real_values"]

_VECTORISED = "e.g. np.sum(w**2, axis=-1), not np.sum(w**2); w[..., 0], not w[0]"


def real_values(what: str, value: Any, shape: tuple[int, ...]) -> np.ndarray:
    """A learner function's return as a float64 array of ``shape``, or a ValueError/TypeError naming it."""
    try:
        out = check_real_array(what, value)
    except TypeError:
        raise TypeError(f"{what} must return real numbers, got {value!r} ({type(value).__name__})") from None
    if out.shape != shape:
        raise ValueError(
            f"{what} must return shape {shape}, got shape {out.shape}; a problem's loss and grad "
            f"are vectorised: a point of shape (dim,) gives a number and a gradient of shape (dim,), points "
            f"of shape (k, dim) give k losses ({_VECTORISED})"
        )
    return out


def check_learner_problem(problem: Any, start: np.ndarray) -> Callable[[Any], np.ndarray]:
    """Call a problem not from course_lib once before the run: loss a number at a point and k numbers
    (the same ones) at k points, grad of shape (dim,). Returns a checker of each gradient it gives."""
    dim = len(start)
    points = np.stack([start, start + 1.0])
    one = real_values("problem.loss(w)", problem.loss(start.copy()), ())
    try:
        both = problem.loss(points.copy())
    except Exception as err:
        raise ValueError(
            f"problem.loss must accept points of shape (k, {dim}) and return k losses ({_VECTORISED}); "
            f"problem.loss(points of shape (2, {dim})) raised {type(err).__name__}: {err}"
        ) from err
    both = real_values("problem.loss(w)", both, (2,))
    second = real_values("problem.loss(w)", problem.loss(points[1].copy()), ())
    if not np.allclose(both, [one, second], rtol=1e-6, atol=0, equal_nan=True):
        raise ValueError(
            f"problem.loss is not vectorised: the losses of two points, {[float(one), float(second)]}, "
            f"differ from problem.loss of both at once, {both.tolist()} ({_VECTORISED})"
        )

    def grad_checked(g: Any) -> np.ndarray:
        return real_values("problem.grad(w)", g, (dim,))

    return grad_checked
