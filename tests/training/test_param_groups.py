"""Parameter groups: no decay on biases and norms; one group per layer with its own rate and schedule."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
from torch import nn  # noqa: E402

from course_lib import schedules, training  # noqa: E402


def test_decay_groups_split_matrices_from_biases_and_norms():
    model = nn.Sequential(nn.Linear(4, 8), nn.LayerNorm(8), nn.Linear(8, 2))
    groups = training.decay_groups(model, 0.1)
    names = {g["name"]: g for g in groups}
    assert [p.shape for p in names["decay"]["params"]] == [(8, 4), (2, 8)]
    assert len(names["no_decay"]["params"]) == 4 and names["no_decay"]["weight_decay"] == 0.0
    assert sum(len(g["params"]) for g in groups) == len(list(model.parameters()))


def test_biases_and_norms_are_not_decayed_by_adamw():
    model = nn.Sequential(nn.Linear(4, 8), nn.LayerNorm(8))
    before = [p.detach().clone() for p in model.parameters()]
    opt = torch.optim.AdamW(training.decay_groups(model, 0.5), lr=0.1)
    for p in model.parameters():
        p.grad = torch.zeros_like(p)
    opt.step()
    after = list(model.parameters())
    assert torch.allclose(after[0], before[0] * 0.95)  # the matrix: 1 - lr * wd
    assert all(torch.equal(a, b) for a, b in zip(after[1:], before[1:]))  # bias, norm weight and bias


def test_layer_groups_take_one_rate_per_layer():
    model = training.mlp(64, 10, (32, 16))
    rates = schedules.discriminative_rates(1e-4, 1e-2, 3)
    groups = training.layer_groups(model, rates)
    assert [g["name"] for g in groups] == ["0", "2", "4"]
    opt = torch.optim.SGD(groups, lr=1.0)
    assert np.allclose([g["lr"] for g in opt.param_groups], rates)
    with pytest.raises(ValueError, match="one rate per layer"):
        training.layer_groups(model, [0.1, 0.2])


def test_lambda_lr_scales_each_groups_own_rate():
    model = training.mlp(64, 10, (32,))
    opt = torch.optim.SGD(training.layer_groups(model, [0.01, 0.1]), lr=1.0)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, [lambda t: 0.5**t, lambda t: 1.0 / (1 + t)])
    for _ in range(3):
        opt.step()
        sched.step()
    assert np.allclose(sched.get_last_lr(), [0.01 * 0.5**3, 0.1 / 4])


def test_each_group_follows_its_own_course_schedule():
    model = training.mlp(64, 10, (32,))
    opt = torch.optim.SGD(training.layer_groups(model), lr=1.0)
    body, head = schedules.cosine_decay(0.01, 10), schedules.warmup(schedules.cosine_decay(0.1, 10), 3)
    sched = schedules.as_torch_scheduler(opt, [body, head])
    seen = []
    for _ in range(10):
        seen.append([g["lr"] for g in opt.param_groups])
        opt.step()
        sched.step()
    assert np.allclose(np.array(seen), np.stack([body(np.arange(10)), head(np.arange(10))], axis=1))
