"""The ways to install the course name the same packages, and the version ranges are the tested ones.

* pyproject.toml declares ranges whose floors are what ``python course.py test-oldest`` installs
  (requirements-oldest.lock) and tests; a declared package that run does not install (the browser
  and website tools) has the version requirements.lock pins as its floor: the only one tested.
* requirements.lock (+ requirements-torch.lock) pins every declared package at a version in range.
* environment.yml (the conda route, never solved here) names the same packages with the same ranges.
* Installing the course into an environment that already holds in-range versions changes none of
  them (pip's dry run in this environment: the lock's versions here, the floors under test-oldest).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
# conda-forge spells some names differently
CONDA_NAMES = {"pytorch": "torch"}


def _name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", re.split(r"[<>=!~ \[;]", requirement.strip(), maxsplit=1)[0].lower())


def declared() -> dict[str, str]:
    """name -> requirement, from pyproject's dependencies and every extra."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    requirements = list(data["project"]["dependencies"])
    for extra in data["project"]["optional-dependencies"].values():
        requirements += extra
    return {_name(r): r.split(";")[0].strip() for r in requirements}


def pyproject_packages() -> set[str]:
    return set(declared())


def conda_requirements() -> dict[str, str]:
    """name -> the version part of each environment.yml dependency (">=2.4,<3")."""
    found = {}
    text = (ROOT / "environment.yml").read_text()
    for line in text.split("dependencies:", 1)[1].splitlines():
        m = re.match(r"\s+-\s+([A-Za-z0-9_.-]+)\s*([<>=!,.0-9a-z*]*)", line)
        if m:
            name = m.group(1).lower()
            found[CONDA_NAMES.get(name, name)] = m.group(2)
    return {k: v for k, v in found.items() if k not in ("python", "pip")}


def conda_packages() -> set[str]:
    return set(conda_requirements())


def lock_packages(lock: str = "requirements.lock") -> dict[str, str]:
    """name -> pinned version; a package pinned under several markers keeps its first pin."""
    pins = {}
    for line in (ROOT / lock).read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            requirement = line.split(";")[0]
            name, version = requirement.split("==")
            pins.setdefault(_name(name), version.strip().split("+")[0])
    return pins


def _floor(requirement: str) -> str:
    floor = re.search(r">=([0-9][0-9.]*)", requirement)
    assert floor, f"{requirement!r} has no lower bound"
    return floor.group(1)


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", text)[:4])


def test_environment_yml_names_the_same_packages_as_pyproject():
    assert conda_packages() == pyproject_packages()


def test_environment_yml_has_pyprojects_ranges():
    """The conda route is untested (conda-forge is not reachable here): at least its ranges match."""
    conda = conda_requirements()
    for name, requirement in declared().items():
        ranges = requirement[len(re.split(r"[<>=!~ \[]", requirement, maxsplit=1)[0]) :].replace(" ", "")
        assert conda[name] == ranges, f"environment.yml has {name}{conda[name]}, pyproject.toml {requirement}"


def test_lock_pins_every_declared_package_in_range_and_cpu_torch():
    pins = lock_packages() | lock_packages("requirements-torch.lock")
    missing = pyproject_packages() - set(pins)
    assert not missing, f"the locks do not pin {sorted(missing)}"
    assert not [n for n in pins if n.startswith("nvidia")], "CUDA packages in the lock"
    for name, requirement in declared().items():
        assert _version(pins[name]) >= _version(_floor(requirement)), (
            f"the lock pins {name}=={pins[name]} below {requirement}"
        )


def test_torch_lock_asks_for_the_cpu_build_on_linux():
    """An unpinned or plain-index torch on Linux x86-64 pulls a ~3 GB CUDA build."""
    text = (ROOT / "requirements-torch.lock").read_text()
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in lines
    assert 'torch==2.13.0+cpu ; sys_platform == "linux" and platform_machine == "x86_64"' in lines
    assert 'torch==2.13.0 ; sys_platform != "linux" or platform_machine != "x86_64"' in lines
    # the index is torch's alone: in requirements.lock an unreachable index would stall every package
    assert "index-url" not in (ROOT / "requirements.lock").read_text()
    assert "torch" not in lock_packages()
    setup = (ROOT / "course.py").read_text()
    assert setup.index('"--no-deps", "-r", "requirements-torch.lock"') < setup.index('"-r", lock]')


def test_torch_is_an_extra_so_the_numpy_lessons_install_without_it():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert not [r for r in data["project"]["dependencies"] if _name(r) == "torch"]
    assert [_name(r) for r in data["project"]["optional-dependencies"]["torch"]] == ["torch"]


def test_ci_and_make_call_the_readmes_commands():
    readme = (ROOT / "README.md").read_text()
    for command in ("python course.py lab", "python course.py test", "py course.py lab", "py course.py test"):
        assert command in readme, command
    assert "python3 course.py test" in (ROOT / ".ci" / "run").read_text()
    makefile = (ROOT / "Makefile").read_text()
    assert "course.py lab" in makefile and "course.py test" in makefile and "course.py test-oldest" in makefile


def test_declared_floors_are_the_tested_versions():
    """A floor is a version some run tests: test-oldest's (requirements-oldest.lock) where that run
    installs the package, else the lock's (README, "Versions")."""
    oldest = lock_packages("requirements-oldest.lock") | lock_packages("requirements-torch.lock")
    pins = lock_packages() | lock_packages("requirements-torch.lock")
    for name, requirement in declared().items():
        tested = oldest.get(name, pins[name])
        where = "requirements-oldest.lock (test-oldest)" if name in oldest else "requirements.lock"
        assert _floor(requirement) == tested, f"{requirement!r}: {where} tests {tested}; make that the floor"


def test_oldest_lock_pins_nothing_the_torch_lock_pins():
    assert "torch" not in lock_packages("requirements-oldest.lock")
    assert "index-url" not in (ROOT / "requirements-oldest.lock").read_text()


def test_installing_the_course_here_changes_no_installed_version():
    """Colab, Kaggle or a conda env already holding in-range versions: pip install keeps them all.

    Under test-oldest this environment holds the floors; under test the lock's versions.
    """
    try:
        import torch  # noqa: F401

        target = f"{ROOT}[torch]"
    except ImportError:
        target = str(ROOT)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--dry-run",
            "--quiet",
            "--no-build-isolation",
            "--report",
            "-",
            target,
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode and "setuptools" in result.stderr:
        pytest.skip(f"cannot build the course's metadata here: {result.stderr[-300:]}")
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout)
    changed = [
        f"{i['metadata']['name']}=={i['metadata']['version']}"
        for i in report["install"]
        if _name(i["metadata"]["name"]) != "course-lib"
    ]
    assert not changed, f"installing the course would change {changed}"
