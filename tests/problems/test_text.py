"""The generated corpus: deterministic on every machine, shaped for next-token prediction, with
loss levels in the right order."""

from __future__ import annotations

import numpy as np
import pytest

from course_lib import problems
from course_lib.problems import text

#: SHA-256 prefixes of the first 8 sequences of lm_dataset() (numpy's PCG64 stream is the same
#: on every platform); a change here changes every language-model number in the notebooks
TRAIN_DIGEST, VAL_DIGEST = "fd25b86cfb93bb9c", "8bc8eb8fec18400c"


def test_the_corpus_is_the_same_on_every_machine():
    data = problems.lm_dataset()
    assert problems.token_digest(data.X_train[:8]) == TRAIN_DIGEST
    assert problems.token_digest(data.X_val[:8]) == VAL_DIGEST
    assert data.X_train[0, :10].tolist() == [19, 27, 37, 2, 16, 19, 27, 12, 22, 29]


def test_same_seed_same_tokens_other_seed_other_tokens():
    a, b = problems.lm_dataset(n_train=32, seed=1), problems.lm_dataset(n_train=32, seed=1)
    assert np.array_equal(a.X_train, b.X_train) and np.array_equal(a.y_val, b.y_val)
    assert not np.array_equal(a.X_train, problems.lm_dataset(n_train=32, seed=2).X_train)
    assert not np.array_equal(a.X_train[:16], a.X_val[:16])  # the splits are different draws


def test_shapes_and_targets_are_the_next_tokens():
    data = problems.lm_dataset(n_train=20, n_val=5, context=12, vocab_size=10)
    assert data.X_train.shape == data.y_train.shape == (20, 12) and data.X_val.shape == (5, 12)
    assert data.X_train.dtype == np.int64 and data.n_classes == 10 and data.n_features == 12
    assert np.array_equal(data.X_train[:, 1:], data.y_train[:, :-1])
    assert data.X_train.min() >= 0 and data.X_train.max() < 10


def test_the_source_is_a_set_of_sparse_markov_chains():
    source = problems.topic_markov_source(vocab_size=16, n_topics=3, seed=0)
    assert source.transitions.shape == (3, 16, 16)
    assert np.allclose(source.transitions.sum(axis=2), 1.0) and source.transitions.min() > 0
    top4 = np.sort(source.transitions, axis=2)[..., -4:].sum(axis=2)
    assert np.median(top4) > 0.8  # concentration 0.1: a few likely successors per token


def test_loss_levels_are_ordered_unigram_bigram_source():
    data = problems.lm_dataset(n_train=512, n_val=128)
    tokens = np.concatenate([data.X_val[:, :1], data.y_val], axis=1)
    source = problems.topic_markov_source()
    unigram, bigram, best = problems.unigram_loss(data), problems.bigram_loss(data), source.bayes_loss(tokens)
    assert np.log(48) > unigram > bigram + 0.3 > best + 0.6  # far from trivial: context is worth ~1 nat per token
    assert best > 1.0


def test_bayes_loss_with_one_topic_is_the_markov_chain_cross_entropy():
    source = problems.topic_markov_source(vocab_size=6, n_topics=1, seed=3)
    tokens = source.sample(50, 20, seed=4)
    direct = -np.mean(np.log(source.transitions[0, tokens[:, :-1], tokens[:, 1:]]))
    assert source.bayes_loss(tokens) == pytest.approx(direct)


def test_sampling_follows_the_transition_probabilities():
    source = problems.topic_markov_source(vocab_size=4, n_topics=1, seed=5)
    tokens = source.sample(20000, 2, seed=6)
    first = tokens[:, 0] == 0
    freq = np.bincount(tokens[first, 1], minlength=4) / first.sum()
    assert np.allclose(freq, source.transitions[0, 0], atol=0.03)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(n_train=0), "n_train"),
        (dict(context=1), "context"),
        (dict(vocab_size=1), "vocab_size"),
        (dict(concentration=0.0), "concentration"),
        (dict(n_topics=0), "n_topics"),
    ],
)
def test_bad_arguments_are_named(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        problems.lm_dataset(**kwargs)


def test_bayes_loss_refuses_tokens_outside_the_vocabulary():
    source = text.topic_markov_source(vocab_size=4, n_topics=2)
    with pytest.raises(ValueError, match="tokens must be"):
        source.bayes_loss(np.array([[0, 5]]))
