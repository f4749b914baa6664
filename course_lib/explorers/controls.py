"""Controls: one small spec per control, one factory that turns it into an ipywidget.

Every explorer declares its controls as :class:`Control` specs (a :class:`ParamSpec`: name, kind,
starting value, range; plus a label); :func:`make_control` is the only place that builds a widget.
A schedule's parameters get their specs from :func:`param_specs` (the first section, moving to
``course_lib.schedules.registry``).

>>> c = make_control(Control("lr", "log", 0.1, 1e-4, 1.0, 0.05, label="lr (peak)"))
>>> type(c).__name__, c.description, round(c.value, 3)
('FloatLogSlider', 'lr (peak)', 0.1)
>>> s = build_schedule("cosine_decay", {"lr": 0.1, "total_steps": 500})
>>> s
CosineDecay(lr=0.1, total_steps=500, min_lr=0.0)
>>> build_schedule("warmup_stable_decay", {"total_steps": 100, "warmup_steps": 60, "decay_steps": 60})[:60]
'Cannot build warmup_stable_decay: warmup_steps + decay_steps'
>>> short_name(s)
'cosine_decay(lr=0.1, total_steps=500)'
"""
from __future__ import annotations

import inspect
import math
import re
from dataclasses import dataclass, fields
from typing import Any, Callable, Mapping

import ipywidgets as widgets

from course_lib import schedules as S
from course_lib.validation import check_in, check_int, check_positive

__all__ = ["Control", "make_control", "short_name",
           "ParamSpec", "param_specs", "build_schedule", "convert", "GD_SCHEDULES", "gd_schedule"]


# ---------------------------------------------------------------------------
# schedule parameter specs (moves to schedules.registry at merge)
# (moved verbatim from explorers/widgets.py; only _convert is public as convert)
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class ParamSpec:
    """What control a schedule parameter gets, and its range.

    Attributes:
        name: the factory's parameter name.
        kind: "log" (log-scale float slider), "float", "int", "optional_int" (int
            slider where 0 means None), "choice" (dropdown), "bool" (checkbox) or
            "text" (numbers separated by commas, e.g. milestones).
        default: the control's starting value (for "text": the text).
        low, high: slider range (values, not exponents, for "log"); None otherwise.
        step: slider step (for "log": step of the base-10 exponent).
        options: the allowed values of a "choice".
        help: a short explanation shown as the control's tooltip.
    """

    name: str
    kind: str
    default: Any
    low: float | None = None
    high: float | None = None
    step: float | None = None
    options: tuple[Any, ...] = ()
    help: str = ""


_KINDS = ("log", "float", "int", "optional_int", "choice", "bool", "text")
_STEP_COUNTS = ("total_steps", "step_size", "decay_steps", "cycle_steps", "step_size_up",
                "step_size_down", "warmup_steps")
_CHOICES = {
    "mode": tuple(getattr(S, "_CYCLIC_MODES", ("triangular", "triangular2", "exp_range"))),
    "anneal": ("cos", "linear"),
    "decay": tuple(getattr(S, "_WSD_DECAYS", ("linear", "cosine", "1-sqrt"))),
}


