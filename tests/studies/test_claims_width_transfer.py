"""The width-transfer lesson's claims: registered where the notebook makes them, and holding on its seeds."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from course_lib import studies
from course_lib.studies.claims import width_transfer as WT

NAMES = [
    "width_transfer.sp_best_rate_drifts",
    "width_transfer.mup_best_rate_stays",
    "width_transfer.transfer_costs_little_under_mup",
]
NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "15_width_transfer.ipynb"


def test_every_claim_is_registered_in_its_section_and_asserted_by_the_notebook():
    claims = studies.all_claims()
    source = "\n".join("".join(c["source"]) for c in json.loads(NOTEBOOK.read_text())["cells"])
    for name in NAMES:
        assert claims[name].where.startswith("15_width_transfer §"), name
        assert claims[name].notebook_seeds == (0, 1, 2) and claims[name].needs_torch
        assert f'studies.claim("{name}")' in source, name


@pytest.mark.integration  # trains the notebook's sweep (about 20 s); nbval runs 15, which asserts these claims
def test_the_claims_hold_on_the_notebook_seeds():
    runs = WT.width_sweeps(WT.SEEDS)
    assert runs["SP"].shape == (3, len(WT.WIDTHS), len(WT.LRS))
    for name in NAMES:
        c = studies.claim(name)
        assert c.holds(runs), c.check(runs)
    assert np.all(np.isin(WT.best_rates(runs, "muP"), WT.LRS))


def test_the_predicates_fail_when_the_best_rates_say_otherwise():
    """A made-up set where SP transfers and muP drifts: both rate claims must say no."""
    n_w, n_l = len(WT.WIDTHS), len(WT.LRS)
    flat = np.abs(np.arange(n_l) - 4.0)[None, :].repeat(n_w, axis=0)  # best at index 4 for every width
    drift = np.stack([np.abs(np.arange(n_l) - (6.0 - 2 * i)) for i in range(n_w)])  # best moves down 2 steps/width
    runs = studies.Runs((0, 1), SP=np.stack([flat, flat]), muP=np.stack([drift, drift]))
    assert not studies.claim(NAMES[0]).holds(runs)
    assert not studies.claim(NAMES[1]).holds(runs)


def test_the_notebook_and_the_exercise_sweep_the_claims_grid():
    """One grid: the notebook's plotting constants and the exercise's solution use the claims' widths and rates."""
    import re

    from course_lib.exercises import solutions

    source = "\n".join("".join(c["source"]) for c in json.loads(NOTEBOOK.read_text())["cells"])
    line = re.search(r"^SEEDS, WIDTHS, LRS = (.*)$", source, re.M)
    assert line, "the notebook defines SEEDS, WIDTHS, LRS on one line"
    seeds, widths, lrs = eval(line.group(1))  # a literal line of the notebook
    assert tuple(seeds) == WT.SEEDS and tuple(widths) == WT.WIDTHS and tuple(lrs) == WT.LRS
    assert "range(-11, -2)" in __import__("inspect").getsource(solutions.mup_wide_rate)
