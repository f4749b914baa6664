"""Data sets for the torch models: spirals, moons, teacher-student, the digits, the stratified split."""

from __future__ import annotations

import numpy as np
import pytest

from course_lib import problems as P


@pytest.mark.parametrize(
    "make, kwargs, n_features",
    [
        (P.make_spirals, dict(n_samples=301, n_classes=3), 2),
        (P.make_moons, dict(n_samples=301), 2),
    ],
)
def test_classification_sets(make, kwargs, n_features):
    X, y = make(**kwargs, seed=1)
    assert X.shape == (301, n_features) and X.dtype == np.float32
    assert y.shape == (301,) and y.dtype == np.int64
    counts = np.bincount(y)
    assert counts.max() - counts.min() <= 1
    X2, y2 = make(**kwargs, seed=1)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    assert not np.array_equal(make(**kwargs, seed=2)[0], X)


def test_noise_free_shapes():
    X, y = P.make_moons(n_samples=100, noise=0.0)
    radius = np.where(y == 0, np.hypot(X[:, 0], X[:, 1]), np.hypot(X[:, 0] - 1, X[:, 1] - 0.5))
    np.testing.assert_allclose(radius, 1.0, atol=1e-6)
    X, y = P.make_spirals(n_samples=100, noise=0.0)
    assert np.hypot(X[:, 0], X[:, 1]).max() == pytest.approx(1.0)


def test_teacher_student():
    X, y = P.teacher_student(n_samples=50, d_in=7, hidden=5, noise=0.0, seed=3)
    assert X.shape == (50, 7) and y.shape == (50, 1) and X.dtype == y.dtype == np.float32
    assert y.std() > 0.05
    np.testing.assert_array_equal(y, P.teacher_student(n_samples=50, d_in=7, hidden=5, noise=0.0, seed=3)[1])
    _, noisy = P.teacher_student(n_samples=50, d_in=7, hidden=5, noise=0.1, seed=3)
    assert 0.03 < np.std(noisy - y) < 0.3


def test_transfer_tasks_share_the_teacher_and_shift_the_fine_tuning_features():
    pre, fine = P.transfer_tasks(n_pretrain=300, n_finetune=20, n_val=40, seed=5)
    assert pre.y_train.shape == (300, 8) and pre.n_val == 500 and fine.y_train.shape == (20, 1) and fine.n_val == 40
    assert pre.X_train.dtype == fine.y_val.dtype == np.float32 and pre.n_classes is fine.n_classes is None
    again = P.transfer_tasks(n_pretrain=300, n_finetune=20, n_val=40, seed=5)
    np.testing.assert_array_equal(again[1].y_val, fine.y_val)  # seeded
    other = P.transfer_tasks(n_pretrain=300, n_finetune=20, n_val=40, seed=6)
    assert not np.array_equal(other[0].X_train, pre.X_train)
    teacher = P.transfer_tasks(n_pretrain=50, n_finetune=5, n_val=5, noise=0.0, shift=0.0, seed=1)
    moved = P.transfer_tasks(n_pretrain=50, n_finetune=5, n_val=5, noise=0.0, shift=0.5, seed=1)
    np.testing.assert_array_equal(teacher[0].y_train, moved[0].y_train)  # pre-training: no shift
    assert not np.allclose(teacher[1].y_val, moved[1].y_val)  # the fine-tuning targets moved


def test_split_is_stratified_disjoint_and_seeded():
    X = np.arange(200, dtype=float).reshape(100, 2)
    y = np.repeat([0, 1, 2, 3], [10, 20, 30, 40])
    d = P.split(X, y, val_fraction=0.3, seed=0, name="toy")
    assert (d.n_train, d.n_val, d.n_features, d.n_classes, d.name) == (70, 30, 2, 4, "toy")
    np.testing.assert_array_equal(np.bincount(d.y_val), [3, 6, 9, 12])
    rows = np.concatenate([d.X_train[:, 0], d.X_val[:, 0]])
    np.testing.assert_array_equal(np.sort(rows), X[:, 0])  # a partition
    np.testing.assert_array_equal(d.y_train, y[(d.X_train[:, 0] // 2).astype(int)])  # labels follow rows
    assert d.X_train.dtype == np.float32 and d.y_train.dtype == np.int64
    again = P.split(X, y, val_fraction=0.3, seed=0)
    np.testing.assert_array_equal(again.X_val, d.X_val)
    assert not np.array_equal(P.split(X, y, val_fraction=0.3, seed=1).X_val, d.X_val)
    assert repr(d) == "Dataset('toy': 70 train / 30 val, 2 features, 4 classes)"


def test_dataset_builders():
    s = P.spirals_dataset(n_samples=200, n_classes=3, val_fraction=0.2)
    assert (s.n_train, s.n_val, s.n_classes, s.n_features, s.name) == (160, 40, 3, 2, "spirals")
    m = P.moons_dataset(n_samples=100)
    assert (m.n_train, m.n_val, m.n_classes) == (75, 25, 2)
    t = P.teacher_student_dataset(n_samples=100, d_in=3)
    assert t.n_classes is None and t.y_train.shape == (75, 1) and t.y_train.dtype == np.float32
    assert "regression" in repr(t)


def test_load_digits():
    d = P.load_digits()
    assert (d.n_train, d.n_val, d.n_features, d.n_classes, d.name) == (1348, 449, 64, 10, "digits")
    assert d.X_train.dtype == np.float32 and d.y_train.dtype == np.int64
    assert set(np.unique(d.y_val)) == set(range(10))
    assert np.abs(d.X_train.mean(axis=0)).max() < 1e-4
    raw = P.load_digits(val_fraction=0.5, seed=1, standardize=False)
    assert raw.n_val == round(0.5 * 1797) and raw.X_train.min() == 0 and raw.X_train.max() == 16
    np.testing.assert_array_equal(P.load_digits().X_val, d.X_val)


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: P.make_spirals(n_samples=0), "n_samples"),
        (lambda: P.make_spirals(n_classes=1), "n_classes"),
        (lambda: P.make_spirals(noise=-0.2), "noise"),
        (lambda: P.make_moons(n_samples=1), "n_samples"),
        (lambda: P.teacher_student(hidden=0), "hidden"),
        (lambda: P.teacher_student(noise=-1.0), "noise"),
        (lambda: P.transfer_tasks(shift=-0.1), "shift"),
        (lambda: P.transfer_tasks(n_outputs=0), "n_outputs"),
        (lambda: P.load_digits(val_fraction=0.0), "val_fraction"),
        (lambda: P.load_digits(val_fraction=1.0), "val_fraction"),
        (lambda: P.spirals_dataset(val_fraction=1.5), "val_fraction"),
        (lambda: P.split(np.zeros((3, 2)), np.zeros(3, dtype=int), val_fraction=0.1), "val_fraction"),
        (lambda: P.split(np.zeros((3, 2)), np.zeros(4, dtype=int)), "y"),
    ],
)
def test_bad_arguments_name_the_argument(call, name):
    with pytest.raises(ValueError, match=name):
        call()


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: P.make_spirals(n_classes="2"), "n_classes"),
    ],
)
def test_wrong_types_name_the_argument(call, name):
    with pytest.raises(TypeError, match=name):
        call()
