"""The registered claims (course_lib/studies/claims): the registry is whole, and the cheap claims replicate.

Integrity: names are unique and live in their topic's module; ``where`` names an existing notebook and a
section of it; that notebook's code calls ``studies.claim("<name>")``; notebook seeds are below
FRESH_BASE; claim modules import without torch, NumPy claims run without it and torch claims need it.

The fast subset (what ``make test`` replicates): every ``fast=True`` claim on :data:`FAST_SETS` fresh
seed sets from a fixed start (so the test is deterministic) must hold on >= :data:`FAST_MIN_HELD` of
them. It runs in a child process in which torch cannot be imported, which is also the check that the
NumPy claims do not need torch. A change that breaks a claim's replication fails here.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from _toy_claims import ALWAYS_AHEAD, COIN_FAIR

from course_lib.studies import replication as rp
from course_lib.studies.replication import FRESH_BASE, Claim, all_claims

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
CLAIMS_DIR = ROOT / "course_lib" / "studies" / "claims"
CLAIMS = all_claims()
FAST = [c for c in CLAIMS.values() if c.fast]
TORCH = [c for c in CLAIMS.values() if c.needs_torch]
#: The fast subset: this many fresh sets per fast claim, from this start; a claim must hold on FAST_MIN_HELD.
FAST_SETS, FAST_MIN_HELD, FAST_START = 5, 4, FRESH_BASE
#: Seconds a torch claim's experiment may run, with torch blocked, before it must have asked for torch.
TORCH_ASK_SECONDS = 30

WHERE = re.compile(r"^(?P<stem>\d\d_[A-Za-z0-9_]+) §(?P<section>\d+[a-z]?(?:\.\d+)?)$")


def _notebook(stem: str, notebooks: Path = NOTEBOOKS) -> dict | None:
    path = notebooks / f"{stem}.ipynb"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def _cells(nb: dict, kind: str) -> list[str]:
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == kind]


def where_problems(c: Claim, notebooks: Path = NOTEBOOKS) -> list[str]:
    """What is wrong with ``c.where``: not "NN_stem §N", no such notebook, or no heading numbered N in it."""
    m = WHERE.match(c.where)
    if not m:
        return [f"{c.name}: where={c.where!r} is not '<notebook stem> §<section>' (e.g. '07_restarts §3')"]
    nb = _notebook(m["stem"], notebooks)
    if nb is None:
        return [f"{c.name}: where={c.where!r} names no notebook (no notebooks/{m['stem']}.ipynb)"]
    heading = re.compile(rf"^#{{2,4}}\s+{re.escape(m['section'])}(?:\.|\s)", re.MULTILINE)
    if not any(heading.search(text) for text in _cells(nb, "markdown")):
        return [
            f"{c.name}: where={c.where!r}: {m['stem']} has no section numbered {m['section']} "
            f"(a heading '## {m['section']}. ...' or '### {m['section']} ...')"
        ]
    return []


#: the exercise checks: a claim cited there is an exercise's reference answer (see call_problems)
EXERCISES_DIR = Path(__file__).resolve().parents[2] / "course_lib" / "exercises"


def call_problems(c: Claim, notebooks: Path = NOTEBOOKS) -> list[str]:
    """Empty if the code of ``c``'s notebook calls ``studies.claim("<c.name>")``."""
    m = WHERE.match(c.where)
    nb = _notebook(m["stem"], notebooks) if m else None
    if nb is None:
        return [f"{c.name}: no notebook to look in (where={c.where!r})"]
    call = re.compile(rf"""studies\.claim\(\s*["']{re.escape(c.name)}["']\s*\)""")
    quoted = re.compile(rf"""["']{re.escape(c.name)}["']""")  # for name in ("a.x", "a.y"): studies.claim(name)
    if any(c.name in p.read_text() for p in EXERCISES_DIR.glob("*.py")):
        return []  # an exercise's reference answer: its check cites the claim; the notebook must not assert it
    if not any(call.search(code) or ("studies.claim(" in code and quoted.search(code)) for code in _cells(nb, "code")):
        return [
            f"{c.name}: {m['stem']}.ipynb never calls studies.claim({c.name!r}); the notebook must run "
            "the registered claim on its seeds"
        ]
    return []


def home_problems(c: Claim, claims_dir: Path = CLAIMS_DIR) -> list[str]:
    """Empty if ``c`` is defined in its topic's module (``<topic>.py`` for ``topic.name``) and only there."""
    topic = c.name.split(".", 1)[0]
    literal = re.compile(rf"""["']{re.escape(c.name)}["']""")
    homes = sorted(p.name for p in claims_dir.glob("*.py") if literal.search(p.read_text(encoding="utf-8")))
    if homes != [f"{topic}.py"]:
        return [f"{c.name}: defined in {homes or 'no module'}; a claim lives in its topic's module, {topic}.py"]
    return []


