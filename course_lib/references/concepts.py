"""The concept index: each term the course defines -> the notebook section that defines it.

One home for "where is X taught?". ``tests/test_concept_order.py`` walks the notebooks in series
order (``sorted(notebooks/*.ipynb)``) and fails when a notebook's prose uses a term before the
section that defines it, unless the use carries a forward pointer: a Markdown link to the defining
notebook (``[momentum](03_momentum_and_adaptive.ipynb)``) in the same paragraph, or earlier in
the same section. The site renders the index as a page (``scripts/build_site.py``).

A concept's ``where`` is ``"<notebook stem> §<section>"``, the form the replication claims use, so
``scripts/renumber.py`` moves it with the series. ``pattern`` is a regular expression for the term's
forms in English prose (case-sensitive unless it starts with ``(?i)``); code spans, link targets and
LaTeX commands are not prose.

>>> from course_lib.references import concepts
>>> concepts.CONCEPTS["momentum"].where
'03_momentum_and_adaptive §1'
>>> concepts.find("Adam's bias correction makes the first step exactly η")
['Adam', 'bias correction']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["CONCEPTS", "Concept"]


@dataclass(frozen=True)
class Concept:
    """A term the course defines: its name, the section that defines it, and its forms in prose."""

    term: str
    where: str  # "<notebook stem> §<section number>"
    pattern: str
    gloss: str  # one line: what it is (the site's index shows it)

    @property
    def notebook(self) -> str:
        """The defining notebook's stem ("03_momentum_and_adaptive")."""
        return self.where.split(" §")[0]

    @property
    def section(self) -> tuple[int, ...]:
        """The defining section as numbers ((2,) for §2, (1, 3) for §1.3)."""
        return tuple(int(x) for x in re.findall(r"\d+", self.where.split(" §")[1]))

    def regex(self) -> re.Pattern[str]:
        return re.compile(self.pattern)


