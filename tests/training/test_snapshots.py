"""Snapshot ensembles: snapshots at cycle ends, copies not references, probabilities and scores."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import torch

from course_lib import problems as P
from course_lib import schedules as S
from course_lib import training as T
from course_lib.training import models as M
from course_lib.training import snapshots as SN


@pytest.fixture(scope="module")
def data():
    return P.spirals_dataset(n_samples=200, n_classes=3, seed=0)  # 150 train -> 5 steps/epoch at batch 32


def build():
    return M.mlp(2, 3, hidden=(16,), seed=None)


def test_snapshot_epochs_follow_the_cycles():
    assert SN.snapshot_epochs_of(S.cosine_restarts(0.1, 10), epochs=4, steps_per_epoch=5) == [2, 4]
    assert SN.snapshot_epochs_of(S.cosine_restarts(0.1, 5, cycle_mult=2), epochs=7, steps_per_epoch=5) == [1, 3, 7]
    assert SN.snapshot_epochs_of(S.cosine_restarts(0.1, 10), epochs=5, steps_per_epoch=5) == [2, 4]


@pytest.mark.parametrize(
    "schedule, epochs, per_epoch, exc, words",
    [
        (S.cosine_restarts(0.1, 7), 4, 5, ValueError, "middle of an epoch"),
        (S.cosine_restarts(0.1, 100), 4, 5, ValueError, "no restart cycle"),
        (S.cosine_decay(0.1, 20), 4, 5, TypeError, "cycle_ends"),
        (S.cosine_restarts(0.1, 10), 0, 5, ValueError, "epochs"),
        (S.cosine_restarts(0.1, 10), 4, 0, ValueError, "steps_per_epoch"),
    ],
)
def test_snapshot_epochs_errors_explain(schedule, epochs, per_epoch, exc, words):
    with pytest.raises(exc, match=words):
        SN.snapshot_epochs_of(schedule, epochs, per_epoch)


def test_train_snapshots_saves_copies_at_cycle_ends(data):
    schedule = S.cosine_restarts(0.2, 10)  # 2 epochs per cycle
    net = build()
    run = SN.train_snapshots(net, data, schedule, epochs=6, batch_size=32, momentum=0.9, seed=1)
    assert run.epochs == [2, 4, 6] and run.steps == [10, 20, 30]
    assert len(run.models) == 3 and all(not m.training for m in run.models)
    # the last snapshot is the final model; earlier ones are different, independent copies
    final = [p.detach() for p in net.parameters()]
    assert all(torch.equal(a, b) for a, b in zip(final, run.models[-1].parameters()))
    assert not torch.equal(next(run.models[0].parameters()), next(run.models[-1].parameters()))
    assert run.models[0] is not run.models[1]
    # taking snapshots changes nothing about the training itself
    plain = T.train_torch(build, data, schedule, epochs=6, batch_size=32, momentum=0.9, seed=1)
    again = SN.train_snapshots(build, data, schedule, epochs=6, batch_size=32, momentum=0.9, seed=1)
    np.testing.assert_array_equal(plain.loss, again.history.loss)
    np.testing.assert_array_equal(plain.lr, again.history.lr)


def test_train_snapshots_at_chosen_epochs(data):
    run = SN.train_snapshots(build, data, 0.1, epochs=3, snapshot_epochs=[1, 3], batch_size=32)
    assert run.epochs == [1, 3] and run.steps == [5, 15]


@pytest.mark.parametrize(
    "kwargs, exc, name",
    [
        (dict(snapshot_epochs=[2, 1]), ValueError, "snapshot_epochs"),
        (dict(snapshot_epochs=[1, 9]), ValueError, "snapshot_epochs"),
        (dict(snapshot_epochs=[]), ValueError, "snapshot_epochs"),
        (dict(snapshot_epochs="1,2"), TypeError, "snapshot_epochs"),
        (dict(snapshot_epochs=[0]), ValueError, "snapshot_epochs"),
        (dict(callback=lambda *a: None), TypeError, "callback"),
        (dict(epochs=0), ValueError, "epochs"),
    ],
)
def test_train_snapshots_rejects_bad_arguments(data, kwargs, exc, name):
    kwargs = {"epochs": 3, **kwargs}
    with pytest.raises(exc, match=name):
        SN.train_snapshots(build, data, 0.1, batch_size=32, **kwargs)


def test_constant_rate_needs_explicit_snapshot_epochs(data):
    with pytest.raises(TypeError, match="snapshot_epochs"):
        SN.train_snapshots(build, data, 0.1, epochs=2, batch_size=32)


def test_probabilities_and_their_average(data):
    a, b = M.mlp(2, 3, hidden=(8,), seed=0), M.mlp(2, 3, hidden=(8,), seed=1)
    pa = SN.predict_proba(a, data.X_val)
    assert pa.shape == (len(data.X_val), 3) and np.allclose(pa.sum(axis=1), 1.0)
    assert a.training  # the model's mode is restored
    np.testing.assert_allclose(SN.ensemble_proba([a], data.X_val), pa)
    np.testing.assert_allclose(SN.ensemble_proba([a, b], data.X_val), (pa + SN.predict_proba(b, data.X_val)) / 2)
    with pytest.raises(ValueError, match="models"):
        SN.ensemble_proba([], data.X_val)
    with pytest.raises(TypeError, match="model"):
        SN.predict_proba("net", data.X_val)


def test_scores(data):
    run = SN.train_snapshots(build, data, S.cosine_restarts(0.3, 10), epochs=6, batch_size=32, momentum=0.9)
    scores = SN.score_snapshots(run.models, data)
    y = np.asarray(data.y_val)
    manual = [np.mean(SN.predict_proba(m, data.X_val).argmax(1) == y) for m in run.models]
    np.testing.assert_allclose(scores.snapshot_acc, manual)
    assert scores.ensemble_nll <= scores.snapshot_nll.mean() + 1e-12  # Jensen: always
    assert 0.0 <= scores.disagreement <= 1.0
    assert "ensemble" in scores.summary() and scores.summary().count("snapshot") >= 3
    same = SN.score_snapshots([run.models[0], copy.deepcopy(run.models[0])], data)
    assert same.disagreement == 0.0 and same.ensemble_acc == same.snapshot_acc[0]
    assert same.ensemble_nll == pytest.approx(same.snapshot_nll[0])
    with pytest.raises(ValueError, match="models"):
        SN.score_snapshots([], data)
