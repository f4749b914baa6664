"""make figures: the script runs and writes every listed file (deterministically)."""
from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).parent.parent


def _load_script():
    spec = importlib.util.spec_from_file_location("make_figures", ROOT / "scripts" / "make_figures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_make_figures_writes_every_listed_file(tmp_path):
    script = _load_script()
    assert script.main(["--out", str(tmp_path)]) == 0
    for name in script.FIGURES:
        path = tmp_path / name
        assert path.exists() and path.stat().st_size > 10_000, name
        assert path.read_bytes() == (ROOT / "figures" / name).read_bytes(), (
            f"figures/{name} is stale or not deterministic: run make figures")


def test_gallery_covers_the_catalog():
    script = _load_script()
    names = set(script.catalog())
    from course_lib import schedules as S
    assert set(S.CATALOG) <= names
