"""models.initialize: weight initialisation schemes (the thing article 000 mistakes for the learning rate)."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from course_lib.training import models as M


def linears(net):
    return [m for m in net.modules() if isinstance(m, nn.Linear)]


def test_zeros_sets_every_weight_and_bias_to_zero():
    net = M.initialize(M.mlp(8, 3, hidden=(5,)), "zeros")
    assert all(torch.count_nonzero(p) == 0 for p in net.parameters())


def test_returns_the_same_model_changed_in_place():
    net = M.mlp(8, 3)
    assert M.initialize(net, "kaiming", seed=0) is net


def test_kaiming_std_is_sqrt_2_over_fan_in_and_bias_zero():
    net = M.initialize(M.mlp(400, 300, hidden=()), "kaiming", seed=0)
    layer = linears(net)[0]
    assert float(layer.weight.detach().std()) == pytest.approx(math.sqrt(2 / 400), rel=0.03)
    assert torch.count_nonzero(layer.bias) == 0


def test_xavier_std():
    layer = linears(M.initialize(M.mlp(400, 200, hidden=()), "xavier", seed=0))[0]
    assert float(layer.weight.detach().std()) == pytest.approx(math.sqrt(2 / 600), rel=0.03)


def test_default_matches_a_fresh_mlp_with_the_same_seed():
    a = M.initialize(M.mlp(8, 3, seed=1), "default", seed=4)
    b = M.mlp(8, 3, seed=4)
    assert all(torch.equal(x, y) for x, y in zip(a.parameters(), b.parameters()))


def test_scale_multiplies_weights_not_biases():
    a = M.initialize(M.mlp(8, 3), "kaiming", seed=2)
    b = M.initialize(M.mlp(8, 3), "kaiming", scale=10.0, seed=2)
    for la, lb in zip(linears(a), linears(b)):
        assert torch.allclose(lb.weight, 10 * la.weight)
        assert torch.equal(lb.bias, la.bias)


def test_seed_is_deterministic_and_leaves_global_rng_alone():
    torch.manual_seed(11)
    expected = torch.rand(2)
    torch.manual_seed(11)
    a = M.initialize(M.mlp(8, 3), "kaiming", seed=3)
    assert torch.equal(torch.rand(2), expected)
    b = M.initialize(M.mlp(8, 3), "kaiming", seed=3)
    assert all(torch.equal(x, y) for x, y in zip(a.parameters(), b.parameters()))


def test_seed_none_uses_the_global_rng():
    torch.manual_seed(5)
    a = M.initialize(M.mlp(8, 3), "kaiming")
    torch.manual_seed(5)
    b = M.initialize(M.mlp(8, 3), "kaiming")
    assert all(torch.equal(x, y) for x, y in zip(a.parameters(), b.parameters()))


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(scheme="he"), "scheme"),
        (dict(scale=-1.0), "scale"),
        (dict(seed=-1), "seed"),
    ],
)
def test_bad_arguments_name_themselves(kwargs, name):
    with pytest.raises(ValueError, match=name):
        M.initialize(M.mlp(4, 2), **kwargs)


def test_model_must_be_a_module():
    with pytest.raises(TypeError, match="model"):
        M.initialize("net", "zeros")


def test_schemes_are_documented():
    assert set(M.INIT_SCHEMES) == {"default", "kaiming", "xavier", "zeros"}