def _step_default(factory_name: str, name: str, n: int) -> int:
    """A step-count default that gives a readable picture over n steps."""
    if name == "total_steps":
        return n
    fraction = {
        ("warmup_stable_decay", "decay_steps"): 5, "step_size": 4, "cycle_steps": 4,
        "decay_steps": 10, "step_size_up": 10, "warmup_steps": 10,
    }
    k = fraction.get((factory_name, name), fraction.get(name, 10))
    return max(n // k, 1)


def _spec_for(factory_name: str, name: str, param: inspect.Parameter, n: int) -> ParamSpec:
    """The control for one parameter, chosen by its name (the catalog uses one vocabulary)."""
    has_default = param.default is not inspect.Parameter.empty
    default = param.default if has_default else None
    if name in ("lr", "max_lr", "base_lr"):
        start = 0.001 if name == "base_lr" else 0.1
        return ParamSpec(name, "log", start, 1e-4, 1.0, 0.05,
                         help="learning rate (log-scale slider, 1e-4 .. 1)")
    if name in ("min_lr", "end_lr"):
        return ParamSpec(name, "float", float(default or 0.0), 0.0, 1.0, 0.001,
                         help=f"{name} must be <= the peak rate")
    if name in _STEP_COUNTS:
        if name == "step_size_down":
            return ParamSpec(name, "optional_int", 0, 0, n, 1,
                             help="steps down; 0 means None (same as step_size_up)")
        low = 0 if (factory_name, name) == ("warmup_stable_decay", "warmup_steps") else 1
        low = 2 if (factory_name, name) == ("one_cycle", "total_steps") else low
        return ParamSpec(name, "int", _step_default(factory_name, name, n), low, n, 1,
                         help=f"{name}, in steps (optimizer updates)")
    if name in ("gamma", "cycle_decay"):
        start = 0.5 if factory_name == "exponential_decay" else float(default if has_default else 0.1)
        return ParamSpec(name, "float", start, 0.01, 1.0, 0.01, help=f"{name} in (0, 1]")
    if name == "power":
        return ParamSpec(name, "float", float(default if has_default else 1.0), 0.1, 5.0, 0.1,
                         help="exponent of the polynomial decay")
    if name == "decay_rate":
        return ParamSpec(name, "float", 1.0, 0.0, 20.0, 0.1, help="decay_rate >= 0")
    if name == "cycle_mult":
        return ParamSpec(name, "float", float(default if has_default else 1.0), 1.0, 4.0, 0.5,
                         help="each cycle is cycle_mult times longer than the last")
    if name == "pct_start":
        return ParamSpec(name, "float", float(default if has_default else 0.3), 0.05, 0.95, 0.05,
                         help="fraction of the steps spent warming up")
    if name == "div_factor":
        return ParamSpec(name, "log", float(default if has_default else 25.0), 1.0, 1e3, 0.1,
                         help="start at max_lr / div_factor")
    if name == "final_div_factor":
        return ParamSpec(name, "log", float(default if has_default else 1e4), 1.0, 1e5, 0.1,
                         help="end at max_lr / (div_factor * final_div_factor)")
    if name in _CHOICES:
        options = _CHOICES[name]
        return ParamSpec(name, "choice", default if default in options else options[0], options=options)
    if name in ("milestones", "boundaries"):
        return ParamSpec(name, "text", f"{n // 3}, {2 * n // 3}",
                         help="steps, separated by commas, increasing")
    if name == "values":
        return ParamSpec(name, "text", "0.1, 0.01, 0.001",
                         help="rates, one more than the boundaries, separated by commas")
    if isinstance(default, bool):
        return ParamSpec(name, "bool", default)
    if isinstance(default, (int, float)) and default is not None:
        high = max(2.0 * abs(float(default)), 1.0)
        return ParamSpec(name, "float", float(default), 0.0, high, high / 100)
    return ParamSpec(name, "text", "" if default is None else str(default))


def _factory(schedule: str | Callable[..., S.Schedule]) -> tuple[str, Callable[..., S.Schedule]]:
    if isinstance(schedule, str):
        check_in("schedule", schedule, tuple(S.CATALOG))
        return schedule, S.CATALOG[schedule]
    if not callable(schedule):
        raise TypeError(f"schedule must be a catalog name or a schedule factory, got schedule={schedule!r}")
    names = [k for k, f in S.CATALOG.items() if f is schedule]
    return (names[0] if names else getattr(schedule, "__name__", "schedule")), schedule


def param_specs(factory: str | Callable[..., S.Schedule], n_steps: int = 1000) -> dict[str, ParamSpec]:
    """One :class:`ParamSpec` per parameter of a schedule factory, from its signature.

    Ranges follow the parameter's name: rates (lr, max_lr, base_lr) get a log slider
    1e-4 .. 1, step counts an int slider 1 .. n_steps, gamma (0.01 .. 1], power
    0.1 .. 5, mode/anneal/decay a dropdown of the allowed options, bools a checkbox,
    milestones/boundaries/values a text field of comma-separated numbers.

    Args:
        factory: a factory from ``S.CATALOG`` or its name.
        n_steps: the number of steps the schedule will be drawn over (>= 2).

    Returns:
        A dict parameter name -> ParamSpec, in signature order.

    Raises:
        ValueError: an unknown catalog name or n_steps < 2.

    >>> sorted(param_specs("step_decay", 300))
    ['gamma', 'lr', 'step_size']
    >>> param_specs("step_decay", 300)["step_size"].high
    300
    """
    n_steps = check_int("n_steps", n_steps, minimum=2)
    name, fn = _factory(factory)
    return {p: _spec_for(name, p, param, n_steps) for p, param in inspect.signature(fn).parameters.items()}


_NUMBER_LIST = re.compile(r"[,\s;]+")


def _parse_numbers(name: str, text: Any) -> tuple[float | int, ...]:
    """'300, 600' -> (300, 600): comma- or space-separated numbers, ints kept as ints."""
    if isinstance(text, (list, tuple)):
        return tuple(text)
    parts = [p for p in _NUMBER_LIST.split(str(text).strip().strip("()[]")) if p]
    out = []
    for p in parts:
        try:
            value = float(p)
        except ValueError:
            raise ValueError(f"{name} must be numbers separated by commas, like '300, 600'; "
                             f"got {name}={text!r}") from None
        out.append(int(value) if value.is_integer() and "e-" not in p.lower() and "." not in p else value)
    return tuple(out)


def convert(spec: ParamSpec, raw: Any) -> Any:
    """A control's value -> the factory argument."""
    if spec.kind == "int":
        return int(round(float(raw)))
    if spec.kind == "optional_int":
        return None if raw is None or int(round(float(raw))) <= 0 else int(round(float(raw)))
    if spec.kind in ("float", "log"):
        return float(raw)
    if spec.kind == "bool":
        return bool(raw)
    if spec.kind == "text":
        return _parse_numbers(spec.name, raw)
    return raw


def build_schedule(name: str, values: Mapping[str, Any] | None = None, *, n_steps: int = 1000,
                   warmup_steps: int = 0) -> S.Schedule | str:
    """Build a catalog schedule from control values; a readable message instead of an error.

    Never raises for values the controls of :func:`param_specs` can produce: a
    combination the schedule refuses (warmup_steps + decay_steps > total_steps,
    base_lr > max_lr, unparsable milestones...) returns "Cannot build <name>: <why>".

    Args:
        name: a key of ``S.CATALOG``.
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
        kwargs = {p: convert(spec, values.get(p, spec.default)) for p, spec in specs.items()}
        schedule = S.CATALOG[name](**kwargs)
        if warmup_steps:
            schedule = S.warmup(schedule, int(warmup_steps))
    except (ValueError, TypeError, OverflowError) as err:
        return f"Cannot build {name}: {err}"
    return schedule


#: GD explorer schedules: label -> how the schedule is built from (peak lr, n_steps).
GD_SCHEDULES: dict[str, str] = {
    "constant": "lr",
    "step_decay": "lr x 0.1 every n/3 steps",
    "exponential_decay": "lr -> lr/100 over n steps",
    "inverse_time_decay": "lr / (1 + 10 t / n)",
    "linear_decay": "lr -> 0 over n steps",
    "cosine_decay": "cosine lr -> 0 over n steps",
    "warmup_cosine": "warm-up n/10, then cosine",
    "cosine_restarts": "cosine restarts every n/4",
    "cyclic": "triangle lr/10 .. lr, period n/5",
    "one_cycle": "1cycle with peak lr",
    "warmup_stable_decay": "WSD: warm-up n/10, decay last n/5",
}


def gd_schedule(name: str, lr: float, n_steps: int) -> S.Schedule:
    """The schedule ``name`` of :data:`GD_SCHEDULES`, with peak rate ``lr``, fitted to ``n_steps``.

    Args:
        name: a key of GD_SCHEDULES.
        lr: the peak learning rate (> 0).
        n_steps: the run length in steps (>= 2).

    Raises:
        ValueError: unknown name, lr <= 0 or n_steps < 2.

    >>> gd_schedule("step_decay", 0.5, 90)
    StepDecay(lr=0.5, step_size=30, gamma=0.1)
    """
    check_in("name", name, tuple(GD_SCHEDULES))
    lr = check_positive("lr", lr)
    n = check_int("n_steps", n_steps, minimum=2)
    tenth, fifth = max(n // 10, 1), max(n // 5, 1)
    if name == "constant":
        return S.constant(lr)
    if name == "step_decay":
        return S.step_decay(lr, max(n // 3, 1), 0.1)
    if name == "exponential_decay":
        return S.exponential_decay(lr, 0.01 ** (1.0 / n))
    if name == "inverse_time_decay":
        return S.inverse_time_decay(lr, decay_rate=1.0, decay_steps=tenth)
    if name == "linear_decay":
        return S.linear_decay(lr, n)
    if name == "cosine_decay":
        return S.cosine_decay(lr, n)
    if name == "warmup_cosine":
        return S.warmup(S.cosine_decay(lr, max(n - tenth, 1)), tenth)
    if name == "cosine_restarts":
        return S.cosine_restarts(lr, max(n // 4, 1))
    if name == "cyclic":
        return S.cyclic(lr / 10, lr, max(n // 10, 1))
    if name == "one_cycle":
        return S.one_cycle(lr, n)
    warm = tenth if tenth + fifth <= n else 0
    return S.warmup_stable_decay(lr, n, warm, fifth)


# ---------------------------------------------------------------------------
# One way to make a control
# ---------------------------------------------------------------------------

#: The kinds of control :func:`make_control` builds.
CONTROL_KINDS = ("log", "float", "int", "optional_int", "choice", "multi", "steps", "bool", "text")


@dataclass(frozen=True)
class Control(ParamSpec):
    """A :class:`ParamSpec` (name, kind, default, range, options, help) plus what only a widget needs.

    ``kind`` may also be "multi" (multiple choice of ``options``) or "steps" (a slider over the
    discrete ``options``); a (label, value) pair in ``options`` shows the label. ``default`` is the
    control's starting value.

    Attributes:
        label: the text beside the control (default: ``name``).
        readout: the slider's number format (e.g. ".3g").
        continuous: redraw while a slider is dragged (False: on release; for controls that train).
        width: the control's CSS width.
    """

    label: str = ""
    readout: str = ".3g"
    continuous: bool = True
    width: str = "380px"

    def __post_init__(self) -> None:
        check_in("kind", self.kind, CONTROL_KINDS)


def make_control(spec: ParamSpec, *, continuous_update: bool | None = None) -> widgets.Widget:
    """The ipywidget for a :class:`Control` or a schedule's :class:`ParamSpec`: the one factory.

    Each widget gets a Layout of its own: a shared one is one object in the page, so hiding
    one control (``layout.display = "none"``) would hide every control that shares it.
    """
    if not isinstance(spec, Control):
        spec = Control(**{f.name: getattr(spec, f.name) for f in fields(ParamSpec)})
    continuous = spec.continuous if continuous_update is None else continuous_update
    common = dict(description=spec.label or spec.name, style={"description_width": "initial"},
                  layout=widgets.Layout(width=spec.width))
    slider = dict(continuous_update=continuous, tooltip=spec.help or None, **common)
    if spec.kind == "log":
        return widgets.FloatLogSlider(value=spec.default, base=10, min=math.log10(spec.low), max=math.log10(spec.high),
                                      step=spec.step, readout_format=spec.readout, **slider)
    if spec.kind == "float":
        return widgets.FloatSlider(value=spec.default, min=spec.low, max=spec.high, step=spec.step,
                                   readout_format=spec.readout, **slider)
    if spec.kind in ("int", "optional_int"):
        return widgets.IntSlider(value=spec.default, min=int(spec.low), max=int(spec.high), step=int(spec.step or 1),
                                 **slider)
    if spec.kind == "steps":
        return widgets.SelectionSlider(options=list(spec.options), value=spec.default, **slider)
    if spec.kind == "choice":
        return widgets.Dropdown(options=list(spec.options), value=spec.default, **common)
    if spec.kind == "multi":
        return widgets.SelectMultiple(options=list(spec.options), value=tuple(spec.default),
                                      rows=min(len(spec.options), 8), **common)
    if spec.kind == "bool":
        return widgets.Checkbox(value=bool(spec.default), indent=False, **common)
    return widgets.Text(value=str(spec.default), continuous_update=False, tooltip=spec.help or None, **common)


def short_name(schedule: Any, limit: int = 3) -> str:
    """A title-sized name of a schedule: its catalog name and its first ``limit`` non-default parameters.

    A warm-up wrapper reads "warm-up 100 + <inner>"; numbers print with 3 significant digits.
    """
    if isinstance(schedule, S.Warmup):
        return f"warm-up {schedule.warmup_steps} + {short_name(schedule.schedule, limit)}"
    name = re.sub(r"(?<!^)(?=[A-Z])", "_", type(schedule).__name__).lower()  # CosineDecay -> cosine_decay
    try:
        items = [(f.name, getattr(schedule, f.name)) for f in fields(schedule)
                 if getattr(schedule, f.name) != f.default][:limit]  # parameters left at their default: not shown
    except TypeError:  # not a dataclass
        return name
    shown = ", ".join(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}" for k, v in items)
    return f"{name}({shown})"
