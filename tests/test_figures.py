"""make figures: the script runs, writes every listed file deterministically, and the
committed figures are what it draws (within a visual tolerance: other CPUs round differently)."""

from __future__ import annotations

import hashlib
import importlib.util
import re
from pathlib import Path

import pytest
from matplotlib.testing.compare import compare_images

ROOT = Path(__file__).parent.parent


def _load_script():
    spec = importlib.util.spec_from_file_location("make_figures", ROOT / "scripts" / "make_figures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _digest(path: Path) -> str:
    # compare digests, never the bytes: pytest's diff of two large byte strings runs for minutes
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def drawn(tmp_path_factory):
    """``make figures`` run once into a temporary folder: (the script, the folder)."""
    script = _load_script()
    out = tmp_path_factory.mktemp("figures")
    assert script.main(["--out", str(out)]) == 0
    return script, out


#: Drawing every figure (nets trained for the warm-up figure) is building the course, as the website
#: and the editions are: ``course.py test`` runs it, ``course.py unit`` does not (issue 21: unit < 60 s).
@pytest.mark.integration
def test_make_figures_matches_the_committed_figures(drawn):
    import matplotlib

    locked = re.search(r"^matplotlib==(\S+)", (Path(__file__).parent.parent / "requirements.lock").read_text(), re.M)
    if locked and matplotlib.__version__ != locked.group(1):
        # another matplotlib (course.py test-oldest) renders text and lines a little differently
        pytest.skip(f"figures/ is drawn with the lock's matplotlib {locked.group(1)}, this is {matplotlib.__version__}")
    script, out = drawn
    for name, tol in script.FIGURES.items():
        path = out / name
        assert path.exists() and path.stat().st_size > 10_000, name
        diff = compare_images(str(ROOT / "figures" / name), str(path), tol=tol, in_decorator=True)
        if diff is not None:
            raise AssertionError(
                f"figures/{name} differs from what make figures draws now by RMS {diff['rms']:.2f} "
                f"(allowed {tol}): run make figures and look at the change"
            )


@pytest.mark.integration
def test_make_figures_is_deterministic(drawn, tmp_path):
    """The same machine draws the same bytes twice (the figure with trained nets is the test):
    once in ``make figures`` (the ``drawn`` fixture), once more here."""
    script, out = drawn
    script.viz.use_course_style()
    script.warmup(tmp_path)
    assert _digest(out / "warmup.png") == _digest(tmp_path / "warmup.png")


def test_gallery_covers_the_catalog():
    script = _load_script()
    names = set(script.catalog())
    from course_lib import schedules as S

    assert set(S.CATALOG) <= names
