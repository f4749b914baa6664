"""Every name a learner or a lecturer reads in the prose can be found.

The notebooks' Markdown, the README and the lecturer's guide (lecturing/*.md) name modules,
functions, files and tests. Each one must resolve:

- ``course_lib.room.name`` (anywhere, also in a notebook's code and printed output): imports,
  then ``getattr`` along the rest;
- ``room.name`` in `inline code` (``training.train_torch``): ``from course_lib import room`` and
  ``getattr`` (a lazy name is read, so torch is imported once). A prefix that is not a room must
  be a module that imports (``torch``, ``math``), a name the notebook's own code binds (``bowl``,
  ``h``) or one of the usual names of a training loop (``optimizer``, ``scheduler``); anything
  else (``trainers``, ``models``) is a stale room name (one letter, ``X.step()``, is a placeholder);
- a file path (``course_lib/training/plateau.py``, ``tests/training/test_checkpoint.py``,
  ``scripts/slides.py``, a bare ``registry.py``) exists, from the repository root or from
  ``course_lib/``;
- no "(alias `A`)": the notebooks import the rooms by their full names, with no aliases.

One test per document; a failure lists ``file:cell`` (or ``file:line``), the name and why it does
not resolve. Nothing is executed.
"""

from __future__ import annotations

import ast
import functools
import importlib
import importlib.util
import json
import pkgutil
import re
from functools import lru_cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ROOMS = (
    "schedules",
    "problems",
    "training",
    "studies",
    "plotting",
    "explorers",
    "exercises",
    "references",
    "validation",
    "lazy",
)
LOOP_NAMES = {
    "optimizer",
    "opt",
    "scheduler",
    "sched",
    "scaler",
    "model",
    "net",
    "loss",
    "group",
    "self",
    "tf",
    "nn",
    "np",
    "F",
    "plt",
    "keras",
    "optax",
    "timm",
}
GENERATED = {"tests/e2e/screenshots"}  # made by the browser tests, git-ignored
DOCUMENTS = [
    *sorted((ROOT / "notebooks").glob("*.ipynb")),
    ROOT / "README.md",
    *sorted((ROOT / "lecturing").glob("*.md")),
]

FENCE = re.compile(r"^```.*?^```", re.M | re.S)
CODE_SPAN = re.compile(r"`([^`\n]+)`")
ALIAS = re.compile(r"\balias(?:es)?\s+`[^`]+`")
DOTTED = re.compile(r"(?<![\w.])course_lib(?:\.[A-Za-z_]\w*)+")
ATTRIBUTE = re.compile(r"(?<![\w./])([A-Za-z_]\w*)((?:\.[A-Za-z_]\w*)+)")
FILE_SUFFIX = re.compile(r"\.(?:py|md|ipynb|toml|yml|yaml|lock|txt|json|html|png|svg|cfg|sh)$")
PATH = re.compile(
    r"(?<![\w/.-])((?:course_lib|tests|scripts|notebooks|lecturing|benchmarks|figures)/[\w./<>{}*-]*"
    r"|[\w-]+(?:/[\w-]+)*\.py)(?![\w/<>{}*-])"
)
REPO_PATH = re.compile(r"(?<![\w/.-])((?:course_lib|tests|scripts)/[\w./-]*)")  # in code and output


def _relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _bound_names(cells: list[dict]) -> set[str]:
    """Every name the notebook's code binds (assignments, loops, defs, imports, arguments)."""
    names: set[str] = set()
    for cell in cells:
        if cell["cell_type"] != "code":
            continue
        code = "\n".join(
            line for line in "".join(cell["source"]).splitlines() if not line.lstrip().startswith(("%", "!"))
        )
        try:
            tree = ast.parse(code)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, ast.arg):
                names.add(node.arg)
            elif isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
                names.add(node.name)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                names |= {(a.asname or a.name).split(".")[0] for a in node.names}
    return names


def _chunks(path: Path):
    """(where, text, is_prose) for each cell of a notebook or each line of a Markdown file."""
    if path.suffix == ".ipynb":
        for i, cell in enumerate(json.loads(path.read_text())["cells"]):
            where = f"{_relative(path)}:cell {i}"
            if cell["cell_type"] == "markdown":
                yield where, "".join(cell["source"]), True
            else:
                yield where, "".join(cell["source"]), False
                for out in cell.get("outputs", []):
                    printed = "".join(out.get("text", "")) + "".join(out.get("data", {}).get("text/plain", ""))
                    yield where + " (output)", printed, False
    else:
        text = path.read_text()
        fenced = {
            text.count("\n", 0, m.start()) + k for m in FENCE.finditer(text) for k in range(m.group(0).count("\n") + 1)
        }
        for n, line in enumerate(text.splitlines()):
            yield f"{_relative(path)}:{n + 1}", line, n not in fenced


@lru_cache(maxsize=None)
def _room(name: str):
    return importlib.import_module(f"course_lib.{name}")


@lru_cache(maxsize=None)
def _everything() -> dict[str, list[str]]:
    """name -> the rooms that export it (for suggestions)."""
    found: dict[str, list[str]] = {}
    for room in ROOMS:
        for name in dir(_room(room)):
            found.setdefault(name, []).append(f"{room}.{name}")
    return found


