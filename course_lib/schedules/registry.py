"""The registry: one row per schedule, and what reads it.

A row (:class:`Entry`) holds every fact about a schedule that used to live in five
tables: its factory, the example the tests build, the picture(s) of the gallery, the
explorer controls that differ from the vocabulary's (:data:`~course_lib.schedules.controls.CONTROLS`),
and its recipe "shape fitted to (peak lr, T)" (:mod:`~course_lib.schedules.recipes`).
The torch scheduler that gives a schedule's rates (its twin) lives beside the torch bridge,
in :mod:`~course_lib.schedules.torch_twins`. Adding a schedule = its class + its row here.

Readers: :data:`CATALOG` (the schedules explorer's list), :func:`param_specs` and
:func:`build_schedule` (the explorers' controls), :func:`gallery` (figures/), the tests
(the examples).

>>> REGISTRY["cosine_decay"].make()
CosineDecay(lr=0.1, total_steps=50, min_lr=0.0)
>>> s = build_schedule("cosine_decay", {"lr": 0.1, "total_steps": 500})
>>> s
CosineDecay(lr=0.1, total_steps=500, min_lr=0.0)
>>> build_schedule("warmup_stable_decay", {"total_steps": 100, "warmup_steps": 60, "decay_steps": 60})[:60]
'Cannot build warmup_stable_decay: warmup_steps + decay_steps'
>>> sorted(param_specs("step_decay", 300))
['gamma', 'lr', 'step_size']
>>> param_specs("step_decay", 300)["step_size"].high
300
"""

from __future__ import annotations

import dataclasses
import inspect
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from course_lib.schedules import recipes as R
from course_lib.schedules.base import Schedule
from course_lib.schedules.compose import k_decay, noam, noisy, warmup, warmup_stable_decay
from course_lib.schedules.controls import CONTROLS, ParamSpec, control_value, fallback_spec, resolve
from course_lib.schedules.cycles import cosine_restarts, cyclic, one_cycle
from course_lib.schedules.decay import (
    constant,
    cosine_decay,
    exponential_decay,
    inverse_sqrt_decay,
    inverse_time_decay,
    linear_decay,
    multistep_decay,
    piecewise_constant,
    polynomial_decay,
    step_decay,
)
from course_lib.schedules.momentum import constant_momentum, cyclic_momentum, one_cycle_momentum
from course_lib.validation import check_in, check_int, check_positive

__all__ = [
    "Entry",
    "REGISTRY",
    "CATALOG",
    "MOMENTUM_CATALOG",
    "param_specs",
    "build_schedule",
    "gallery",
    "GD_SCHEDULES",
    "gd_schedule",
]


@dataclass(frozen=True)
class Entry:
    """One schedule's row.

    Attributes:
        name: the catalog name (the factory's name).
        factory: builds the schedule (``schedules.<name>``).
        example: small parameters the tests build it with (``make()``).
        gallery: n_steps -> {label: schedule}: its picture(s) in figures/schedule_gallery.png.
        controls: explorer controls that differ from the vocabulary's ``CONTROLS[param]``.
        fit: its recipe ``(lr, total_steps) -> Schedule``, or None.
        note: what the recipe does, in a few words; a row with a recipe and a note is offered
            by the GD explorers (:data:`GD_SCHEDULES`, the note is its label).
        catalog: False for compositions (warmup), which the catalog and explorers leave out.
    """

    name: str
    factory: Callable[..., Schedule]
    example: Mapping[str, Any]
    gallery: Callable[[int], Mapping[str, Schedule]]
    controls: Mapping[str, ParamSpec] = field(default_factory=dict)
    fit: Callable[[float, int], Schedule] | None = None
    note: str = ""
    catalog: bool = True

    def make(self, **overrides: Any) -> Schedule:
        """The example schedule (``overrides`` replace some of its parameters)."""
        return self.factory(**{**self.example, **overrides})

    @property
    def schedule_class(self) -> type[Schedule]:
        """The class the row's factory builds (``History.schedule`` configs name it)."""
        return type(self.make())

    def specs(self, n_steps: int) -> dict[str, ParamSpec]:
        """One control per factory parameter, in signature order, for a run of n_steps.

        A parameter starts at the control's default, else the factory's; a required one
        the control gives no default starts where the row's recipe puts it for this run
        (or, without a recipe, at the example's value).
        """
        out = {}
        for p, param in inspect.signature(self.factory).parameters.items():
            spec = self.controls.get(p, CONTROLS.get(p))
            required = param.default is inspect.Parameter.empty
            default = None if required else param.default
            if required and (spec is None or (spec.default is None and spec.per_run is None)):
                default = self.suggested(p, n_steps)
            out[p] = fallback_spec(p, default) if spec is None else resolve(spec, p, n_steps, default)
        return out

    def suggested(self, param: str, n_steps: int) -> Any:
        """A starting value for ``param``: the recipe's for a run of n_steps at lr 0.1, else the example's."""
        try:
            fitted = self.fit(CONTROLS["lr"].default, n_steps) if self.fit is not None else None
        except (ValueError, TypeError):  # a recipe for longer runs
            fitted = None
        if isinstance(fitted, Schedule) and param in {f.name for f in dataclasses.fields(fitted)}:
            return getattr(fitted, param)
        return self.example.get(param)


