"""Replicate every claim the course draws from random runs, on fresh seeds; write the table and its page.

    make replicate                                   # or: python scripts/replicate.py [options]
    python scripts/replicate.py --only restarts momentum.nesterov_stays_below   # topics or names
    python scripts/replicate.py --numpy-only         # skip the torch claims
    python scripts/replicate.py --quick              # smoke test: 2 sets per claim, writes under build/
    python scripts/replicate.py --from-json          # re-render the page from the stored table only

Each registered claim (``course_lib.studies.claims``) runs on fresh, disjoint seed sets that no
notebook uses (:func:`course_lib.studies.replication.replicate`; seeds from ``FRESH_BASE``):
NumPy claims on >= 200 seeds and >= 20 sets, torch claims on 10 sets, unless a claim sets
``fresh_sets``. A line per claim shows its result and time and the projected total (from the
claims timed so far and the previous table's times); the whole run is meant to take <= 30 min
on 2 cores. By default two claims run at once in worker processes (``--jobs``), each with one
core's worth of threads; claims that read the same cached runs (``Claim.shares``: the same
configurations on the same seeds) run one after the other in the same worker, so the runs are trained
once. ``--jobs 1`` runs them in this process and also shows each claim's first set.

Writes:
  * ``replication/results.json``: one row per claim (``Replication.row()`` plus the date it was
    replicated and which sets held), the run's date, CPU model, core count, versions of
    Python/NumPy/SciPy/torch, total run time and git commit;
  * ``site/replication.md``: the website page "How sure are we?" rendered from that JSON.

A run of some claims (``--only``, ``--numpy-only``) replaces their rows and keeps the others (each
row keeps its own date); a full run replaces the table. ``--quick`` and ``--sets`` are for trying
things: ``--quick`` writes to build/replication/ unless ``--json``/``--page`` say otherwise.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Any, Iterable, Sequence, TextIO

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_JSON = ROOT / "replication" / "results.json"
DEFAULT_PAGE = ROOT / "site" / "replication.md"
QUICK_DIR = ROOT / "build" / "replication"
#: The whole run should fit in this many seconds on 2 cores (issue 19).
BUDGET_SECONDS = 30 * 60
#: Fresh sets per claim in a ``--quick`` smoke run.
QUICK_SETS = 2

# ---- the machine and the code ------------------------------------------------------------------


def cpu_model() -> str:
    """The CPU's model name (Linux /proc/cpuinfo, macOS sysctl, else platform), or "unknown CPU"."""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines():
            if line.lower().startswith(("model name", "hardware", "cpu model")):
                return " ".join(line.split(":", 1)[1].split())
    except OSError:
        pass
    if sys.platform == "darwin":
        try:
            out = subprocess.run(
                ["sysctl", "-n", "machdep.cpu.brand_string"], capture_output=True, text=True, timeout=5
            )
            if out.returncode == 0 and out.stdout.strip():
                return out.stdout.strip()
        except (OSError, subprocess.SubprocessError):
            pass
    return platform.processor() or platform.machine() or "unknown CPU"


