"""The package keeps the shape its map (course_lib/__init__.py) describes.

* rooms import only rooms below them in the map's order;
* no module is over 600 lines;
* no private name (``_x``) is imported from another module;
* no section banner is headed by a notebook number (rooms are by concept);
* the NumPy half imports without torch.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

import course_lib

PACKAGE = Path(course_lib.__file__).parent
#: the rooms in the map's order, bottom first
ORDER = [
    "i18n",
    "validation",
    "warn",
    "lazy",
    "torch_optional",
    "display",
    "schedules",
    "problems",
    "training",
    "references",
    "studies",
    "plotting",
    "explorers",
    "exercises",
]
MODULES = sorted(p for p in PACKAGE.rglob("*.py"))
MAX_LINES = 600


def _room(path: Path) -> str:
    return path.relative_to(PACKAGE).parts[0].removesuffix(".py")


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    """(module imported, names imported) for every course_lib import in ``path``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("course_lib"):
            found.append((node.module, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            found += [(a.name, []) for a in node.names if a.name.startswith("course_lib")]
    return found


def test_the_map_names_every_room():
    rooms = {_room(p) for p in MODULES} - {"__init__"}
    assert rooms == set(ORDER), f"rooms not in the map (or gone): {rooms ^ set(ORDER)}"
    for room in ORDER:
        assert f"``{room}``" in course_lib.__doc__


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_rooms_import_only_lower_rooms(path):
    here = _room(path)
    if here == "__init__":
        return
    for module, names in _imports(path):
        parts = module.split(".")
        targets = [parts[1]] if len(parts) > 1 else names
        for target in targets:
            if target in ORDER and target != here:
                assert ORDER.index(target) < ORDER.index(here), (
                    f"{path.name} ({here}) imports {target}, which the map puts above it"
                )


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_is_over_600_lines(path):
    n = len(path.read_text().splitlines())
    assert n <= MAX_LINES, f"{path.relative_to(PACKAGE)} has {n} lines (at most {MAX_LINES}): split it by concept"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_section_is_organised_by_notebook(path):
    """Sections are named after concepts; a notebook may be cited in prose, not head a section."""
    lines = path.read_text().splitlines()
    banners = [lines[i + 1] for i in range(len(lines) - 1) if lines[i].startswith("# ---")]
    by_notebook = [b for b in banners if re.search(r"notebook \d", b, re.IGNORECASE)]
    assert not by_notebook, f"{path.relative_to(PACKAGE)} heads sections by notebook: {by_notebook}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_private_name_is_imported_across_modules(path):
    for module, names in _imports(path):
        private = [n for n in names if n.startswith("_") and not n.startswith("__")]
        assert not private, f"{path.relative_to(PACKAGE)} imports private {private} from {module}: make it public there"
    text = path.read_text()
    crossing = re.findall(
        r"\b(?:schedules|problems|training|studies|plotting|explorers|exercises|references|S|P|T|viz)"
        r"\.(_[a-z]\w*)",
        text,
    )
    assert not crossing, f"{path.relative_to(PACKAGE)} reads private names of another module: {crossing}"


def test_the_numpy_half_imports_without_torch():
    code = (
        "import sys\n"
        "import matplotlib; matplotlib.use('Agg')\n"
        "import course_lib, course_lib.schedules, course_lib.problems, course_lib.plotting, course_lib.training\n"
        "from course_lib import schedules, problems, training\n"
        "training.run_gd(problems.quadratic_bowl(), schedules.constant(0.1), 5)\n"
        "print('torch' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False", "importing the NumPy half (or running run_gd) imported torch"
