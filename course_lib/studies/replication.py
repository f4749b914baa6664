"""Claims that replicate: each result a lesson draws from random runs, as one named, re-runnable claim.

A notebook that says "one long cosine escapes as often as SGDR" ran an experiment on *its* seeds and
asserted a predicate on the result. Here that claim has one home:

* ``experiment(seeds) -> Runs``: the runs, one row per seed (or per seed set), as named arrays;
* ``predicate(runs) -> bool``: exactly what the notebook asserts;
* ``effect(runs) -> Estimate``: the quantity behind the predicate, with a 95 % interval;
* ``where``: the notebook and section that makes the claim; ``notebook_seeds``: the seeds it uses.

The notebook calls the same claim on its own seeds (``studies.claim(name).run(seeds)``), and the
replication harness (``scripts/replicate.py``, ``make replicate``) runs it on fresh seed sets that no
notebook uses (every notebook seed is below :data:`FRESH_BASE`). A claim stands as written only if
its predicate holds on at least :data:`STANDS_AT` of the fresh sets.

A claim that holds on fewer than :data:`STANDS_AT` of the fresh sets is *restated* at the strength it
has, and the check for that is mechanical (:func:`worded_with_rate`, tested against the committed
table): its statement must carry its measured rate, either as a percentage ("holds on 62 % of
3-seed sets", "SGDR ahead in 55 % of seeds") or as an average ("on average over 200 seeds, ...").
A statement without either ("X beats Y", "every seed ...") must hold on at least 90 % of fresh sets.

Statistics are scipy's: Wilson intervals for rates (``binomtest(...).proportion_ci``), t intervals
for means and paired differences, bootstrap intervals (``scipy.stats.bootstrap``) for ratios, and
Fisher's exact test for two counts.

>>> import numpy as np
>>> c = Claim("demo.coin", where="00_start_here §0", statement="a fair coin lands heads about half the time",
...           experiment=lambda seeds: Runs(seeds, heads=[np.random.default_rng(s).random() < 0.5 for s in seeds]),
...           predicate=lambda r: 0.2 <= r["heads"].mean() <= 0.8,
...           effect=lambda r: proportion(r["heads"], "heads"), notebook_seeds=tuple(range(10)), register=False)
>>> r = c.run(range(10))
>>> c.holds(r), len(r)
(True, 10)
>>> rep = replicate(c, n_sets=20)
>>> rep.fresh_seeds[0] >= FRESH_BASE, rep.n_sets, rep.stands
(True, 20, True)
"""

from __future__ import annotations

import dataclasses
import importlib
import math
import pkgutil
import re
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Sequence

import numpy as np

__all__ = [
    "FRESH_BASE",
    "STANDS_AT",
    "Runs",
    "Estimate",
    "Claim",
    "Replication",
    "claim",
    "all_claims",
    "replicate",
    "fresh_seed_sets",
    "mean_interval",
    "paired_difference",
    "proportion",
    "proportion_difference",
    "ratio_of_means",
    "fisher_counts",
    "worded_with_rate",
]

#: Every seed a notebook uses is below this; fresh seeds for replication start here.
FRESH_BASE = 1_000_000
#: A claim stands as written if its predicate holds on at least this fraction of fresh seed sets.
STANDS_AT = 0.9
#: Default number of fresh seed sets: NumPy claims get >= 200 seeds and >= 20 sets, torch claims 10 sets.
MIN_NUMPY_SEEDS, MIN_NUMPY_SETS, TORCH_SETS = 200, 20, 10

_REGISTRY: dict[str, "Claim"] = {}


class Runs(Mapping[str, np.ndarray]):
    """Named arrays with one row per run (a seed, or a seed set for set-level measurements).

    ``Runs(seeds, loss=[...], hit=[...])``; ``runs["loss"]`` is an array whose first axis has one entry
    per row. Runs of several seed sets pool with :meth:`concat`.

    >>> r = Runs((0, 1), loss=[0.5, 0.25])
    >>> Runs.concat([r, Runs((2,), loss=[1.0])])["loss"].tolist(), len(r)
    ([0.5, 0.25, 1.0], 2)
    """

    def __init__(self, seeds: Iterable[int], **values: Any) -> None:
        self.seeds = tuple(int(s) for s in seeds)
        self._values = {k: np.asarray(v) for k, v in values.items()}
        rows = {k: (v.shape[0] if v.ndim else None) for k, v in self._values.items()}
        lengths = {n for n in rows.values() if n is not None}
        if len(lengths) > 1:
            raise ValueError(f"Runs: every value needs one row per run; got rows {rows}")

    def __getitem__(self, key: str) -> np.ndarray:
        return self._values[key]

    def __iter__(self):
        return iter(self._values)

    def __len__(self) -> int:
        first = next((v for v in self._values.values() if v.ndim), None)
        return len(self.seeds) if first is None else int(first.shape[0])

    def __repr__(self) -> str:
        def short(v: np.ndarray) -> str:
            return np.array2string(v, precision=4, threshold=8, separator=", ")

        body = ", ".join(f"{k}={short(v)}" for k, v in self._values.items())
        return f"Runs(seeds={_seed_range(self.seeds)}, {body})"

    @staticmethod
    def concat(parts: Sequence["Runs"]) -> "Runs":
        """Pool runs of several seed sets (row-wise)."""
        keys = list(parts[0])
        return Runs(
            tuple(s for p in parts for s in p.seeds),
            **{k: np.concatenate([np.atleast_1d(p[k]) for p in parts]) for k in keys},
        )