_ROWS: list[tuple[str, str, str, str]] = [
    # term, where, pattern, gloss
    (
        "stability limit",
        "01_gradient_descent §3",
        r"(?i)stability limit",
        "the largest stable fixed rate, 2/L on a quadratic",
    ),
    (
        "oscillation",
        "01_gradient_descent §3",
        r"(?i)\bzig-?zag",
        "a zig-zagging path is not divergence: |1 − ηλ| < 1 still shrinks",
    ),
    (
        "condition number",
        "01_gradient_descent §5",
        r"(?i)condition number|ill-conditioned",
        "κ = L/μ, which sets how slow GD is",
    ),
    (
        "noise floor",
        "02_stochastic_gradients §1",
        r"(?i)noise floor",
        "the excess loss where SGD at a fixed rate stalls, ∝ η",
    ),
    (
        "mini-batch",
        "02_stochastic_gradients §1",
        r"(?i)mini-?batch",
        "a gradient averaged over B examples; its noise falls as 1/B",
    ),
    (
        "gradient accumulation",
        "02_stochastic_gradients §2",
        r"(?i)gradient accumulation|accumulat\w+ gradients",
        "summing micro-batch gradients before one step: a bigger B without the memory",
    ),
    (
        "LR range test",
        "02_stochastic_gradients §3",
        r"(?i)range test|LR finder|lr_find",
        "a short run with a rising rate that suggests a starting rate",
    ),
    ("momentum", "03_momentum_and_adaptive §1", r"(?i)\bmomentum\b", "a velocity that sums past gradients: v ← βv + g"),
    ("heavy ball", "03_momentum_and_adaptive §1", r"(?i)heavy[- ]ball", "Polyak's momentum, w ← w − ηv"),
    ("Nesterov", "03_momentum_and_adaptive §1", r"\bNesterov", "momentum with a look-ahead: w ← w − η(g + βv)"),
    (
        "effective rate",
        "03_momentum_and_adaptive §1",
        r"(?i)effective (learning )?rate|η/\(1\s*[−-]\s*β",
        "η/(1−β), the rate momentum amounts to along a steady direction",
    ),
    (
        "per-parameter rate",
        "03_momentum_and_adaptive §2",
        r"(?i)per-parameter (learning )?(rate|step)",
        "each parameter's own step size, from its gradient history",
    ),
    (
        "AdaGrad",
        "03_momentum_and_adaptive §2",
        r"(?i)\badagrad\b",
        "divides by the root of the summed squared gradients",
    ),
    (
        "RMSProp",
        "03_momentum_and_adaptive §2",
        r"(?i)\brmsprop\b",
        "divides by the root of an average of squared gradients",
    ),
    (
        "Adam",
        "03_momentum_and_adaptive §2",
        r"\bAdam\b(?!W)",
        "momentum over RMSProp's normalisation, with bias correction",
    ),
    ("bias correction", "03_momentum_and_adaptive §2", r"(?i)bias[- ]correct", "dividing Adam's averages by 1 − β^t"),
    (
        "AdamW",
        "03_momentum_and_adaptive §3",
        r"\bAdamW\b|(?i:decoupled (weight )?decay)",
        "Adam with weight decay applied outside its division, scaled by η_t",
    ),
    ("step decay", "04_decay §2", r"(?i)step decay|multi-?step", "the rate cut by a factor at fixed steps"),
    (
        "exponential decay",
        "04_decay §2",
        r"(?i)\bexponential(?! moving| average|ly)",
        "η₀γ^t, continuous or as a staircase",
    ),
    ("staircase", "04_decay §2", r"(?i)staircase", "an exponential decay applied in steps"),
    ("inverse-time decay", "04_decay §2", r"(?i)inverse[- ]time", "η₀/(1 + kt)"),
    ("inverse square root", "04_decay §2", r"(?i)inverse[- ]sqrt|inverse square root", "η₀/√t decay"),
    (
        "polynomial decay",
        "04_decay §2",
        r"(?i)\bpolynomial (decay|schedule)|polynomial/linear|\| polynomial \|",
        "η₀(1 − t/T)^p; p = 1 is linear",
    ),
    ("cosine decay", "04_decay §2", r"(?i)cosine (decay|annealing|schedule)|\bcosine\b", "η₀(1 + cos(πt/T))/2"),
    ("half-life", "04_decay §3", r"(?i)half-li(fe|ves)", "the steps in which a decay halves the rate"),
    ("Robbins–Monro", "04_decay §4", r"(?i)robbins", "Σηt = ∞ and Σηt² < ∞: conditions for SGD to converge"),
    ("warm-up", "05_warmup §1", r"(?i)warm-?up", "a rising rate at the start of training"),
    (
        "linear scaling rule",
        "02_stochastic_gradients §2",
        r"(?i)linear scaling rule|scal\w+ the rate with the batch",
        "k times the batch, k times the rate (Goyal et al. 2017)",
    ),
    (
        "WSD",
        "05_warmup §2",
        r"\bWSD\b|(?i:warmup[- ]stable[- ]decay|warm-up[- ]stable[- ]decay)",
        "warm-up, a long constant phase, then a short cool-down",
    ),
    ("noam", "05_warmup §2", r"(?i)\bnoam\b", "the Transformer paper's warm-up then inverse-sqrt schedule"),
    (
        "gradient clipping",
        "06_warmup_in_practice §4",
        r"(?i)\bclipp(ing|ed)\b|clip_grad",
        "a cap on the gradient's norm, so on the step",
    ),
    (
        "SGDR",
        "07_restarts §1",
        r"\bSGDR\b|(?i:warm restarts?)",
        "cosine cycles with restarts (Loshchilov & Hutter 2017)",
    ),
    ("snapshot ensemble", "07_restarts §4", r"(?i)snapshot ensembl", "one model saved per cycle, averaged"),
    (
        "cyclical learning rate",
        "07_restarts §5",
        r"(?i)cyclical (learning )?rates?|triangular",
        "a rate bouncing between bounds",
    ),
    ("one-cycle", "07_restarts §6", r"(?i)one-?cycle", "one rise and one fall of the rate, momentum inverted"),
    (
        "reduce-on-plateau",
        "08_plateau_and_adam §1",
        r"(?i)reduce[- ]on[- ]plateau|ReduceLROnPlateau|plateau (policy|schedule)",
        "cut the rate when the monitored metric stops improving",
    ),
    (
        "DDP",
        "11_large_batch §1",
        r"\bDDP\b|DistributedDataParallel|(?i:data-parallel)",
        "data-parallel training: workers average gradients",
    ),
]

#: term -> Concept, in the order the course teaches them.
CONCEPTS: dict[str, Concept] = {term: Concept(term, where, pattern, gloss) for term, where, pattern, gloss in _ROWS}

_CODE = re.compile(r"`[^`\n]*`")
_LINK_TARGET = re.compile(r"\]\([^)\s]*\)")
_LATEX_COMMAND = re.compile(r"\\[A-Za-z]+")


def prose(text: str) -> str:
    """Markdown without what is not prose: code spans, link targets, LaTeX commands."""
    return _LATEX_COMMAND.sub(" ", _LINK_TARGET.sub("]", _CODE.sub(" ", text)))


def find(text: str) -> list[str]:
    """The terms a Markdown text uses, in index order."""
    clean = prose(text)
    return [c.term for c in CONCEPTS.values() if c.regex().search(clean)]


def markdown_page() -> str:
    """The index as a Markdown page for the website: term, the section that defines it, a gloss."""
    rows = [
        f"| {c.term} | [{c.notebook[:2]} §{'.'.join(map(str, c.section))}](notebooks/{c.notebook}.ipynb) | {c.gloss} |"
        for c in CONCEPTS.values()
    ]
    return "\n".join(
        [
            "# Concept index",
            "",
            "Each term the course defines, and the notebook section that defines it, in the order the course",
            "teaches them. No notebook uses a term before this section without a link to it",
            "(`tests/test_concept_order.py`).",
            "",
            "| term | defined in | what it is |",
            "|---|---|---|",
            *rows,
            "",
        ]
    )
