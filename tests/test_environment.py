"""The three ways to install the course name the same packages."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).parent.parent
# conda-forge spells some names differently
CONDA_NAMES = {"pytorch": "torch"}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def pyproject_packages() -> set[str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    names = {_name(r) for r in data["project"]["dependencies"]}
    for extra in data["project"]["optional-dependencies"].values():
        names |= {_name(r) for r in extra}
    return names


def conda_packages() -> set[str]:
    names = set()
    text = (ROOT / "environment.yml").read_text()
    for line in text.split("dependencies:", 1)[1].splitlines():
        m = re.match(r"\s+-\s+([A-Za-z0-9_.-]+)", line)
        if m:
            name = m.group(1).lower()
            names.add(CONDA_NAMES.get(name, name))
    return names - {"python", "pip"}


def lock_packages(lock: str = "requirements.lock") -> dict[str, str]:
    """name -> pinned version; a package pinned under several markers keeps its first pin."""
    pins = {}
    for line in (ROOT / lock).read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            requirement = line.split(";")[0]
            name, version = requirement.split("==")
            pins.setdefault(name.strip().lower().replace("_", "-"), version.strip())
    return pins


def test_environment_yml_names_the_same_packages_as_pyproject():
    assert conda_packages() == pyproject_packages()


def test_lock_pins_every_declared_package_and_cpu_torch():
    pins = lock_packages() | lock_packages("requirements-torch.lock")
    missing = pyproject_packages() - set(pins)
    assert not missing, f"the locks do not pin {sorted(missing)}"
    assert not [n for n in pins if n.startswith("nvidia")], "CUDA packages in the lock"


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
    makefile = (ROOT / "Makefile").read_text()
    assert makefile.index("--no-deps -r requirements-torch.lock") < makefile.index("-r requirements.lock")


def test_ci_calls_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()
    readme = (ROOT / "README.md").read_text()
    assert "make test" in readme and "make lab" in readme


def test_declared_floors_are_the_tested_versions():
    """pyproject's lower bounds are the lock's versions: only the lock is ever tested, so a
    floor below it would promise versions nobody ran (README, "Versions")."""
    pins = lock_packages() | lock_packages("requirements-torch.lock")
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    declared = list(data["project"]["dependencies"])
    for extra in data["project"]["optional-dependencies"].values():
        declared += extra
    for requirement in declared:
        floor = re.search(r">=([0-9][0-9.]*)", requirement)
        assert floor, f"{requirement!r} has no lower bound"
        pinned = pins[_name(requirement)].split("+")[0]
        assert floor.group(1) == pinned, f"{requirement!r}: the lock tests {pinned}; make that the floor"
