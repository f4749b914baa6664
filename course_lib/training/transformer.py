"""A small causal Transformer language model, post-LN (the original Transformer) or pre-LN (GPT-2).

``transformer_lm(vocab_size, context, ...)`` builds a :class:`TinyLM`: token and position
embeddings, ``n_layers`` ``torch.nn.TransformerEncoderLayer`` blocks under a causal mask (position i
attends to positions <= i only), and a linear read-out to one logit per token of the vocabulary.

* ``norm_first=False`` (post-LN, Vaswani et al. 2017): x <- LN(x + f(x)) after each sub-layer.
  Every residual path passes through a LayerNorm; the gradients near the output are large at
  initialisation and Adam's early steps can wreck the run unless the rate is warmed up (Xiong et
  al. 2020, "On Layer Normalization in the Transformer Architecture"; Liu et al. 2020).
* ``norm_first=True`` (pre-LN, GPT-2): x <- x + f(LN(x)), with a final LayerNorm before the
  read-out. The residual stream is an identity path, and warm-up matters much less.

The logits come out as (batch, vocab, position), torch's layout for a per-position
``cross_entropy`` (class dimension second), so ``train_torch(..., loss="cross_entropy")`` trains it
on a :func:`course_lib.problems.text.lm_dataset` as it is.

>>> net = transformer_lm(vocab_size=10, context=8, d_model=16, n_heads=2, n_layers=1, seed=0)
>>> tokens = torch.zeros(3, 8, dtype=torch.int64)
>>> tuple(net(tokens).shape)
(3, 10, 8)
"""

from __future__ import annotations

import torch
from torch import nn

from course_lib.training.models import build_seeded
from course_lib.validation import check_flag, check_int, check_non_negative

__all__ = ["TinyLM", "transformer_lm"]


class TinyLM(nn.Module):
    """Embeddings -> causal TransformerEncoder -> (final LayerNorm if pre-LN) -> linear read-out.

    Args:
        vocab_size: V, token ids 0 .. V-1.
        context: the longest sequence it reads (the number of learnt position embeddings).
        d_model: width of the residual stream.
        n_heads: attention heads (must divide d_model).
        n_layers: Transformer blocks.
        d_ff: width of each block's feed-forward layer.
        norm_first: False for post-LN (the original Transformer), True for pre-LN.
        dropout: dropout probability inside the blocks (0 by default: the runs are short).
    """

    def __init__(
        self,
        vocab_size: int,
        context: int,
        d_model: int,
        n_heads: int,
        n_layers: int,
        d_ff: int,
        norm_first: bool,
        dropout: float,
    ) -> None:
        super().__init__()
        self.context, self.norm_first = context, norm_first
        self.embed = nn.Embedding(vocab_size, d_model)
        self.position = nn.Embedding(context, d_model)
        layer = nn.TransformerEncoderLayer(
            d_model, n_heads, dim_feedforward=d_ff, dropout=dropout, batch_first=True, norm_first=norm_first
        )
        self.blocks = nn.TransformerEncoder(layer, n_layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(d_model) if norm_first else nn.Identity()
        self.head = nn.Linear(d_model, vocab_size)
        self.register_buffer("mask", nn.Transformer.generate_square_subsequent_mask(context), persistent=False)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        """Logits of shape (batch, vocab, length) for int64 ``tokens`` of shape (batch, length <= context).

        The logit at position i depends on tokens 0 .. i only (the causal mask).
        """
        if tokens.ndim != 2 or tokens.shape[1] > self.context or tokens.dtype not in (torch.int64, torch.int32):
            raise ValueError(
                f"tokens must be integer token ids of shape (batch, length <= {self.context}), got "
                f"shape {tuple(tokens.shape)} and dtype {tokens.dtype}"
            )
        n = tokens.shape[1]
        x = self.embed(tokens) + self.position(torch.arange(n, device=tokens.device))
        x = self.blocks(x, mask=self.mask[:n, :n], is_causal=True)
        return self.head(self.norm(x)).transpose(1, 2)


def transformer_lm(
    vocab_size: int,
    context: int,
    *,
    d_model: int = 64,
    n_heads: int = 4,
    n_layers: int = 2,
    d_ff: int | None = None,
    norm_first: bool = False,
    dropout: float = 0.0,
    seed: int | None = 0,
) -> TinyLM:
    """A :class:`TinyLM` with PyTorch's default initialisation, drawn under ``seed``.

    Args:
        vocab_size: V (>= 2). context: the longest input (>= 1).
        d_model, n_heads, n_layers: width, heads (dividing d_model), blocks (all >= 1).
        d_ff: feed-forward width (>= 1); None for 4 * d_model.
        norm_first: False = post-LN (original Transformer), True = pre-LN (GPT-2).
        dropout: in [0, 1).
        seed: the same seed gives the same weights, without touching the global RNG; None draws
            from the global RNG (``run_many`` with a builder: each run's seed sets the init).

    Raises:
        ValueError, TypeError: for a bad argument, naming it.
    """
    vocab_size = check_int("vocab_size", vocab_size, minimum=2)
    norm_first = check_flag("norm_first", norm_first)
    context = check_int("context", context, minimum=1)
    d_model = check_int("d_model", d_model, minimum=1)
    n_heads = check_int("n_heads", n_heads, minimum=1)
    if d_model % n_heads:
        raise ValueError(f"n_heads must divide d_model={d_model}, got n_heads={n_heads}")
    n_layers = check_int("n_layers", n_layers, minimum=1)
    d_ff = 4 * d_model if d_ff is None else check_int("d_ff", d_ff, minimum=1)
    dropout = check_non_negative("dropout", dropout)
    if dropout >= 1:
        raise ValueError(f"dropout must be in [0, 1), got dropout={dropout!r}")
    return build_seeded(
        lambda: TinyLM(vocab_size, context, d_model, n_heads, n_layers, d_ff, bool(norm_first), dropout), seed
    )
