"""A text corpus the course generates: a mixture of Markov chains ("topics"), identical on every machine.

Each sequence is written in one of K topics, drawn at its start; a topic is a Markov chain over a
vocabulary of V tokens whose rows are sparse (Dirichlet(``concentration``) draws), so each token
has a few likely successors, and they differ between topics. A next-token model learns three
levels of structure, one after the other: which tokens are frequent (the unigram loss), which
follow which (the bigram loss), and which topic this sequence is in, read from the context (the
long-range part). The last level is what a Transformer's attention buys over a bigram table.
Because the source is known, the best possible loss (the source's own next-token cross-entropy,
by the forward algorithm over topics) is known too: :meth:`TopicMarkovSource.bayes_loss`.

Everything is drawn from ``numpy.random.default_rng(seed)`` (PCG64, the same stream on every
platform), so ``lm_dataset(seed=0)`` is the same corpus everywhere.

>>> source = topic_markov_source(vocab_size=8, n_topics=2, seed=0)
>>> tokens = source.sample(3, 10, seed=1)
>>> tokens.shape, tokens.dtype.name, int(tokens.max()) < 8
((3, 10), 'int64', True)
>>> data = lm_dataset(n_train=64, n_val=16, context=32)
>>> data
Dataset('topic-markov text': 64 train / 16 val, 32 features, 48 classes)
>>> data.X_train.shape, data.y_train.shape, bool((data.X_train[:, 1:] == data.y_train[:, :-1]).all())
((64, 32), (64, 32), True)
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from course_lib.problems.datasets import Dataset
from course_lib.validation import check_int, check_positive

__all__ = ["TopicMarkovSource", "topic_markov_source", "lm_dataset", "unigram_loss", "bigram_loss", "token_digest"]


@dataclass(frozen=True, eq=False)
class TopicMarkovSource:
    """K Markov chains over V tokens; a sequence picks one chain (topic) at its start and keeps it.

    Attributes:
        transitions: (K, V, V) array, transitions[k, a, b] = P(next = b | previous = a, topic k).
        start: (V,) array, the distribution of a sequence's first token (uniform).
        topic_prior: (K,) array, the probability of each topic (uniform).
        seed: the seed the chains were drawn with.
    """

    transitions: np.ndarray
    start: np.ndarray
    topic_prior: np.ndarray
    seed: int

    @property
    def vocab_size(self) -> int:
        """V, the number of distinct tokens."""
        return int(self.transitions.shape[1])

    @property
    def n_topics(self) -> int:
        """K, the number of chains."""
        return int(self.transitions.shape[0])

    def sample(self, n_sequences: int, length: int, seed: int = 0) -> np.ndarray:
        """``n_sequences`` sequences of ``length`` tokens, an int64 array (n_sequences, length).

        Vectorised over sequences: one categorical draw per position for all sequences at once,
        by inverting the cumulative distribution with uniforms from ``default_rng(seed)``.
        """
        n = check_int("n_sequences", n_sequences, minimum=1)
        length = check_int("length", length, minimum=1)
        rng = np.random.default_rng(check_int("seed", seed, minimum=0))
        topics = _draw(np.broadcast_to(self.topic_prior, (n, self.n_topics)), rng)
        out = np.empty((n, length), dtype=np.int64)
        out[:, 0] = _draw(np.broadcast_to(self.start, (n, self.vocab_size)), rng)
        for t in range(1, length):
            out[:, t] = _draw(self.transitions[topics, out[:, t - 1]], rng)
        return out

    def bayes_loss(self, tokens: np.ndarray) -> float:
        """The source's own mean next-token cross-entropy on ``tokens`` (n, L), in nats per token.

        For t >= 1, P(x_t | x_<t) = sum_k P(k | x_<t) * transitions[k, x_{t-1}, x_t], the topic's
        posterior P(k | x_<t) updated by Bayes' rule after every token (the forward algorithm with
        a topic that never changes). Averaged over all predicted positions t = 1 .. L-1: no model
        can beat it in expectation.
        """
        tokens = _check_tokens(tokens, self.vocab_size)
        log_post = np.broadcast_to(np.log(self.topic_prior), (len(tokens), self.n_topics)).copy()  # log P(k | x_<t)
        total = 0.0
        for t in range(1, tokens.shape[1]):
            joint = log_post + np.log(self.transitions[:, tokens[:, t - 1], tokens[:, t]].T)  # log P(k, x_t | x_<t)
            log_pred = np.logaddexp.reduce(joint, axis=1)  # log P(x_t | x_<t)
            total -= float(np.sum(log_pred))
            log_post = joint - log_pred[:, None]  # Bayes' rule: log P(k | x_<=t)
        return total / (tokens.shape[0] * max(tokens.shape[1] - 1, 1))


def _draw(probs: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One index per row of ``probs`` (rows sum to 1), by inverse CDF."""
    cdf = np.cumsum(probs, axis=1)
    u = rng.random(len(probs))[:, None] * cdf[:, -1:]
    return np.minimum((cdf <= u).sum(axis=1), probs.shape[1] - 1).astype(np.int64)


