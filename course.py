"""Learning Rates, Hands-On: set up and run the course on Windows, macOS or Linux. Python 3.11.5+, nothing else.

    python course.py lab            open the course in JupyterLab (creates .venv on first use)
    python course.py test           unit tests, every notebook (nbval), website, browser tests: what CI runs
    python course.py unit           the unit tests only (no browser, no website build)
    python course.py test-notorch   unit tests + notebooks 00-02 in a venv without PyTorch (.venv-notorch)
    python course.py test-oldest    unit tests + every notebook at the declared floors (.venv-oldest)
    python course.py setup          only create/update .venv

On Windows write ``py course.py ...``; ``make lab`` and ``make test`` are aliases where make exists.

Why a stdlib script and not uv: the course installs with ``venv`` and ``pip`` from the lock files.
pip honours a machine's own configuration (pip.conf: local wheel mirrors, constraints, a
company's index), which uv ignores; and PyTorch's CPU index, which the lock needs for the CPU
build on Linux x86-64, is unreachable on some networks, where a uv lock/sync that lists it fails
as a whole while pip's torch-only step lets the rest install. uv still checks the lock's
resolution for other platforms (tests/test_platforms.py). The script needs only Python itself:
no make, no bash, no ``source`` or ``Activate.ps1``.

The first run creates the venv and installs ``requirements-torch.lock`` (torch, with
``--no-deps``), then ``requirements.lock``, then the course itself (editable). Where PyPI has no
torch wheel for the machine (an Intel Mac, Windows on ARM, macOS 13 or older), the torch step
fails, the script says so and goes on: the NumPy lessons run and each torch cell prints one line
saying what it needs (course_lib.torch_optional). ``--no-torch`` skips torch on purpose.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
LOCKS = ("requirements-torch.lock", "requirements.lock", "pyproject.toml")
#: The kernel config the set-up writes into each venv: notebook 00's environment check runs
#: before course_lib is imported, so the torch-cell guard is loaded by the kernel itself.
KERNEL_CONFIG = (
    '# written by course.py: without torch, a torch cell prints one line instead of raising\n'
    'c.InteractiveShellApp.extensions.append("course_lib.torch_optional")\n'
)
#: The Jupyter server config the set-up writes into each venv (etc/jupyter/jupyter_server_config.json):
#: a save replaces each live explorer in the file by its stored picture and one line saying how to
#: make it live again (course_lib.display.pre_save_hook), so a notebook reopened another day never
#: shows "Error displaying widget: model not found". The browser's open notebook stays live.
SERVER_CONFIG = {"ContentsManager": {"pre_save_hook": "course_lib.display.pre_save_hook"}}
#: The test command CI runs (.ci/run calls `python3 course.py test`): every property test with
#: all its examples (the "thorough" hypothesis profile of tests/conftest.py).
PYTEST_ALL = [
    "tests",
    "notebooks",
    "--nbval-lax",
    "--nbval-current-env",
    "--nbval-cell-timeout=300",
    "--hypothesis-profile=thorough",
    "--durations=15",
    "-p",
    "no:randomly",
]
#: The unit tests: no browser, nothing marked integration (editions, website, the network), the
#: property tests with a fifth of their examples (the default "quick" profile). They run no
#: notebook through nbval, so its plugin stays unloaded (it imports nbformat and jupyter_client in
#: every pytest process; see tests/conftest.py's _defer_rfc3987_grammar).
PYTEST_UNIT = [
    "tests",
    "--ignore=tests/e2e",
    "-m",
    "not integration and not e2e",
    "-p",
    "no:randomly",
    "-p",
    "no:nbval",
    "-q",
]
#: pytest-xdist: one worker per core, a test file's tests on one worker (they share its fixtures;
#: a notebook is one file, so nbval runs each in one kernel). The browser tests start their own
#: JupyterLab and Chromium per worker, on a free port, in temporary folders.
PARALLEL = ["-n", "auto", "--dist", "loadfile"]
#: With tests/ collected, the files go out in collection order, which tests/conftest.py sets: the
#: longest first (LONGEST_FIRST), so that no long file starts last while the other worker waits
#: (xdist's default order, most tests first, would start the browser run of every notebook last).
IN_ORDER = ["--no-loadscope-reorder"]
#: The notebooks the no-torch variant runs (the NumPy lessons; their torch cells print one line).
NOTORCH_NOTEBOOKS = ("00_start_here.ipynb", "01_fixed_rate.ipynb", "02_decay.ipynb")


def venv_python(venv: Path) -> Path:
    """The venv's interpreter: Scripts\\python.exe on Windows, bin/python elsewhere."""
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _run(cmd: list[str], **kwargs) -> int:
    print("+ " + " ".join(str(c) for c in cmd), flush=True)
    return subprocess.call([str(c) for c in cmd], cwd=ROOT, **kwargs)


