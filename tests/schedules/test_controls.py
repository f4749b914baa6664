"""Explorer controls: one per parameter name, overridden by a registry row; the same controls as before."""

from __future__ import annotations

import inspect
from typing import Any, NamedTuple

import pytest

from course_lib import schedules as S
from course_lib.schedules.controls import CONTROLS, KINDS, ParamSpec, control_value, parse_numbers
from course_lib.schedules.registry import REGISTRY, param_specs


class OldSpec(NamedTuple):  # the fields of the old widgets.ParamSpec
    name: str
    kind: str
    default: Any
    low: float | None = None
    high: float | None = None
    step: float | None = None
    options: tuple = ()
    help: str = ""


# A frozen copy of the rules widgets.py used to choose each control (commit 423a876).
_STEP_COUNTS = (
    "total_steps",
    "step_size",
    "decay_steps",
    "cycle_steps",
    "step_size_up",
    "step_size_down",
    "warmup_steps",
)
_CHOICES = {
    "mode": ("triangular", "triangular2", "exp_range"),
    "anneal": ("cos", "linear"),
    "decay": ("linear", "cosine", "1-sqrt"),
}


def _step_default(factory_name: str, name: str, n: int) -> int:
    """A step-count default that gives a readable picture over n steps."""
    if name == "total_steps":
        return n
    fraction = {
        ("warmup_stable_decay", "decay_steps"): 5,
        "step_size": 4,
        "cycle_steps": 4,
        "decay_steps": 10,
        "step_size_up": 10,
        "warmup_steps": 10,
    }
    k = fraction.get((factory_name, name), fraction.get(name, 10))
    return max(n // k, 1)


def _spec_for(factory_name: str, name: str, param: inspect.Parameter, n: int) -> ParamSpec:
    """The control for one parameter, chosen by its name (the catalog uses one vocabulary)."""
    has_default = param.default is not inspect.Parameter.empty
    default = param.default if has_default else None
    if name in ("lr", "max_lr", "base_lr"):
        start = 0.001 if name == "base_lr" else 0.1
        return OldSpec(name, "log", start, 1e-4, 1.0, 0.05, help="learning rate (log-scale slider, 1e-4 .. 1)")
    if name in ("min_lr", "end_lr"):
        return OldSpec(name, "float", float(default or 0.0), 0.0, 1.0, 0.001, help=f"{name} must be <= the peak rate")
    if name in _STEP_COUNTS:
        if name == "step_size_down":
            return OldSpec(name, "optional_int", 0, 0, n, 1, help="steps down; 0 means None (same as step_size_up)")
        low = 0 if (factory_name, name) == ("warmup_stable_decay", "warmup_steps") else 1
        low = 2 if (factory_name, name) == ("one_cycle", "total_steps") else low
        return OldSpec(
            name, "int", _step_default(factory_name, name, n), low, n, 1, help=f"{name}, in steps (optimizer updates)"
        )
    if name in ("gamma", "cycle_decay"):
        start = 0.5 if factory_name == "exponential_decay" else float(default if has_default else 0.1)
        return OldSpec(name, "float", start, 0.01, 1.0, 0.01, help=f"{name} in (0, 1]")
    if name == "power":
        return OldSpec(
            name,
            "float",
            float(default if has_default else 1.0),
            0.1,
            5.0,
            0.1,
            help="exponent of the polynomial decay",
        )
    if name == "decay_rate":
        return OldSpec(name, "float", 1.0, 0.0, 20.0, 0.1, help="decay_rate >= 0")
    if name == "cycle_mult":
        return OldSpec(
            name,
            "float",
            float(default if has_default else 1.0),
            1.0,
            4.0,
            0.5,
            help="each cycle is cycle_mult times longer than the last",
        )
    if name == "pct_start":
        return OldSpec(
            name,
            "float",
            float(default if has_default else 0.3),
            0.05,
            0.95,
            0.05,
            help="fraction of the steps spent warming up",
        )
    if name == "div_factor":
        return OldSpec(
            name, "log", float(default if has_default else 25.0), 1.0, 1e3, 0.1, help="start at max_lr / div_factor"
        )
    if name == "final_div_factor":
        return OldSpec(
            name,
            "log",
            float(default if has_default else 1e4),
            1.0,
            1e5,
            0.1,
            help="end at max_lr / (div_factor * final_div_factor)",
        )
    if name in _CHOICES:
        options = _CHOICES[name]
        return OldSpec(name, "choice", default if default in options else options[0], options=options)
    if name in ("milestones", "boundaries"):
        return OldSpec(name, "text", f"{n // 3}, {2 * n // 3}", help="steps, separated by commas, increasing")
    if name == "values":
        return OldSpec(
            name, "text", "0.1, 0.01, 0.001", help="rates, one more than the boundaries, separated by commas"
        )
    if isinstance(default, bool):
        return OldSpec(name, "bool", default)
    if isinstance(default, (int, float)) and default is not None:
        high = max(2.0 * abs(float(default)), 1.0)
        return OldSpec(name, "float", float(default), 0.0, high, high / 100)
    return OldSpec(name, "text", "" if default is None else str(default))


@pytest.mark.parametrize("name", list(S.CATALOG))
@pytest.mark.parametrize("n", [2, 3, 7, 10, 11, 200, 1000, 1001])
def test_param_specs_are_the_old_controls(name, n):
    params = inspect.signature(S.CATALOG[name]).parameters
    old = {p: _spec_for(name, p, param, n) for p, param in params.items()}
    new = param_specs(name, n)
    assert list(new) == list(old)
    for p in old:
        assert new[p].per_run is None
        assert tuple(OldSpec(*[getattr(new[p], f) for f in OldSpec._fields])) == tuple(old[p]), (name, p)


def test_every_parameter_of_the_catalog_has_a_control_in_the_vocabulary():
    for name in S.CATALOG:
        for p in inspect.signature(S.CATALOG[name]).parameters:
            assert p in CONTROLS or p in REGISTRY[name].controls, (name, p)
            assert param_specs(name, 100)[p].kind in KINDS


def test_controls_are_plain_data():
    import sys

    spec = CONTROLS["lr"]
    assert isinstance(spec, ParamSpec) and (spec.kind, spec.low, spec.high) == ("log", 1e-4, 1.0)
    assert "ipywidgets" not in {m.split(".")[0] for m in vars(sys.modules["course_lib.schedules.controls"])}


def test_control_values_become_arguments():
    specs = param_specs("cyclic", 100)
    assert control_value(specs["step_size_down"], 0) is None and control_value(specs["step_size_down"], 7) == 7
    assert control_value(specs["step_size_up"], 4.6) == 5
    assert parse_numbers("values", "0.1; 1e-3, 2") == (0.1, 1e-3, 2)
    with pytest.raises(ValueError, match="milestones must be numbers separated by commas"):
        parse_numbers("milestones", "a, b")
