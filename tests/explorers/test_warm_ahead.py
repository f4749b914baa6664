"""Warming ahead: an explorer that computes slowly prepares the next step of each slider while the learner looks.

The explorers whose compute trains (plateau, large batch) memoise their runs; after a change,
when the kernel is idle, they compute the settings one step away (the moved control's next step
first), so a learner stepping a slider gets the next frame from the cache.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from course_lib import explorers as W  # noqa: E402
from course_lib.explorers.base import Explorer  # noqa: E402
from course_lib.explorers.controls import Control, make_control, neighbours  # noqa: E402


def test_neighbours_are_one_step_away_the_given_way_first():
    n = make_control(Control("n", "int", 5, 0, 10))
    assert neighbours(n) == [6, 4] and neighbours(n, -1) == [4, 6]
    n.value = 10
    assert neighbours(n) == [9]  # the range ends
    x = make_control(Control("x", "float", 0.5, 0, 10, 0.5))
    assert neighbours(x) == [1.0, 0.0]
    lr = make_control(Control("lr", "log", 0.02, 10**-2.5, 0.1, 0.05))
    up, down = neighbours(lr)
    assert up == pytest.approx(0.02 * 10**0.05, rel=1e-2) and down == pytest.approx(0.02 / 10**0.05, rel=1e-2)
    k = make_control(Control("k", "steps", 4, options=(1, 2, 4, 8, 16)))
    assert neighbours(k, -1) == [2, 8]
    mode = make_control(Control("mode", "choice", "rel", options=("rel", "abs")))
    assert neighbours(mode) == ["abs"]
    assert neighbours(make_control(Control("b", "bool", False))) == [True]
    assert neighbours(make_control(Control("s", "multi", ("a",), options=("a", "b")))) == []


class Counting(Explorer):
    """A toy explorer whose compute is memoised by hand: it records what it computed."""

    warm_ahead = True

    def __init__(self) -> None:
        self.computed: list[tuple] = []
        self.cache: dict[tuple, float] = {}
        super().__init__([Control("a", "int", 5, 0, 10), Control("b", "float", 1.0, 0, 2, 0.5)])
        self.update()

    def compute(self, v: dict) -> float:
        key = (v["a"], v["b"])
        if key not in self.cache:
            self.computed.append(key)
            self.cache[key] = v["a"] * v["b"]
        return self.cache[key]

    def draw(self, result: float, v: dict) -> None:
        pass


def test_after_a_change_the_idle_kernel_computes_the_neighbours_moved_control_first():
    ex = Counting()
    idle = []
    ex.idle = lambda fn, *args: idle.append((fn, args))
    assert not idle  # building the explorer warms nothing (a notebook run does not pay for it)
    ex.controls["a"].value = 4  # moved down
    assert ex.computed == [(5, 1.0), (4, 1.0)] and len(idle) == 1
    while idle:  # the kernel is idle: one setting per turn of the loop
        fn, args = idle.pop(0)
        fn(*args)
    assert ex.computed[2:] == [(3, 1.0), (4, 1.5), (4, 0.5)]  # a=5 was computed already
    ex.controls["a"].value = 3  # the next step down: from the cache
    assert ex.computed[-1] == (4, 0.5) and ex.last_result == 3.0


def test_a_newer_change_stops_the_warming_of_the_older_one():
    ex = Counting()
    idle = []
    ex.idle = lambda fn, *args: idle.append((fn, args))
    ex.controls["b"].value = 1.5
    ex.controls["b"].value = 2.0
    assert len(idle) == 2
    fn, args = idle.pop(0)  # the first change's warming, reached after the second change
    fn(*args)
    assert ex.computed == [(5, 1.0), (5, 1.5), (5, 2.0)] and len(idle) == 1  # the newer change's is left


def test_outside_a_kernel_nothing_is_warmed():
    ex = Counting()
    ex.controls["a"].value = 6
    assert ex.computed == [(5, 1.0), (6, 1.0)]


@pytest.mark.parametrize("cls", [W.PlateauExplorer, W.LargeBatchExplorer])
def test_the_training_explorers_warm_ahead(cls):
    assert cls.warm_ahead and not W.ScheduleExplorer.warm_ahead
