"""Shared by the unit tests: hypothesis profiles, figures closed after every test, explorer figures recorded."""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import os  # noqa: E402

# The suite's expected texts (doctests, messages, the English notebooks' outputs) are English:
# a COURSE_LANG=zh_CN in the maintainer's shell must not change them, here or in nbval's kernels.
# The Chinese notebooks choose their language in their first cell (course_lib.i18n.use_language).
os.environ.pop("COURSE_LANG", None)


def load_on_first_call(name: str, function: str) -> bool:
    """Put a stand-in for module ``name`` in sys.modules whose ``function`` imports the real module
    on its first call and answers as it does. False (nothing done) if the module is loaded already
    or not installed.
    """
    if name in sys.modules or importlib.util.find_spec(name) is None:
        return False
    stand_in = types.ModuleType(name, f"{name}, loaded on the first call of {function} (tests/conftest.py)")

    def first_call(*args, **kwargs):
        if sys.modules.get(name) is stand_in:
            del sys.modules[name]
        real = getattr(importlib.import_module(name), function)
        setattr(stand_in, function, real)
        return real(*args, **kwargs)

    setattr(stand_in, function, first_call)
    sys.modules[name] = stand_in
    return True


# nbformat imports jsonschema, whose format checker imports rfc3987_syntax (when installed, as
# jupyter's tools install it), which compiles three Earley grammars at import: about 2 s of CPU in
# every pytest process that reads a notebook, for a check no notebook schema uses (nbformat has no
# "iri" format). With the stand-in, an IRI check still answers exactly as before, on first use.
# course.py unit runs without nbval (-p no:nbval), so nothing has imported jsonschema before this
# file; under nbval (course.py test) the real module is loaded already and this does nothing.
load_on_first_call("rfc3987_syntax", "is_valid_syntax")

# the classroom tools (scripts/slides.py, scripts/editions.py) import as top-level modules in tests
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from hypothesis import settings  # noqa: E402

# Property tests draw the same examples on every machine and every run (CI must not pass or
# fail by luck) and have no per-example deadline (a loaded 2-core runner is slow, not wrong).
# Two sizes: "quick" (the default, what `course.py unit` runs: a fifth of the examples) and
# "thorough" (every example: `course.py test`, hence CI, passes --hypothesis-profile=thorough).
# A test's own count (``_fuzz.examples(n)``, ``max_examples=_fuzz.scaled(n)``) is scaled by the
# profile too. HYPOTHESIS_PROFILE=explore draws fresh random examples (every one), for a local hunt.
settings.register_profile("thorough", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("quick", settings.get_profile("thorough"), max_examples=20)
settings.register_profile("ci", settings.get_profile("thorough"))  # the old name of "thorough"
settings.register_profile("explore", deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "quick"))


