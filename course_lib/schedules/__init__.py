"""The schedule catalog: learning rate as a function of the step (NumPy only).

A schedule ``s`` is a small immutable callable. ``s(t)`` is the learning rate
for the update that follows ``t`` completed optimizer updates
(``t = 0, 1, 2, ...``), the convention of PyTorch, Keras and optax. ``t`` may be

* an int or a float (fractional steps, as SGDR allows): returns a ``float``;
* a numpy array of any shape: returns a float64 array of the same shape.

Every schedule is a frozen dataclass: it has a readable ``repr`` (handy for plot
titles), compares equal to an identical schedule, pickles, and exposes its
parameters as fields (widgets read them). Change one with
``dataclasses.replace(s, lr=0.2)``, never by mutation. Bad arguments raise
``ValueError``/``TypeError`` naming the argument, the value and what is allowed.

Where things are (one file per family, as optax):

* ``base`` - the :class:`Schedule` protocol, :func:`evaluate`, the shared argument checks;
* ``decay`` - constant, step, multistep, exponential, inverse time / sqrt, polynomial,
  linear, cosine, 1-sqrt, piecewise constant;
* ``cycles`` - cosine restarts (SGDR), cyclic, one-cycle;
* ``compose`` - the primitives :func:`ramp`, :func:`join`, :func:`scaled`, :func:`rescaled`
  and the composites built from them: :func:`warmup`, :func:`warmup_stable_decay`, :func:`noam`;
  timm's :func:`k_decay` (a decay's clock warped by a power) and :func:`noisy` (its seeded noise);
* ``momentum`` - momentum (or beta1) schedules;
* ``recipes`` - each shape fitted to (peak lr, T): :data:`STANDARD_SCHEDULES`, :func:`wsd_schedule`...;
* ``controls`` and ``registry`` - one row per schedule (:data:`REGISTRY`): factory, example,
  gallery picture, explorer controls, recipe (:func:`gd_schedule`). Add a schedule: its class + its row (README);
* ``groups`` - a rate per parameter group: :func:`discriminative_rates` (fastai's slice), :func:`layerwise_rates`;
* ``torch_bridge`` - :func:`as_torch_scheduler` drives any torch optimizer (imports torch,
  loaded only when you read ``schedules.as_torch_scheduler``);
* ``torch_twins`` - for each schedule class, torch's own scheduler giving the same rates (imports torch).

One vocabulary
--------------
A parameter has one name and one meaning across the catalog. Where another library names
it differently, the factories accept that name too (documented keyword aliases, listed at
the end of each factory's docstring), e.g. ``cosine_decay(0.1, T_max=100, eta_min=0.0)``::

    ours          meaning                               torch             Keras                   optax              Hugging Face
    ------------  ------------------------------------  ----------------  ----------------------  -----------------  ------------------
    lr            the peak (or initial) rate            the group's lr    initial_learning_rate   init_value         the optimizer's lr
    max_lr        the peak of one_cycle / cyclic        max_lr            -                       peak_value         -
    base_lr       cyclic's LOW end                      base_lr           -                       -                  -
    min_lr        where a decay ends (cosine, SGDR,     eta_min, min_lr   alpha * lr (a ratio)    end_value          lr_end,
     = end_lr      WSD: min_lr; polynomial, linear,                                                                  min_lr_ratio * lr
                   1-sqrt, exponential's floor:
                   end_lr; each takes both)
    total_steps   the horizon T where the decay ends    T_max,            decay_steps (Cosine-,   decay_steps,       num_training_steps
                                                        total_iters       PolynomialDecay)        transition_steps
    warmup_steps  the warm-up's length W                -                 warmup_steps            warmup_steps       num_warmup_steps
    decay_steps   exponential / inverse time / sqrt:    -                 decay_steps             transition_steps   -
                  a TIME CONSTANT (gamma ** (t / decay_steps));
                  WSD: the LENGTH D of the decay phase  -                 -                       -                  num_decay_steps
    gamma         factor per step (per step_size)       gamma             decay_rate              decay_rate         -
    cycle_steps   SGDR's first cycle                    T_0               first_decay_steps       -                  -
    cycle_mult    SGDR's growth of the cycles           T_mult            t_mul                   -                  -
    cycle_decay   SGDR's decay of the peaks             -                 m_mul                   -                  -
    anneal        one_cycle's shape, "cos" / "linear"   anneal_strategy   -                       -                  -
    decay         WSD's decay shape                     -                 -                       -                  decay_type
    k             k_decay's power on the clock          -                 -                       -                  -     (timm k_decay)

Decided, not renamed (so every repr, plot title, History config and notebook reads as
before): ``cyclic(base_lr, max_lr)`` keeps torch CyclicLR's names, where base_lr is the
*low* end; ``decay_steps`` keeps Keras' meaning (a time constant) in the three smooth
decays and Hugging Face's (a phase length) in WSD, each said in its class docstring;
``min_lr`` and ``end_lr`` are one concept, and every factory with a floor accepts both.
Steps are optimizer updates everywhere (never epochs).

>>> from course_lib import schedules as S
>>> s = S.step_decay(0.1, step_size=30)
>>> s
StepDecay(lr=0.1, step_size=30, gamma=0.1)
>>> s(29), round(s(30), 12)
(0.1, 0.01)
>>> S.linear_decay(0.1, 100, min_lr=0.01) == S.linear_decay(0.1, 100, end_lr=0.01)
True
"""

