"""Learning Rates, Hands-On: set up and run the course on Windows, macOS or Linux. Python 3.11.5+, nothing else.

    python course.py lab            open the course in JupyterLab (creates .venv on first use); Ctrl+C stops it
    python course.py lab --lang zh  the Chinese edition (中文版; or COURSE_LANG=zh_CN): my-notebooks/zh_CN/
    python course.py reset NAME     put back the course's version of one of your notebooks (my-notebooks/NAME)
    python course.py test           unit tests, every notebook (nbval), website, browser tests: what CI runs
    python course.py unit           the unit tests only (no browser, no website build)
    python course.py test-notorch   unit tests + notebooks 00-04 in a venv without PyTorch (.venv-notorch)
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
saying what it needs (course_lib.torch_optional). ``--no-torch`` skips torch on purpose. Each step
says which it is ("step 2 of 4") and pip shows what it downloads with its own progress bar.

Your notebooks: ``course.py lab`` opens ``my-notebooks/``, your own copy of ``notebooks/`` (made
once, git-ignored), so running and editing never touch a tracked file and ``git pull`` never
conflicts. A notebook the course adds later is copied in on the next start; one you have is never
overwritten (``course.py reset NAME`` does that, keeping your version beside it).

The Chinese edition: ``course.py lab --lang zh`` (or ``COURSE_LANG=zh_CN`` in the environment) also
copies ``notebooks/zh_CN/`` into ``my-notebooks/zh_CN/``, opens the lab on its notebook 00 and starts
the server with ``COURSE_LANG=zh_CN``, so every kernel's course_lib speaks Chinese. A lesson not
translated yet is the English one beside it (the Chinese notebooks link to it).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
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
#: LabApp: no news feed and no update check (JupyterLab opens without its "Jupyter news?" toast and
#: fetches nothing from the internet).
SERVER_CONFIG = {
    "ContentsManager": {"pre_save_hook": "course_lib.display.pre_save_hook"},
    "LabApp": {"news_url": None, "check_for_updates_class": "jupyterlab.NeverCheckForUpdate"},
}
#: JupyterLab settings the set-up writes into each venv (share/jupyter/lab/settings/overrides.json,
#: defaults a learner can still change in the Settings Editor): never ask about or fetch news,
#: never check for updates, so the first screen is the notebook and nothing else.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
}
#: The learner's own copy of notebooks/ that ``course.py lab`` opens (git-ignored, see .gitignore).
WORKING_COPY = ROOT / "my-notebooks"
#: The notebook the lab opens on.
FIRST_NOTEBOOK = "00_start_here.ipynb"
#: The editions a learner chooses with ``lab --lang``: the folder of its notebooks under notebooks/
#: (and under my-notebooks/), and the COURSE_LANG its kernels get (course_lib.i18n). English is the default.
EDITIONS = {"en": ("", "en"), "zh_CN": ("zh_CN", "zh_CN")}
#: What a learner may type for an edition (--lang or COURSE_LANG), and the edition it means.
LANG_ALIASES = {
    "en": "en",
    "english": "en",
    "zh": "zh_CN",
    "zh_cn": "zh_CN",
    "zh-cn": "zh_CN",
    "zh-hans": "zh_CN",
    "cn": "zh_CN",
}


def edition(lang: str | None) -> str:
    """The edition ``lang`` means ("zh", "zh_CN", "en"; None or "" is English).

    Raises:
        ValueError: an edition the course does not have (the message says which it has).
    """
    if not lang:
        return "en"
    key = LANG_ALIASES.get(lang.strip().lower())
    if key is None:
        raise ValueError(f"lang={lang!r} is not an edition of the course; choose en or zh (zh_CN)")
    return key


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
NOTORCH_NOTEBOOKS = (
    "00_start_here.ipynb",
    "01_gradient_descent.ipynb",
    "02_stochastic_gradients.ipynb",
    "03_momentum_and_adaptive.ipynb",
    "04_decay.ipynb",
)


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
    return _merge_json(config_dir / "jupyter_server_config.json", SERVER_CONFIG)


def write_lab_settings(settings_dir: Path) -> Path:
    """Merge :data:`LAB_SETTINGS` into ``settings_dir``/overrides.json; returns its path.

    In a venv's share/jupyter/lab/settings, every JupyterLab started from that venv reads it.
    """
    return _merge_json(settings_dir / "overrides.json", LAB_SETTINGS)


def _merge_json(path: Path, sections: dict) -> Path:
    """Merge ``sections`` (name -> values) into the JSON object in ``path`` (made if missing); returns ``path``."""
    try:
        current = json.loads(path.read_text())
    except (OSError, ValueError):
        current = {}
    for name, values in sections.items():
        current.setdefault(name, {}).update(values)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(current, indent=1) + "\n")
    return path


def write_jupyter_config(venv: Path) -> None:
    """The server config and the lab settings of :func:`write_server_config` and :func:`write_lab_settings`."""
    write_server_config(venv / "etc" / "jupyter")
    write_lab_settings(venv / "share" / "jupyter" / "lab" / "settings")


def _say(text: str) -> None:
    print(f"course.py: {text}", flush=True)


def _packages(lock: Path) -> int:
    """How many packages a lock file pins (its ``name==version`` lines)."""
    return sum("==" in line and not line.lstrip().startswith("#") for line in lock.read_text().splitlines())


def setup(
    venv: Path = ROOT / ".venv", *, torch: bool = True, lock: str = "requirements.lock", quiet: bool = False
) -> Path:
    """Create ``venv`` (if missing) and install the locked set into it; returns its python.

    Re-installs only when a lock file or pyproject.toml changed since the last set-up (a stamp
    file in the venv keeps their fingerprint).

    Args:
        venv: where the virtual environment lives.
        torch: install torch from requirements-torch.lock (a missing wheel is reported, not fatal).
        lock: the lock of everything else ("requirements.lock"; test-oldest uses its own).
        quiet: pass --quiet to pip (it hides pip's download progress; off by default).
    """
    if sys.version_info < (3, 11, 5):
        sys.exit(f"course.py: Python 3.11.5 or newer is needed, this is {sys.version.split()[0]} ({sys.executable})")
    python, stamp = venv_python(venv), venv / ".installed"
    files = (*LOCKS, lock) if lock not in LOCKS else LOCKS
    fingerprint = _fingerprint(files, torch)
    if python.exists() and stamp.exists() and stamp.read_text().strip() == fingerprint:
        write_jupyter_config(venv)  # a venv set up before a setting existed gets it too
        return python
    steps = ["upgrading pip", *(["installing PyTorch"] if torch else []), f"installing {lock}", "installing the course"]
    first = not python.exists()
    if first:
        steps.insert(0, "creating the virtual environment")
        _say(
            f"setting up {venv} in {len(steps)} steps. The first time this downloads a few hundred MB "
            "(PyTorch is the largest); pip shows each download and its progress bar."
        )
    step = iter(range(1, len(steps) + 1))

    def announce(what: str) -> None:
        _say(f"step {next(step)} of {len(steps)}: {what}")

    pip = [python, "-m", "pip", "install", "--disable-pip-version-check", *(["--quiet"] if quiet else [])]
    if first:
        announce(f"creating the virtual environment {venv}")
        _check([sys.executable, "-m", "venv", venv], "creating the virtual environment")
    announce("upgrading pip")
    _check([*pip, "--upgrade", "pip"], "upgrading pip")
    if torch:
        announce("installing PyTorch, CPU build (requirements-torch.lock; the largest download)")
        if _run([*pip, "--no-deps", "-r", "requirements-torch.lock"]):
            _say(
                "PyTorch could not be installed on this machine (PyPI has no torch 2.13 wheel for "
                "Intel Macs, Windows on ARM or macOS 13 and older). Going on without it: the NumPy lessons "
                "run, and each torch cell prints one line instead."
            )
    announce(f"installing {_packages(ROOT / lock)} packages from {lock}")
    _check([*pip, "-r", lock], f"installing {lock}")
    announce("installing the course itself (course_lib, editable)")
    _check([*pip, "--no-deps", "--no-build-isolation", "-e", "."], "installing the course (course_lib)")
    config = venv / "etc" / "ipython"
    config.mkdir(parents=True, exist_ok=True)
    (config / "ipython_kernel_config.py").write_text(KERNEL_CONFIG)
    write_jupyter_config(venv)
    _say(f"{venv} is ready")
    stamp.write_text(fingerprint + "\n")
    return python


def _env() -> dict[str, str]:
    return {**os.environ, "MPLBACKEND": "Agg"}


#: JupyterLab's text sizes under ``lab --projector`` (the theme's CSS variables). The figures'
#: projector sizes live in course_lib/plotting/style.py (PROJECTOR_STYLE).
PROJECTOR_LAB_FONTS = {"content-font-size1": "22px", "code-font-size": "19px", "ui-font-size1": "17px"}


def projector_env(venv: Path = ROOT / ".venv") -> dict[str, str]:
    """The environment of ``lab --projector``: COURSE_PROJECTOR=1 (every kernel draws in the projector
    style from its first cell) and a JupyterLab settings folder with :data:`PROJECTOR_LAB_FONTS`
    (your own JupyterLab settings are not read while projecting)."""
    settings = venv / "projector-settings"
    themes = settings / "@jupyterlab" / "apputils-extension"
    themes.mkdir(parents=True, exist_ok=True)
    (themes / "themes.jupyterlab-settings").write_text(json.dumps({"overrides": PROJECTOR_LAB_FONTS}, indent=1))
    return {**os.environ, "COURSE_PROJECTOR": "1", "JUPYTERLAB_SETTINGS_DIR": str(settings)}


def working_copy(source: Path = ROOT / "notebooks", dest: Path = WORKING_COPY) -> list[str]:
    """Copy each course notebook the learner does not have yet into ``dest``; returns the names copied.

    A notebook already in ``dest`` is never overwritten, whatever it holds: it is the learner's.
    """
    dest.mkdir(parents=True, exist_ok=True)
    copied = []
    for nb in sorted(source.glob("*.ipynb")):
        if not (dest / nb.name).exists():
            shutil.copy2(nb, dest / nb.name)
            copied.append(nb.name)
    return copied


def reset(name: str, source: Path = ROOT / "notebooks", dest: Path = WORKING_COPY) -> Path | None:
    """Put the course's version of notebook ``name`` back into ``dest``; returns where the old copy went.

    ``name`` may omit ``.ipynb`` or be a path. The learner's version is renamed
    ``NAME.mine-YYYYMMDD-HHMMSS.ipynb`` beside it (None when there was none), never deleted.

    Raises:
        FileNotFoundError: the course has no notebook of that name (the message lists them).
    """
    stem = Path(name).name.removesuffix(".ipynb")
    original = source / f"{stem}.ipynb"
    if not original.is_file():
        names = ", ".join(p.stem for p in sorted(source.glob("*.ipynb")))
        raise FileNotFoundError(f"the course has no notebook {stem!r}; its notebooks: {names}")
    target = dest / original.name
    kept = None
    if target.exists():
        kept = target.with_name(f"{stem}.mine-{time.strftime('%Y%m%d-%H%M%S')}.ipynb")
        target.rename(kept)
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(original, target)
    return kept


def fresh_workspaces(venv: Path) -> Path:
    """An empty folder for JupyterLab's workspaces (the open tabs it restores), emptied on every start.

    Each ``course.py lab`` then opens on one notebook with one kernel, instead of restoring every
    tab of the last session and starting a kernel for each.
    """
    path = venv / "share" / "jupyter" / "lab" / "course-workspaces"
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def lab_command(
    python: Path,
    port: int,
    root_dir: Path = WORKING_COPY,
    workspaces: Path | None = None,
    first: str = FIRST_NOTEBOOK,
) -> list[str]:
    """The JupyterLab command of ``course.py lab``: 127.0.0.1, token auth, opened on ``first`` (notebook 00,
    a path under ``root_dir``)."""
    root = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    return [
        str(python),
        "-m",
        "jupyterlab",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--no-browser",
        *root,
        f"--ServerApp.root_dir={root_dir}",
        f"--LabApp.default_url=/lab/tree/{first}",
        *([f"--LabApp.workspaces_dir={workspaces}"] if workspaces else []),
    ]


def edition_copies(lang: str = "en", root: Path = ROOT, dest: Path = WORKING_COPY) -> tuple[list[str], str]:
    """Make the learner's copies an edition needs: notebooks/ into ``dest`` always (the Chinese notebooks
    link to a lesson not translated yet), notebooks/<folder>/ into ``dest/<folder>`` for another edition.
    Returns (the names copied, with their folder; the notebook the lab opens on, relative to ``dest``)."""
    folder, _ = EDITIONS[lang]
    copied = working_copy(root / "notebooks", dest)
    if not folder:
        return copied, FIRST_NOTEBOOK
    source = root / "notebooks" / folder
    if not (source / FIRST_NOTEBOOK).is_file():
        raise FileNotFoundError(f"{source / FIRST_NOTEBOOK} is missing: the {lang} edition is not built")
    copied += [f"{folder}/{name}" for name in working_copy(source, dest / folder)]
    return copied, f"{folder}/{FIRST_NOTEBOOK}"


def lab_env(lang: str = "en", base: dict[str, str] | None = None) -> dict[str, str]:
    """The lab server's environment (its kernels inherit it): COURSE_LANG for the edition's language."""
    env = dict(os.environ if base is None else base)
    env["COURSE_LANG"] = EDITIONS[lang][1]
    return env


def lab(port: int, torch: bool, projector: bool = False, lang: str = "en") -> int:
    """Open JupyterLab on the learner's copy of notebook 00 (my-notebooks/, or my-notebooks/zh_CN/ for the
    Chinese edition); --allow-root when run as root. ``projector``: figures, explorers and the lab's text
    sized for a projector (:func:`projector_env`). ``lang``: the edition (:data:`EDITIONS`)."""
    venv = ROOT / ".venv"
    python = setup(venv, torch=torch)
    copied, first = edition_copies(lang)
    where = WORKING_COPY.relative_to(ROOT)
    if copied:
        _say(f"copied {len(copied)} notebooks into {where}/, your own copy: run and edit them freely")
    _say(
        f"the lab opens {where}/{first}. Open the address printed below (with its token) in your browser. "
        "To stop the lab press Ctrl+C here (twice, or once and answer y). "
        f"To start a notebook over: python course.py reset NAME (e.g. reset {FIRST_NOTEBOOK.removesuffix('.ipynb')})."
    )
    env = lab_env(lang, projector_env(venv) if projector else None)
    return _serve(lab_command(python, port, WORKING_COPY, fresh_workspaces(venv), first), env)


def _serve(cmd: list[str], env: dict[str, str] | None = None) -> int:
    """Run the server until it exits. Ctrl+C reaches it too (same terminal): it asks, or stops on the
    second, and shuts its kernels down; this script waits for that instead of killing it mid-way."""
    print("+ " + " ".join(cmd), flush=True)
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env)
    while True:
        try:
            return proc.wait()
        except KeyboardInterrupt:
            continue


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
    """The unit tests (torch tests skip) and notebooks 00-04 (tests/test_without_torch.py) without torch."""
    start = time.perf_counter()
    python = setup(ROOT / ".venv-notorch", torch=False)
    print(f"course.py: .venv-notorch ready in {time.perf_counter() - start:.0f} s", flush=True)
    steps = [("unit tests + notebooks 00-04", [*PYTEST_UNIT, *PARALLEL, *IN_ORDER, *pytest_args])]
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
    p_lab.add_argument(
        "--projector", action="store_true", help="teaching in a room: projector-sized figures and larger text"
    )
    p_lab.add_argument(
        "--lang",
        default=os.environ.get("COURSE_LANG", "en"),
        help="the edition: en (default) or zh, 中文 (default: COURSE_LANG, else en)",
    )
    p_reset = sub.add_parser("reset", help="put back the course's version of one of your notebooks")
    p_reset.add_argument("name", help="the notebook, e.g. 05_warmup (your version is kept beside it)")
    p_setup = sub.add_parser("setup", help="only create/update .venv")
    p_setup.add_argument("--no-torch", action="store_true")
    for name in ("test", "unit", "test-notorch", "test-oldest"):
        sub.add_parser(name, help=f"{name}; arguments after it go to pytest")
    args, rest = parser.parse_known_args(argv)
    if rest and args.command not in ("test", "unit", "test-notorch", "test-oldest"):
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    if args.command == "lab":
        try:
            lang = edition(args.lang)
        except ValueError as err:
            parser.exit(2, f"course.py: {err}\n")
        return lab(args.port, torch=not args.no_torch, projector=args.projector, lang=lang)
    if args.command == "reset":
        try:
            kept = reset(args.name)
        except FileNotFoundError as err:
            parser.exit(2, f"course.py: {err}\n")
        where = WORKING_COPY.relative_to(ROOT)
        note = f"; your version is now {where}/{kept.name}" if kept else ""
        _say(f"{where}/{Path(args.name).name.removesuffix('.ipynb')}.ipynb is the course's version again{note}")
        return 0
    if args.command == "setup":
        setup(torch=not args.no_torch)
        return 0
    return {"test": test, "unit": unit, "test-notorch": test_notorch, "test-oldest": test_oldest}[args.command](rest)


if __name__ == "__main__":
    sys.exit(main())
