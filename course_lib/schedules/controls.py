"""How an explorer shows a schedule parameter: plain data, no widget library.

A :class:`ParamSpec` says which control a parameter gets (a log slider, a slider, a
dropdown...) and its range. :data:`CONTROLS` holds one per parameter name of the
schedules' vocabulary (the names mean the same thing in every schedule, so they get the
same control); a registry row overrides the few that differ for its schedule.
Step counts are given relative to the run: ``per_run=k`` makes the default
``max(n_steps // k, 1)`` and the slider run up to ``n_steps``.

>>> resolve(CONTROLS["step_size"], "step_size", 300)
ParamSpec(name='step_size', kind='int', default=75, low=1, high=300, step=1, options=(), help='step_size, in steps (optimizer updates)', per_run=None)
>>> parse_numbers("milestones", "300, 600")
(300, 600)
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any

from course_lib.schedules.compose import WSD_DECAYS
from course_lib.schedules.cycles import CYCLIC_MODES

__all__ = ["ParamSpec", "KINDS", "CONTROLS", "NO_DEFAULT", "resolve", "fallback_spec", "parse_numbers", "control_value"]

#: The kinds of control.
KINDS = ("log", "float", "int", "optional_int", "choice", "bool", "text")

#: ``ParamSpec.default`` that means: the factory's own default for that parameter.
NO_DEFAULT = None


@dataclass(frozen=True)
class ParamSpec:
    """What control a schedule parameter gets, and its range.

    Attributes:
        name: the factory's parameter name.
        kind: "log" (log-scale float slider), "float", "int", "optional_int" (int
            slider where 0 means None), "choice" (dropdown), "bool" (checkbox) or
            "text" (numbers separated by commas, e.g. milestones).
        default: the control's starting value (for "text": the text); None in
            :data:`CONTROLS` means the factory's default.
        low, high: slider range (values, not exponents, for "log"); None otherwise
            (for step counts high=None means "the run's n_steps").
        step: slider step (for "log": step of the base-10 exponent).
        options: the allowed values of a "choice".
        help: a short explanation shown as the control's tooltip.
        per_run: step counts only: the default is n_steps // per_run (at least 1);
            for "text", per_run - 1 evenly spaced steps. None once resolved.
    """

    name: str
    kind: str
    default: Any = None
    low: float | None = None
    high: float | None = None
    step: float | None = None
    options: tuple[Any, ...] = ()
    help: str = ""
    per_run: int | None = None


def _rate(name: str, default: float) -> ParamSpec:
    return ParamSpec(name, "log", default, 1e-4, 1.0, 0.05, help="learning rate (log-scale slider, 1e-4 .. 1)")


def _floor(name: str) -> ParamSpec:
    return ParamSpec(name, "float", NO_DEFAULT, 0.0, 1.0, 0.001, help=f"{name} must be <= the peak rate")


def _steps(name: str, per_run: int) -> ParamSpec:
    return ParamSpec(name, "int", None, 1, None, 1, help=f"{name}, in steps (optimizer updates)", per_run=per_run)


def _fraction(name: str) -> ParamSpec:
    return ParamSpec(name, "float", NO_DEFAULT, 0.01, 1.0, 0.01, help=f"{name} in (0, 1]")


#: One control per parameter name of the vocabulary (see the package docstring).
CONTROLS: dict[str, ParamSpec] = {
    spec.name: spec
    for spec in [
        _rate("lr", 0.1),
        _rate("max_lr", 0.1),
        _rate("base_lr", 0.001),
        _floor("min_lr"),
        _floor("end_lr"),
        _steps("total_steps", 1),
        _steps("step_size", 4),
        _steps("cycle_steps", 4),
        _steps("decay_steps", 10),
        _steps("step_size_up", 10),
        _steps("warmup_steps", 10),
        ParamSpec(
            "transition_begin", "int", NO_DEFAULT, 0, None, 1, help="steps held at lr before the decay starts (optax)"
        ),
        ParamSpec(
            "step_size_down", "optional_int", 0, 0, None, 1, help="steps down; 0 means None (same as step_size_up)"
        ),
        _fraction("gamma"),
        _fraction("cycle_decay"),
        ParamSpec("power", "float", NO_DEFAULT, 0.1, 5.0, 0.1, help="exponent of the polynomial decay"),
        ParamSpec("decay_rate", "float", 1.0, 0.0, 20.0, 0.1, help="decay_rate >= 0"),
        ParamSpec(
            "cycle_mult", "float", NO_DEFAULT, 1.0, 4.0, 0.5, help="each cycle is cycle_mult times longer than the last"
        ),
        ParamSpec("pct_start", "float", NO_DEFAULT, 0.05, 0.95, 0.05, help="fraction of the steps spent warming up"),
        ParamSpec("div_factor", "log", NO_DEFAULT, 1.0, 1e3, 0.1, help="start at max_lr / div_factor"),
        ParamSpec(
            "final_div_factor", "log", NO_DEFAULT, 1.0, 1e5, 0.1, help="end at max_lr / (div_factor * final_div_factor)"
        ),
        ParamSpec("mode", "choice", NO_DEFAULT, options=CYCLIC_MODES),
        ParamSpec("anneal", "choice", NO_DEFAULT, options=("cos", "linear")),
        ParamSpec("decay", "choice", NO_DEFAULT, options=WSD_DECAYS),
        ParamSpec("staircase", "bool", NO_DEFAULT),
        ParamSpec("three_phase", "bool", NO_DEFAULT),
        ParamSpec("milestones", "text", None, help="steps, separated by commas, increasing", per_run=3),
        ParamSpec("boundaries", "text", None, help="steps, separated by commas, increasing", per_run=3),
        ParamSpec(
            "values", "text", "0.1, 0.01, 0.001", help="rates, one more than the boundaries, separated by commas"
        ),
    ]
}


def resolve(spec: ParamSpec, name: str, n_steps: int, factory_default: Any = None) -> ParamSpec:
    """``spec`` with concrete numbers for a run of ``n_steps`` and the factory's default filled in.

    The default is the spec's own, else (for a step count) ``n_steps // per_run``, else
    ``factory_default``, else the low end of the range; a slider's default is kept inside
    its range. A registry row passes, for a required parameter, the value its recipe uses.
    """
    default, high = spec.default, spec.high
    if spec.kind in ("int", "optional_int") and high is None:
        high = n_steps
    if spec.per_run is not None:
        k = spec.per_run
        if spec.kind == "text":
            default = ", ".join(str(i * n_steps // k) for i in range(1, k))
        else:
            default = n_steps if k == 1 else max(n_steps // k, 1)
    elif default is None:
        default = factory_default
        if spec.kind in ("float", "log"):
            default = spec.low if default is None else float(default)
        elif spec.kind == "choice" and default not in spec.options:
            default = spec.options[0]
    if spec.kind in ("float", "log", "int") and None not in (default, spec.low, high):
        default = min(max(default, spec.low), high)  # the slider starts inside its range (as a widget would)
    return dataclasses.replace(spec, name=name, default=default, high=high, per_run=None)


def fallback_spec(name: str, default: Any) -> ParamSpec:
    """A control for a parameter outside the vocabulary, chosen from its default's type."""
    if isinstance(default, bool):
        return ParamSpec(name, "bool", default)
    if isinstance(default, (int, float)):
        high = max(2.0 * abs(float(default)), 1.0)
        return ParamSpec(name, "float", float(default), 0.0, high, high / 100)
    return ParamSpec(name, "text", "" if default is None else str(default))


