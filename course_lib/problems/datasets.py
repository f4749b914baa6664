"""Small data sets for torch models, as a :class:`Dataset` (train/validation split), numpy only.

Spirals, moons, a teacher network's targets (and a pre-training / fine-tuning pair of them), and
scikit-learn's 8x8 digits.

>>> from course_lib import problems
>>> problems.moons_dataset(n_samples=100)
Dataset('moons': 75 train / 25 val, 2 features, 2 classes)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from course_lib.validation import check_int, check_non_negative, check_range

__all__ = [
    "Dataset",
    "split",
    "make_spirals",
    "make_moons",
    "teacher_student",
    "spirals_dataset",
    "moons_dataset",
    "teacher_student_dataset",
    "transfer_tasks",
    "load_digits",
]


@dataclass(frozen=True, eq=False)
class Dataset:
    """A train/validation split, ready for torch (float32 features; int64 labels or float32 targets).

    Attributes:
        X_train, y_train, X_val, y_val: the arrays.
        n_features: columns of X.
        n_classes: number of classes, or None for a regression target.
        name: a short name.
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    n_features: int
    n_classes: int | None
    name: str = "data"

    @property
    def n_train(self) -> int:
        """Training examples."""
        return int(len(self.X_train))

    @property
    def n_val(self) -> int:
        """Validation examples."""
        return int(len(self.X_val))

    def __repr__(self) -> str:
        target = f"{self.n_classes} classes" if self.n_classes is not None else "regression"
        return f"Dataset({self.name!r}: {self.n_train} train / {self.n_val} val, {self.n_features} features, {target})"


def _check_val_fraction(val_fraction: Any) -> float:
    return check_range("val_fraction", val_fraction, 0.0, 1.0, low_open=True, high_open=True)


def _stratified_val_counts(counts: np.ndarray, n_val: int) -> np.ndarray:
    """Split n_val over classes in proportion to their counts (largest remainders get the spares)."""
    quota = counts * n_val / counts.sum()
    base = np.floor(quota).astype(int)
    spare = n_val - base.sum()
    base[np.argsort(-(quota - base), kind="stable")[:spare]] += 1
    return base


def split(X: Any, y: Any, val_fraction: float = 0.25, seed: int = 0, name: str = "data") -> Dataset:
    """Shuffle and split (X, y) into train and validation, stratified by class for integer labels.

    The validation set holds round(val_fraction * n) examples; with integer labels each
    class contributes in proportion to its size. X becomes float32; integer labels
    int64 (n_classes = max label + 1), other targets float32 (n_classes = None).

    Args:
        X: features, shape (n, n_features).
        y: labels (n,) or targets (n, ...).
        val_fraction: share of examples for validation, in (0, 1).
        seed: seed of the shuffle.
        name: the Dataset's name.

    Raises:
        ValueError: val_fraction outside (0, 1), X and y of different lengths, or too
            few examples to leave at least one on each side.
    """
    val_fraction = _check_val_fraction(val_fraction)
    seed = check_int("seed", seed, minimum=0)
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim != 2 or len(X) != len(y):
        raise ValueError(f"X must be (n, n_features) and y have the same n; got X.shape={X.shape}, y.shape={y.shape}")
    n = len(X)
    n_val = int(round(val_fraction * n))
    if not 0 < n_val < n:
        raise ValueError(f"val_fraction={val_fraction!r} of n={n} examples leaves an empty train or validation set")
    rng = np.random.default_rng(seed)
    classification = y.ndim == 1 and np.issubdtype(y.dtype, np.integer)
    if classification:
        classes, inverse = np.unique(y, return_inverse=True)
        per_class = _stratified_val_counts(np.bincount(inverse), n_val)
        val_parts, train_parts = [], []
        for k in range(len(classes)):
            members = rng.permutation(np.flatnonzero(inverse == k))
            val_parts.append(members[: per_class[k]])
            train_parts.append(members[per_class[k] :])
        val_idx = rng.permutation(np.concatenate(val_parts))
        train_idx = rng.permutation(np.concatenate(train_parts))
        y, n_classes = y.astype(np.int64), int(y.max()) + 1
    else:
        order = rng.permutation(n)
        val_idx, train_idx = order[:n_val], order[n_val:]
        y, n_classes = y.astype(np.float32), None
    X = X.astype(np.float32)
    return Dataset(
        X[train_idx], y[train_idx], X[val_idx], y[val_idx], n_features=int(X.shape[1]), n_classes=n_classes, name=name
    )


def _check_n_samples(n_samples: Any, minimum: int = 1) -> int:
    return check_int("n_samples", n_samples, minimum=minimum)