def _steps(name: str, per_run: int, low: int = 1) -> ParamSpec:
    return dataclasses.replace(CONTROLS[name], per_run=per_run, low=low)


_ROWS = [
    Entry(
        "constant",
        constant,
        dict(lr=0.1),
        lambda n: {"constant": constant(0.1)},
        fit=R.constant_schedule,
        note="lr",
    ),
    Entry(
        "step_decay",
        step_decay,
        dict(lr=0.1, step_size=10),
        lambda n: {"step_decay": step_decay(0.1, step_size=300, gamma=0.3)},
        fit=R.step_thirds_schedule,
        note="lr x 0.1 every n/3 steps",
    ),
    Entry(
        "multistep_decay",
        multistep_decay,
        dict(lr=0.1, milestones=[10, 30]),
        lambda n: {"multistep_decay": multistep_decay(0.1, [500, 800])},
        fit=R.step_schedule,
    ),
    Entry(
        "exponential_decay",
        exponential_decay,
        dict(lr=0.1, gamma=0.95),
        lambda n: {
            "exponential_decay": exponential_decay(0.1, 0.997),
            "exponential (staircase)": exponential_decay(0.1, 0.7, decay_steps=100, staircase=True),
            "exponential (delay, floor)": exponential_decay(
                0.1, 0.9, decay_steps=20, transition_begin=200, end_lr=0.02
            ),
        },
        controls={"gamma": dataclasses.replace(CONTROLS["gamma"], default=0.5)},
        fit=R.exponential_schedule,
        note="lr -> lr/100 over n steps",
    ),
    Entry(
        "inverse_time_decay",
        inverse_time_decay,
        dict(lr=0.1, decay_rate=0.5),
        lambda n: {"inverse_time_decay": inverse_time_decay(0.1, 0.01)},
        fit=R.inverse_time_schedule,
        note="lr / (1 + 10 t / n)",
    ),
    Entry(
        "inverse_sqrt_decay",
        inverse_sqrt_decay,
        dict(lr=0.1, decay_rate=0.5),
        lambda n: {"inverse_sqrt_decay": inverse_sqrt_decay(0.1, 0.05)},
    ),
    Entry(
        "polynomial_decay",
        polynomial_decay,
        dict(lr=0.1, total_steps=50, power=2.0),
        lambda n: {"polynomial_decay": polynomial_decay(0.1, n, power=2.0)},
    ),
    Entry(
        "linear_decay",
        linear_decay,
        dict(lr=0.1, total_steps=50),
        lambda n: {"linear_decay": linear_decay(0.1, n)},
        fit=R.linear_decay_schedule,
        note="lr -> 0 over n steps",
    ),
    Entry(
        "cosine_decay",
        cosine_decay,
        dict(lr=0.1, total_steps=50),
        lambda n: {"cosine_decay": cosine_decay(0.1, n)},
        fit=R.cosine_schedule,
        note="cosine lr -> 0 over n steps",
    ),
    Entry(
        "cosine_restarts",
        cosine_restarts,
        dict(lr=0.1, cycle_steps=10, cycle_mult=2),
        lambda n: {"cosine_restarts": cosine_restarts(0.1, 100, cycle_mult=2)},
        fit=R.restarts_schedule,
        note="cosine restarts every n/4",
    ),
    Entry(
        "cyclic",
        cyclic,
        dict(base_lr=0.01, max_lr=0.1, step_size_up=5),
        lambda n: {"cyclic": cyclic(0.01, 0.1, step_size_up=100, mode="triangular2")},
        fit=R.cyclic_schedule,
        note="triangle lr/10 .. lr, period n/5",
    ),
    Entry(
        "one_cycle",
        one_cycle,
        dict(max_lr=0.1, total_steps=50),
        lambda n: {"one_cycle": one_cycle(0.1, n)},
        controls={"total_steps": _steps("total_steps", 1, low=2)},
        fit=R.one_cycle_schedule,
        note="1cycle with peak lr",
    ),
    Entry("noam", noam, dict(lr=0.1, warmup_steps=10), lambda n: {"noam": noam(0.1, 100)}),
    Entry(
        "piecewise_constant",
        piecewise_constant,
        dict(boundaries=[10, 20], values=[0.1, 0.05, 0.01]),
        lambda n: {"piecewise_constant": piecewise_constant([200, 600], [0.05, 0.1, 0.01])},
    ),
    Entry(
        "warmup",
        warmup,
        dict(schedule=cosine_decay(0.1, 40), warmup_steps=10),
        lambda n: {"warmup + cosine": warmup(cosine_decay(0.1, n - 100), 100)},
        fit=R.warmup_cosine_schedule,
        note="warm-up n/10, then cosine",
        catalog=False,
    ),
    Entry(
        "warmup_stable_decay",
        warmup_stable_decay,
        dict(lr=0.1, total_steps=50, warmup_steps=5, decay_steps=10),
        lambda n: {"warmup_stable_decay": warmup_stable_decay(0.1, n, 100, 200, decay="1-sqrt")},
        controls={"warmup_steps": _steps("warmup_steps", 10, low=0), "decay_steps": _steps("decay_steps", 5)},
        fit=R.wsd_schedule,
        note="WSD: warm-up n/10, decay last n/5",
    ),
    Entry(
        "k_decay",
        k_decay,
        dict(schedule=cosine_decay(0.1, 50), k=2.0),
        lambda n: {"k_decay (timm, k=2)": k_decay(cosine_decay(0.1, n), 2.0)},
        catalog=False,
    ),
    Entry(
        "noisy",
        noisy,
        dict(schedule=cosine_decay(0.1, 50), noise_range=(10, 40)),
        lambda n: {"noisy (timm noise)": noisy(cosine_decay(0.1, n), (n // 10, 9 * n // 10), noise_pct=0.2)},
        catalog=False,
    ),
]

#: name -> row, for every schedule (compositions too, with catalog=False).
REGISTRY: dict[str, Entry] = {row.name: row for row in _ROWS}

#: name -> factory, for every learning-rate schedule (composition excluded).
CATALOG: dict[str, Callable[..., Schedule]] = {row.name: row.factory for row in _ROWS if row.catalog}

#: name -> factory for momentum schedules.
MOMENTUM_CATALOG: dict[str, Callable[..., Schedule]] = {
    "constant_momentum": constant_momentum,
    "one_cycle_momentum": one_cycle_momentum,
    "cyclic_momentum": cyclic_momentum,
}


#: The GD explorers' schedules: every row with a recipe and a note, name -> what the recipe does.
GD_SCHEDULES: dict[str, str] = {row.name: row.note for row in _ROWS if row.fit is not None and row.note}


def gd_schedule(name: str, lr: float, n_steps: int) -> Schedule:
    """The recipe of row ``name`` (a key of :data:`GD_SCHEDULES`): peak rate ``lr``, fitted to ``n_steps``.

    Args:
        name: a key of GD_SCHEDULES.
        lr: the peak learning rate (> 0).
        n_steps: the run length in steps (>= 2).

    Raises:
        ValueError: unknown name, lr <= 0 or n_steps < 2.

    >>> gd_schedule("cyclic", 0.5, 100)
    Cyclic(base_lr=0.05, max_lr=0.5, step_size_up=10, step_size_down=None, mode='triangular', gamma=1.0)
    """
    check_in("name", name, tuple(GD_SCHEDULES))
    lr = check_positive("lr", lr)
    n_steps = check_int("n_steps", n_steps, minimum=2)
    return REGISTRY[name].fit(lr, n_steps)


def gallery(n_steps: int = 1000) -> dict[str, Schedule]:
    """One example of every schedule (rows in order), for a picture of n_steps steps."""
    return {label: s for row in _ROWS for label, s in row.gallery(n_steps).items()}


def _entry(schedule: str | Callable[..., Schedule]) -> Entry:
    if isinstance(schedule, str):
        check_in("schedule", schedule, tuple(CATALOG))
        return REGISTRY[schedule]
    if not callable(schedule):
        raise TypeError(f"schedule must be a catalog name or a schedule factory, got schedule={schedule!r}")
    for row in _ROWS:
        if row.factory is schedule:
            return row
    return Entry(getattr(schedule, "__name__", "schedule"), schedule, {}, lambda n: {})


def param_specs(factory: str | Callable[..., Schedule], n_steps: int = 1000) -> dict[str, ParamSpec]:
    """One :class:`ParamSpec` per parameter of a schedule factory, from its signature.

    Ranges follow the parameter's name (one vocabulary): rates (lr, max_lr, base_lr) get
    a log slider 1e-4 .. 1, step counts an int slider 1 .. n_steps, gamma (0.01 .. 1],
    power 0.1 .. 5, mode/anneal/decay a dropdown of the allowed options, bools a checkbox,
    milestones/boundaries/values a text field of comma-separated numbers; a registry row
    overrides the few that differ for its schedule.

    Args:
        factory: a factory from ``CATALOG`` or its name.
        n_steps: the number of steps the schedule will be drawn over (>= 2).

    Returns:
        A dict parameter name -> ParamSpec, in signature order.

    Raises:
        ValueError: an unknown catalog name or n_steps < 2.
    """
    n_steps = check_int("n_steps", n_steps, minimum=2)
    return _entry(factory).specs(n_steps)


def build_schedule(
    name: str, values: Mapping[str, Any] | None = None, *, n_steps: int = 1000, warmup_steps: int = 0
) -> Schedule | str:
    """Build a catalog schedule from control values; a readable message instead of an error.

    Never raises for values the controls of :func:`param_specs` can produce: a
    combination the schedule refuses (warmup_steps + decay_steps > total_steps,
    base_lr > max_lr, unparsable milestones...) returns "Cannot build <name>: <why>".

    Args:
        name: a key of ``CATALOG``.
        values: parameter name -> control value; missing ones take the spec default.
        n_steps: the step range the defaults are chosen for (>= 2).
        warmup_steps: if > 0, wrap the schedule in a linear warm-up of that many steps.

    Returns:
        The Schedule, or a message string.

    Raises:
        ValueError: an unknown schedule name or parameter name (programming errors,
            not control values).
    """
    specs = param_specs(name, n_steps)
    values = dict(values or {})
    unknown = sorted(set(values) - set(specs))
    if unknown:
        raise ValueError(f"values has unknown parameters {unknown} for {name}; allowed: {list(specs)}")
    try:
        kwargs = {p: control_value(spec, values.get(p, spec.default)) for p, spec in specs.items()}
        schedule = CATALOG[name](**kwargs)
        if warmup_steps:
            schedule = warmup(schedule, int(warmup_steps))
    except (ValueError, TypeError, OverflowError) as err:
        return f"Cannot build {name}: {err}"
    return schedule