def _check(cmd: list[str], what: str) -> None:
    code = _run(cmd)
    if code:
        sys.exit(f"course.py: {what} failed (exit {code}); the command is printed above")


def _fingerprint(files: tuple[str, ...], torch: bool) -> str:
    digest = hashlib.sha256(f"torch={torch}".encode())
    for name in files:
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def write_server_config(config_dir: Path) -> Path:
    """Merge :data:`SERVER_CONFIG` into ``config_dir``/jupyter_server_config.json; returns its path.

    In a venv's etc/jupyter, every Jupyter server started from that venv reads it.
    """
    path = config_dir / "jupyter_server_config.json"
    try:
        config = json.loads(path.read_text())
    except (OSError, ValueError):
        config = {}
    for section, values in SERVER_CONFIG.items():
        config.setdefault(section, {}).update(values)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(config, indent=1) + "\n")
    return path


def setup(
    venv: Path = ROOT / ".venv", *, torch: bool = True, lock: str = "requirements.lock", quiet: bool = True
) -> Path:
    """Create ``venv`` (if missing) and install the locked set into it; returns its python.

    Re-installs only when a lock file or pyproject.toml changed since the last set-up (a stamp
    file in the venv keeps their fingerprint).

    Args:
        venv: where the virtual environment lives.
        torch: install torch from requirements-torch.lock (a missing wheel is reported, not fatal).
        lock: the lock of everything else ("requirements.lock"; test-oldest uses its own).
        quiet: pass --quiet to pip.
    """
    if sys.version_info < (3, 11, 5):
        sys.exit(f"course.py: Python 3.11.5 or newer is needed, this is {sys.version.split()[0]} ({sys.executable})")
    python, stamp = venv_python(venv), venv / ".installed"
    files = (*LOCKS, lock) if lock not in LOCKS else LOCKS
    fingerprint = _fingerprint(files, torch)
    if python.exists() and stamp.exists() and stamp.read_text().strip() == fingerprint:
        write_server_config(venv / "etc" / "jupyter")  # a venv set up before the hook existed gets it too
        return python
    if not python.exists():
        print(f"course.py: creating {venv}", flush=True)
        _check([sys.executable, "-m", "venv", venv], "creating the virtual environment")
    pip = [python, "-m", "pip", "install", *(["--quiet"] if quiet else [])]
    _check([*pip, "--upgrade", "pip"], "upgrading pip")
    if torch:
        if _run([*pip, "--no-deps", "-r", "requirements-torch.lock"]):
            print(
                "course.py: PyTorch could not be installed on this machine (PyPI has no torch 2.13 wheel for "
                "Intel Macs, Windows on ARM or macOS 13 and older). Going on without it: the NumPy lessons "
                "run, and each torch cell prints one line instead.",
                flush=True,
            )
    _check([*pip, "-r", lock], f"installing {lock}")
    _check([*pip, "--no-deps", "--no-build-isolation", "-e", "."], "installing the course (course_lib)")
    config = venv / "etc" / "ipython"
    config.mkdir(parents=True, exist_ok=True)
    (config / "ipython_kernel_config.py").write_text(KERNEL_CONFIG)
    write_server_config(venv / "etc" / "jupyter")
    stamp.write_text(fingerprint + "\n")
    return python


