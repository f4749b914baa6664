"""Run the course benchmarks and write the results table (benchmarks/results.md).

    make bench                                   # everything (about 10 minutes on 2 cores)
    .venv/bin/python benchmarks/run.py --quick --no-notebooks --out /tmp/r.md   # smoke run, seconds
    .venv/bin/python benchmarks/run.py --only widgets --before benchmarks/before.json

What it does:

1. runs the micro benchmarks ``benchmarks/test_bench_*.py`` with pytest-benchmark
   (``--benchmark-only``; warm-up rounds, several rounds, medians; raw timings in a JSON);
2. executes every notebook headless with nbclient, each in a fresh kernel, inline backend;
3. computes the ratios of the targets, renders a markdown table with the machine it ran on
   (CPU, cores, versions, load average before and after, date) and writes it to ``--out``,
   with the raw numbers next to it (same name, ``.json``). ``--before`` adds a "before"
   column from an earlier raw JSON (same harness), for a before/after comparison.

The machine may be shared: every comparison is a ratio within one run, and the pairs
"ours vs hand-written" are interleaved, so a change of load hits both sides. Absolute
times (widgets, notebooks) do depend on the load, which the table reports.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
KINDS = ("schedules", "trainers", "widgets", "notebooks")
INLINE = "module://matplotlib_inline.backend_inline"

# targets
SPEEDUP_VS_TORCH = 100.0
SLOWDOWN_VS_NUMPY = 2.0
TORCH_TRAINER_RATIO = 1.05
NUMPY_TRAINER_RATIO = 1.2
#: one update of an explorer, per control, median, on a quiet machine like the reference below
WIDGET_SECONDS = 0.060
#: the bare figure of each explorer figure's shape on the reference machine (AMD EPYC, 2 cores,
#: quiet, 2026-12-01): the target scales by how much slower this machine draws it (never below 1x)
REFERENCE_BARE = {
    "8x4.5 in, 1 axes": 0.0271,
    "8x4.5 in, 2 axes": 0.0417,
    "13x5 in, 3 axes": 0.0645,
    "14.1x4.3 in, 3 axes": 0.0618,
}
NOTEBOOK_SECONDS = 60.0
SERIES_SECONDS = 300.0


# ---------------------------------------------------------------------------
# Machine
# ---------------------------------------------------------------------------


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _version(module: str) -> str:
    try:
        return __import__(module).__version__
    except Exception:  # noqa: BLE001 - a report, not a check
        return "n/a"


def machine() -> dict[str, Any]:
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "numpy": _version("numpy"),
        "torch": _version("torch"),
        "matplotlib": _version("matplotlib"),
        "pytest_benchmark": _version("pytest_benchmark"),
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
    }


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


# ---------------------------------------------------------------------------
# Micro benchmarks (pytest-benchmark)
# ---------------------------------------------------------------------------

_FILES = {
    "schedules": "test_bench_schedules.py",
    "trainers": "test_bench_trainers.py",
    "widgets": "test_bench_widgets.py",
}


def run_micro(kinds: list[str], quick: bool, workdir: Path) -> list[dict[str, Any]]:
    """Run the pytest-benchmark modules of ``kinds``; return the benchmarks of the JSON report."""
    files = [str(HERE / _FILES[k]) for k in kinds if k in _FILES]
    if not files:
        return []
    report = workdir / "pytest-benchmark.json"
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        *files,
        "--benchmark-only",
        f"--benchmark-json={report}",
        "--benchmark-warmup=on",
        "-p",
        "no:randomly",
        "-q",
        "--benchmark-columns=median,iqr,rounds",
        "--benchmark-sort=name",
        "-o",
        "addopts=-p no:cacheprovider",
    ]
    cmd += (
        ["--benchmark-min-rounds=1", "--benchmark-max-time=0.02"]
        if quick
        else ["--benchmark-min-rounds=7", "--benchmark-max-time=1.0"]
    )
    env = dict(os.environ, MPLBACKEND="Agg", COURSE_BENCH_QUICK="1" if quick else "0")
    for name in [k for k in env if k.startswith("PYTEST_XDIST_")]:
        env.pop(name)  # run from a pytest-xdist worker (the bench smoke test): this pytest is not one
    print("$", " ".join(cmd), flush=True)
    proc = subprocess.run(cmd, cwd=HERE, env=env)
    if not report.exists():
        raise SystemExit(f"pytest-benchmark wrote no report (exit code {proc.returncode})")
    if proc.returncode != 0:
        print(
            f"warning: pytest exited with {proc.returncode}; the report holds the benchmarks that ran", file=sys.stderr
        )
    data = json.loads(report.read_text())
    return [
        {
            "name": b["name"],
            "extra": b["extra_info"],
            "median": b["stats"]["median"],
            "iqr": b["stats"]["iqr"],
            "rounds": b["stats"]["rounds"],
            "data": b["stats"].get("data", []),
        }
        for b in data["benchmarks"]
    ]


# ---------------------------------------------------------------------------
# Notebooks (nbclient)
# ---------------------------------------------------------------------------


def run_notebooks(paths: list[Path], timeout: int) -> list[dict[str, Any]]:
    """Execute each notebook top to bottom in a fresh kernel (inline backend); nothing is written back."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError

    os.environ["MPLBACKEND"] = INLINE  # the kernels inherit it: figures render as in JupyterLab
    results = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(
            nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
        )
        start, error = time.perf_counter(), None
        try:
            client.execute()
        except (CellExecutionError, CellTimeoutError, RuntimeError) as err:
            error = str(err).strip().splitlines()[-1][:200] if str(err).strip() else type(err).__name__
        seconds = time.perf_counter() - start
        print(f"{path.name}: {seconds:.1f} s" + (f"  ERROR {error}" if error else ""), flush=True)
        results.append({"notebook": path.name, "seconds": seconds, "error": error})
    return results