@dataclass(frozen=True)
class Estimate:
    """A quantity with its 95 % interval: ``value`` in ``[low, high]``, and how it was computed."""

    value: float
    low: float
    high: float
    label: str
    method: str
    n: int = 0

    def __str__(self) -> str:
        return f"{self.label}: {_fmt(self.value)} [{_fmt(self.low)}, {_fmt(self.high)}] ({self.method}, n={self.n})"

    def excludes(self, x: float) -> bool:
        """True if the interval lies wholly above or below ``x``."""
        return self.low > x or self.high < x


def _fmt(x: float) -> str:
    if not np.isfinite(x):
        return str(x)
    return f"{x:.3g}" if abs(x) < 1e4 else f"{x:.3e}"


def _seed_range(seeds: Sequence[int]) -> str:
    seeds = list(seeds)
    if not seeds:
        return "none"
    if seeds == list(range(seeds[0], seeds[0] + len(seeds))):
        return f"{seeds[0]}" if len(seeds) == 1 else f"{seeds[0]}–{seeds[-1]}"
    return ", ".join(map(str, seeds[:6])) + (", …" if len(seeds) > 6 else "")


_RATE_WORDING = re.compile(r"\d\s?%|\bon average\b", re.IGNORECASE)


def worded_with_rate(statement: str) -> bool:
    """True if ``statement`` is worded at a measured strength: a percentage or "on average".

    The rule a restated claim (one that holds on fewer than :data:`STANDS_AT` of fresh sets) must meet:
    its sentence names a percentage (a number followed by ``%``) or says "on average".

    >>> worded_with_rate("on average over 200 seeds, SGDR and one cosine reach the basin equally often")
    True
    >>> worded_with_rate("SGDR ahead on 55 % of 3-seed sets"), worded_with_rate("SGDR always escapes")
    (True, False)
    """
    if not isinstance(statement, str):
        raise TypeError(f"worded_with_rate: statement must be a str, got {type(statement).__name__}")
    return bool(_RATE_WORDING.search(statement))


# ---- estimates (scipy.stats) -------------------------------------------------------------------


def mean_interval(x: Any, label: str = "mean") -> Estimate:
    """Mean with a t interval (95 %)."""
    from scipy import stats

    x = np.asarray(x, dtype=float).ravel()
    m = float(x.mean())
    if len(x) < 2 or float(x.std(ddof=1)) == 0.0:
        return Estimate(m, m, m, label, "t", len(x))
    lo, hi = stats.t.interval(0.95, len(x) - 1, loc=m, scale=stats.sem(x))
    return Estimate(m, float(lo), float(hi), label, "t", len(x))


def paired_difference(a: Any, b: Any, label: str = "a − b") -> Estimate:
    """Mean of the paired differences ``a - b`` (same seed, two arms) with a t interval."""
    est = mean_interval(np.asarray(a, float) - np.asarray(b, float), label)
    return dataclasses.replace(est, method="paired t")


def proportion(hits: Any, label: str = "rate") -> Estimate:
    """Fraction of true entries with a Wilson interval."""
    from scipy import stats

    hits = np.asarray(hits, dtype=bool).ravel()
    k, n = int(hits.sum()), len(hits)
    ci = stats.binomtest(k, n).proportion_ci(method="wilson")
    return Estimate(k / n, float(ci.low), float(ci.high), label, "Wilson", n)


def proportion_difference(a: Any, b: Any, label: str = "rate a − rate b") -> Estimate:
    """Difference of two rates (0/1 per seed, paired by seed) with a bootstrap interval."""
    return _bootstrap(lambda x, y, axis=-1: np.mean(x, axis=axis) - np.mean(y, axis=axis), a, b, label, paired=True)


