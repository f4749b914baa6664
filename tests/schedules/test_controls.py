"""Explorer controls: one per parameter name, overridden by a registry row; each starts inside its range."""

from __future__ import annotations

import inspect

import pytest

from course_lib import schedules as S
from course_lib.schedules.controls import CONTROLS, KINDS, ParamSpec, control_value, parse_numbers
from course_lib.schedules.recipes import exponential_schedule
from course_lib.schedules.registry import REGISTRY, Entry, build_schedule, param_specs

N_STEPS = [2, 3, 7, 10, 11, 200, 1000, 1001]
SLIDERS = ("log", "float", "int", "optional_int")


def _vocabulary(name: str, p: str) -> ParamSpec:
    return REGISTRY[name].controls.get(p, CONTROLS.get(p))


@pytest.mark.parametrize("name", list(REGISTRY))
@pytest.mark.parametrize("n", N_STEPS)
def test_every_control_starts_inside_its_range(name, n):
    """The rule the old frozen table only implied: a slider's default is one it can show."""
    for p, spec in REGISTRY[name].specs(n).items():
        assert spec.kind in KINDS and spec.per_run is None, (name, p)
        if spec.kind in SLIDERS:
            assert spec.low <= spec.default <= spec.high, (name, p, spec)
        elif spec.kind == "choice":
            assert spec.default in spec.options, (name, p, spec)
        elif spec.kind == "bool":
            assert isinstance(spec.default, bool), (name, p, spec)


@pytest.mark.parametrize("name", list(S.CATALOG))
@pytest.mark.parametrize("n", N_STEPS)
def test_controls_follow_the_vocabulary_and_the_run(name, n):
    """One control per parameter, in signature order, as the vocabulary (or the row) says,
    with step counts sized to the run and the factory's defaults where the control has none."""
    params = inspect.signature(S.CATALOG[name]).parameters
    specs = param_specs(name, n)
    assert list(specs) == list(params)
    for p, spec in specs.items():
        vocab = _vocabulary(name, p)
        assert (spec.name, spec.kind, spec.low, spec.step, spec.options, spec.help) == (
            p,
            vocab.kind,
            vocab.low,
            vocab.step,
            vocab.options,
            vocab.help,
        ), (name, p)
        if spec.kind in ("int", "optional_int"):
            assert spec.high == n  # a step count can reach the end of the run
        if vocab.per_run is not None and spec.kind == "int":
            assert spec.default == (n if vocab.per_run == 1 else max(n // vocab.per_run, 1))
        elif vocab.default is not None:
            assert spec.default == vocab.default
        elif params[p].default is not inspect.Parameter.empty and spec.kind != "text":
            assert spec.default == params[p].default, (name, p)  # the factory's own default


@pytest.mark.parametrize("name", list(S.CATALOG))
@pytest.mark.parametrize("n", N_STEPS)
def test_default_controls_build_the_schedule(name, n):
    assert isinstance(build_schedule(name, {}, n_steps=n), S.Schedule), (name, n)


def test_rates_are_log_sliders_and_text_fields_parse():
    for name in S.CATALOG:
        for p, spec in param_specs(name, 300).items():
            if p in ("lr", "max_lr", "base_lr"):
                assert (spec.kind, spec.low, spec.high) == ("log", 1e-4, 1.0)
            if spec.kind == "text":
                assert control_value(spec, spec.default)  # numbers, comma-separated


def _warmup_exponential(lr: float, warmup_steps: int, gamma: float, decay_steps: float = 1) -> S.Schedule:
    return S.warmup(S.exponential_decay(lr, gamma, decay_steps), warmup_steps)


def test_a_required_parameter_starts_at_the_recipe_or_the_example_not_at_zero():
    """A new row whose required gamma has no control default (the case of review 2026-14 §4)."""
    row = Entry("warmup_exponential", _warmup_exponential, dict(lr=0.1, warmup_steps=5, gamma=0.9), lambda n: {})
    gamma = row.specs(200)["gamma"]
    assert gamma.default == 0.9 and gamma.low <= gamma.default <= gamma.high
    assert isinstance(row.factory(**{p: s.default for p, s in row.specs(200).items()}), S.Schedule)
    fitted = Entry("exponential", S.exponential_decay, dict(lr=0.1, gamma=0.5), lambda n: {}, fit=exponential_schedule)
    assert fitted.specs(1000)["gamma"].default == exponential_schedule(0.1, 1000).gamma
    # a factory outside the registry: the low end of the range, never 0.0 below it
    assert param_specs(_warmup_exponential, 100)["gamma"].default == CONTROLS["gamma"].low


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