# ---------------------------------------------------------------------------
# Summaries
# ---------------------------------------------------------------------------


def _of(micro: list[dict], kind: str) -> list[dict]:
    return [b for b in micro if b["extra"].get("kind") == kind]


def schedule_rows(micro: list[dict]) -> list[dict[str, Any]]:
    cases: dict[str, dict[str, dict]] = {}
    for b in _of(micro, "schedule"):
        cases.setdefault(b["extra"]["case"], {})[b["extra"]["impl"]] = b
    rows = []
    for case, impls in cases.items():
        if not {"course_lib", "numpy", "torch"} <= set(impls):
            continue
        ours, plain, torch_ = impls["course_lib"], impls["numpy"], impls["torch"]
        torch_full = torch_["median"] * torch_["extra"]["scale"]
        rows.append(
            {
                "case": case,
                "steps": ours["extra"]["steps"],
                "torch_steps": torch_["extra"]["timed_steps"],
                "course_lib": ours["median"],
                "numpy": plain["median"],
                "torch": torch_full,
                "speedup": torch_full / ours["median"],
                "vs_numpy": ours["median"] / plain["median"],
            }
        )
    return rows


def pair_summary(micro: list[dict], kind: str) -> dict[str, Any] | None:
    """Interleaved pairs: pooled medians of each side, and the median of the per-repetition ratios."""
    reps: dict[int, dict[str, dict]] = {}
    for b in _of(micro, kind):
        reps.setdefault(b["extra"]["rep"], {})[b["extra"]["impl"]] = b
    ratios = [
        r["course_lib"]["median"] / r["hand"]["median"] for r in reps.values() if {"course_lib", "hand"} <= set(r)
    ]
    if not ratios:
        return None
    pooled = {
        impl: median(x for r in reps.values() if impl in r for x in (r[impl]["data"] or [r[impl]["median"]]))
        for impl in ("course_lib", "hand")
    }
    steps = next(iter(reps.values()))["course_lib"]["extra"]["steps"]
    return {
        "course_lib": pooled["course_lib"],
        "hand": pooled["hand"],
        "ratio": median(ratios),
        "ratios": ratios,
        "steps": steps,
    }


def _p95(values: list[float]) -> float | None:
    values = sorted(values)
    return values[min(len(values) - 1, max(math.ceil(0.95 * len(values)) - 1, 0))] if values else None


