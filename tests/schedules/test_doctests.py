"""Every module of course_lib.schedules runs its doctests (one example at least)."""
from __future__ import annotations

import pytest

import course_lib.schedules
from _doctests import assert_doctests_pass, room_modules


@pytest.mark.parametrize("name", room_modules(course_lib.schedules))
def test_doctests(name):
    assert_doctests_pass(name)


def test_importing_schedules_leaves_torch_out():
    import subprocess
    import sys
    code = ("import sys, course_lib.schedules as S; S.REGISTRY; S.gallery(); S.param_specs('cyclic'); "
            "assert 'torch' not in sys.modules, 'torch imported'; S.as_torch_scheduler; "
            "assert 'torch' in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)