@lru_cache(maxsize=None)
def _modules() -> dict[str, list[str]]:
    """module name -> its full names in course_lib (for suggestions)."""
    import course_lib

    found: dict[str, list[str]] = {}
    for info in pkgutil.walk_packages(course_lib.__path__, "course_lib."):
        found.setdefault(info.name.rsplit(".", 1)[-1], []).append(info.name)
    return found


def _suggest_name(dotted: str) -> str:
    last = dotted.rsplit(".", 1)[-1]
    hits = _everything().get(last, []) or _modules().get(last, [])
    return f"; it is {' or '.join(hits)}" if hits else ""


def _resolve_dotted(dotted: str) -> str | None:
    """None when ``course_lib.a.b`` resolves, else why not."""
    parts = dotted.split(".")
    for k in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:k]))
        except ImportError:
            continue
        for j, attr in enumerate(parts[k:], start=k):
            try:
                obj = getattr(obj, attr)
            except AttributeError:
                return f"{'.'.join(parts[:j])} has no {attr!r}" + _suggest_name(dotted)
        return None
    return "does not import"


@lru_cache(maxsize=None)
def _importable(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


#: packages the course may run without (an install with no torch still names torch.distributed)
OPTIONAL = {"torch"}


@functools.lru_cache(maxsize=1)
def _claim_names() -> frozenset[str]:
    """The names of the registered claims (``restarts.from_w0``), which prose may quote."""
    from course_lib import studies

    return frozenset(studies.all_claims())


def _resolve_attribute(prefix: str, rest: str, bound: set[str]) -> str | None:
    if prefix == "course_lib":
        return None  # DOTTED checks these
    if f"{prefix}{rest}".strip(".") in _claim_names():
        return None  # a registered claim's name: studies.claim("warmup.x")
    if prefix in ROOMS:
        obj = _room(prefix)
        for attr in rest.strip(".").split("."):
            try:
                obj = getattr(obj, attr)
            except AttributeError:
                try:  # a submodule not imported yet: training.plateau
                    obj = importlib.import_module(f"{obj.__name__}.{attr}") if hasattr(obj, "__path__") else None
                except ImportError:
                    obj = None
                if obj is None:
                    return f"course_lib.{prefix} has no {attr!r}" + _suggest_name(f"{prefix}{rest}")
            if not isinstance(obj, type) and not hasattr(obj, "__path__") and callable(obj):
                break  # the rest is a call's result or a method: not a path
        return None
    if prefix in bound or prefix in LOOP_NAMES or len(prefix) == 1 or _importable(prefix) or prefix in OPTIONAL:
        return None
    return (
        f"{prefix!r} is not a course_lib room ({', '.join(ROOMS[:8])}), an importable module, "
        f"or a name the notebook's code binds" + _suggest_name(f"{prefix}{rest}")
    )


def _resolve_path(path: str) -> str | None:
    clean = path.rstrip("/.")
    if any(c in clean for c in "<>{}*") or clean in GENERATED:
        return None
    if (ROOT / clean).exists() or (ROOT / "course_lib" / clean).exists():
        return None
    if "/" not in clean and any(
        p.name == clean for d in ("course_lib", "tests", "scripts") for p in (ROOT / d).rglob(clean)
    ):
        return None
    same = sorted(_relative(p) for d in ("course_lib", "tests", "scripts") for p in (ROOT / d).rglob(Path(clean).name))
    return "no such file" + (f" (files with that name: {', '.join(same)})" if same else "")


def unresolved(path: Path) -> list[str]:
    """Every name in one document that does not resolve, as 'where: name: why'."""
    bound = _bound_names(json.loads(path.read_text())["cells"]) if path.suffix == ".ipynb" else set()
    problems = []
    for where, text, prose in _chunks(path):
        found: dict[str, str | None] = {}
        for m in DOTTED.finditer(text):
            found[m.group(0)] = _resolve_dotted(m.group(0))
        for m in (PATH if prose else REPO_PATH).finditer(text):
            found[m.group(1)] = _resolve_path(m.group(1))
        if prose:
            inline = FENCE.sub(" ", text)
            for m in ALIAS.finditer(inline):
                found[m.group(0)] = "an alias: the notebooks import every room by its full name, with no aliases"
            for span in CODE_SPAN.findall(inline):
                for m in ATTRIBUTE.finditer(span):
                    if m.group(1) != "course_lib" and not FILE_SUFFIX.search(m.group(0)):
                        found[m.group(0)] = _resolve_attribute(m.group(1), m.group(2), bound)
        problems += [f"{where}: `{name}`: {why}" for name, why in found.items() if why]
    return problems


@pytest.mark.parametrize("path", DOCUMENTS, ids=_relative)
def test_every_name_in_the_prose_resolves(path):
    problems = unresolved(path)
    assert not problems, f"{_relative(path)} names {len(problems)} thing(s) a reader will not find:\n  " + "\n  ".join(
        problems
    )
