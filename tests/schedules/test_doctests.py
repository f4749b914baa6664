"""Every module of course_lib.schedules runs its doctests (one example at least)."""

from __future__ import annotations

import pytest
from _doctests import assert_doctests_pass, room_modules

import course_lib.schedules


@pytest.mark.parametrize("name", room_modules(course_lib.schedules))
def test_doctests(name):
    assert_doctests_pass(name)


def test_importing_schedules_leaves_torch_out():
    import importlib.util
    import subprocess
    import sys

    # without torch (course.py test-notorch) the NumPy half must import all the same
    then = "S.as_torch_scheduler; assert 'torch' in sys.modules" if importlib.util.find_spec("torch") else "pass"
    code = (
        "import sys, course_lib.schedules as S; S.REGISTRY; S.gallery(); S.param_specs('cyclic'); "
        f"assert 'torch' not in sys.modules, 'torch imported'; {then}"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