def core_count() -> int:
    """Cores this process may run on (the affinity mask where there is one)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def versions() -> dict[str, str]:
    """Versions of Python and of the numerical packages (torch is not imported to ask)."""
    found = {"python": platform.python_version()}
    for package in ("numpy", "scipy", "torch"):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = "not installed"
    return found


def git_commit(root: Path = ROOT) -> str:
    """The short commit of ``root``'s checkout, with "+changes" if tracked code differs from it."""

    def git(*args: str) -> str:
        out = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=20)
        return out.stdout.strip() if out.returncode == 0 else ""

    try:
        commit = git("rev-parse", "--short", "HEAD")
        if not commit:
            return "unknown"
        changed = git(
            "status",
            "--porcelain",
            "--untracked-files=no",
            "--",
            ".",
            ":(exclude)replication",
            ":(exclude)site/replication.md",
        )
        return commit + ("+changes" if changed else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


# ---- choosing and running claims ---------------------------------------------------------------


def select(claims: dict[str, Any], only: Sequence[str] | None = None, numpy_only: bool = False) -> list[Any]:
    """The claims to run: all, or those named by ``only`` (a claim name or a topic), without torch ones
    when ``numpy_only``.

    Raises:
        ValueError: an entry of ``only`` names neither a registered claim nor a topic.
    """
    chosen = list(claims.values())
    if only:
        topics = {name.split(".", 1)[0] for name in claims}
        unknown = [o for o in only if o not in claims and o not in topics]
        if unknown:
            raise ValueError(
                f"--only: {unknown} name no registered claim or topic; "
                f"allowed: topics {sorted(topics)} or claims {sorted(claims)}"
            )
        chosen = [c for c in chosen if c.name in only or c.name.split(".", 1)[0] in only]
    if numpy_only:
        chosen = [c for c in chosen if not c.needs_torch]
    return chosen


def previous_seconds(path: Path) -> dict[str, float]:
    """Seconds per fresh set of each claim in an earlier table at ``path`` (empty if there is none)."""
    try:
        rows = json.loads(path.read_text(encoding="utf-8")).get("rows", [])
    except (OSError, ValueError):
        return {}
    return {r["claim"]: r["seconds"] / max(r["sets"], 1) for r in rows if "seconds" in r and "sets" in r}


def projected_total(
    elapsed: float, current: float, remaining: Iterable[Any], n_sets: dict[str, int], per_set: dict[str, float]
) -> tuple[float, int]:
    """Projected run time (s): ``elapsed`` + the current claim's projection + the claims still to run.

    A claim still to run is projected from its time per set in the previous table; failing that, from
    the mean time per set of the claims timed so far. Returns (seconds, claims without a time).
    """
    known = [s for s in per_set.values() if s > 0]
    fallback = sum(known) / len(known) if known else 0.0
    total, unknown = elapsed + current, 0
    for c in remaining:
        if c.name in per_set:
            total += per_set[c.name] * n_sets[c.name]
        else:
            total += fallback * n_sets[c.name]
            unknown += 1
    return total, unknown


def _row(rep: Any) -> dict:
    """A row of the table: ``Replication.row()`` plus its date, which sets held and the issue's minimum of sets."""
    row = rep.row()
    row["date"] = _now()
    row["held_by_set"] = "".join("1" if h else "0" for h in rep.held)
    row["min_sets"] = issue_sets(rep.claim)
    return row


def _line(done: int, total: int, row: dict, elapsed: float, projection: float) -> str:
    return (
        f"[{done}/{total}] {row['claim']:<44} {row['held']:>3}/{row['sets']:<3} sets held "
        f"({100 * row['rate']:.0f} % [{100 * row['rate_low']:.0f}, {100 * row['rate_high']:.0f}]) "
        f"{verdict(row):<10} {row['seconds']:7.1f} s   elapsed {_clock(elapsed)}, projected {_clock(projection)}"
        + (" (over the 30-min budget)" if projection > BUDGET_SECONDS else "")
    )


def _worker_start(threads: int) -> None:
    """A worker process of ``--jobs``: its share of the cores for BLAS, OpenMP and torch (read at import)."""
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[var] = str(threads)


def _replicate_named(name: str, n_sets: int, source: str | None = None) -> dict:
    """Replicate the claim ``name`` in a worker process (claims do not pickle, names do).

    ``source``: ``"module:attribute"``, a mapping of unregistered claims by name (tests); default the registry.
    """
    import importlib

    from course_lib.studies.replication import all_claims, replicate

    if source:
        module, attribute = source.split(":")
        claims = getattr(importlib.import_module(module), attribute)
    else:
        claims = all_claims()
    return _row(replicate(claims[name], n_sets))


def _replicate_group(names: Sequence[str], n_sets: Sequence[int], source: str | None = None) -> list[dict]:
    """Replicate several claims one after the other in one worker process.

    Claims that share cached runs (the same configurations on the same seeds: ``Claim.run_group``) go to
    the same worker and train once.
    """
    return [_replicate_named(name, n, source) for name, n in zip(names, n_sets)]


def _run_group(c: Any) -> str:
    """The key of the claims that share cached runs with ``c`` (``Claim.run_group``; the topic by default)."""
    return getattr(c, "run_group", None) or c.name.split(".", 1)[0]


def run(
    claims: Sequence[Any],
    sets: int | None,
    per_set: dict[str, float],
    out: TextIO | None = None,
    jobs: int = 1,
    source: str | None = None,
) -> tuple[list[dict], float]:
    """Replicate ``claims`` with a line per claim on ``out`` (default stdout); returns (rows, wall seconds).

    ``sets`` overrides each claim's number of fresh sets; ``per_set`` (seconds per set, by claim name,
    e.g. from :func:`previous_seconds`) projects the claims not run yet. ``jobs`` > 1 runs registered
    claims in that many worker processes, one task per group of claims sharing cached runs
    (``Claim.run_group``; longest expected first), each with its share of the cores
    (``source``: where the workers find the claims, see :func:`_replicate_named`).
    """
    out = sys.stdout if out is None else out
    from scipy import stats  # noqa: F401  (imported once here, not inside the first claim's time)

    from course_lib.studies.replication import default_sets, replicate

    n_sets = {c.name: sets if sets is not None else default_sets(c) for c in claims}
    per_set = dict(per_set)
    start = time.perf_counter()
    first, _ = projected_total(0.0, 0.0, claims, n_sets, per_set)
    head = f"replicate: {_n(len(claims), 'claim')}, {sum(n_sets.values())} fresh seed sets"
    head += f", {jobs} jobs" if jobs > 1 else ""
    print(
        head + (f"; projected {_clock(first / jobs)} from the previous table" if per_set else ""), file=out, flush=True
    )
    rows: list[dict] = []
    if jobs > 1 and claims:
        import concurrent.futures as cf
        import multiprocessing

        known = [v for v in per_set.values() if v > 0]
        guess = {
            c.name: per_set.get(c.name, sum(known) / len(known) if known else 1.0) * n_sets[c.name] for c in claims
        }
        groups: dict[str, list[Any]] = {}
        for c in claims:  # one task per group of claims that share cached runs
            groups.setdefault(_run_group(c), []).append(c)
        order = sorted(groups.values(), key=lambda g: -sum(guess[c.name] for c in g))
        threads = max(1, core_count() // jobs)
        with cf.ProcessPoolExecutor(
            jobs, mp_context=multiprocessing.get_context("spawn"), initializer=_worker_start, initargs=(threads,)
        ) as pool:
            futures = [
                pool.submit(_replicate_group, [c.name for c in g], [n_sets[c.name] for c in g], source) for g in order
            ]
            left = [c for g in order for c in g]
            for future in cf.as_completed(futures):
                for row in future.result():
                    rows.append(row)
                    per_set[row["claim"]] = row["seconds"] / max(row["sets"], 1)
                    left = [c for c in left if c.name != row["claim"]]
                    elapsed = time.perf_counter() - start
                    rest, _ = projected_total(0.0, 0.0, left, n_sets, per_set)
                    print(_line(len(rows), len(claims), row, elapsed, elapsed + rest / jobs), file=out, flush=True)
        return rows, time.perf_counter() - start
    for i, c in enumerate(claims):
        claim_start = time.perf_counter()
        shown = {"done": False}

        def progress(done: int, total: int, c: Any = c, i: int = i) -> None:
            if done == 1 and total > 1 and not shown["done"]:
                shown["done"] = True
                spent = time.perf_counter() - claim_start
                projection, unknown = projected_total(
                    claim_start - start, spent * total, claims[i + 1 :], n_sets, {**per_set, c.name: spent}
                )
                more = f", {_n(unknown, 'claim')} not timed yet" if unknown else ""
                print(
                    f"  {c.name}: first of {total} sets in {spent:.1f} s; projected total {_clock(projection)}{more}",
                    file=out,
                    flush=True,
                )

        rep = replicate(c, n_sets[c.name], progress=progress)
        per_set[c.name] = rep.seconds / rep.n_sets
        rows.append(_row(rep))
        elapsed = time.perf_counter() - start
        projection, _ = projected_total(elapsed, 0.0, claims[i + 1 :], n_sets, per_set)
        print(_line(i + 1, len(claims), rows[-1], elapsed, projection), file=out, flush=True)
    return rows, time.perf_counter() - start


def issue_sets(c: Any) -> int:
    """The issue's minimum of fresh sets for ``c``: 20 for NumPy (">= 200 seeds or >= 20 sets"), 10 for torch.

    A claim run on fewer (its ``fresh_sets=``, or ``--sets``) is marked *cut* on the page.
    """
    from course_lib.studies.replication import MIN_NUMPY_SEEDS, MIN_NUMPY_SETS, TORCH_SETS

    if c.needs_torch:
        return TORCH_SETS
    return min(MIN_NUMPY_SETS, -(-MIN_NUMPY_SEEDS // c.set_size))


def _cut(row: dict) -> bool:
    return row["sets"] < row.get("min_sets", 0)


def merge(
    previous: dict[str, Any] | None, rows: list[dict], claims_registered: Iterable[str], full: bool
) -> list[dict]:
    """The table's rows after a run: ``rows`` replace rows of the same claim; a full run keeps no other.

    Rows of claims no longer registered are dropped either way.
    """
    registered = set(claims_registered)
    kept = (
        []
        if full or not previous
        else [r for r in previous.get("rows", []) if r["claim"] not in {n["claim"] for n in rows}]
    )
    return sorted([r for r in kept if r["claim"] in registered] + rows, key=row_order)


# ---- the page ----------------------------------------------------------------------------------

_WHERE = re.compile(r"^(?P<stem>\d\d_[A-Za-z0-9_]+)\s*§\s*(?P<section>[\w.]+)$")


def row_order(row: dict) -> tuple:
    """Rows in course order: notebook, section (numerically), claim name."""
    m = _WHERE.match(row.get("where", ""))
    if not m:
        return (row.get("where", ""), (), row["claim"])
    section = tuple(int(p) if p.isdigit() else 0 for p in re.split(r"[.]", m["section"]) if p)
    return (m["stem"], section, row["claim"])


def verdict(row: dict) -> str:
    """ "stands" (held on >= 90 % of fresh sets), "restated" (under 90 %, worded with its rate) or
    "overstated" (under 90 % and worded as if it always held: its notebook must restate it)."""
    from course_lib.studies.replication import STANDS_AT, worded_with_rate

    if row["rate"] >= STANDS_AT:
        return "stands"
    return "restated" if worded_with_rate(row["statement"]) else "overstated"


def _escape(text: str) -> str:
    """``text`` as literal Markdown inline text (paired ``$...$`` stay math)."""
    text = re.sub(r"([\\`*_\[\]<>|#{}])", r"\\\1", " ".join(str(text).split()))
    if text.count("$") % 2:
        text = text.replace("$", r"\$")
    return text


def _label(name: str) -> str:
    return "replication-" + re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _where(where: str, short: bool = False) -> str:
    """A link to the notebook of ``where`` ("07_restarts §3"; ``short``: "07 §3", for the table)."""
    m = _WHERE.match(where)
    if not m:
        return _escape(where)
    text = m["stem"][:2] if short else m["stem"]
    return f"{{doc}}`{text} §{m['section']} <notebooks/{m['stem']}>`"


def _breakable(name: str) -> str:
    """``name`` with a zero-width space after each "." and "_": a long claim name wraps in a narrow column."""
    return re.sub(r"([._])", "\\1\u200b", name)


def _num(x: float) -> str:
    if x != x or x in (float("inf"), float("-inf")):
        return str(x)
    if x == 0:
        return "0"
    text = f"{x:.3g}" if 1e-3 <= abs(x) < 1e4 else f"{x:.2e}"
    return text.replace("-", "−")  # a minus sign, not a hyphen


def _n(k: int, noun: str) -> str:
    return f"{k} {noun}" + ("" if k == 1 else "s")


def _pct(x: float) -> str:
    return f"{100 * x:.0f}\u00a0%"  # a no-break space: "100 %" stays on one line


def _rate(row: dict) -> str:
    """``100 % [84–100 %]``: the rate with its Wilson interval, in percent."""
    return f"{_pct(row['rate'])} [{100 * row['rate_low']:.0f}–{100 * row['rate_high']:.0f}\u00a0%]"


def _effect(row: dict) -> str:
    """``-0.012 [-0.03, 0.004]``: the pooled effect with its interval."""
    return f"{_num(row['effect_value'])} [{_num(row['effect_low'])},\u00a0{_num(row['effect_high'])}]"


INTRO = """\
# How sure are we?

Every lesson of this course draws some of its conclusions from runs with randomness: SGD's noise,
a network's initialisation, the order of the data. A notebook runs such an experiment on a few
seeds and asserts what it saw. That proves little if the seeds were the ones the result was found
with: a claim tuned on its seeds is a test on its own training set. So every such claim is also
run here on seeds the notebooks never use, and this page says how often it held.

**A fresh seed set** is a set of seeds the same size as the notebook's (say 3 seeds, or 100), drawn
from numbers no notebook uses (from 1,000,000 up), disjoint from every other set. Each claim runs
on many fresh sets: at least 20 sets and 200 seeds for the NumPy experiments, 10 sets for the
torch ones (fewer only where a claim is marked *cut*). On each set we check exactly what the
notebook asserts.

**The rate** is the fraction of fresh sets on which the claim held: what a learner who re-runs the
notebook with other seeds would see. **The 95 % interval** beside it (a Wilson interval) is the
range of true rates compatible with that count: 20 of 20 sets is compatible with a true rate as
low as 84 %, so it does not prove 100 %. **The effect** is the quantity behind the claim (a difference, a ratio, a count)
on all fresh seeds pooled, with its 95 % interval (t or bootstrap; paired when the same seed runs
both arms). An effect can be real on 200 pooled seeds and still show up unreliably on 3.

**The verdict.** A claim *stands* as written if it held on at least 90 % of fresh sets. Below that,
a sentence like "X beats Y" would mislead a learner, who will often see the opposite: the notebook
then *restates* it at the strength it has, with its measured rate or as an average ("on average
over 200 seeds, ..."), and asserts only what is true. A claim marked *overstated* is one whose
notebook still has to do so. How the harness works: `course_lib/studies/replication.py`; how to
re-run it: `make replicate` (see the README, "For contributors").
"""


def render(table: dict[str, Any]) -> str:
    """The page "How sure are we?" (MyST Markdown) for a table as written by this script."""
    rows = sorted(table.get("rows", []), key=row_order)
    parts = [INTRO, "## The table\n"]
    if not rows:
        parts.append("No replication has been run yet: `make replicate` computes this table.\n")
        return "\n".join(parts)
    v = table.get("versions", {})
    stamp = (
        f"Replicated on {table.get('date', 'an unknown date')}, on {_escape(table.get('cpu', 'an unknown CPU'))} "
        f"({table.get('cores', '?')} cores), at commit `{table.get('commit', 'unknown')}`, with NumPy "
        f"{v.get('numpy', '?')}, SciPy {v.get('scipy', '?')}, torch {v.get('torch', '?')} and Python "
        f"{v.get('python', '?')}. "
    )
    run_now = set(table.get("replicated", [r["claim"] for r in rows]))
    kept = [r for r in rows if r["claim"] not in run_now]
    if kept:
        dates = ", ".join(sorted({str(r.get("date")) for r in kept}))
        stamp += (
            f"This run replicated {_n(len(rows) - len(kept), 'claim')} of the "
            f"{len(rows)} in {_clock(table.get('seconds', 0))} (min:s); {_n(len(kept), 'row')} "
            f"{'was' if len(kept) == 1 else 'were'} kept from earlier runs ({dates}). The claims' own "
            f"run times add up to {_clock(sum(r.get('seconds', 0) for r in rows))}."
        )
    else:
        jobs = table.get("jobs", 1)
        stamp += f"Run time: {_clock(table.get('seconds', 0))} (min:s) for {_n(len(rows), 'claim')}" + (
            f", {jobs} at a time." if jobs > 1 else "."
        )
    verdicts = [verdict(r) for r in rows]
    words = {
        "stands": "stand as written",
        "restated": "restated with their measured rate",
        "overstated": "overstated (their notebook must restate them)",
    }
    counts = ", ".join(f"{verdicts.count(k)} {w}" for k, w in words.items() if k in verdicts)
    cut = [r for r in rows if _cut(r)]
    cuts = (
        f" {_n(len(cut), 'claim')} ran on fewer fresh sets than the minimum (200 seeds or 20 sets for "
        "NumPy, 10 sets for torch); each is marked *cut* below (a claim cut to fit the "
        "30-minute run says why in its docstring)."
        if cut
        else ""
    )
    if table.get("sets_override"):
        cuts += f" This run set {table['sets_override']} fresh sets for every claim" + (
            " (`--quick`, a smoke run: its rates say little)." if table.get("quick") else "."
        )
    parts.append(f"{stamp}\n\n{_n(len(rows), 'claim')}: {counts}.{cuts}\n")
    parts.append(
        "Brackets give 95 % intervals; *Where* is the notebook's number and section; each claim's name "
        "leads to its statement, seeds and effect below.\n"
    )
    parts.append("| Claim | Where | Sets held | Rate [95 %] | Effect [95 %] | Verdict |")
    parts.append("|:--|:--|--:|:--|:--|:--|")
    for r, verdict_ in zip(rows, verdicts):
        parts.append(
            f"| {{ref}}`{_breakable(r['claim'])} <{_label(r['claim'])}>` | {_where(r['where'], short=True)} "
            f"| {r['held']}/{r['sets']} | {_rate(r)} | {_effect(r)} | {verdict_} |"
        )
    parts.append("\n## Each claim\n")
    for r, verdict_ in zip(rows, verdicts):
        kind = "torch" if r.get("torch") else "NumPy"
        parts.append(f"({_label(r['claim'])})=\n### {_escape(r['claim'])}\n")
        parts.append(f"> {_escape(r['statement'])}\n")
        parts.append(f"- **Where:** {_where(r['where'])}")
        parts.append(
            f"- **Seeds:** the notebook's {_escape(r['notebook_seeds'])} ({r['set_size']} per set); "
            f"fresh {_escape(r['fresh_seeds'])} ({r['sets']} sets of {r['set_size']}"
            + (f"; *cut*: the minimum is {r['min_sets']})" if _cut(r) else ")")
        )
        parts.append(
            f"- **Sets where it held:** {r['held']} of {r['sets']}, a rate of {_pct(r['rate'])} "
            f"(95 % Wilson interval {100 * r['rate_low']:.0f}–{100 * r['rate_high']:.0f} %)"
        )
        parts.append(
            f"- **Effect on the pooled fresh seeds:** {_escape(r['effect'])} = {_num(r['effect_value'])}, "
            f"95 % interval [{_num(r['effect_low'])}, {_num(r['effect_high'])}] "
            f"({_escape(r['effect_method'])}, n = {r['effect_n']})"
        )
        parts.append(f"- **Verdict:** {verdict_}")
        when = f", on {r['date']} (kept from an earlier run)" if r["claim"] not in run_now else ""
        parts.append(f"- **Run:** {kind}, {r['seconds']:.1f} s{when}\n")
    return "\n".join(parts)


# ---- main --------------------------------------------------------------------------------------


def _load(path: Path) -> dict[str, Any] | None:
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError as err:
        raise SystemExit(f"--json: {path} is not valid JSON ({err}); fix or delete it") from err


def write_page(table: dict[str, Any], page: Path) -> None:
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(render(table), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__
    )
    parser.add_argument("--only", nargs="+", metavar="NAME", help="claims (or topics) to run; others keep their rows")
    parser.add_argument("--numpy-only", action="store_true", help="skip the torch claims")
    parser.add_argument("--sets", type=int, metavar="N", help="fresh seed sets per claim (default: each claim's)")
    parser.add_argument(
        "--quick", action="store_true", help=f"smoke run: {QUICK_SETS} sets per claim, written under build/replication/"
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=min(2, core_count()),
        metavar="N",
        help="claims in N worker processes at once, each with its share of the cores "
        "(default: 2, or 1 on a single core)",
    )
    parser.add_argument("--from-json", action="store_true", help="only re-render the page from the JSON table")
    parser.add_argument("--json", type=Path, help=f"the table (default: {DEFAULT_JSON.relative_to(ROOT)})")
    parser.add_argument("--page", type=Path, help=f"the page (default: {DEFAULT_PAGE.relative_to(ROOT)})")
    args = parser.parse_args(argv)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))  # this checkout's course_lib, installed or not
    if args.jobs < 1:
        parser.error(f"--jobs: must be a whole number >= 1, got {args.jobs}")
    if args.sets is not None and args.sets < 1:
        parser.error(f"--sets: must be a whole number >= 1, got {args.sets}")
    quick_dir = QUICK_DIR if args.quick else None
    json_path = args.json or (quick_dir / "results.json" if quick_dir else DEFAULT_JSON)
    page = args.page or (quick_dir / "replication.md" if quick_dir else DEFAULT_PAGE)

    previous = _load(json_path)
    if args.from_json:
        if previous is None:
            print(f"--from-json: no table at {json_path}; rendering the empty page", file=sys.stderr)
        write_page(previous or {"rows": []}, page)
        print(f"page: {page} ({len((previous or {}).get('rows', []))} claims)")
        return 0

    from course_lib.studies.replication import all_claims

    claims = all_claims()
    try:
        chosen = select(claims, args.only, args.numpy_only)
    except ValueError as err:
        parser.error(str(err))
    if not chosen:
        print("replicate: no claim to run (none registered, or all filtered out)", file=sys.stderr)
    sets = QUICK_SETS if args.quick and args.sets is None else args.sets
    rows, seconds = run(chosen, sets, previous_seconds(DEFAULT_JSON if args.quick else json_path), jobs=args.jobs)
    full = not args.only and not args.numpy_only
    table = {
        "date": _now(),
        "cpu": cpu_model(),
        "cores": core_count(),
        "versions": versions(),
        "seconds": round(seconds, 1),
        "jobs": args.jobs,
        "commit": git_commit(),
        "command": "scripts/replicate.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "partial": not full,
        "replicated": [r["claim"] for r in rows],
        "quick": args.quick,
        "sets_override": sets,
        "rows": merge(previous, rows, claims, full),
    }
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(table, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    write_page(table, page)
    held = sum(verdict(r) == "stands" for r in rows)
    print(
        f"replicate: {_n(len(rows), 'claim')} in {_clock(seconds)} (budget {_clock(BUDGET_SECONDS)} on 2 cores); "
        f"{held} stand as written; table {json_path}, page {page}"
    )
    if seconds > BUDGET_SECONDS:
        print(
            f"replicate: over the {BUDGET_SECONDS // 60}-minute budget: cut a claim's fresh_sets= (>= 10) or "
            "its experiment's size",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