_NUMBER_LIST = re.compile(r"[,\s;]+")


def parse_numbers(name: str, text: Any) -> tuple[float | int, ...]:
    """'300, 600' -> (300, 600): comma- or space-separated numbers, ints kept as ints."""
    if isinstance(text, (list, tuple)):
        return tuple(text)
    parts = [p for p in _NUMBER_LIST.split(str(text).strip().strip("()[]")) if p]
    out = []
    for p in parts:
        try:
            value = float(p)
        except ValueError:
            raise ValueError(
                f"{name} must be numbers separated by commas, like '300, 600'; got {name}={text!r}"
            ) from None
        out.append(int(value) if value.is_integer() and "e-" not in p.lower() and "." not in p else value)
    return tuple(out)


def control_value(spec: ParamSpec, raw: Any) -> Any:
    """A control's value -> the factory argument (0 of an "optional_int" means None)."""
    if spec.kind == "int":
        return int(round(float(raw)))
    if spec.kind == "optional_int":
        return None if raw is None or int(round(float(raw))) <= 0 else int(round(float(raw)))
    if spec.kind in ("float", "log"):
        return float(raw)
    if spec.kind == "bool":
        return bool(raw)
    if spec.kind == "text":
        return parse_numbers(spec.name, raw)
    return raw
