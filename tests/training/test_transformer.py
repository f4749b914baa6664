"""The small causal Transformer LM: shapes, the causal mask, seeding, and training through train_torch."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from course_lib import problems, training
from course_lib.training.transformer import TinyLM, transformer_lm


@pytest.mark.parametrize("norm_first", [False, True])
def test_logits_have_torch_cross_entropy_layout(norm_first):
    net = transformer_lm(11, 8, d_model=16, n_heads=2, n_layers=2, norm_first=norm_first, seed=0)
    out = net(torch.randint(0, 11, (3, 8)))
    assert out.shape == (3, 11, 8)  # (batch, vocab, position)
    assert net(torch.randint(0, 11, (2, 5))).shape == (2, 11, 5)  # shorter inputs are fine


@pytest.mark.parametrize("norm_first", [False, True])
def test_a_later_token_does_not_change_an_earlier_prediction(norm_first):
    net = transformer_lm(11, 10, d_model=16, n_heads=2, n_layers=2, norm_first=norm_first, seed=0).eval()
    a = torch.randint(0, 11, (1, 10), generator=torch.Generator().manual_seed(0))
    b = a.clone()
    b[0, 6:] = (b[0, 6:] + 1) % 11  # change positions 6..9
    with torch.no_grad():
        out_a, out_b = net(a), net(b)
    assert torch.allclose(out_a[..., :6], out_b[..., :6], atol=1e-6)  # predictions at 0..5 untouched
    assert not torch.allclose(out_a[..., 6:], out_b[..., 6:])


def test_post_ln_has_no_final_norm_and_pre_ln_has_one():
    post, pre = (transformer_lm(5, 4, d_model=8, n_heads=2, n_layers=1, norm_first=f, seed=0) for f in (False, True))
    assert isinstance(post.norm, torch.nn.Identity) and isinstance(pre.norm, torch.nn.LayerNorm)
    assert post.blocks.layers[0].norm_first is False and pre.blocks.layers[0].norm_first is True


def test_the_same_seed_gives_the_same_weights_and_leaves_the_global_rng_alone():
    state = torch.random.get_rng_state()
    a, b = (transformer_lm(7, 4, d_model=8, n_heads=2, n_layers=1, seed=3) for _ in range(2))
    assert torch.equal(torch.random.get_rng_state(), state)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    c = transformer_lm(7, 4, d_model=8, n_heads=2, n_layers=1, seed=4)
    assert not torch.equal(a.embed.weight, c.embed.weight)


def test_a_few_steps_of_train_torch_reduce_the_loss():
    data = problems.lm_dataset(n_train=160, n_val=32, context=16)
    build = lambda: transformer_lm(data.n_classes, 16, d_model=32, n_heads=2, n_layers=1, seed=None)  # noqa: E731
    h = training.train_torch(build, data, 3e-3, epochs=2, batch_size=16, optimizer="adam")
    assert h.n_steps == 20 and not h.diverged
    assert h.loss[-5:].mean() < h.loss[:3].mean() - 0.2
    assert h.final_val_loss < np.log(data.n_classes)
    assert 0 <= h.final_val_acc <= 1  # accuracy over every position


def test_inputs_must_be_token_ids_within_the_context():
    net = transformer_lm(5, 4, d_model=8, n_heads=2, n_layers=1, seed=0)
    with pytest.raises(ValueError, match="tokens must be integer token ids"):
        net(torch.zeros(2, 4))
    with pytest.raises(ValueError, match="length <= 4"):
        net(torch.zeros(2, 6, dtype=torch.int64))


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(n_heads=3), "n_heads must divide d_model"),
        (dict(n_layers=0), "n_layers"),
        (dict(dropout=1.0), "dropout"),
        (dict(vocab_size=1), "vocab_size"),
    ],
)
def test_bad_arguments_are_named(kwargs, match):
    args = dict(vocab_size=5, context=4, d_model=8, n_heads=2, n_layers=1) | kwargs
    with pytest.raises((ValueError, TypeError), match=match):
        transformer_lm(**args)


def test_cross_entropy_refuses_a_per_position_output_of_the_wrong_shape():
    data = problems.lm_dataset(n_train=16, n_val=4, context=8)

    class Flat(torch.nn.Module):  # (batch, vocab) for (batch, L) labels: a shape mistake
        def __init__(self):
            super().__init__()
            self.embed = torch.nn.Embedding(48, 48)

        def forward(self, x):
            return self.embed(x).mean(dim=1)

    with pytest.raises(ValueError, match=r"one output per class .* labels of shape \(\d+, 8\)"):
        training.train_torch(Flat(), data, 1e-3, epochs=1, optimizer="adam")
    assert isinstance(transformer_lm(5, 4, d_model=8, n_heads=2, n_layers=1), TinyLM)
