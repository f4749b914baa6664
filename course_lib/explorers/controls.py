"""Controls: one small spec per control, one factory that turns it into an ipywidget.

Every explorer declares its controls as :class:`Control` specs (a :class:`ParamSpec`: name, kind,
starting value, range; plus a label); :func:`make_control` is the only place that builds a widget.
A schedule's parameters get their specs from the schedules registry
(:func:`course_lib.schedules.param_specs`: one row per schedule), re-exported here.

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

import math
import re
from dataclasses import dataclass, fields
from numbers import Real
from typing import Any, Callable

import ipywidgets as widgets
import traitlets

from course_lib import schedules as S
from course_lib.display import READOUT, readable_number
from course_lib.schedules.controls import ParamSpec
from course_lib.schedules.controls import control_value as convert
from course_lib.schedules.registry import GD_SCHEDULES, build_schedule, gd_schedule, param_specs
from course_lib.validation import check_in

__all__ = [
    "Control",
    "make_control",
    "neighbours",
    "short_name",
    "readable_repr",
    "ParamSpec",
    "param_specs",
    "build_schedule",
    "convert",
    "GD_SCHEDULES",
    "gd_schedule",
]


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
        readout: the slider's number format (d3-format; default :data:`course_lib.display.READOUT`,
            the digits of :func:`course_lib.display.readable_number`).
        continuous: redraw while a slider is dragged (False: on release; for controls that train).
        width: the control's CSS width.
    """

    label: str = ""
    readout: str = READOUT
    continuous: bool = True
    width: str = "380px"

    def __post_init__(self) -> None:
        check_in("kind", self.kind, CONTROL_KINDS)


#: Widget class -> its forgiving subclass (:func:`forgiving`), made once per class.
_FORGIVING: dict[type, type] = {}


def _is_nan(value: Any) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool) and math.isnan(value)


def _value_trait(default: Any, help: str | None, tags: dict) -> traitlets.Any:
    """A ``value`` trait of any type that hands every value, None too, to the widget's validator
    (traitlets skips validation of None for a trait with allow_none, which a None default implies)."""
    trait = traitlets.Any(default, help=help).tag(**tags)
    trait.allow_none = False
    return trait


def forgiving(cls: type) -> type:
    """A subclass of the ipywidget ``cls`` whose ``value`` setter never raises once the widget has an
    ``on_refused`` callback: a value the widget cannot take (None, nan, text in a slider, an option
    not offered) is refused, the last valid value kept, and ``on_refused(given, kept, error)`` called
    (an explorer shows it in its status line). Without a callback it raises TraitError, as ipywidgets does.
    """
    if cls in _FORGIVING:
        return _FORGIVING[cls]
    original = cls.class_traits()["value"]  # its type check (and coercion, e.g. CFloat)
    check = getattr(original, "validate", None)
    clamp = getattr(cls, "_validate_value", None)  # its own range check (sliders clamp, choices look up)
    tags = {k: v for k, v in original.metadata.items() if k != "help"}

    class Forgiving(cls):  # type: ignore[misc, valid-type]
        value = _value_trait(original.default_value, original.help, tags)

        @traitlets.validate("value")
        def _validate_value(self, proposal: Any) -> Any:
            given = proposal["value"]
            refused: Callable[[Any, Any, Exception], None] | None = self.__dict__.get("on_refused")
            try:
                if refused is not None and (given is None or _is_nan(given)):
                    raise traitlets.TraitError(f"{given!r} is not a value of this control")
                new = given if check is None else check(self, given)
                if refused is not None and _is_nan(new):
                    raise traitlets.TraitError(f"{given!r} is not a value of this control")
                if clamp is not None:
                    new = clamp(self, traitlets.Bunch(owner=self, value=new, trait=proposal["trait"]))
            except (traitlets.TraitError, TypeError, ValueError) as err:
                if refused is None:
                    raise
                refused(given, self.value, err)
                return self.value
            return new

    Forgiving.__name__ = Forgiving.__qualname__ = cls.__name__
    _FORGIVING[cls] = Forgiving
    return Forgiving


