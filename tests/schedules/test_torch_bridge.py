"""as_torch_scheduler: course_lib schedules drive real torch optimizers."""

from __future__ import annotations

import io
import warnings

import numpy as np
import pytest
import torch

from course_lib import schedules as S
from course_lib.schedules.torch_bridge import as_torch_scheduler

SCHEDULES = [
    S.cosine_decay(0.1, 50, 0.001),
    S.warmup(S.cosine_decay(0.1, 40), 10),
    S.one_cycle(0.5, 60),
    S.cosine_restarts(0.1, 7, 2),
    S.warmup_stable_decay(0.2, 60, 5, 10),
]


def _optimizer(groups: int = 1, cls=torch.optim.SGD):
    params = [[torch.nn.Parameter(torch.ones(2))] for _ in range(groups)]
    return cls([{"params": p} for p in params], lr=123.0)


def _rates(opt, sched, n):
    out = []
    for _ in range(n):
        out.append([g["lr"] for g in opt.param_groups])
        opt.step()
        sched.step()
    return np.array(out)


@pytest.mark.parametrize("schedule", SCHEDULES, ids=lambda s: type(s).__name__)
def test_lr_after_k_steps_is_schedule_k(schedule):
    opt = _optimizer()
    sched = as_torch_scheduler(opt, schedule)
    assert opt.param_groups[0]["lr"] == schedule(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no step-order warnings in the right order
        rates = _rates(opt, sched, 70)[:, 0]
    np.testing.assert_array_equal(rates, schedule(np.arange(70)))
    assert sched.get_last_lr() == [schedule(70)]


def test_one_schedule_per_param_group_and_adam():
    a, b = S.constant(0.01), S.exponential_decay(0.1, 0.9)
    opt = _optimizer(2, torch.optim.AdamW)
    sched = as_torch_scheduler(opt, [a, b])
    rates = _rates(opt, sched, 5)
    np.testing.assert_allclose(rates[:, 0], a(np.arange(5)))
    np.testing.assert_allclose(rates[:, 1], b(np.arange(5)))


def test_resume_from_checkpoint_gives_identical_rates():
    schedule = S.warmup(S.cosine_decay(0.1, 40), 10)
    torch.manual_seed(0)
    model = torch.nn.Linear(3, 1)
    x, y = torch.randn(32, 3), torch.randn(32, 1)

    def train(model, opt, sched, n):
        seen = []
        for _ in range(n):
            seen.append(opt.param_groups[0]["lr"])
            opt.zero_grad()
            torch.nn.functional.mse_loss(model(x), y).backward()
            opt.step()
            sched.step()
        return seen

    opt = torch.optim.SGD(model.parameters(), lr=1.0, momentum=0.9)
    sched = as_torch_scheduler(opt, schedule)
    first = train(model, opt, sched, 20)
    buffer = io.BytesIO()
    torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict()}, buffer)
    rest = train(model, opt, sched, 30)
    final = model.weight.detach().clone()

    buffer.seek(0)
    ckpt = torch.load(buffer)  # default weights_only=True: no schedule object inside
    model2 = torch.nn.Linear(3, 1)
    model2.load_state_dict(ckpt["model"])
    opt2 = torch.optim.SGD(model2.parameters(), lr=1.0, momentum=0.9)
    sched2 = as_torch_scheduler(opt2, schedule)
    opt2.load_state_dict(ckpt["opt"])
    sched2.load_state_dict(ckpt["sched"])
    resumed = train(model2, opt2, sched2, 30)
    assert first + rest == list(schedule(np.arange(50)))
    assert resumed == rest
    assert torch.equal(model2.weight.detach(), final)


def test_load_state_dict_alone_sets_the_rate():
    schedule = S.step_decay(0.1, 3)
    opt = _optimizer()
    sched = as_torch_scheduler(opt, schedule)
    _rates(opt, sched, 7)
    state = sched.state_dict()
    assert "schedules" not in state and "optimizer" not in state
    opt2 = _optimizer()
    sched2 = as_torch_scheduler(opt2, schedule)
    sched2.load_state_dict(state)
    assert opt2.param_groups[0]["lr"] == pytest.approx(schedule(7))


def test_bad_arguments():
    with pytest.raises(TypeError, match="optimizer must be a torch.optim.Optimizer"):
        as_torch_scheduler("sgd", S.constant(0.1))
    with pytest.raises(TypeError, match="schedule must be a course_lib schedule"):
        as_torch_scheduler(_optimizer(), lambda t: 0.1)
    with pytest.raises(ValueError, match="one per param group: got 1 schedules for 2 param groups"):
        as_torch_scheduler(_optimizer(2), [S.constant(0.1)])
    with pytest.raises(TypeError, match=r"schedule\[1\] must be a course_lib schedule"):
        as_torch_scheduler(_optimizer(2), [S.constant(0.1), 0.2])
