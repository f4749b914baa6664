"""The NumPy lessons without PyTorch: notebooks 00-04 run to the end, each torch cell in one line.

Runs only where torch is not installed (``python course.py test-notorch`` builds such a venv,
.venv-notorch, and runs the unit tests there); with torch installed it skips. The notebooks run
under nbclient, not nbval: the stored outputs of torch cells differ from the one line printed
here, so the check is that no cell ends in an error and that the torch cells said what they need.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from course_lib import torch_optional as O

ROOT = Path(__file__).resolve().parent.parent
_SPEC = importlib.util.spec_from_file_location("course_launcher", ROOT / "course.py")
_COURSE = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(_COURSE)
NOTEBOOKS = _COURSE.NOTORCH_NOTEBOOKS  # one home: course.py's list, which test-notorch runs

pytestmark = pytest.mark.skipif(O.torch_available(), reason="torch is installed: this checks the set-up without it")


def _outputs_text(cell) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream")


def test_the_kernel_loads_the_torch_cell_guard():
    """course.py writes it into the venv, so notebook 00's first cells (before course_lib) are covered."""
    config = Path(sys.prefix) / "etc" / "ipython" / "ipython_kernel_config.py"
    assert config.exists(), f"{config} is missing: create the venv with `python course.py test-notorch`"
    assert "course_lib.torch_optional" in config.read_text()


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_numpy_lessons_run_all_without_torch(name):
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(ROOT / "notebooks" / name, as_version=4)
    NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(ROOT / "notebooks")}}
    ).execute()  # raises on an error
    code = [c for c in nb.cells if c.cell_type == "code"]
    errors = [o for c in code for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, f"{name}: error outputs {[e.get('ename') for e in errors]}"
    skipped = [c for c in code if "[skipped]" in _outputs_text(c)]
    for cell in skipped:
        lines = [line for line in _outputs_text(cell).splitlines() if "[skipped]" in line]
        assert len(lines) == 1, f"{name}: a skipped cell printed {lines}"
    torch_cells = [
        c
        for c in code
        if ("import torch" in c.source or "train_torch" in c.source) and "except ImportError" not in c.source
    ]
    guarded = [c for c in code if "import torch" in c.source and "except ImportError" in c.source]
    for cell in guarded:  # 00's environment check handles a missing torch itself, in one line
        assert "not installed" in _outputs_text(cell), f"{name}: a guarded torch import did not say it is missing"
    assert torch_cells or guarded, f"{name} has no torch cell: nothing to check"
    assert all(c in skipped for c in torch_cells), f"{name}: a torch cell ran or failed without the one line"
    ran = len(code) - len(skipped)
    print(f"{name}: {ran} of {len(code)} code cells ran, {len(skipped)} said they need torch")
