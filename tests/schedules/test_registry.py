"""The registry: one row per schedule, and its readers (catalog, gallery, recipes, explorers)."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from course_lib import schedules as S
from course_lib.schedules.registry import REGISTRY, build_schedule, gallery, param_specs

OLD_CATALOG_ORDER = [
    "constant",
    "step_decay",
    "multistep_decay",
    "exponential_decay",
    "inverse_time_decay",
    "inverse_sqrt_decay",
    "polynomial_decay",
    "linear_decay",
    "cosine_decay",
    "cosine_restarts",
    "cyclic",
    "one_cycle",
    "noam",
    "piecewise_constant",
    "warmup_stable_decay",
]


def test_catalog_is_the_rows_in_order():
    assert list(S.CATALOG)[: len(OLD_CATALOG_ORDER)] == OLD_CATALOG_ORDER  # new rows come after (or anywhere)
    assert all(S.CATALOG[name] is getattr(S, name) for name in S.CATALOG)
    # the rows whose factory takes a schedule (the explorers cannot build that argument)
    assert [name for name, row in REGISTRY.items() if not row.catalog] == ["warmup", "k_decay", "noisy"]


@pytest.mark.parametrize("name", list(REGISTRY))
def test_every_row_is_consistent(name):
    row = REGISTRY[name]
    cls, home = row.schedule_class, sys.modules[row.factory.__module__]
    assert issubclass(cls, S.Schedule) and row.factory.__name__ == name
    assert {name, cls.__name__} <= set(home.__all__), f"list {name} and {cls.__name__} in {home.__name__}.__all__"
    assert getattr(S, name, None) is row.factory and getattr(S, cls.__name__, None) is cls and name in S.__all__, (
        f"import {name} and {cls.__name__} in course_lib/schedules/__init__.py and list {name} in its __all__"
    )
    pictures = row.gallery(1000)
    assert pictures and all(isinstance(s, S.Schedule) for s in pictures.values())
    if row.fit is not None:  # a recipe peaks at lr and fits the run
        for total in (10, 100, 1001):
            rates = S.evaluate(row.fit(0.5, total), total)
            assert 0.45 <= rates.max() <= 0.5 + 1e-12, (name, total)


def test_gallery_reads_the_rows():
    pictures = gallery(1000)
    assert len(pictures) >= len(REGISTRY) and list(pictures)[:2] == ["constant", "step_decay"]
    assert pictures["warmup + cosine"] == S.warmup(S.cosine_decay(0.1, 900), 100)


@pytest.mark.parametrize("name", list(S.CATALOG))
def test_explorer_defaults_build_a_schedule(name):
    assert isinstance(build_schedule(name, {}, n_steps=200), S.Schedule)
    assert list(param_specs(name, 200)) == list(param_specs(S.CATALOG[name], 200))


def test_build_schedule_messages():
    assert build_schedule("cyclic", {"base_lr": 0.5, "max_lr": 0.1}).startswith("Cannot build cyclic: max_lr")
    with pytest.raises(ValueError, match="values has unknown parameters"):
        build_schedule("constant", {"learning_rate": 0.1})
    wrapped = build_schedule("cosine_decay", {"total_steps": 100}, warmup_steps=10)
    assert isinstance(wrapped, S.Warmup) and wrapped(10) == pytest.approx(0.1)


def test_a_factory_outside_the_registry_gets_controls_from_its_signature():
    def custom(lr: float, total_steps: int, sharpness: float = 2.0, note: str = "x"):
        return S.cosine_decay(lr, total_steps)

    specs = param_specs(custom, 50)
    assert [specs[p].kind for p in specs] == ["log", "int", "float", "text"]
    assert specs["total_steps"].default == 50 and specs["sharpness"].high == 4.0


def test_row_examples_are_small_and_fast():
    for name, row in REGISTRY.items():
        assert np.all(np.isfinite(row.make()(np.arange(100))))