# ---- the checks themselves, on toy claims ---------------------------------------------------------


def test_the_checks_find_a_wrong_place_a_missing_call_and_a_second_home(tmp_path):
    bad_where = Claim(
        "toy.y",
        "07_restarts §99",
        "s",
        COIN_FAIR.experiment,
        COIN_FAIR.predicate,
        COIN_FAIR.effect,
        notebook_seeds=(0,),
        register=False,
    )
    assert "no section numbered 99" in where_problems(bad_where)[0]
    assert (
        "names no notebook"
        in where_problems(
            Claim(
                "toy.y",
                "42_nowhere §1",
                "s",
                COIN_FAIR.experiment,
                COIN_FAIR.predicate,
                COIN_FAIR.effect,
                notebook_seeds=(0,),
                register=False,
            )
        )[0]
    )
    assert (
        "is not '<notebook stem>"
        in where_problems(
            Claim(
                "toy.y",
                "notebook 4, section 3",
                "s",
                COIN_FAIR.experiment,
                COIN_FAIR.predicate,
                COIN_FAIR.effect,
                notebook_seeds=(0,),
                register=False,
            )
        )[0]
    )
    assert where_problems(COIN_FAIR) == []  # 00_start_here §2 exists
    assert "never calls studies.claim('toy.coin_fair')" in call_problems(COIN_FAIR)[0]
    (tmp_path / "00_start_here.ipynb").write_text(
        json.dumps(
            {
                "cells": [
                    {"cell_type": "markdown", "source": ["## 2. A first schedule\n"]},
                    {"cell_type": "code", "source": ["fair = studies.claim('toy.coin_fair')\n", "fair.run()"]},
                ]
            }
        )
    )
    assert where_problems(COIN_FAIR, tmp_path) == [] and call_problems(COIN_FAIR, tmp_path) == []
    (tmp_path / "toy.py").write_text('Claim("toy.coin_fair", ...)\n')
    assert home_problems(COIN_FAIR, tmp_path) == []
    (tmp_path / "other.py").write_text('Claim("toy.coin_fair", ...)\n')
    assert "defined in ['other.py', 'toy.py']" in home_problems(COIN_FAIR, tmp_path)[0]


# ---- the registry ---------------------------------------------------------------------------------


def test_every_claim_module_is_named_by_a_topic_and_registers_claims():
    modules = {p.stem for p in CLAIMS_DIR.glob("*.py") if p.stem != "__init__"}
    topics = {name.split(".", 1)[0] for name in CLAIMS}
    assert modules == topics, (
        f"modules without claims: {sorted(modules - topics)}; topics without a module: {sorted(topics - modules)}"
    )
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*", n) for n in CLAIMS), sorted(CLAIMS)


@pytest.mark.parametrize("name", sorted(CLAIMS))
def test_claim_is_whole(name):
    c = CLAIMS[name]
    problems = where_problems(c) + call_problems(c) + home_problems(c)
    if max(c.notebook_seeds) >= FRESH_BASE:
        problems.append(f"{name}: a notebook seed {max(c.notebook_seeds)} is not below FRESH_BASE={FRESH_BASE}")
    if not c.statement.strip():
        problems.append(f"{name}: statement is empty; it is the sentence the notebook makes")
    if c.fast and c.needs_torch:
        problems.append(f"{name}: fast=True is for cheap NumPy claims, and this one needs torch")
    if c.fresh_sets is not None and c.fresh_sets < rp.TORCH_SETS:
        problems.append(
            f"{name}: fresh_sets={c.fresh_sets}; a claim runs on at least {rp.TORCH_SETS} fresh sets "
            "(the page shows a cut below the issue's default as 'cut')"
        )
    assert not problems, "\n".join(problems)


# ---- without torch: the fast subset replicates, torch claims ask for torch -------------------------

