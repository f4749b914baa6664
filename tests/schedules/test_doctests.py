"""Every module of course_lib.schedules runs its doctests (one example at least)."""

from __future__ import annotations

import pytest
from _doctests import assert_doctests_pass, room_modules

import course_lib.schedules


@pytest.mark.parametrize("name", room_modules(course_lib.schedules))
def test_doctests(name):
    assert_doctests_pass(name)


def test_importing_schedules_leaves_torch_out():
    import subprocess
    import sys

    # without torch (course.py test-notorch) the NumPy half must import all the same
    code = (
        "import sys, course_lib.schedules as S; S.REGISTRY; S.gallery(); S.param_specs('cyclic'); "
        "assert 'torch' not in sys.modules, 'torch imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_torch_backed_name_is_read_from_the_room():
    """The room's lazy names load their torch module when read (here, where torch is imported anyway;
    in the interpreter above it would cost an import of torch)."""
    from course_lib.schedules import torch_bridge

    assert course_lib.schedules.as_torch_scheduler is torch_bridge.as_torch_scheduler
