"""course_lib.torch_optional: a torch cell prints one line and Run All goes on (faked torch errors)."""

from __future__ import annotations

import pytest

from course_lib import torch_optional as O

TORCH_MISSING = 'raise ModuleNotFoundError("No module named \'torch\'", name="torch")'


@pytest.fixture
def shell():
    """An in-process IPython shell with the transformer on (whether or not torch is installed)."""
    import sys

    from IPython.core.interactiveshell import InteractiveShell

    # IPython puts its own module without __spec__ in sys.modules["__main__"]; multiprocessing's
    # forkserver (test_distributed, later in the session) needs the real one back
    main = sys.modules["__main__"]
    sh = InteractiveShell.instance()
    sys.modules["__main__"] = main
    sh.ast_transformers.append(O.TorchCells())
    O._SKIPPED_NAMES.clear()
    try:
        yield sh
    finally:
        O._SKIPPED_NAMES.clear()
        InteractiveShell.clear_instance()
        sys.modules["__main__"] = main


def run(shell, code):
    result = shell.run_cell(code)
    return result


def test_a_torch_cell_prints_one_line_and_does_not_raise(shell, capsys):
    result = run(shell, f"a = 1\n{TORCH_MISSING}\nb = 2")
    assert result.success, result.error_in_exec
    out = capsys.readouterr().out
    assert out.strip() == O.MESSAGE and len(out.strip().splitlines()) == 1
    assert shell.user_ns["a"] == 1 and "b" not in shell.user_ns


def test_a_later_cell_using_a_skipped_name_says_it_needs_the_torch_cell(shell, capsys):
    run(shell, f"{TORCH_MISSING}\nnet = 3")
    capsys.readouterr()
    result = run(shell, "print(net + 1)")
    assert result.success
    assert capsys.readouterr().out.strip() == O.NEEDS_RESULTS.format(name="net")
    # and a cell depending on that one in turn
    run(shell, "y = net * 2")
    capsys.readouterr()
    assert run(shell, "y").success and "'y'" in capsys.readouterr().out


def test_other_errors_still_raise(shell):
    assert run(shell, "1 / 0").error_in_exec.__class__ is ZeroDivisionError
    assert isinstance(run(shell, "undefined_name_xyz").error_in_exec, NameError)
    assert isinstance(run(shell, "import no_such_module_xyz").error_in_exec, ModuleNotFoundError)


def test_the_last_expression_is_still_the_cells_value(shell):
    assert run(shell, "x = 20\nx + 1").result == 21
    assert run(shell, "41 + 1").result == 42
    assert run(shell, f"{TORCH_MISSING}\n5").result is None


def test_a_torch_error_in_the_last_expression_is_caught(shell, capsys):
    run(shell, "def needs_torch():\n    " + TORCH_MISSING)
    result = run(shell, "needs_torch()")
    assert result.success and capsys.readouterr().out.strip() == O.MESSAGE


def test_torch_metadata_missing_counts_as_torch_missing(shell, capsys):
    """Notebook 00's version table reads importlib.metadata.version('torch')."""
    code = (
        "import importlib.metadata as m\nm.version('torch')\n"
        if O.torch_available()
        else "import importlib.metadata as m\nraise m.PackageNotFoundError('torch')\n"
    )
    assert run(shell, code).success
    if not O.torch_available():
        assert O.MESSAGE in capsys.readouterr().out


def test_async_and_future_cells_are_left_alone():
    import ast

    for code in ("from __future__ import annotations\nx = 1", "await f()"):
        tree = ast.parse(code) if "await" not in code else ast.parse("async def g():\n    await f()").body[0].body[0]
        module = ast.Module(body=[tree] if not isinstance(tree, ast.Module) else tree.body, type_ignores=[])
        assert O.TorchCells().visit(module) is module


def test_enable_is_off_with_torch_or_outside_ipython(monkeypatch):
    monkeypatch.setattr(O, "torch_available", lambda: True)

    class FakeShell:
        ast_transformers: list = []

    assert O.enable(FakeShell()) is False and FakeShell.ast_transformers == []
    monkeypatch.setattr(O, "torch_available", lambda: False)
    shell = FakeShell()
    shell.ast_transformers = []
    assert O.enable(shell) is True and O.enable(shell) is True
    assert len(shell.ast_transformers) == 1  # registered once
