"""The suite's own machinery (tests/conftest.py): the order files go out to pytest-xdist's workers,
the instructor editions split by notebook, and jsonschema's IRI grammar built only when used."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def conftest(pytestconfig):
    """tests/conftest.py as pytest loaded it (tests/e2e has a conftest module of the same name)."""
    here = Path(__file__).with_name("conftest.py")
    return next(p for p in pytestconfig.pluginmanager.get_plugins() if getattr(p, "__file__", None) == str(here))


def test_every_file_scheduled_first_exists(conftest):
    missing = [name for name in conftest.LONGEST_FIRST if not (ROOT / name).is_file()]
    assert not missing, f"LONGEST_FIRST names files that are gone (rename or drop them): {missing}"
    assert len(set(conftest.LONGEST_FIRST)) == len(conftest.LONGEST_FIRST)


def test_the_longest_files_go_out_first_and_the_rest_keep_their_order(conftest):
    class Item:
        def __init__(self, nodeid):
            self.nodeid = nodeid

    ids = [
        "tests/a_test.py::one",
        "tests/explorers/test_plateau.py::x",
        "tests/b_test.py::two",
        "tests/e2e/test_notebooks_in_browser.py::test_notebook_runs_and_explorers_respond[00.ipynb]",
        "tests/explorers/test_plateau.py::y",
        "tests/e2e/test_notebooks_in_browser.py::test_interaction_latencies",
    ]
    items = [Item(i) for i in ids]
    conftest.pytest_collection_modifyitems(None, None, items)
    assert [i.nodeid for i in items] == [ids[3], ids[5], ids[1], ids[4], ids[0], ids[2]]


def test_each_instructor_edition_is_a_unit_of_work_of_its_own(conftest):
    pytest.importorskip("xdist")

    class Config:  # what the scheduler reads of ``pytest -n 2 --dist loadfile``'s configuration
        option = type("Option", (), {"loadscopereorder": False})()

        def getvalue(self, name):
            return {"dist": "loadfile", "tx": ["popen"] * 2, "numprocesses": 2}[name]

    scheduler = conftest.pytest_xdist_make_scheduler(Config(), None)
    edition = "tests/test_editions.py::test_instructor_edition_executes_with_every_check_correct[03_warmup]"
    assert scheduler._split_scope(edition) == edition
    assert scheduler._split_scope("tests/test_editions.py::test_build_writes_both_editions") == "tests/test_editions.py"
    assert scheduler._split_scope("notebooks/03_warmup.ipynb::Cell 4") == "notebooks/03_warmup.ipynb"


def test_a_run_without_nbval_builds_no_iri_grammar_until_an_iri_is_checked(pytestconfig):
    if pytestconfig.pluginmanager.has_plugin("nbval"):
        pytest.skip("nbval imported jsonschema before tests/conftest.py (course.py unit runs with -p no:nbval)")
    import jsonschema
    import nbformat  # noqa: F401 - jsonschema's format checker, as the notebooks' tests load it

    assert "rfc3987_syntax.syntax_helpers" not in sys.modules
    checker = jsonschema.FormatChecker()
    assert checker.conforms("https://example.org/a?b#c", "iri")
    assert not checker.conforms("no scheme here", "iri")
    assert "rfc3987_syntax.syntax_helpers" in sys.modules
