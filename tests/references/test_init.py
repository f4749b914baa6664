"""The references room re-exports lazily: importing it leaves torch out until a torch-backed name is read."""

from __future__ import annotations

import subprocess
import sys

import course_lib.references as references
from course_lib.references import articles, concepts, libraries, terminology


def test_every_name_of_the_modules_is_read_from_the_room():
    for module in (articles, libraries, concepts, terminology):
        for name in module.__all__:
            assert getattr(references, name) is getattr(module, name), name
    modules = (articles, libraries, concepts, terminology)
    assert sorted(references.__all__) == sorted(name for module in modules for name in module.__all__)


def test_importing_the_room_and_the_articles_leaves_torch_out():
    # that reading a torch-backed name (trace_torch_lrs) works is the test above, in this process:
    # a second interpreter importing torch for it cost seconds of every `course.py unit`
    code = "import sys, course_lib.references as r; r.a003_decay_lr(10); assert 'torch' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