def ratio_of_means(a: Any, b: Any, label: str = "mean a / mean b", paired: bool = True) -> Estimate:
    """``mean(a) / mean(b)`` with a bootstrap interval (paired by seed unless ``paired=False``)."""
    return _bootstrap(lambda x, y, axis=-1: np.mean(x, axis=axis) / np.mean(y, axis=axis), a, b, label, paired=paired)


def fisher_counts(a: Any, b: Any) -> float:
    """Two-sided Fisher exact p-value for two arms of 0/1 outcomes."""
    from scipy import stats

    a, b = np.asarray(a, bool).ravel(), np.asarray(b, bool).ravel()
    table = [[int(a.sum()), len(a) - int(a.sum())], [int(b.sum()), len(b) - int(b.sum())]]
    return float(stats.fisher_exact(table).pvalue)


def _bootstrap(stat: Callable[..., Any], a: Any, b: Any, label: str, paired: bool) -> Estimate:
    """Percentile bootstrap of ``stat(a, b, axis=...)`` (2000 resamples, a fixed generator)."""
    from scipy import stats

    a, b = np.asarray(a, float).ravel(), np.asarray(b, float).ravel()
    value = float(stat(a, b))
    if min(len(a), len(b)) < 3 or (np.ptp(a) == 0 and np.ptp(b) == 0):
        return Estimate(value, value, value, label, "bootstrap", len(a))
    res = stats.bootstrap(
        (a, b),
        stat,
        paired=paired,
        vectorized=True,
        n_resamples=2000,
        method="percentile",
        rng=np.random.default_rng(0),
    )
    return Estimate(
        value,
        float(res.confidence_interval.low),
        float(res.confidence_interval.high),
        label,
        "bootstrap" + (" paired" if paired else ""),
        len(a),
    )


# ---- claims -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Claim:
    """One claim a lesson makes from runs with randomness.

    Args:
        name: ``topic.short_name``, unique (``restarts.weak_peak_no_difference``).
        where: the notebook and section that makes it (``07_restarts §3``).
        statement: the sentence the notebook prints or says, at the strength it has.
        experiment: ``seeds -> Runs``; deterministic given the seeds.
        predicate: ``Runs -> bool``; what the notebook asserts.
        effect: ``Runs -> Estimate``; the quantity behind the predicate, pooled over runs.
        notebook_seeds: the seeds the notebook passes (their count is the seed-set size).
        needs_torch: the experiment trains torch models (fewer fresh sets, see :func:`replicate`).
        fresh_sets: number of fresh seed sets (default: :data:`MIN_NUMPY_SEEDS` seeds and
            :data:`MIN_NUMPY_SETS` sets for NumPy, :data:`TORCH_SETS` for torch).
        fast: cheap enough for ``make test``'s replication subset.
        shares: claims with the same key reuse each other's cached runs (the same configurations on the
            same seeds), so ``scripts/replicate.py`` replicates them one after the other in one process;
            default (``""``): the topic, the part of ``name`` before the first ".". A claim whose runs
            no other claim reads names itself, and the harness can run it beside its topic's others.
        register: add to the registry (``False`` for throw-away claims in tests and docs).
    """

    name: str
    where: str
    statement: str
    experiment: Callable[[tuple[int, ...]], Runs] = field(repr=False)
    predicate: Callable[[Runs], bool] = field(repr=False)
    effect: Callable[[Runs], Estimate] = field(repr=False)
    notebook_seeds: tuple[int, ...] = ()
    needs_torch: bool = False
    fresh_sets: int | None = None
    fast: bool = False
    shares: str = ""
    register: dataclasses.InitVar[bool] = True

    def __post_init__(self, register: bool) -> None:
        object.__setattr__(self, "notebook_seeds", tuple(int(s) for s in self.notebook_seeds))
        if not self.notebook_seeds:
            raise ValueError(f"Claim {self.name!r}: notebook_seeds must name the seeds the notebook uses")
        if max(self.notebook_seeds) >= FRESH_BASE:
            raise ValueError(f"Claim {self.name!r}: notebook seeds must be < FRESH_BASE={FRESH_BASE}")
        if register:
            if self.name in _REGISTRY and _REGISTRY[self.name].where != self.where:
                raise ValueError(f"Claim {self.name!r} is already registered (from {_REGISTRY[self.name].where})")
            _REGISTRY[self.name] = self

    @property
    def run_group(self) -> str:
        """The key of the claims that share cached runs with this one (:attr:`shares`, else the topic)."""
        return self.shares or self.name.split(".", 1)[0]

    @property
    def set_size(self) -> int:
        return len(self.notebook_seeds)

    def run(self, seeds: Iterable[int] | None = None) -> Runs:
        """Run the experiment on ``seeds`` (default: the notebook's seeds)."""
        seeds = self.notebook_seeds if seeds is None else tuple(int(s) for s in seeds)
        runs = self.experiment(seeds)
        if not isinstance(runs, Runs):
            raise TypeError(f"Claim {self.name!r}: experiment must return Runs, got {type(runs).__name__}")
        return runs

    def holds(self, runs: Runs) -> bool:
        """The notebook's predicate on ``runs``."""
        return bool(self.predicate(runs))

    def check(self, runs: Runs) -> str:
        """``holds`` plus the effect, as one readable line (what a notebook prints next to its assert)."""
        return f"{self.name}: {'holds' if self.holds(runs) else 'DOES NOT HOLD'}; {self.effect(runs)}"