from __future__ import annotations

from typing import Any

from course_lib.schedules.base import Schedule, as_steps, evaluate, shaped_like
from course_lib.schedules.compose import (
    WSD_DECAYS,
    Composite,
    Join,
    KDecay,
    Noam,
    Noisy,
    Ramp,
    Rescaled,
    Scaled,
    Warmup,
    WarmupStableDecay,
    join,
    k_decay,
    noam,
    noisy,
    ramp,
    rescaled,
    scaled,
    warmup,
    warmup_stable_decay,
)
from course_lib.schedules.controls import ParamSpec
from course_lib.schedules.cycles import (
    CYCLIC_MODES,
    CosineRestarts,
    Cyclic,
    OneCycle,
    anneal,
    cosine_restarts,
    cyclic,
    one_cycle,
)
from course_lib.schedules.decay import (
    Constant,
    CosineDecay,
    ExponentialDecay,
    InverseSqrtDecay,
    InverseTimeDecay,
    LinearDecay,
    MultiStepDecay,
    OneMinusSqrtDecay,
    PiecewiseConstant,
    PolynomialDecay,
    StepDecay,
    constant,
    cosine_decay,
    exponential_decay,
    inverse_sqrt_decay,
    inverse_time_decay,
    linear_decay,
    multistep_decay,
    one_minus_sqrt_decay,
    piecewise_constant,
    polynomial_decay,
    step_decay,
)
from course_lib.schedules.groups import discriminative_rates, layerwise_rates
from course_lib.schedules.momentum import (
    ConstantMomentum,
    CyclicMomentum,
    OneCycleMomentum,
    constant_momentum,
    cyclic_momentum,
    effective_lr,
    one_cycle_momentum,
)
from course_lib.schedules.recipes import (
    STANDARD_SCHEDULES,
    budget_cut_schedules,
    constant_schedule,
    cosine_schedule,
    one_cycle_schedule,
    scaled_schedule,
    sgdr_schedule,
    step_schedule,
    warmup_cosine_schedule,
    wsd_schedule,
)
from course_lib.schedules.registry import (
    CATALOG,
    GD_SCHEDULES,
    MOMENTUM_CATALOG,
    REGISTRY,
    Entry,
    build_schedule,
    gallery,
    gd_schedule,
    param_specs,
)

__all__ = [
    "Schedule",
    "CATALOG",
    "MOMENTUM_CATALOG",
    "REGISTRY",
    "constant",
    "step_decay",
    "multistep_decay",
    "exponential_decay",
    "inverse_time_decay",
    "inverse_sqrt_decay",
    "polynomial_decay",
    "linear_decay",
    "cosine_decay",
    "one_minus_sqrt_decay",
    "cosine_restarts",
    "cyclic",
    "one_cycle",
    "noam",
    "piecewise_constant",
    "ramp",
    "warmup",
    "join",
    "warmup_stable_decay",
    "k_decay",
    "noisy",
    "scaled",
    "rescaled",
    "one_cycle_momentum",
    "cyclic_momentum",
    "constant_momentum",
    "effective_lr",
    "evaluate",
    "as_steps",
    "shaped_like",
    "anneal",
    "CYCLIC_MODES",
    "WSD_DECAYS",
    "ParamSpec",
    "param_specs",
    "build_schedule",
    "gallery",
    "Entry",
    "STANDARD_SCHEDULES",
    "GD_SCHEDULES",
    "gd_schedule",
    "budget_cut_schedules",
    "scaled_schedule",
    "constant_schedule",
    "step_schedule",
    "cosine_schedule",
    "warmup_cosine_schedule",
    "one_cycle_schedule",
    "sgdr_schedule",
    "wsd_schedule",
    "discriminative_rates",
    "layerwise_rates",
    "as_torch_scheduler",
    "CourseScheduler",
]


def __getattr__(name: str) -> Any:  # the torch twins load torch: only when asked for
    if name in ("as_torch_scheduler", "CourseScheduler"):
        from course_lib.schedules import torch_bridge

        return getattr(torch_bridge, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
