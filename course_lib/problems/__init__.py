"""Objectives a learner can see: 2-D surfaces, noisy regressions and small data sets (numpy only).

Every problem is a :class:`Problem`: a loss ``f(w)`` with its exact (analytic) gradient, a
default start ``w0``, a global minimiser ``minimum`` and its loss ``min_loss``. ``loss`` and
``grad`` are vectorised: ``w`` of shape ``(dim,)`` gives a float and a ``(dim,)`` array; ``w``
of shape ``(..., dim)`` gives arrays of shape ``(...)`` and ``(..., dim)``, so a contour plot
is one call::

    X, Y = np.meshgrid(np.linspace(*p.bounds[0], 200), np.linspace(*p.bounds[1], 200))
    Z = p.loss(np.stack([X, Y], axis=-1))

The room, by concept:

* ``base``: :class:`Problem` and the helpers every problem shares.
* ``surfaces``: 2-D landscapes: :func:`quadratic_bowl`, :func:`rosenbrock`, :func:`multi_basin`.
* ``regression``: :func:`noisy_least_squares`, :func:`logistic_regression`.
* ``datasets``: :class:`Dataset`, :func:`split`, spirals, moons, a teacher network (and
  :func:`transfer_tasks`, a pre-training and a fine-tuning task from one teacher),
  :func:`load_digits` (for the torch models).
* ``text``: a generated text corpus for a small language model: :func:`lm_dataset` (a mixture
  of Markov chains, the same tokens on every machine) and its loss levels (unigram, bigram, the
  source's own :meth:`TopicMarkovSource.bayes_loss`).

Stochastic problems (:class:`MultiBasin`, :class:`NoisyLeastSquares`,
:class:`LogisticRegression`) also have ``stochastic_grad(w, rng, batch_size)`` and
``n_samples``; deterministic ones (:class:`Quadratic`, :class:`Rosenbrock`) have no
``stochastic_grad`` at all, so a trainer asked for mini-batches on them fails loudly instead
of silently using the exact gradient.

>>> import numpy as np
>>> from course_lib import problems
>>> p = problems.quadratic_bowl(condition_number=10.0, L=1.0)
>>> p.stability_limit, p.optimal_lr
(2.0, 1.8181818181818181)
>>> float(p.loss(p.minimum)), p.grad(np.array([1.0, 1.0])).tolist()
(0.0, [1.0, 0.1])
"""

from __future__ import annotations

from course_lib.problems.base import Problem
from course_lib.problems.datasets import (
    Dataset,
    load_digits,
    make_moons,
    make_spirals,
    moons_dataset,
    spirals_dataset,
    split,
    teacher_student,
    teacher_student_dataset,
    transfer_tasks,
)
from course_lib.problems.regression import (
    LogisticRegression,
    NoisyLeastSquares,
    logistic_regression,
    noisy_least_squares,
)
from course_lib.problems.surfaces import MultiBasin, Quadratic, Rosenbrock, multi_basin, quadratic_bowl, rosenbrock
from course_lib.problems.text import (
    TopicMarkovSource,
    bigram_loss,
    lm_dataset,
    token_digest,
    topic_markov_source,
    unigram_loss,
)

__all__ = [
    "Problem",
    "Quadratic",
    "Rosenbrock",
    "MultiBasin",
    "NoisyLeastSquares",
    "LogisticRegression",
    "quadratic_bowl",
    "rosenbrock",
    "multi_basin",
    "noisy_least_squares",
    "logistic_regression",
    "Dataset",
    "split",
    "make_spirals",
    "make_moons",
    "teacher_student",
    "spirals_dataset",
    "moons_dataset",
    "teacher_student_dataset",
    "transfer_tasks",
    "load_digits",
    "TopicMarkovSource",
    "topic_markov_source",
    "lm_dataset",
    "unigram_loss",
    "bigram_loss",
    "token_digest",
]
