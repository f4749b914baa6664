"""Tiny models: shapes, deterministic initialisation, global RNG untouched."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from course_lib.training import models as M


def weights(net):
    return [p.detach().clone() for p in net.parameters()]


def same(a, b):
    return len(a) == len(b) and all(torch.equal(x, y) for x, y in zip(a, b))


def test_mlp_structure_and_output_shape():
    net = M.mlp(64, 10, hidden=(32, 16), activation="tanh")
    assert isinstance(net, nn.Sequential)
    assert [type(m).__name__ for m in net] == ["Linear", "Tanh", "Linear", "Tanh", "Linear"]
    assert net(torch.zeros(5, 64)).shape == (5, 10)
    assert M.n_params(net) == 64 * 32 + 32 + 32 * 16 + 16 + 16 * 10 + 10


def test_same_seed_same_weights_other_seed_other_weights():
    assert same(weights(M.mlp(8, 3, seed=1)), weights(M.mlp(8, 3, seed=1)))
    assert not same(weights(M.mlp(8, 3, seed=1)), weights(M.mlp(8, 3, seed=2)))


def test_init_is_torch_default_after_manual_seed():
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(5)
        reference = nn.Sequential(nn.Linear(8, 4), nn.ReLU(), nn.Linear(4, 2))
    assert same(weights(M.mlp(8, 2, hidden=(4,), seed=5)), weights(reference))


def test_global_rng_untouched():
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    M.mlp(8, 3, seed=0)
    assert torch.equal(torch.rand(3), expected)


def test_seed_none_uses_global_rng():
    torch.manual_seed(7)
    a = weights(M.mlp(8, 3, seed=None))
    torch.manual_seed(7)
    assert same(a, weights(M.mlp(8, 3, seed=None)))
    assert same(a, weights(M.mlp(8, 3, seed=7)))


def test_linear_is_one_layer():
    net = M.linear(4, 3)
    assert len(net) == 1 and net(torch.zeros(2, 4)).shape == (2, 3)


@pytest.mark.parametrize(
    "kwargs,name",
    [
        (dict(n_in=0), "n_in"),
        (dict(n_out=-1), "n_out"),
        (dict(n_in=2.5), "n_in"),
        (dict(hidden=64), "hidden"),
        (dict(hidden=(8, 0)), r"hidden\[1\]"),
        (dict(activation="swish"), "activation"),
        (dict(seed=-1), "seed"),
    ],
)
def test_bad_arguments_name_the_argument(kwargs, name):
    args = dict(n_in=4, n_out=2) | kwargs
    with pytest.raises((ValueError, TypeError), match=name):
        M.mlp(**args)
