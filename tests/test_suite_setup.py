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
    edition = "tests/test_editions.py::test_instructor_edition_executes_with_every_check_correct[05_warmup]"
    assert scheduler._split_scope(edition) == edition
    assert scheduler._split_scope("tests/test_editions.py::test_build_writes_both_editions") == "tests/test_editions.py"
    assert scheduler._split_scope("notebooks/05_warmup.ipynb::Cell 4") == "notebooks/05_warmup.ipynb"


def test_a_run_without_nbval_builds_no_iri_grammar_on_reading_notebooks(pytestconfig):
    if pytestconfig.pluginmanager.has_plugin("nbval"):
        pytest.skip("nbval imported jsonschema before tests/conftest.py (course.py unit runs with -p no:nbval)")
    import jsonschema
    import nbformat  # noqa: F401 - jsonschema's format checker, as the notebooks' tests load it

    assert "rfc3987_syntax.syntax_helpers" not in sys.modules
    assert {"iri", "iri-reference"} <= set(jsonschema.FormatChecker().checkers)  # still registered


def test_the_stand_in_loads_the_module_on_its_first_call_and_answers_as_it(conftest, tmp_path, monkeypatch):
    (tmp_path / "slow_grammar_for_test.py").write_text(
        "import sys\nLOADS = sys.modules.setdefault('slow_grammar_loads', [])\nLOADS.append(1)\n"
        "def is_valid(term, value):\n    return (term, value.startswith('http'))\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(sys.modules, "slow_grammar_loads", [])
    monkeypatch.delitem(sys.modules, "slow_grammar_for_test", raising=False)
    assert conftest.load_on_first_call("slow_grammar_for_test", "is_valid")
    from slow_grammar_for_test import is_valid  # what jsonschema does: the stand-in's function

    assert sys.modules["slow_grammar_loads"] == []  # not loaded yet
    assert is_valid("iri", "https://example.org") == ("iri", True)
    assert is_valid("iri", "no scheme") == ("iri", False)
    assert sys.modules["slow_grammar_loads"] == [1]  # loaded once
    assert sys.modules["slow_grammar_for_test"].LOADS == [1]
    assert not conftest.load_on_first_call("slow_grammar_for_test", "is_valid")  # loaded: left alone
    assert not conftest.load_on_first_call("no_such_module_here", "f")
    monkeypatch.delitem(sys.modules, "slow_grammar_for_test")