def _torch_missing(exc: BaseException | None) -> bool:
    """A torch ImportError, or an error raised while handling one (pytest.warns's "DID NOT WARN")."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, ImportError) and (getattr(exc, "name", None) or "").split(".")[0] == "torch":
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


# Without torch (python course.py test-notorch; a learner's machine with no torch wheel) the tests
# that need it skip, saying so, instead of failing: a test module that imports torch, and a test
# that reads a torch-backed name (course_lib's lazy loader then imports torch).
@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector):
    report = yield
    if report.failed and "No module named 'torch'" in str(report.longrepr):
        report.outcome = "skipped"
        report.longrepr = (str(collector.path), 0, "Skipped: needs PyTorch, which is not installed")
    return report


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    try:
        return (yield)
    except BaseException as exc:  # pytest.warns's Failed is a BaseException
        if _torch_missing(exc):
            pytest.skip("needs PyTorch, which is not installed")
        raise


#: pytest-xdist workers' end-of-session summaries (tests/e2e/conftest.py's browser measurements),
#: by worker and section, printed by the controller, which has the terminal.
_WORKER_SUMMARIES: dict[str, dict[str, list[str]]] = {}


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    summaries = getattr(node, "workeroutput", {}).get("summaries")
    if summaries:
        _WORKER_SUMMARIES[node.gateway.id] = summaries


#: The longest units of work of ``course.py test`` and ``course.py unit``, longest first (seconds of one
#: worker on a quiet 2-core machine, roughly). pytest-xdist hands a free worker the next file in
#: collection order (course.py passes --no-loadscope-reorder), so these run first and the short
#: files fill the gaps at the end: a long file started last would keep one worker busy while the
#: other waits. A file not listed keeps its place after them; a stale entry costs time, not tests.
LONGEST_FIRST = (
    "tests/e2e/test_notebooks_in_browser.py",
    "tests/test_editions.py",
    "notebooks/05_warmup.ipynb",
    "notebooks/06_warmup_in_practice.ipynb",
    "notebooks/09_choosing_a_schedule.ipynb",
    "notebooks/15_width_transfer.ipynb",
    "tests/test_site_build.py",
    "tests/test_figures.py",
    "notebooks/08_plateau_and_adam.ipynb",
    "notebooks/11_large_batch.ipynb",
    "notebooks/14_averaging.ipynb",
    "notebooks/13_weight_decay_and_groups.ipynb",
    "notebooks/12_batch_size_and_noise.ipynb",
    "notebooks/04_decay.ipynb",
    "notebooks/07_restarts.ipynb",
    "notebooks/10_pitfalls.ipynb",
    "notebooks/02_stochastic_gradients.ipynb",
    "notebooks/03_momentum_and_adaptive.ipynb",
    "tests/explorers/test_plateau.py",
    "tests/explorers/test_explorers.py",
    "tests/explorers/test_fuzz.py",
    "tests/test_bad_inputs.py",
    "tests/exercises/test_experiments.py",
    "tests/training/test_distributed.py",
    "tests/problems/test_surfaces.py",
    "tests/studies/test_measures.py",
)
#: Parametrized tests whose cases share nothing but the module and each take a minute: under
#: pytest-xdist each case is its own unit of work (the rest of its file stays together).
SPLIT_BY_CASE = ("tests/test_editions.py::test_instructor_edition_executes_with_every_check_correct[",)


def _file_of(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def pytest_collection_modifyitems(session, config, items):
    """The files of LONGEST_FIRST first, in its order; the others after them, in collection order."""
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(_file_of(item.nodeid), len(rank)))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """--dist loadfile, except that each case of SPLIT_BY_CASE is a unit of work of its own."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class LoadFileSplitting(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return nodeid if nodeid.startswith(SPLIT_BY_CASE) else super()._split_scope(nodeid)

    return LoadFileSplitting(config, log)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    for worker, summaries in sorted(_WORKER_SUMMARIES.items()):
        for section, lines in summaries.items():
            terminalreporter.section(f"{section}, worker {worker}")
            for line in lines:
                terminalreporter.write_line(line)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture
def shown(monkeypatch):
    """Record the frames the explorers render (their figure, once per frame), and check every
    frame: no legend covers a data point (:func:`course_lib.plotting.legends.covered_points`) nor a
    tick label, axis label or title (:func:`course_lib.plotting.legends.covered_labels`)."""
    from course_lib.explorers import base
    from course_lib.plotting.legends import CROWDED_MARK, covered_labels, covered_points

    figures = []
    covered = []

    def record(fig):
        figures.append(fig)
        counts = [
            0 if getattr(ax.get_legend(), CROWDED_MARK, False) else covered_points(ax, draw=False) for ax in fig.axes
        ]
        words = [covered_labels(ax, draw=False) for ax in fig.axes]
        if any(counts) or any(words):
            covered.append((len(figures), [ax.get_title() for ax in fig.axes], counts, words))

    monkeypatch.setattr(base, "show_frame", record)
    yield figures
    assert not covered, (
        f"legends cover data or labels in these explorer frames (frame, titles, points, labels): {covered}"
    )


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """The course website (scripts/build_site.py), built once per session into a temporary folder.

    Returns (folder, stats) with stats = {"pages": ..., "seconds": ...}. The build itself
    fails on a Sphinx warning, a broken link, a missing image or a notebook without a page.
    Under pytest-xdist the workers of a run share one build (tests/test_site_build.py and
    tests/e2e/test_site_in_browser.py may run on different ones): the first builds it into the
    run's temporary folder, under a file lock, the others read it.
    """
    import importlib.util
    import json

    script = Path(__file__).resolve().parent.parent / "scripts" / "build_site.py"
    spec = importlib.util.spec_from_file_location("build_site", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    try:
        from filelock import FileLock
    except ImportError:  # pragma: no cover - filelock comes with torch and jupyter's tools
        FileLock = None
    if not os.environ.get("PYTEST_XDIST_WORKER") or FileLock is None:
        out = tmp_path_factory.mktemp("site") / "html"
        return out, module.build(out), module
    shared = tmp_path_factory.getbasetemp().parent / "site"  # the run's folder, common to its workers
    shared.mkdir(exist_ok=True)
    with FileLock(str(shared / "build.lock")):
        done = shared / "stats.json"
        if not done.exists():
            done.write_text(json.dumps(module.build(shared / "html")))
        return shared / "html", json.loads(done.read_text()), module


@pytest.fixture()
def course():
    """The course's launcher, course.py at the repository's root (a script, not a package module)."""
    root = str(Path(__file__).resolve().parent.parent)
    sys.path.insert(0, root)
    try:
        import course as launcher
    finally:
        sys.path.remove(root)
    return launcher
