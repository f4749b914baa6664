"""Notebook 12's claims: registered in the sections that make them; the cheap ones hold on the notebook's seeds.

The sweeps (seconds) and the torch claim run in the notebook and in ``make replicate``; here only the
two-batch estimate and the decay-or-grow pair run, plus a check that the claims' thresholds are the
numbers their statements say.
"""

from __future__ import annotations

import pytest

from course_lib import studies
from course_lib.studies.claims import batch_size as claims

NAMES = {
    "batch_size.two_batch_estimate": "§1",
    "batch_size.network_noise_scale_grows": "§2",
    "batch_size.perfect_then_diminishing": "§3",
    "batch_size.tradeoff_fits": "§3",
    "batch_size.critical_batch_grows": "§3",
    "batch_size.grow_matches_decay": "§4",
}


def test_every_claim_of_notebook_12_is_registered_in_its_section():
    registered = studies.all_claims()
    assert {n for n in registered if n.startswith("batch_size.")} == set(NAMES)
    for name, section in NAMES.items():
        assert registered[name].where == f"12_batch_size_and_noise {section}", name
        assert max(registered[name].notebook_seeds) < 1_000_000
    assert registered["batch_size.network_noise_scale_grows"].needs_torch


@pytest.mark.parametrize("name", ["batch_size.two_batch_estimate", "batch_size.grow_matches_decay"])
def test_the_cheap_claims_hold_on_the_notebook_seeds(name):
    c = studies.claim(name)
    runs = c.run()
    assert c.holds(runs), c.check(runs)


def test_grow_matches_decay_fails_when_the_batch_grows_by_a_different_factor():
    """The predicate can fail: the grown run compared with a decay of another factor is not at its floor."""
    runs = claims.decay_rows(claims.SEEDS)
    wrong = studies.Runs(runs.seeds, decay=runs["decay"] * [1.0, 2.0, 4.0], grow=runs["grow"])
    assert claims.GROW_MATCHES_DECAY.holds(runs) and not claims.GROW_MATCHES_DECAY.holds(wrong)


def test_the_decay_statement_quotes_the_step_counts():
    pair = studies.decay_or_grow(**claims.DECAY)
    steps = {name: sum(p.steps for p in phases) for name, phases in pair.items()}
    assert steps == {"decay the rate": 6000, "grow the batch": 2480}
    assert "2480 steps instead of 6000" in claims.GROW_MATCHES_DECAY.statement