_CHILD = textwrap.dedent("""
    import json, signal, sys, time


    class NoTorch:  # from here on, any import of torch fails at once (scipy still sees no torch module)
        def find_spec(self, name, path=None, target=None):
            if name == "torch" or name.startswith("torch."):
                raise ImportError("torch is blocked in this check")
            return None

    sys.meta_path.insert(0, NoTorch())
    import importlib, pkgutil
    from course_lib.studies import replication
    import course_lib.studies.claims as package
    fast, torch_names, n_sets, start, ask = json.loads(sys.argv[1])
    out = {"fast": {}, "torch": {}, "modules": {}}
    for info in pkgutil.iter_modules(package.__path__):
        try:
            importlib.import_module(f"{package.__name__}.{info.name}")
        except ImportError as err:
            out["modules"][info.name] = f"{type(err).__name__}: {err}"
    claims = replication._REGISTRY
    fast = [n for n in fast if n in claims]
    torch_names = [n for n in torch_names if n in claims]
    for name in fast:
        t = time.perf_counter()
        try:
            rep = replication.replicate(claims[name], n_sets=n_sets, start=start)
            out["fast"][name] = {"held": [bool(h) for h in rep.held], "effect": str(rep.effect)}
        except Exception as err:
            out["fast"][name] = {"error": f"{type(err).__name__}: {err}"}
        out["fast"][name]["seconds"] = time.perf_counter() - t

    class Late(Exception):
        pass

    def late(*_):
        raise Late()

    t_torch = time.perf_counter()
    alarm = hasattr(signal, "SIGALRM")
    if alarm:
        signal.signal(signal.SIGALRM, late)
    for name in torch_names:
        c = claims[name]
        if alarm:
            signal.alarm(ask)
        try:
            c.experiment(c.notebook_seeds[:1])
            out["torch"][name] = "ran to the end without torch"
        except ImportError as err:
            out["torch"][name] = "ok" if "torch" in str(err) else f"ImportError: {err}"
        except Late:
            out["torch"][name] = f"ran {ask} s without asking for torch"
        except Exception as err:
            out["torch"][name] = f"{type(err).__name__}: {err}"
        finally:
            if alarm:
                signal.alarm(0)
    out["torch_seconds"] = time.perf_counter() - t_torch
    print(json.dumps(out))
""")


def _run_without_torch(fast: list[Claim], torch: list[Claim]) -> dict:
    """In a child that cannot import torch: every claim module imported, ``fast`` replicated, ``torch`` tried."""
    spec = json.dumps([[c.name for c in fast], [c.name for c in torch], FAST_SETS, FAST_START, TORCH_ASK_SECONDS])
    done = subprocess.run([sys.executable, "-c", _CHILD, spec], capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert done.returncode == 0, f"the check without torch failed:\n{done.stderr[-3000:]}"
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def modules_without_torch() -> dict:
    """Only the claim modules imported without torch (a few seconds: in the unit tests)."""
    return _run_without_torch([], [])


@pytest.fixture(scope="module")
def without_torch() -> dict:
    """The fast subset replicated and the torch claims tried without torch (a minute: in ``course.py test``)."""
    return _run_without_torch(FAST, TORCH)


def test_claim_modules_import_without_torch(modules_without_torch):
    """``studies.claim(name)`` imports every claim module: a NumPy notebook must not pay for torch."""
    failed = modules_without_torch["modules"]
    assert not failed, (
        "claim modules that import torch when imported (import torch-backed code inside the "
        "experiment function instead): " + "; ".join(f"{m}: {e}" for m, e in failed.items())
    )


@pytest.mark.integration  # replicates every fast claim on fresh sets: course.py test (CI), not course.py unit
@pytest.mark.parametrize("name", [c.name for c in FAST])
def test_fast_claim_replicates_on_fresh_sets_without_torch(without_torch, name):
    module = name.split(".", 1)[0]
    assert module not in without_torch["modules"], (
        f"{name}: its module needs torch at import ({without_torch['modules'][module]})"
    )
    result = without_torch["fast"][name]
    assert "error" not in result, f"{name} failed without torch (a NumPy claim must not need it): {result['error']}"
    held = sum(result["held"])
    assert held >= FAST_MIN_HELD, (
        f"{name} held on {held} of {FAST_SETS} fresh seed sets (from seed {FAST_START}); it must hold on "
        f">= {FAST_MIN_HELD}. Effect on those seeds: {result['effect']}. Restate the claim or fix the change "
        "that broke it (scripts/replicate.py --only NAME gives its full rate)"
    )


@pytest.mark.integration  # runs each torch claim until it asks for torch (up to TORCH_ASK_SECONDS)
@pytest.mark.parametrize("name", [c.name for c in TORCH])
def test_torch_claim_needs_torch(without_torch, name):
    if name.split(".", 1)[0] in without_torch["modules"]:
        return  # its module imports torch (reported by test_claim_modules_import_without_torch)
    assert without_torch["torch"][name] == "ok", f"{name} has needs_torch=True but {without_torch['torch'][name]}"


def test_a_fast_toy_claim_holds_and_an_overstated_one_fails_the_fast_rule():
    assert sum(rp.replicate(COIN_FAIR, FAST_SETS, FAST_START).held) >= FAST_MIN_HELD
    assert sum(rp.replicate(ALWAYS_AHEAD, FAST_SETS, FAST_START).held) < FAST_MIN_HELD