def make_spirals(
    n_samples: int = 600, n_classes: int = 2, noise: float = 0.2, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Interleaved spiral arms in 2-D (the CS231n toy set), one arm per class.

    Class k: radius r = linspace(0, 1), angle t = 4 (k + r) + noise * N(0, 1) (radians);
    x = (r sin t, r cos t). Classes get n_samples // n_classes points (the first few one more).

    Args:
        n_samples: total points, >= n_classes.
        n_classes: number of arms, >= 2.
        noise: std of the angle noise in radians, >= 0.
        seed: seed.

    Returns:
        (X float32 (n, 2), y int64 (n,)), shuffled.
    """
    n_classes = check_int("n_classes", n_classes, minimum=2)
    n_samples = _check_n_samples(n_samples, minimum=n_classes)
    noise = check_non_negative("noise", noise)
    rng = np.random.default_rng(check_int("seed", seed, minimum=0))
    X, y = [], []
    for k in range(n_classes):
        m = n_samples // n_classes + (k < n_samples % n_classes)
        r = np.linspace(0.0, 1.0, m)
        t = 4.0 * (k + r) + noise * rng.normal(size=m)
        X.append(np.stack([r * np.sin(t), r * np.cos(t)], axis=1))
        y.append(np.full(m, k))
    order = rng.permutation(n_samples)
    return np.concatenate(X)[order].astype(np.float32), np.concatenate(y)[order].astype(np.int64)


def make_moons(n_samples: int = 600, noise: float = 0.15, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (as sklearn's make_moons), plus Gaussian noise of std ``noise``.

    Class 0: (cos a, sin a); class 1: (1 - cos a, 1/2 - sin a), a in [0, pi].

    Args:
        n_samples: total points, >= 2 (class 0 gets the odd one).
        noise: std of the noise added to each coordinate, >= 0.
        seed: seed.

    Returns:
        (X float32 (n, 2), y int64 (n,)), shuffled.
    """
    n_samples = _check_n_samples(n_samples, minimum=2)
    noise = check_non_negative("noise", noise)
    rng = np.random.default_rng(check_int("seed", seed, minimum=0))
    n0 = n_samples - n_samples // 2
    a0, a1 = np.linspace(0, np.pi, n0), np.linspace(0, np.pi, n_samples - n0)
    X = np.concatenate([np.stack([np.cos(a0), np.sin(a0)], 1), np.stack([1 - np.cos(a1), 0.5 - np.sin(a1)], 1)])
    y = np.concatenate([np.zeros(n0), np.ones(n_samples - n0)])
    X = X + noise * rng.normal(size=X.shape)
    order = rng.permutation(n_samples)
    return X[order].astype(np.float32), y[order].astype(np.int64)


def teacher_student(
    n_samples: int = 1000, d_in: int = 10, hidden: int = 16, noise: float = 0.1, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Regression targets from a random one-hidden-layer tanh "teacher" network.

    x ~ N(0, I); y = tanh(x W1 + b1) W2 + noise * N(0, 1), W1 ~ N(0, 1/d_in),
    b1 ~ N(0, 0.1^2), W2 ~ N(0, 1/hidden). A student with >= ``hidden`` units can reach
    the noise level: mean squared error noise^2.

    Args:
        n_samples: rows, >= 1.
        d_in: input features, >= 1.
        hidden: teacher hidden units, >= 1.
        noise: std of the target noise, >= 0.
        seed: seed (of both the teacher and the data).

    Returns:
        (X float32 (n, d_in), y float32 (n, 1)).
    """
    n_samples = _check_n_samples(n_samples)
    d_in = check_int("d_in", d_in, minimum=1)
    hidden = check_int("hidden", hidden, minimum=1)
    noise = check_non_negative("noise", noise)
    rng = np.random.default_rng(check_int("seed", seed, minimum=0))
    W1 = rng.normal(scale=1 / math.sqrt(d_in), size=(d_in, hidden))
    b1 = rng.normal(scale=0.1, size=hidden)
    W2 = rng.normal(scale=1 / math.sqrt(hidden), size=(hidden, 1))
    X = rng.normal(size=(n_samples, d_in))
    y = np.tanh(X @ W1 + b1) @ W2 + noise * rng.normal(size=(n_samples, 1))
    return X.astype(np.float32), y.astype(np.float32)


def spirals_dataset(
    n_samples: int = 600, n_classes: int = 2, noise: float = 0.2, seed: int = 0, val_fraction: float = 0.25
) -> Dataset:
    """:func:`make_spirals` split by :func:`split` (same seed)."""
    val_fraction = _check_val_fraction(val_fraction)
    X, y = make_spirals(n_samples, n_classes, noise, seed)
    return split(X, y, val_fraction, seed, name="spirals")


def moons_dataset(n_samples: int = 600, noise: float = 0.15, seed: int = 0, val_fraction: float = 0.25) -> Dataset:
    """:func:`make_moons` split by :func:`split` (same seed)."""
    val_fraction = _check_val_fraction(val_fraction)
    X, y = make_moons(n_samples, noise, seed)
    return split(X, y, val_fraction, seed, name="moons")


def teacher_student_dataset(
    n_samples: int = 1000,
    d_in: int = 10,
    hidden: int = 16,
    noise: float = 0.1,
    seed: int = 0,
    val_fraction: float = 0.25,
) -> Dataset:
    """:func:`teacher_student` split by :func:`split` (same seed); n_classes is None."""
    val_fraction = _check_val_fraction(val_fraction)
    X, y = teacher_student(n_samples, d_in, hidden, noise, seed)
    return split(X, y, val_fraction, seed, name="teacher-student")


def transfer_tasks(
    n_pretrain: int = 4000,
    n_finetune: int = 50,
    n_val: int = 1000,
    d_in: int = 20,
    hidden: int = 8,
    n_outputs: int = 8,
    shift: float = 0.2,
    noise: float = 0.1,
    seed: int = 0,
) -> tuple[Dataset, Dataset]:
    """A pre-training task and a fine-tuning task that share most of their features (a fine-tuning problem).

    One tanh teacher (drawn from seed 0, the same for every ``seed``, as :func:`teacher_student` draws it):
    W1 ~ N(0, 1/d_in), b1 ~ N(0, 0.1^2), and ``n_outputs + 1`` readouts W2 ~ N(0, 1/hidden).

    * pre-training: ``n_pretrain`` examples of the first ``n_outputs`` readouts of tanh(x W1 + b1), plus
      noise; many examples and many targets, so a student can learn the teacher's features;
    * fine-tuning: ``n_finetune`` examples (and ``n_val`` for validation) of the last readout, a target the
      pre-training never saw, of *shifted* features tanh(x (W1 + shift * E) + b1) with E ~ N(0, 1/d_in):
      the pre-trained features are worth keeping but need some change (``shift=0``: they need none).

    ``seed`` draws the examples, the noise and the shift E (from a stream of its own, independent of the
    teacher's).

    Returns:
        (pre-training Dataset with ``n_outputs`` targets and 500 validation examples, fine-tuning Dataset with
        one target), both regression (float32).

    >>> pre, fine = transfer_tasks(n_pretrain=100, n_finetune=10, n_val=20)
    >>> pre.y_train.shape, fine.y_train.shape, fine.n_val
    ((100, 8), (10, 1), 20)
    """
    n_pretrain = _check_n_samples(n_pretrain)
    n_finetune = _check_n_samples(n_finetune)
    n_val = _check_n_samples(n_val)
    d_in = check_int("d_in", d_in, minimum=1)
    hidden = check_int("hidden", hidden, minimum=1)
    n_outputs = check_int("n_outputs", n_outputs, minimum=1)
    shift = check_non_negative("shift", shift)
    noise = check_non_negative("noise", noise)
    seed = check_int("seed", seed, minimum=0)
    teacher = np.random.default_rng(0)
    W1 = teacher.normal(scale=1 / math.sqrt(d_in), size=(d_in, hidden))
    b1 = teacher.normal(scale=0.1, size=hidden)
    W2 = teacher.normal(scale=1 / math.sqrt(hidden), size=(hidden, n_outputs + 1))
    rng = np.random.default_rng([seed, 1])  # a stream of the seed's own: not the teacher's
    shifted = W1 + shift * rng.normal(scale=1 / math.sqrt(d_in), size=W1.shape)
    n_pre_val = 500

    def examples(n: int, weights: np.ndarray, readout: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        X = rng.normal(size=(n, d_in))
        y = np.tanh(X @ weights + b1) @ readout
        return X.astype(np.float32), (y + noise * rng.normal(size=y.shape)).astype(np.float32)

    Xp, yp = examples(n_pretrain + n_pre_val, W1, W2[:, :n_outputs])
    Xf, yf = examples(n_finetune + n_val, shifted, W2[:, n_outputs:])
    pre = Dataset(Xp[:n_pretrain], yp[:n_pretrain], Xp[n_pretrain:], yp[n_pretrain:], d_in, None, "pre-training")
    fine = Dataset(Xf[:n_finetune], yf[:n_finetune], Xf[n_finetune:], yf[n_finetune:], d_in, None, "fine-tuning")
    return pre, fine


def load_digits(val_fraction: float = 0.25, seed: int = 0, standardize: bool = True) -> Dataset:
    """scikit-learn's 8x8 handwritten digits (1797 images, 64 features, 10 classes), split stratified.

    Ships inside scikit-learn: nothing is downloaded.

    Args:
        val_fraction: share for validation, in (0, 1); 0.25 gives 1348 train / 449 val.
        seed: seed of the split.
        standardize: if True, each feature is shifted and scaled by the *training* mean and
            std (constant pixels are only shifted); if False, raw intensities 0..16.

    Returns:
        a :class:`Dataset` named "digits" (float32 X, int64 y).

    Raises:
        ValueError: val_fraction outside (0, 1).
    """
    val_fraction = _check_val_fraction(val_fraction)
    from sklearn.datasets import load_digits as sklearn_load_digits

    raw = sklearn_load_digits()
    data = split(raw.data, raw.target, val_fraction, seed, name="digits")
    if not standardize:
        return data
    mean = data.X_train.mean(axis=0)
    std = data.X_train.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    return Dataset(
        ((data.X_train - mean) / std).astype(np.float32),
        data.y_train,
        ((data.X_val - mean) / std).astype(np.float32),
        data.y_val,
        data.n_features,
        data.n_classes,
        data.name,
    )