def _env() -> dict[str, str]:
    return {**os.environ, "MPLBACKEND": "Agg"}


def lab(port: int, torch: bool) -> int:
    """Open JupyterLab on notebook 00 (127.0.0.1, token auth); --allow-root when run as root."""
    python = setup(torch=torch)
    root = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    return _run(
        [
            python,
            "-m",
            "jupyterlab",
            "--ip=127.0.0.1",
            f"--port={port}",
            "--no-browser",
            *root,
            f"--ServerApp.root_dir={ROOT}",
            "--LabApp.default_url=/lab/tree/notebooks/00_start_here.ipynb",
        ]
    )


def test(pytest_args: list[str]) -> int:
    """The whole suite, as CI runs it, one pytest worker per core."""
    python = setup()
    return _timed("test", [("the whole suite", [*PYTEST_ALL, *PARALLEL, *IN_ORDER, *pytest_args])], python)


def unit(pytest_args: list[str]) -> int:
    """The unit tests and doctests in .venv: no browser, nothing marked integration."""
    python = setup()
    return _timed("unit", [("unit tests", [*PYTEST_UNIT, *PARALLEL, *IN_ORDER, *pytest_args])], python)


def _timed(label: str, steps: list[tuple[str, list[str]]], python: Path) -> int:
    worst, rows = 0, []
    for name, args in steps:
        start = time.perf_counter()
        code = _run([python, "-m", "pytest", *args], env=_env())
        rows.append(f"{label} {name}: pytest exit {code} in {time.perf_counter() - start:.0f} s")
        worst = max(worst, code)
    print("\n" + "\n".join(rows), flush=True)
    return worst


def test_notorch(pytest_args: list[str]) -> int:
    """The unit tests (torch tests skip) and notebooks 00-02 (tests/test_without_torch.py) without torch."""
    start = time.perf_counter()
    python = setup(ROOT / ".venv-notorch", torch=False)
    print(f"course.py: .venv-notorch ready in {time.perf_counter() - start:.0f} s", flush=True)
    steps = [("unit tests + notebooks 00-02", [*PYTEST_UNIT, *PARALLEL, *IN_ORDER, *pytest_args])]
    return _timed("test-notorch", steps, python)


def test_oldest(pytest_args: list[str]) -> int:
    """The unit tests and every notebook at the declared floors (requirements-oldest.lock)."""
    start = time.perf_counter()
    python = setup(ROOT / ".venv-oldest", lock="requirements-oldest.lock")
    print(f"course.py: .venv-oldest ready in {time.perf_counter() - start:.0f} s", flush=True)
    return _timed(
        "test-oldest",
        [
            ("unit tests", [*PYTEST_UNIT, *PARALLEL, *IN_ORDER, *pytest_args]),
            (
                "notebooks",
                [
                    "notebooks",
                    "--nbval-lax",
                    "--nbval-current-env",
                    "--nbval-cell-timeout=300",
                    "-p",
                    "no:randomly",
                    "-q",
                    *PARALLEL,
                    *pytest_args,
                ],
            ),
        ],
        python,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="course.py",
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n\n")[1],
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p_lab = sub.add_parser("lab", help="open the course in JupyterLab")
    p_lab.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8888")))
    p_lab.add_argument("--no-torch", action="store_true", help="do not install PyTorch (the NumPy lessons only)")
    p_setup = sub.add_parser("setup", help="only create/update .venv")
    p_setup.add_argument("--no-torch", action="store_true")
    for name in ("test", "unit", "test-notorch", "test-oldest"):
        sub.add_parser(name, help=f"{name}; arguments after it go to pytest")
    args, rest = parser.parse_known_args(argv)
    if rest and args.command not in ("test", "unit", "test-notorch", "test-oldest"):
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    if args.command == "lab":
        return lab(args.port, torch=not args.no_torch)
    if args.command == "setup":
        setup(torch=not args.no_torch)
        return 0
    return {"test": test, "unit": unit, "test-notorch": test_notorch, "test-oldest": test_oldest}[args.command](rest)


if __name__ == "__main__":
    sys.exit(main())
