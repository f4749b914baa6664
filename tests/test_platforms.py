"""The lock resolves on every platform the README's table says it does, to prebuilt wheels, on PyPI.

requirements.lock is installed as it is on Windows, macOS and Linux; its platform-conditional
pins carry markers. For each target ``uv pip compile`` resolves the lock against PyPI as that
platform would (``--python-platform``, only wheels, no sdist builds): it must succeed and add no
package the lock does not pin (so "the exact versions" holds there too). torch: requirements-torch.lock
asks PyTorch's CPU index for ``torch==2.13.0+cpu`` on Linux x86-64; that index is not reachable
from where this runs, so what is checked is PyPI's ``torch==2.13.0`` for each target (a CPU build
on Windows and macOS; on Linux, where PyPI's build is CUDA's, only that the version has a wheel:
the course installs torch with --no-deps). Not checked: the CPU index's wheels. The targets without
a torch wheel (Intel Macs, macOS 13 on Apple silicon) are checked to still have none, so the
table is corrected when that changes; Windows on ARM is not resolved at all (PyYAML, pyinstrument
and others have no wheel there: it needs build tools, untested).

Network: about 5 s with uv's cache warm, 20-40 s cold. Without a connection the test skips,
except under CI (CI=true), where it fails.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

pytest.importorskip("uv", reason="uv is in the test extra: pip install -e .[test]")

# Network-bound (20-40 s with uv's cache cold) and about the locks, not the code: in `course.py test`
# (CI), not in `course.py unit`.
pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parent.parent
#: The oldest Python the lock installs on (soupsieve 4.1.2 needs 3.11.5).
PYTHON = "3.11.5"
TORCH = "torch==2.13.0"
#: name: (uv's target triple, macOS version or None, has a PyPI torch wheel, torch checked with its deps)
TARGETS = {
    "windows-x86_64": ("x86_64-pc-windows-msvc", None, True, True),
    "macos-arm64": ("aarch64-apple-darwin", "14.0", True, True),
    "linux-x86_64": ("x86_64-unknown-linux-gnu", None, True, False),
    "linux-aarch64": ("aarch64-unknown-linux-gnu", None, True, False),
    "macos-x86_64": ("x86_64-apple-darwin", "13.0", False, False),
    "macos13-arm64": ("aarch64-apple-darwin", "13.0", False, False),
}
OFFLINE = re.compile(r"(?i)failed to fetch|dns error|error sending request|connect(ion)? (error|refused)|network")


def _pins(text: str) -> set[tuple[str, str]]:
    """(normalised name, version) of every ``name==version`` line."""
    found = set()
    for line in text.splitlines():
        line = line.split("#")[0].split(";")[0].strip()
        if "==" in line:
            name, version = line.split("==")
            found.add((re.sub(r"[-_.]+", "-", name.strip().lower()), version.strip()))
    return found


def compile_for(target: str, macos: str | None, requirements: str, *extra: str) -> subprocess.CompletedProcess:
    """``uv pip compile`` of ``requirements`` (text) for one platform, wheels only, PyPI only."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("UV_")}
    if macos:
        env["MACOSX_DEPLOYMENT_TARGET"] = macos
    cmd = [
        sys.executable,
        "-m",
        "uv",
        "pip",
        "compile",
        "--no-config",
        "--no-python-downloads",
        "--python-platform",
        target,
        "--python-version",
        PYTHON,
        "--only-binary",
        ":all:",
        "--no-header",
        "--no-annotate",
        "--quiet",
        *extra,
        "-",
    ]
    return subprocess.run(cmd, input=requirements, capture_output=True, text=True, env=env, timeout=300)


def _check_online(result: subprocess.CompletedProcess) -> None:
    if result.returncode and OFFLINE.search(result.stderr):
        if os.environ.get("CI"):
            pytest.fail(f"PyPI unreachable under CI: {result.stderr[-500:]}")
        pytest.skip("PyPI is not reachable: the platform resolution needs it")


@pytest.fixture(scope="module")
def resolutions():
    """Every target's resolutions, run in parallel (network-bound)."""
    lock = (ROOT / "requirements.lock").read_text()
    jobs = {}
    for name, (target, macos, has_torch, with_deps) in TARGETS.items():
        jobs[name, "lock"] = (target, macos, lock + (f"\n{TORCH}\n" if with_deps else ""), ())
        if not with_deps:  # with deps, the lock's resolution above already resolved torch
            jobs[name, "torch"] = (target, macos, TORCH + "\n", ("--no-deps",))
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        futures = {key: pool.submit(compile_for, *args[:3], *args[3]) for key, args in jobs.items()}
        return {key: f.result() for key, f in futures.items()}


@pytest.mark.parametrize("name", TARGETS)
def test_the_lock_resolves_exactly_to_wheels(resolutions, name):
    result = resolutions[name, "lock"]
    _check_online(result)
    assert result.returncode == 0, f"{name}: the lock does not resolve to wheels:\n{result.stderr[-2000:]}"
    allowed = _pins((ROOT / "requirements.lock").read_text()) | _pins(TORCH)
    extra = _pins(result.stdout) - allowed
    assert not extra, (
        f"{name}: the resolution adds packages the lock does not pin (add them with a marker): {sorted(extra)}"
    )


@pytest.mark.parametrize("name", TARGETS)
def test_torch_has_a_wheel_exactly_where_the_table_says(resolutions, name):
    result = resolutions.get((name, "torch")) or resolutions[name, "lock"]
    _check_online(result)
    if TARGETS[name][2]:
        assert result.returncode == 0, f"{name}: PyPI has no {TORCH} wheel any more:\n{result.stderr[-1500:]}"
    else:
        assert result.returncode != 0, f"{name}: PyPI now has a {TORCH} wheel: update the README's platform table"
        assert "no wheels with a matching platform tag" in result.stderr, result.stderr[-1500:]


def test_torch_lock_matches_the_version_checked_here():
    text = (ROOT / "requirements-torch.lock").read_text()
    assert re.findall(r"^torch==([0-9.]+)", text, re.M) == [TORCH.split("==")[1]] * 2
