"""The averaging lesson's claims: registered where notebook 14 makes them, and cheap enough to hold on its seeds."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from course_lib import studies
from course_lib.studies.claims import averaging as A

NAMES = [
    "averaging.tail_average_below_floor",
    "averaging.ema_floor_falls_with_memory",
    "averaging.averages_match_cosine",
    "averaging.schedule_free_between",
]
NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "14_averaging.ipynb"


def test_every_claim_is_registered_in_its_section_and_asserted_by_the_notebook():
    claims = studies.all_claims()
    source = "\n".join("".join(c["source"]) for c in json.loads(NOTEBOOK.read_text())["cells"])
    for name in NAMES:
        assert claims[name].where.startswith("14_averaging §"), name
        assert claims[name].notebook_seeds == tuple(range(10))
        assert f'studies.claim("{name}")' in source, name


def test_the_constant_rate_claims_hold_on_the_notebook_seeds():
    runs = A.constant_rate_averages(A.SEEDS)
    for name in NAMES[:2]:
        c = studies.claim(name)
        assert c.holds(runs), c.check(runs)


def test_the_equal_budget_claims_hold_on_the_notebook_seeds_and_retune_per_set():
    runs = A.equal_budget(A.SEEDS)
    for name in NAMES[2:]:
        c = studies.claim(name)
        assert c.holds(runs), c.check(runs)
    assert set(np.unique(runs["rate"])) <= set(A.LRS)
    assert np.all(runs["rate"] == runs["rate"][0])  # one tuned rate per method for the whole set