def _check_tokens(tokens: np.ndarray, vocab_size: int) -> np.ndarray:
    arr = np.asarray(tokens)
    if (
        arr.ndim != 2
        or not np.issubdtype(arr.dtype, np.integer)
        or arr.size == 0
        or arr.min() < 0
        or arr.max() >= vocab_size
    ):
        raise ValueError(
            f"tokens must be a non-empty 2-D integer array of token ids in 0 .. {vocab_size - 1}, "
            f"got an array of shape {arr.shape} and dtype {arr.dtype}"
        )
    return arr


def topic_markov_source(
    vocab_size: int = 48, n_topics: int = 4, concentration: float = 0.1, seed: int = 0
) -> TopicMarkovSource:
    """Draw the chains: each row of each topic's transition matrix is Dirichlet(``concentration``).

    A small concentration (0.1) makes rows sparse: a token has a handful of likely successors,
    a different handful in each topic.

    Args:
        vocab_size: V, tokens 0 .. V-1 (>= 2).
        n_topics: K, the number of chains (>= 1).
        concentration: the Dirichlet parameter (> 0); smaller is sparser, so a lower loss floor.
        seed: seed of ``numpy.random.default_rng``.
    """
    v = check_int("vocab_size", vocab_size, minimum=2)
    k = check_int("n_topics", n_topics, minimum=1)
    alpha = check_positive("concentration", concentration)
    rng = np.random.default_rng(check_int("seed", seed, minimum=0))
    transitions = rng.dirichlet(np.full(v, alpha), size=(k, v))
    transitions = np.maximum(transitions, 1e-12)  # no exact zeros: every token stays possible
    transitions /= transitions.sum(axis=2, keepdims=True)
    return TopicMarkovSource(
        transitions=transitions, start=np.full(v, 1.0 / v), topic_prior=np.full(k, 1.0 / k), seed=int(seed)
    )


def lm_dataset(
    n_train: int = 2048,
    n_val: int = 256,
    context: int = 64,
    *,
    vocab_size: int = 48,
    n_topics: int = 4,
    concentration: float = 0.1,
    seed: int = 0,
) -> Dataset:
    """Next-token prediction on the topic-Markov text: X = tokens[:, :-1], y = tokens[:, 1:].

    Sequences of ``context + 1`` tokens; inputs and targets are int64 arrays (n, context), the
    target at position i being the token after input position i. Train and validation sequences
    are drawn from the same source with different seeds (no sequence is shared by accident).

    Args:
        n_train, n_val: number of sequences in each split (>= 1).
        context: tokens a model reads per sequence (>= 2).
        vocab_size, n_topics, concentration, seed: the source (:func:`topic_markov_source`);
            ``seed`` also seeds the two samples.

    Returns:
        A :class:`Dataset` with n_features = context and n_classes = vocab_size.
    """
    n_train = check_int("n_train", n_train, minimum=1)
    n_val = check_int("n_val", n_val, minimum=1)
    context = check_int("context", context, minimum=2)
    source = topic_markov_source(vocab_size, n_topics, concentration, seed)
    train = source.sample(n_train, context + 1, seed=2 * seed + 1)
    val = source.sample(n_val, context + 1, seed=2 * seed + 2)
    return Dataset(
        X_train=train[:, :-1],
        y_train=train[:, 1:],
        X_val=val[:, :-1],
        y_val=val[:, 1:],
        n_features=context,
        n_classes=source.vocab_size,
        name="topic-markov text",
    )


def unigram_loss(data: Dataset) -> float:
    """Validation cross-entropy (nats per token) of predicting every token by its training frequency.

    The level a model reaches once it has learnt which tokens are common and nothing else.
    """
    counts = np.bincount(np.asarray(data.y_train).ravel(), minlength=data.n_classes) + 0.5
    p = counts / counts.sum()
    return float(-np.mean(np.log(p[np.asarray(data.y_val)])))


def bigram_loss(data: Dataset) -> float:
    """Validation cross-entropy (nats per token) of a bigram table counted on the training split.

    P(b | a) from the training pairs (input token a, target b) plus 0.5 per cell: the level of a
    model that reads only the previous token, and so cannot tell the topics apart.
    """
    v = data.n_classes
    counts = np.full((v, v), 0.5)
    np.add.at(counts, (np.asarray(data.X_train).ravel(), np.asarray(data.y_train).ravel()), 1.0)
    p = counts / counts.sum(axis=1, keepdims=True)
    return float(-np.mean(np.log(p[np.asarray(data.X_val), np.asarray(data.y_val)])))


def token_digest(tokens: np.ndarray) -> str:
    """The first 16 hex digits of the SHA-256 of the tokens as little-endian int64: a portable fingerprint.

    >>> token_digest(np.arange(4))
    'a1e03200f1f82ad2'
    """
    arr = np.ascontiguousarray(np.asarray(tokens), dtype="<i8")
    return hashlib.sha256(arr.tobytes()).hexdigest()[:16]