def make_control(spec: ParamSpec, *, continuous_update: bool | None = None) -> widgets.Widget:
    """The ipywidget for a :class:`Control` or a schedule's :class:`ParamSpec`: the one factory.

    Each widget gets a Layout of its own: a shared one is one object in the page, so hiding
    one control (``layout.display = "none"``) would hide every control that shares it. Each is
    :func:`forgiving`: give it an ``on_refused`` callback and setting a bad ``.value`` never raises.
    """
    if not isinstance(spec, Control):
        spec = Control(**{f.name: getattr(spec, f.name) for f in fields(ParamSpec)})
    continuous = spec.continuous if continuous_update is None else continuous_update
    common = dict(
        description=spec.label or spec.name,
        style={"description_width": "initial"},
        layout=widgets.Layout(width=spec.width),
    )
    slider = dict(continuous_update=continuous, tooltip=spec.help or None, **common)
    if spec.kind == "log":
        return forgiving(widgets.FloatLogSlider)(
            value=spec.default,
            base=10,
            min=math.log10(spec.low),
            max=math.log10(spec.high),
            step=spec.step,
            readout_format=spec.readout,
            **slider,
        )
    if spec.kind == "float":
        return forgiving(widgets.FloatSlider)(
            value=spec.default, min=spec.low, max=spec.high, step=spec.step, readout_format=spec.readout, **slider
        )
    if spec.kind in ("int", "optional_int"):
        return forgiving(widgets.IntSlider)(
            value=spec.default, min=int(spec.low), max=int(spec.high), step=int(spec.step or 1), **slider
        )
    if spec.kind == "steps":
        return forgiving(widgets.SelectionSlider)(options=list(spec.options), value=spec.default, **slider)
    if spec.kind == "choice":
        return forgiving(widgets.Dropdown)(options=list(spec.options), value=spec.default, **common)
    if spec.kind == "multi":
        return forgiving(widgets.SelectMultiple)(
            options=list(spec.options), value=tuple(spec.default), rows=min(len(spec.options), 8), **common
        )
    if spec.kind == "bool":
        return forgiving(widgets.Checkbox)(value=bool(spec.default), indent=False, **common)
    return forgiving(widgets.Text)(
        value=str(spec.default), continuous_update=False, tooltip=spec.help or None, **common
    )


def neighbours(control: widgets.Widget, direction: int = 1) -> list[Any]:
    """The values one step away from a control's current value: the step in ``direction`` (+1 up, -1 down) first.

    A slider: one ``step`` either way (a log slider: one step of its exponent), inside its range;
    a selection slider or a dropdown: the options beside the current one; a checkbox: the other
    value. Other controls (multiple choice, text): none. What an explorer that computes slowly
    prepares while the learner looks at a frame (:attr:`course_lib.explorers.base.Explorer.warm_ahead`).

    >>> neighbours(make_control(Control("n", "int", 5, 0, 10)), -1)
    [4, 6]
    >>> [round(v, 4) for v in neighbours(make_control(Control("lr", "log", 0.1, 1e-4, 0.1, 0.5)))]
    [0.0316]
    """
    value = control.value
    if isinstance(control, (widgets.FloatLogSlider, widgets.FloatSlider, widgets.IntSlider)):
        log = isinstance(control, widgets.FloatLogSlider)
        here = math.log(value, control.base) if log else value
        at = round((here - control.min) / control.step)
        ticks = [at + direction, at - direction]
        span = round((control.max - control.min) / control.step)
        walk = [control.min + t * control.step for t in ticks if 0 <= t <= span and t != at]
        if log:
            return [control.base**x for x in walk]
        return [int(round(x)) if isinstance(control, widgets.IntSlider) else round(x, 10) for x in walk]
    if isinstance(control, widgets.Checkbox):
        return [not value]
    if isinstance(control, (widgets.SelectionSlider, widgets.Dropdown)):
        options = [o[1] if isinstance(o, tuple) else o for o in control.options]
        at = options.index(value)
        return [options[i] for i in (at + direction, at - direction) if 0 <= i < len(options)]
    return []


def short_name(schedule: Any, limit: int = 3) -> str:
    """A title-sized name of a schedule: its catalog name and its first ``limit`` non-default parameters.

    A warm-up wrapper reads "warm-up 100 + <inner>"; numbers print as :func:`readable_number` does.
    """
    if isinstance(schedule, S.Warmup):
        return f"warm-up {schedule.warmup_steps} + {short_name(schedule.schedule, limit)}"
    name = re.sub(r"(?<!^)(?=[A-Z])", "_", type(schedule).__name__).lower()  # CosineDecay -> cosine_decay
    try:
        items = [
            (f.name, getattr(schedule, f.name)) for f in fields(schedule) if getattr(schedule, f.name) != f.default
        ][:limit]  # parameters left at their default: not shown
    except TypeError:  # not a dataclass
        return name
    shown = ", ".join(f"{k}={readable_number(v)}" if isinstance(v, float) else f"{k}={v}" for k, v in items)
    return f"{name}({shown})"


def readable_repr(thing: Any) -> str:
    """``repr(thing)`` with every float field as :func:`readable_number` prints it (a schedule's
    repr in an explorer: ``CosineDecay(lr=0.1995, ...)``, not ``lr=0.1995262314968879``).

    >>> readable_repr(S.cosine_decay(10 ** -0.7, 500))
    'CosineDecay(lr=0.1995, total_steps=500, min_lr=0)'
    """
    if isinstance(thing, float):
        return readable_number(thing)
    if isinstance(thing, (list, tuple)):
        inner = ", ".join(readable_repr(v) for v in thing)
        return f"[{inner}]" if isinstance(thing, list) else f"({inner}{',' if len(thing) == 1 else ''})"
    try:
        items = [(f.name, getattr(thing, f.name)) for f in fields(thing) if f.repr]
    except TypeError:  # not a dataclass
        return repr(thing)
    return f"{type(thing).__name__}({', '.join(f'{k}={readable_repr(v)}' for k, v in items)})"