def claim(name: str) -> Claim:
    """The registered claim called ``name`` (importing every claim module first)."""
    claims = all_claims()
    if name not in claims:
        raise KeyError(f"claim: no claim named {name!r}; registered: {sorted(claims)}")
    return claims[name]


def all_claims() -> dict[str, Claim]:
    """Every registered claim, by name (imports each module of ``course_lib.studies.claims``)."""
    package = importlib.import_module("course_lib.studies.claims")
    for info in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{info.name}")
    return dict(sorted(_REGISTRY.items()))


# ---- replication -------------------------------------------------------------------------------


def fresh_seed_sets(set_size: int, n_sets: int, start: int = FRESH_BASE) -> list[tuple[int, ...]]:
    """``n_sets`` disjoint sets of ``set_size`` consecutive seeds from ``start`` (never a notebook's)."""
    if set_size < 1 or n_sets < 1:
        raise ValueError(f"fresh_seed_sets: set_size and n_sets must be >= 1, got {set_size}, {n_sets}")
    return [tuple(range(start + i * set_size, start + (i + 1) * set_size)) for i in range(n_sets)]


def default_sets(c: Claim) -> int:
    """How many fresh seed sets :func:`replicate` runs for ``c`` by default."""
    if c.fresh_sets is not None:
        return c.fresh_sets
    if c.needs_torch:
        return TORCH_SETS
    return max(MIN_NUMPY_SETS, math.ceil(MIN_NUMPY_SEEDS / c.set_size))


@dataclass(frozen=True)
class Replication:
    """A claim re-run on fresh seed sets: how often its predicate held, and the pooled effect."""

    claim: Claim
    n_sets: int
    held: tuple[bool, ...]
    fresh_seeds: tuple[int, ...]
    rate: Estimate
    effect: Estimate
    notebook_holds: bool | None
    seconds: float

    @property
    def stands(self) -> bool:
        """The predicate held on at least :data:`STANDS_AT` of the fresh sets."""
        return self.rate.value >= STANDS_AT

    def row(self) -> dict[str, Any]:
        """One row of the replication table (plain types, for JSON and Markdown)."""
        c = self.claim
        return {
            "claim": c.name,
            "where": c.where,
            "statement": c.statement,
            "torch": c.needs_torch,
            "set_size": c.set_size,
            "notebook_seeds": _seed_range(c.notebook_seeds),
            "fresh_seeds": _seed_range(self.fresh_seeds),
            "sets": self.n_sets,
            "held": int(sum(self.held)),
            "rate": self.rate.value,
            "rate_low": self.rate.low,
            "rate_high": self.rate.high,
            "effect": self.effect.label,
            "effect_value": self.effect.value,
            "effect_low": self.effect.low,
            "effect_high": self.effect.high,
            "effect_method": self.effect.method,
            "effect_n": self.effect.n,
            "stands": self.stands,
            "notebook_holds": self.notebook_holds,
            "seconds": round(self.seconds, 2),
        }


def replicate(
    c: Claim,
    n_sets: int | None = None,
    start: int = FRESH_BASE,
    with_notebook_seeds: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Replication:
    """Run ``c`` on ``n_sets`` fresh seed sets of the notebook's size; rate and pooled effect.

    ``with_notebook_seeds`` also runs the notebook's own seeds (reported, not counted).
    """
    n_sets = default_sets(c) if n_sets is None else n_sets
    t0 = time.perf_counter()
    sets = fresh_seed_sets(c.set_size, n_sets, start)
    held, parts = [], []
    for i, seeds in enumerate(sets):
        runs = c.run(seeds)
        held.append(c.holds(runs))
        parts.append(runs)
        if progress is not None:
            progress(i + 1, n_sets)
    pooled = Runs.concat(parts)
    notebook = c.holds(c.run()) if with_notebook_seeds else None
    rate = proportion(held, "sets where the predicate holds")
    return Replication(
        c,
        n_sets,
        tuple(held),
        tuple(s for st in sets for s in st),
        rate,
        c.effect(pooled),
        notebook,
        time.perf_counter() - t0,
    )
