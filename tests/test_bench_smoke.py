"""The benchmark harness still runs (tiny sizes, no notebooks).

Benchmarks are not tests: ``benchmarks/`` lies outside pytest's testpaths and ``make test`` does
not run it. This smoke test only checks that ``benchmarks/run.py --quick`` still works end to end
(pytest-benchmark modules, summary, markdown table, raw JSON) after a change in course_lib.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
QUICK_LIMIT_S = 90  # the full bench takes minutes: quick mode must stay a smoke test


def test_benchmarks_are_not_collected_as_tests():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    assert config["testpaths"] == ["tests"]
    assert not list((ROOT / "tests").glob("**/bench_*.py"))
    assert (ROOT / "benchmarks" / "run.py").exists() and not (ROOT / "benchmarks" / "__init__.py").exists()


@pytest.mark.integration  # runs the whole benchmark harness at tiny sizes (make test runs it)
def test_quick_bench_runs(tmp_path):
    out = tmp_path / "results.md"
    env = dict(os.environ, MPLBACKEND="Agg")
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--no-notebooks", "--out", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    elapsed = time.perf_counter() - start
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    text = out.read_text()
    assert "| what | compared with | target |" in text and "Quick run" in text
    for row in (
        "evaluating a schedule",
        "a plain numpy expression",
        "train_torch",
        "run_gd",
        "widget explorer",
        "`make test`",
    ):
        assert row in text, row
    raw = json.loads(out.with_suffix(".json").read_text())
    assert {b["extra"]["kind"] for b in raw["micro"]} == {"schedule", "trainer_torch", "trainer_numpy", "widget"}
    assert raw["machine"]["cores"] and len(raw["load_before"]) == 3
    assert elapsed < QUICK_LIMIT_S * max(1.0, os.getloadavg()[0] / (os.cpu_count() or 1)), (
        f"the quick bench took {elapsed:.0f} s"
    )
