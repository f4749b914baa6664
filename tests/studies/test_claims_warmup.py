"""Notebook 05's claims: registered where the notebook makes them, worded at their replicated strength.

The experiments themselves run in the notebook (on its seeds) and in ``make replicate`` (on fresh ones);
here only the cheap bowl claim runs, and the rest is checked without training anything.
"""

from __future__ import annotations

from course_lib import studies

NAMES = [
    "warmup.sharpness_tracks_rate",
    "warmup.adam_spike_without_warmup",
    "warmup.warmup_ends_lower",
    "warmup.shortest_warmup_on_grid",
    "clipping.rescues_far_starts",
    "clipping.bowl_limits",
    "clipping.adam_spike_survives_clipping",
    "transformer.post_ln_needs_warmup",
    "transformer.pre_ln_same_without_warmup",
]


def test_every_claim_of_notebook_05_is_registered_in_its_section():
    claims = studies.all_claims()
    for name in NAMES:
        assert claims[name].where.startswith("05_warmup §"), name
        assert max(claims[name].notebook_seeds) < 1_000_000


def test_the_exercise_reference_is_worded_with_its_rate():
    # it held on 5 of 10 fresh 3-seed sets: the statement must say so
    assert "50 %" in studies.claim("warmup.shortest_warmup_on_grid").statement


def test_the_bowl_claim_holds_on_the_notebook_starts():
    c = studies.claim("clipping.bowl_limits")
    runs = c.run()
    assert c.holds(runs), c.check(runs)
