"""Fine-tuning with a rate per param group (notebook 13 §5): the loop's groups, schedules and frozen layers."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from course_lib import schedules, studies
from course_lib.studies import fine_tuning as F

SMALL = F.FineTuneSetup(pretrain_epochs=1, steps=6, n_finetune=8)


def test_fine_tuning_leaves_the_body_alone_and_freezes_a_zero_rate_layer():
    body, data = F.pretrained_student(0, SMALL), F.fine_tune_tasks(0, SMALL)[1]
    before = [p.detach().clone() for p in body.parameters()]
    net_rates = (0.0, 1e-3, 1e-2)
    run = F.fine_tune(body, data, net_rates, steps=SMALL.steps, seed=0)
    assert all(torch.equal(p, b) for p, b in zip(body.parameters(), before))  # the cached body is copied
    assert run.rates == net_rates and len(run.train_loss) == SMALL.steps and np.isfinite(run.final_val_loss)
    again = F.fine_tune(body, data, net_rates, steps=SMALL.steps, seed=0)
    assert again.final_val_loss == run.final_val_loss  # seeded


def test_each_group_follows_its_own_cosine_and_a_frozen_layer_stays_put(monkeypatch):
    seen = []
    real = schedules.as_torch_scheduler

    def spy(opt, group_schedules):
        seen.append((opt, group_schedules))
        return real(opt, group_schedules)

    monkeypatch.setattr(F.schedules, "as_torch_scheduler", spy)
    body, data = F.pretrained_student(0, SMALL), F.fine_tune_tasks(0, SMALL)[1]
    F.fine_tune(body, data, (0.0, 1e-3, 1e-2), steps=SMALL.steps, seed=0)
    opt, group_schedules = seen[0]
    shapes = [[tuple(p.shape) for p in g["params"]] for g in opt.param_groups]
    assert shapes == [[(64, 64), (64,)], [(1, 64), (1,)]]  # the frozen input layer (64, 20) is not in the optimizer
    assert [s(0) for s in group_schedules] == [1e-3, 1e-2]
    assert all(s(SMALL.steps) == 0.0 for s in group_schedules)  # each a cosine to 0 at the last update


def test_a_rate_per_layer_is_required():
    body, data = F.pretrained_student(0, SMALL), F.fine_tune_tasks(0, SMALL)[1]
    with pytest.raises(ValueError, match="one rate per layer"):
        F.fine_tune(body, data, (1e-3, 1e-2), steps=2)
    with pytest.raises(ValueError, match="rates"):
        F.fine_tune(body, data, (1e-3, -1.0, 1e-2), steps=2)


def test_the_arms_are_one_rate_the_slice_and_the_frozen_body():
    arms = studies.FINE_TUNE_ARMS
    assert [r for label, r in arms.items() if label.startswith("one rate")] == [(r, r, r) for r in F.ONE_RATES]
    assert np.allclose(arms["slice(0.0003, 0.03)"], [3e-4, 3e-3, 3e-2])  # fastai's even_mults
    assert arms["body frozen, head 0.03"] == (0.0, 0.0, 0.03)
