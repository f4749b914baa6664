"""Checkpoints: a stopped-and-resumed run equals the uninterrupted one, bit for bit."""

from __future__ import annotations

import copy
import doctest

import numpy as np
import pytest
import torch

from course_lib import problems as P
from course_lib import schedules as S
from course_lib import training as T
from course_lib.schedules.torch_bridge import as_torch_scheduler
from course_lib.training import checkpoint as CK
from course_lib.training import models as M


@pytest.fixture(scope="module")
def data():
    return P.spirals_dataset(n_samples=200, n_classes=3, seed=0)  # 150 train -> 5 steps/epoch at batch 32


def fresh(schedule, optimizer="sgd"):
    net = M.mlp(2, 3, hidden=(16,), seed=0)
    if optimizer == "sgd":
        opt = torch.optim.SGD(net.parameters(), lr=schedule(0), momentum=0.9)
    else:
        opt = torch.optim.Adam(net.parameters(), lr=schedule(0))
    return net, opt, as_torch_scheduler(opt, schedule)


def test_doctests():
    assert doctest.testmod(CK).failed == 0


@pytest.mark.parametrize(
    "optimizer, schedule, stop_at",
    [
        ("sgd", S.cosine_decay(0.3, 23), 7),  # mid-epoch
        ("adam", S.warmup(S.cosine_decay(0.01, 18), 5), 10),  # on an epoch boundary, Adam moments saved
        ("sgd", S.one_cycle(0.5, 23), 1),
    ],
)
def test_resume_is_exact(tmp_path, data, optimizer, schedule, stop_at):
    whole_net, *rest = fresh(schedule, optimizer)
    whole = CK.train_steps(whole_net, *rest, data, 0, 23, batch_size=32, seed=3)
    net, opt, sched = fresh(schedule, optimizer)
    first = CK.train_steps(net, opt, sched, data, 0, stop_at, batch_size=32, seed=3)
    path = CK.save_checkpoint(tmp_path / "sub" / "ck.pt", net, opt, sched, step=stop_at)
    net, opt, sched = fresh(schedule, optimizer)
    assert CK.load_checkpoint(path, net, opt, sched) == stop_at
    assert opt.param_groups[0]["lr"] == schedule(stop_at)
    second = CK.train_steps(net, opt, sched, data, stop_at, 23, batch_size=32, seed=3)
    np.testing.assert_array_equal(np.concatenate([first.lr, second.lr]), whole.lr)
    np.testing.assert_array_equal(np.concatenate([first.loss, second.loss]), whole.loss)
    np.testing.assert_array_equal(second.steps, np.arange(stop_at, 23))
    for a, b in zip(net.parameters(), whole_net.parameters()):
        assert torch.equal(a, b)
    np.testing.assert_allclose(whole.lr, S.evaluate(schedule, 23), rtol=0, atol=0)


def test_checkpoint_holds_only_tensors_and_numbers(tmp_path, data):
    net, opt, sched = fresh(S.constant(0.1))
    CK.train_steps(net, opt, sched, data, 0, 3, batch_size=32)
    path = CK.save_checkpoint(tmp_path / "ck.pt", net, opt, sched, step=3)
    state = torch.load(path, weights_only=True)
    assert state["step"] == 3 and state["scheduler"]["last_epoch"] == 3
    assert "schedules" not in state["scheduler"]


def test_restores_torch_rng(tmp_path, data):
    net, opt, sched = fresh(S.constant(0.1))
    torch.manual_seed(5)
    path = CK.save_checkpoint(tmp_path / "ck.pt", net, opt, sched, step=0)
    expected = torch.rand(3)
    torch.manual_seed(99)
    CK.load_checkpoint(path, *fresh(S.constant(0.1)))
    assert torch.equal(torch.rand(3), expected)
    torch.manual_seed(99)
    CK.load_checkpoint(path, *fresh(S.constant(0.1)), restore_rng=False)
    assert not torch.equal(torch.rand(3), expected)


def test_branching_continues_with_another_schedule(tmp_path, data):
    """WSD: decay from a checkpoint of the stable phase of a longer run."""
    long, short = S.warmup_stable_decay(0.1, 40, 4, 6), S.warmup_stable_decay(0.1, 20, 4, 6)
    net, opt, sched = fresh(long)
    CK.train_steps(net, opt, sched, data, 0, 14, batch_size=32)
    path = CK.save_checkpoint(tmp_path / "ck.pt", net, opt, sched, step=14)
    net, opt, sched = fresh(short)
    CK.load_checkpoint(path, net, opt, sched)
    branch = CK.train_steps(net, opt, sched, data, 14, 20, batch_size=32)
    np.testing.assert_allclose(branch.lr, S.evaluate(short, 20)[14:], rtol=1e-12)
    assert branch.lr[-1] < 0.02
    # the branch equals the short run trained in one piece
    net, opt, sched = fresh(short)
    np.testing.assert_array_equal(CK.train_steps(net, opt, sched, data, 0, 20, batch_size=32).loss[14:], branch.loss)


def test_batches_match_train_torch(data):
    """Same init, same batch order, same rates: train_steps reproduces train_torch's losses."""
    schedule = S.cosine_decay(0.2, 15)
    model = M.mlp(2, 3, hidden=(16,), seed=0)
    h = T.train_torch(copy.deepcopy(model), data, schedule, epochs=3, batch_size=32, momentum=0.9, seed=4)
    opt = torch.optim.SGD(model.parameters(), lr=schedule(0), momentum=0.9)
    mine = CK.train_steps(model, opt, as_torch_scheduler(opt, schedule), data, 0, 15, batch_size=32, seed=4)
    np.testing.assert_array_equal(mine.lr, h.lr)
    np.testing.assert_allclose(mine.loss, h.loss, rtol=1e-6)
    order = torch.cat(CK.epoch_batches(150, 32, seed=4, epoch=2))
    assert sorted(order.tolist()) == list(range(150))


def test_errors_name_the_argument(tmp_path, data):
    net, opt, sched = fresh(S.constant(0.1))
    with pytest.raises(ValueError, match="step"):
        CK.save_checkpoint(tmp_path / "ck.pt", net, opt, sched, step=2)
    with pytest.raises(ValueError, match="start"):
        CK.train_steps(net, opt, sched, data, 3, 5)
    with pytest.raises(ValueError, match="stop"):
        CK.train_steps(net, opt, sched, data, 0, 0)
    with pytest.raises(TypeError, match="model"):
        CK.save_checkpoint(tmp_path / "ck.pt", "net", opt, sched, step=0)
    with pytest.raises(TypeError, match="optimizer"):
        CK.train_steps(net, None, sched, data, 0, 1)
    with pytest.raises(TypeError, match="scheduler"):
        CK.load_checkpoint(tmp_path / "ck.pt", net, opt, object())
    other = torch.optim.SGD(net.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="scheduler"):
        CK.save_checkpoint(tmp_path / "ck.pt", net, other, sched, step=0)
    torch.save({"weights": torch.zeros(1)}, tmp_path / "other.pt")
    with pytest.raises(ValueError, match="path"):
        CK.load_checkpoint(tmp_path / "other.pt", net, opt, sched)
    with pytest.raises(ValueError, match="epoch"):
        CK.epoch_batches(10, 2, 0, -1)