def machine_factor(rows: list[dict[str, Any]]) -> float:
    """How much slower than the reference machine this one drew the bare figures (median; >= 1)."""
    ratios = [r["bare"] / REFERENCE_BARE[r["figure"]] for r in rows if r.get("bare") and r["figure"] in REFERENCE_BARE]
    return max(1.0, median(ratios)) if ratios else 1.0


def widget_rows(micro: list[dict]) -> list[dict[str, Any]]:
    rows = [
        {
            "explorer": b["extra"]["explorer"],
            "control": b["extra"].get("control", ""),
            "median": b["median"],
            "p95": _p95(b.get("data") or []) or b["median"],
            "cpu": b["extra"].get("cpu"),
            "cold": b["extra"].get("cold"),
            "compute": b["extra"]["compute"],
            "draw": b["extra"]["draw"],
            "render": b["extra"]["render"],
            "rounds": b["rounds"],
            "bare": b["extra"].get("bare"),
            "figure": b["extra"].get("figure", ""),
            "cls": b["extra"].get("cls"),
        }
        for b in _of(micro, "widget")
    ]
    limit = WIDGET_SECONDS * machine_factor(rows)
    for r in rows:
        r["limit"] = limit
    return rows


def _widget_key(r: dict[str, Any]) -> str:
    return f"{r['explorer']}[{r['control']}]" if r.get("control") else r["explorer"]


def summarize(raw: dict[str, Any]) -> dict[str, Any]:
    micro = raw.get("micro", [])
    return {
        "schedules": schedule_rows(micro),
        "torch": pair_summary(micro, "trainer_torch"),
        "numpy": pair_summary(micro, "trainer_numpy"),
        "widgets": widget_rows(micro),
        "notebooks": raw.get("notebooks"),
    }


# ---------------------------------------------------------------------------
# Markdown
# ---------------------------------------------------------------------------


def _t(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.0f} µs"


def _ok(good: bool | None) -> str:
    return "—" if good is None else ("✅ met" if good else "❌ missed")


