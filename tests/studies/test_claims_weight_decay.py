"""Notebook 13's claims: registered where the notebook makes them, and the cheap parts rechecked here."""

from __future__ import annotations

from course_lib import studies

NAMES = [
    "weight_decay.turn_is_sqrt_2_lr_wd",
    "weight_decay.same_product_same_error",
    "weight_decay.relaxation_follows_1_over_lr_wd",
]


def test_every_claim_of_notebook_13_is_registered_in_its_section():
    claims = studies.all_claims()
    for name in NAMES:
        assert claims[name].where.startswith("13_weight_decay_and_groups §"), name
        assert max(claims[name].notebook_seeds) < 1_000_000
        assert claims[name].run_group == "weight_decay"  # one experiment: the harness runs it once per set


def test_the_claims_hold_on_one_fresh_seed():
    runs = studies.claim(NAMES[0]).run((1_000_000,))
    for name in NAMES:
        c = studies.claim(name)
        assert c.holds(runs), c.check(runs)


def test_the_fine_tuning_claims_are_registered_in_section_5_and_share_their_runs():
    claims = studies.all_claims()
    names = ["param_groups.slice_beats_one_rate", "param_groups.frozen_body_ends_higher"]
    for name in names:
        assert claims[name].where == "13_weight_decay_and_groups §5" and claims[name].notebook_seeds == (0, 1, 2)
    assert claims[names[0]].run_group == claims[names[1]].run_group  # one experiment, trained once per set
