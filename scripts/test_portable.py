"""The portability matrix: the unit tests and every notebook (nbval) under other CPUs' arithmetic.

    make test-portable                      # every variant, one after the other
    make test-portable VARIANTS="avx2"      # some of them
    python scripts/test_portable.py avx2 --notebooks --lang zh_CN   # what .ci/run does (see below)
    python scripts/test_portable.py baseline threads1 threads4 --quick   # before a stop
    python scripts/test_portable.py --list  # what each variant sets

numpy, OpenBLAS, MKL/oneDNN and torch each pick their kernels for the CPU they run on,
and those kernels round differently in the last bits (an AVX-512 ``power`` is not the
C library's; a reduction over 4 threads adds in another order than over 1). Environment
variables switch every one of them to an older CPU's kernels, so this machine can show
what an AVX2 laptop or a baseline x86-64 computes without leaving it. A machine cannot
emulate a CPU newer than itself: the AVX-512 case is covered by design (exact equality
only where it holds by construction, tolerances elsewhere), not by this matrix.

Each variant runs ``pytest tests notebooks --nbval-lax`` without the browser tests in a
fresh process with its variables set (one pytest worker per core, every property test with all
its examples), and the script prints one line per variant (passed, failed, skipped, seconds) and
exits non-zero if any variant failed. ``--notebooks`` is what CI runs after the whole suite:
every notebook under nbval, so every lesson's printed numbers and asserts meet the AVX2 kernels
(within .ci/run's 20 minutes). With ``--lang zh_CN`` the notebooks are the Chinese twins
(notebooks/zh_CN): their code cells are the English ones by construction (tests/i18n checks it), so
one run shows both that every lesson's numbers hold under AVX2 and that the Chinese edition executes
under nbval with the same asserts (the English series runs natively in ``course.py test``).
``--quick`` is what a maintainer runs before a stop: the unit
tests (``course.py unit``'s selection: nothing marked integration, the property tests with a
fifth of their examples) and every notebook, so every lesson's numbers and asserts
still meet the variant's kernels; the integration tests run once, in ``course.py test`` (the
editions and the benchmark harness compute what the notebooks and unit tests compute, the website
nothing, and the fast claims' fresh-seed replication holds with a margin, not to the last bit).
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# numpy's dispatchable x86 features above its X86_V2 baseline (numpy 2.x names). Disabling
# a feature the CPU lacks is allowed, so these lists work on AVX2 and AVX-512 machines alike.
_NUMPY_AVX512 = "X86_V4 AVX512_ICL AVX512_SPR"
_NUMPY_ABOVE_BASELINE = "X86_V3 " + _NUMPY_AVX512


@dataclass(frozen=True)
class Variant:
    """One column of the matrix: a name, what it stands for, and the variables it sets."""

    name: str
    stands_for: str
    env: dict[str, str]
    x86_only: bool = False


VARIANTS: tuple[Variant, ...] = (
    Variant("native", "this machine as it is", {}),
    Variant(
        "avx2",
        "an AVX2 laptop or server (no AVX-512)",
        {
            "NPY_DISABLE_CPU_FEATURES": _NUMPY_AVX512,
            "ATEN_CPU_CAPABILITY": "avx2",
            "OPENBLAS_CORETYPE": "Haswell",
            "MKL_ENABLE_INSTRUCTIONS": "AVX2",
            "ONEDNN_MAX_CPU_ISA": "AVX2",
        },
        x86_only=True,
    ),
    Variant(
        "baseline",
        "the oldest x86-64 the wheels run on (SSE only)",
        {
            "NPY_DISABLE_CPU_FEATURES": _NUMPY_ABOVE_BASELINE,
            "ATEN_CPU_CAPABILITY": "default",
            "OPENBLAS_CORETYPE": "Prescott",
            "MKL_ENABLE_INSTRUCTIONS": "SSE4_2",
            "ONEDNN_MAX_CPU_ISA": "SSE41",
        },
        x86_only=True,
    ),
    Variant(
        "threads1",
        "a single-core machine (torch and BLAS on one thread)",
        {
            "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
            "OPENBLAS_NUM_THREADS": "1",
        },
    ),
    Variant(
        "threads4",
        "a 4-thread laptop (reductions split four ways)",
        {
            "OMP_NUM_THREADS": "4",
            "MKL_NUM_THREADS": "4",
            "OPENBLAS_NUM_THREADS": "4",
        },
    ),
)
BY_NAME = {v.name: v for v in VARIANTS}


def pytest_command(
    junit: Path, extra: list[str], quick: bool = False, notebooks: bool = False, lang: str = "en"
) -> list[str]:
    """The suite a variant runs: unit tests and every notebook, no browser tests (``quick``, ``notebooks``,
    ``lang``: see --quick, --notebooks, --lang)."""
    if notebooks:  # the lessons alone: what a learner's CPU changes most (printed numbers nbval compares, asserts)
        return [
            sys.executable,
            "-m",
            "pytest",
            "notebooks" if lang == "en" else f"notebooks/{lang}",
            "--nbval-lax",
            "--nbval-current-env",
            "--nbval-cell-timeout=300",
            "-n",
            "auto",
            "--dist",
            "loadfile",
            "-p",
            "no:randomly",
            "-q",
            f"--junitxml={junit}",
            *extra,
        ]
    return [
        sys.executable,
        "-m",
        "pytest",
        "tests",
        "notebooks",
        "--nbval-lax",
        "--nbval-current-env",
        "--nbval-cell-timeout=300",
        "-m",
        "not e2e and not integration" if quick else "not e2e",
        f"--hypothesis-profile={'quick' if quick else 'thorough'}",
        "-n",
        "auto",
        "--dist",
        "loadfile",
        "--no-loadscope-reorder",  # tests/conftest.py's order: the longest files (notebooks 05, 09) go out first
        "--ignore=tests/e2e",
        "-p",
        "no:randomly",
        # the lock's resolution for other platforms is network, not arithmetic: once, in `test`
        "--ignore=tests/test_platforms.py",
        "-q",
        f"--junitxml={junit}",
        *extra,
    ]


def counts(junit: Path) -> dict[str, int]:
    """passed / failed / skipped from a JUnit XML report (errors count as failed)."""
    if not junit.exists():
        return {"passed": 0, "failed": 0, "skipped": 0}
    suites = ET.parse(junit).getroot()
    suite = suites if suites.tag == "testsuite" else suites.find("testsuite")
    total, fail = int(suite.get("tests", 0)), int(suite.get("failures", 0)) + int(suite.get("errors", 0))
    skipped = int(suite.get("skipped", 0))
    return {"passed": total - fail - skipped, "failed": fail, "skipped": skipped}


def run(
    variant: Variant, extra: list[str], quick: bool = False, notebooks: bool = False, lang: str = "en"
) -> tuple[int, dict[str, int], float]:
    """Run the suite under one variant; returns (exit code, counts, seconds)."""
    junit = ROOT / ".portable" / f"{variant.name}.xml"
    junit.parent.mkdir(exist_ok=True)
    junit.unlink(missing_ok=True)
    env = {**os.environ, "MPLBACKEND": "Agg", **variant.env}
    print(f"== portability variant {variant.name}: {variant.stands_for}", flush=True)
    if variant.env:
        print("   " + " ".join(f"{k}={v!r}" for k, v in variant.env.items()), flush=True)
    start = time.perf_counter()
    code = subprocess.call(pytest_command(junit, extra, quick, notebooks, lang), cwd=ROOT, env=env)
    return code, counts(junit), time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("variants", nargs="*", help=f"variants to run (default: all of {', '.join(BY_NAME)})")
    parser.add_argument("--list", action="store_true", help="print each variant's variables and exit")
    parser.add_argument("--pytest-args", default="", help="extra pytest arguments, e.g. '-x -k schedules'")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="the unit tests (no integration tests, fewer hypothesis examples) and every notebook: what .ci/run runs",
    )
    parser.add_argument(
        "--notebooks",
        action="store_true",
        help="every notebook under nbval, nothing else: what .ci/run runs after the whole suite (about 5 minutes)",
    )
    parser.add_argument(
        "--lang",
        default="en",
        choices=("en", "zh_CN"),
        help="with --notebooks: the edition whose notebooks run (zh_CN: notebooks/zh_CN, what .ci/run runs)",
    )
    args = parser.parse_args(argv)
    if args.list:
        for v in VARIANTS:
            print(
                f"{v.name:9s} {v.stands_for}\n          "
                + (" ".join(f"{k}={val}" for k, val in v.env.items()) or "(nothing set)")
            )
        return 0
    unknown = [name for name in args.variants if name not in BY_NAME]
    if unknown:
        parser.error(f"unknown variant(s) {unknown}; choose from {list(BY_NAME)}")
    chosen = [BY_NAME[name] for name in args.variants] or list(VARIANTS)
    x86 = platform.machine().lower() in ("x86_64", "amd64")
    rows, worst = [], 0
    for variant in chosen:
        if variant.x86_only and not x86:
            rows.append(f"{variant.name:9s} skipped: its variables name x86 kernels, this is {platform.machine()}")
            continue
        code, c, seconds = run(variant, args.pytest_args.split(), args.quick, args.notebooks, args.lang)
        worst = max(worst, code)
        rows.append(
            f"{variant.name:9s} {c['passed']:5d} passed, {c['failed']} failed, {c['skipped']} skipped "
            f"in {seconds:6.1f} s{'' if code == 0 else f'   (pytest exit {code})'}"
        )
    print("\n== portability matrix")
    for row in rows:
        print("   " + row)
    return 1 if worst else 0


if __name__ == "__main__":
    sys.exit(main())