def _main_rows(s: dict[str, Any], make_test: str) -> list[tuple[str, str, str, str, bool | None]]:
    """(what, compared with, target, result, met) for the summary table."""
    rows = []
    sched = s["schedules"]
    n = f"10^{len(str(sched[0]['steps'])) - 1}" if sched else "10^6"
    nt = f"10^{len(str(sched[0]['torch_steps'])) - 1}" if sched else "10^5"
    if sched:
        worst = min(sched, key=lambda r: r["speedup"])
        rows.append(
            (
                f"evaluating a schedule over {n} steps (vectorised)",
                f"stepping the torch twin {n} times (timed on {nt} steps, ×{sched[0]['steps'] // sched[0]['torch_steps']})",
                f"≥ {SPEEDUP_VS_TORCH:.0f}× faster, each of {len(sched)} schedules",
                f"{worst['speedup']:.0f}× at worst ({worst['case']}); median {median(r['speedup'] for r in sched):.0f}×",
                worst["speedup"] >= SPEEDUP_VS_TORCH,
            )
        )
        worst = max(sched, key=lambda r: r["vs_numpy"])
        rows.append(
            (
                "the same, vectorised",
                "a plain numpy expression of the same formula",
                f"≤ {SLOWDOWN_VS_NUMPY:g}× slower",
                f"{worst['vs_numpy']:.2f}× at worst ({worst['case']}); median "
                f"{median(r['vs_numpy'] for r in sched):.2f}×",
                worst["vs_numpy"] <= SLOWDOWN_VS_NUMPY,
            )
        )
    p = s["torch"]
    if p:
        rows.append(
            (
                "train_torch, 1 epoch of mlp(64,10,(64,)) on load_digits",
                "hand-written torch loop (same model, data, optimizer, rates, batch order, validation)",
                f"≤ {TORCH_TRAINER_RATIO:g}×",
                f"{p['ratio']:.3f}× ({_t(p['course_lib'])} vs {_t(p['hand'])})",
                p["ratio"] <= TORCH_TRAINER_RATIO,
            )
        )
    p = s["numpy"]
    if p:
        rows.append(
            (
                f"run_gd, {p['steps']} steps on quadratic_bowl",
                "hand-written numpy loop",
                f"≤ {NUMPY_TRAINER_RATIO:g}×",
                f"{p['ratio']:.3f}× ({_t(p['course_lib'])} vs {_t(p['hand'])})",
                p["ratio"] <= NUMPY_TRAINER_RATIO,
            )
        )
    w = s["widgets"]
    if w:
        worst = max(w, key=lambda r: r["median"])
        slow = [r for r in w if r["median"] >= r["limit"]]
        bare = [r["median"] / r["bare"] for r in w if r.get("bare")]
        explorers = {r["explorer"] for r in w}
        rows.append(
            (
                f"one update of each widget explorer, each control ({len(explorers)} explorers, {len(w)} controls), "
                "drawn in place and encoded to PNG (Agg)",
                "a bare matplotlib figure of the same size and number of axes (the floor of a redraw)",
                f"median < {WIDGET_SECONDS * 1e3:.0f} ms per control on a quiet machine "
                f"(here {w[0]['limit'] * 1e3:.0f} ms: ×{w[0]['limit'] / WIDGET_SECONDS:.2f} for this machine)",
                f"worst {_t(worst['median'])} ({_widget_key(worst)}); {len(w) - len(slow)}/{len(w)} under target"
                + (f" (over: {', '.join(_widget_key(r) for r in slow)})" if slow else "")
                + (f"; {median(bare):.1f}× the bare figure (median; {min(bare):.1f}–{max(bare):.1f}×)" if bare else ""),
                not slow,
            )
        )
    nb = s["notebooks"]
    if nb:
        total = sum(r["seconds"] for r in nb)
        worst = max(nb, key=lambda r: r["seconds"])
        errors = [r["notebook"] for r in nb if r["error"]]
        rows.append(
            (
                "each notebook executed headless (nbclient, fresh kernel)",
                "—",
                f"< {NOTEBOOK_SECONDS:.0f} s each; series < {SERIES_SECONDS / 60:.0f} min",
                f"slowest {worst['seconds']:.1f} s ({worst['notebook']}); series {total:.0f} s"
                + (f"; errors in {', '.join(errors)}" if errors else ""),
                worst["seconds"] < NOTEBOOK_SECONDS and total < SERIES_SECONDS and not errors,
            )
        )
    rows.append(("`make test` on a fresh clone, environment set-up included", "—", "reported", make_test, None))
    return rows


