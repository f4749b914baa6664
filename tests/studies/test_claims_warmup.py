"""Notebooks 05 and 06's claims (warm-up, and warm-up in practice): registered where the notebook makes them,
worded at their replicated strength.

The experiments themselves run in the notebook (on its seeds) and in ``make replicate`` (on fresh ones);
here only the cheap bowl claim runs, and the rest is checked without training anything.
"""

from __future__ import annotations

from course_lib import studies

#: claim -> the notebook that makes it (05: why and how to warm up; 06: a Transformer, clipping)
NAMES = {
    "warmup.sharpness_tracks_rate": "05_warmup",
    "warmup.adam_spike_without_warmup": "05_warmup",
    "warmup.warmup_ends_lower": "05_warmup",
    "warmup.shortest_warmup_on_grid": "05_warmup",
    "warmup.radam_needs_no_warmup": "06_warmup_in_practice",
    "warmup.beta2_sets_the_window": "06_warmup_in_practice",
    "clipping.rescues_far_starts": "06_warmup_in_practice",
    "clipping.bowl_limits": "06_warmup_in_practice",
    "clipping.adam_spike_survives_clipping": "06_warmup_in_practice",
    "transformer.post_ln_needs_warmup": "06_warmup_in_practice",
    "transformer.post_ln_collapses_without_warmup": "06_warmup_in_practice",
    "transformer.pre_ln_same_without_warmup": "06_warmup_in_practice",
}


def test_every_claim_of_notebooks_05_and_06_is_registered_in_its_section():
    claims = studies.all_claims()
    for name, notebook in NAMES.items():
        assert claims[name].where.startswith(f"{notebook} §"), name
        assert max(claims[name].notebook_seeds) < 1_000_000


def test_the_exercise_reference_is_worded_with_its_rate():
    # it held on 5 of 10 fresh 3-seed sets: the statement must say so
    assert "50 %" in studies.claim("warmup.shortest_warmup_on_grid").statement


def test_the_bowl_claim_holds_on_the_notebook_starts():
    c = studies.claim("clipping.bowl_limits")
    runs = c.run()
    assert c.holds(runs), c.check(runs)


def test_the_beta2_rule_is_two_over_one_minus_beta2():
    # Ma & Yarats (2021): warm up for 2 / (1 - beta2) updates; at beta2 = 0.95 that is 40
    from course_lib.studies.claims import warmup

    assert warmup.RULE_WARM == 40 and "2 / (1 - beta2) = 40" in studies.claim("warmup.beta2_sets_the_window").statement


def test_radam_is_an_optimizer_of_the_torch_loop():
    import torch

    from course_lib import training

    opt = training.make_optimizer("radam", [torch.zeros(2, requires_grad=True)], 0.01, betas=(0.9, 0.95))
    assert isinstance(opt, torch.optim.RAdam) and opt.param_groups[0]["betas"] == (0.9, 0.95)
