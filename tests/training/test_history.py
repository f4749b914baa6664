import numpy as np
import pytest

from course_lib import schedules as S
from course_lib.schedules.registry import REGISTRY
from course_lib.training.history import History, schedule_config, schedule_from_config


def test_summary_and_properties():
    h = History(steps=np.arange(3), lr=np.full(3, 0.1), loss=np.array([3.0, 2.0, 1.0]), label="sgd")
    assert h.n_steps == 3 and h.final_loss == 1.0
    assert h.summary() == "sgd: 3 steps, final loss 1"
    h2 = History(diverged=True, diverged_step=5)
    assert "DIVERGED at step 5 (lr=?)" in h2.summary()
    assert np.isnan(h2.final_loss) and np.isnan(h2.final_val_acc)


def test_histories_compare_by_identity_not_elementwise():
    a, b = History(loss=np.ones(3)), History(loss=np.ones(3))
    assert a == a and a != b


# ---------------------------------------------------------------------------
# A run's schedule is saved as plain data and rebuilt (schedule_config / schedule_from_config)
# ---------------------------------------------------------------------------

STEPS = np.concatenate([np.arange(0, 1200), np.arange(0, 1200, 0.37)])


def _registry_schedules():
    """Every registry row's example and gallery pictures: every class the registry builds."""
    return [
        pytest.param(s, id=f"{name}:{label}")
        for name, row in REGISTRY.items()
        for label, s in {"example": row.make(), **row.gallery(1000)}.items()
    ]


@pytest.mark.parametrize("schedule", _registry_schedules())
def test_every_registry_schedule_round_trips_through_its_config(schedule):
    config = schedule_config(schedule)
    rebuilt = schedule_from_config(config)
    assert type(rebuilt) is type(schedule) and rebuilt == schedule and repr(rebuilt) == repr(schedule)
    np.testing.assert_array_equal(rebuilt(STEPS), schedule(STEPS))
    assert schedule_config(rebuilt) == config


@pytest.mark.parametrize("name", list(REGISTRY))
def test_a_registry_class_is_rebuilt_without_a_re_export(name, monkeypatch):
    """A new schedule's row is enough: schedule_from_config does not need the class in S's namespace."""
    schedule = REGISTRY[name].make()
    monkeypatch.delattr(S, type(schedule).__name__)
    assert schedule_from_config(schedule_config(schedule)) == schedule


def test_schedule_from_config_rebuilds_schedule_classes_only():
    assert schedule_from_config(schedule_config(S.ramp(0.0, 0.1, 10))) == S.ramp(0.0, 0.1, 10)
    assert schedule_from_config(schedule_config(S.one_cycle_momentum(100))) == S.one_cycle_momentum(100)
    for name in ("ParamSpec", "Entry", "NoSuchSchedule"):
        with pytest.raises(ValueError, match="config\\['class'\\] must name a schedule class of course_lib.schedules"):
            schedule_from_config({"class": name})