def render(raw: dict[str, Any], before: dict[str, Any] | None, make_test: str) -> str:
    s = summarize(raw)
    b = summarize(before) if before else None
    m = raw["machine"]
    quick = raw.get("quick")
    out = ["# Benchmarks", ""]
    if quick:
        out += ["**Quick run (`--quick`): tiny sizes, one round — a smoke test, not a measurement.**", ""]
    out += [
        f"Run {m['date']} by `benchmarks/run.py` on {m['cpu']}, {m['cores']} cores; Python {m['python']}, "
        f"numpy {m['numpy']}, torch {m['torch']}, matplotlib {m['matplotlib']}, "
        f"pytest-benchmark {m['pytest_benchmark']}. Load average (1, 5, 15 min): {raw['load_before']} "
        f"before, {raw['load_after']} after"
        + (
            " — the machine was shared: absolute times are pessimistic, ratios are within one run."
            if raw["load_before"][0] > (m["cores"] or 1) * 0.5
            else "."
        ),
        "",
    ]
    if b:
        bm = before["machine"]
        out += [
            f"The \"before\" column: the same harness, {bm['date']}, before the fixes in course_lib "
            f"(load average {before['load_before']}).",
            "",
        ]
    main = _main_rows(s, make_test)
    before_rows = {r[0]: r for r in _main_rows(b, "—")} if b else {}
    if b:
        out += ["| what | compared with | target | before | result | status |", "|---|---|---|---|---|---|"]
        for what, comp, target, result, good in main:
            prev = before_rows.get(what)
            out.append(f"| {what} | {comp} | {target} | {prev[3] if prev else '—'} | {result} | {_ok(good)} |")
    else:
        out += ["| what | compared with | target | result | status |", "|---|---|---|---|---|"]
        out += [f"| {what} | {comp} | {target} | {result} | {_ok(good)} |" for what, comp, target, result, good in main]

    if s["schedules"]:
        r0 = s["schedules"][0]
        out += [
            "",
            f"## Schedules: {r0['steps']:,} steps",
            "",
            f"Medians. torch: the scheduler stepped {r0['torch_steps']:,} times (reading the rate before "
            f"each step), ×{r0['steps'] // r0['torch_steps']}. numpy: the formula as a plain expression, "
            "`t = np.arange(N)` included. course_lib: `S.evaluate(schedule, N)`, argument checks included.",
            "",
            "| torch scheduler | course_lib | numpy | torch | speed-up vs torch | vs numpy |",
            "|---|---|---|---|---|---|",
        ]
        for r in s["schedules"]:
            out.append(
                f"| {r['case']} | {_t(r['course_lib'])} | {_t(r['numpy'])} | {_t(r['torch'])} | "
                f"{r['speedup']:,.0f}× | {r['vs_numpy']:.2f}× |"
            )
    if s["torch"] or s["numpy"]:
        out += [
            "",
            "## Trainers",
            "",
            "Ours and the hand-written loop alternate (ours, hand, ours, hand, ...); the ratio is the "
            "median of the per-pair ratios, the times are pooled medians.",
            "",
            "| trainer | course_lib | hand-written | ratio | per-pair ratios |",
            "|---|---|---|---|---|",
        ]
        for label, p in (("train_torch (1 epoch)", s["torch"]), ("run_gd", s["numpy"])):
            if p:
                out.append(
                    f"| {label} | {_t(p['course_lib'])} | {_t(p['hand'])} | {p['ratio']:.3f}× | "
                    + ", ".join(f"{x:.2f}" for x in p["ratios"])
                    + " |"
                )
    if s["widgets"]:
        prev = {_widget_key(r): r for r in b["widgets"]} if b and b["widgets"] else {}
        limit = s["widgets"][0]["limit"]
        out += [
            "",
            "## Widget explorers: one update + PNG render, per control",
            "",
            "Each control of each explorer, from a fresh explorer: every round moves the control to a value it "
            "has not shown yet (sliders walk step by step, choices cycle through their options), the explorer "
            "recomputes, updates its figure in place and renders one frame (`canvas.draw` or a blit, then "
            "`frame_png`: RGB PNG, rows unfiltered, zlib level 1) into its image widget. "
            "compute = the update without draw and render; draw = updating the figure; render = the frame; "
            "cpu = the CPU time of an update (median; less sensitive than the wall clock to a shared machine). "
            "Between two moves (untimed) the learner looks at the frame for up to 2 s: the idle kernel runs "
            "what the explorer left for it (the training explorers train the next step of each slider, "
            "`Explorer.warm_ahead`); first = the first move, with nothing warmed (a jump costs that). "
            f"Target: median < {WIDGET_SECONDS * 1e3:.0f} ms on a quiet machine; this machine drew the bare "
            f"figures ×{limit / WIDGET_SECONDS:.2f} as slowly as the reference, so the target here is "
            f"{limit * 1e3:.0f} ms.",
            "",
            "bare figure = a new matplotlib figure of the same size and number of axes, one line each, "
            "rendered the same way: the floor for one frame of that size.",
            "",
            "| explorer | control | " + ("before | " if prev else "") + "median | p95 | cpu | compute | draw | "
            "render | first | figure | bare figure | vs bare | rounds | status |",
            "|---|---|" + ("---|" if prev else "") + "---|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for r in s["widgets"]:
            old = prev.get(_widget_key(r))
            cells = ([_t(old["median"]) if old else "—"] if prev else []) + [
                _t(r["median"]),
                _t(r["p95"]),
                _t(r.get("cpu")),
                _t(r["compute"]),
                _t(r["draw"]),
                _t(r["render"]),
                _t(r.get("cold")),
                r.get("figure") or "—",
                _t(r.get("bare")),
                f"{r['median'] / r['bare']:.1f}×" if r.get("bare") else "—",
                str(r["rounds"]),
                _ok(r["median"] < r["limit"]),
            ]
            out.append(f"| {r['explorer']} | {r.get('control') or '—'} | " + " | ".join(cells) + " |")
    if s["notebooks"]:
        prev = {r["notebook"]: r for r in b["notebooks"]} if b and b["notebooks"] else {}
        out += [
            "",
            "## Notebooks",
            "",
            "Each executed once, top to bottom, by nbclient in a fresh `python3` kernel with the inline "
            "backend (kernel start-up included); nothing is written back.",
            "",
            "| notebook | " + ("before | " if prev else "") + "time | status |",
            "|---|" + ("---|" if prev else "") + "---|---|",
        ]
        for r in s["notebooks"]:
            old = prev.get(r["notebook"])
            status = f"❌ error: {r['error']}" if r["error"] else _ok(r["seconds"] < NOTEBOOK_SECONDS)
            out.append(
                f"| {r['notebook']} | "
                + (f"{old['seconds']:.1f} s | " if old else ("— | " if prev else ""))
                + f"{r['seconds']:.1f} s | {status} |"
            )
        out.append(
            "| **series** | "
            + ("— | " if prev else "")
            + f"**{sum(r['seconds'] for r in s['notebooks']):.0f} s** | "
            + _ok(sum(r["seconds"] for r in s["notebooks"]) < SERIES_SECONDS)
            + " |"
        )
    out += ["", "Reproduce: `make bench` (or `.venv/bin/python benchmarks/run.py --help`).", ""]
    return "\n".join(out)


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------


def _make_test_text(value: str | None) -> str:
    if not value:
        return "see closing note"
    path = Path(value)
    text = path.read_text().strip() if path.exists() else value
    try:
        return f"{float(text):.0f} s"
    except ValueError:
        return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one round: a smoke test")
    parser.add_argument("--no-notebooks", action="store_true", help="skip executing the notebooks")
    parser.add_argument(
        "--only", default=",".join(KINDS), help=f"comma-separated subset of {','.join(KINDS)} (default: all)"
    )
    parser.add_argument("--out", default=str(HERE / "results.md"), help="markdown file to write")
    parser.add_argument("--before", help="raw JSON of an earlier run: adds a 'before' column")
    parser.add_argument("--make-test", help="seconds of `make test` on a fresh clone, or a file holding them")
    parser.add_argument("--notebook-timeout", type=int, default=600, help="seconds per cell")
    parser.add_argument(
        "--from-json",
        help="re-render the table from the raw JSON of an earlier run (e.g. to add --make-test); runs nothing",
    )
    args = parser.parse_args(argv)
    if args.from_json:
        raw = json.loads(Path(args.from_json).read_text())
        before = json.loads(Path(args.before).read_text()) if args.before else None
        text = render(raw, before, _make_test_text(args.make_test))
        Path(args.out).write_text(text)
        print(text)
        return 0
    kinds = [k.strip() for k in args.only.split(",") if k.strip()]
    unknown = sorted(set(kinds) - set(KINDS))
    if unknown:
        parser.error(f"--only: unknown {unknown}; allowed: {','.join(KINDS)}")
    if args.no_notebooks and "notebooks" in kinds:
        kinds.remove("notebooks")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)

    raw: dict[str, Any] = {"machine": machine(), "load_before": load(), "quick": args.quick, "kinds": kinds}
    with tempfile.TemporaryDirectory() as tmp:
        raw["micro"] = run_micro(kinds, args.quick, Path(tmp))
    if "notebooks" in kinds:
        paths = sorted((ROOT / "notebooks").glob("*.ipynb"))
        raw["notebooks"] = run_notebooks(paths[:1] if args.quick else paths, args.notebook_timeout)
    raw["load_after"] = load()
    for b in raw["micro"]:  # keep the raw JSON small: the timings are summarised by their median
        b["data"] = [round(x, 9) for x in b["data"]][:200]
    before = json.loads(Path(args.before).read_text()) if args.before else None
    text = render(raw, before, _make_test_text(args.make_test))
    out.write_text(text)
    out.with_suffix(".json").write_text(json.dumps(raw, indent=1))
    print()
    print(text)
    print(f"wrote {out} and {out.with_suffix('.json')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
