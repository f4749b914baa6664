"""course_lib.training.seeds: one mean ± band, and train_torch's config forms."""

import dataclasses

import numpy as np

from course_lib import problems as P
from course_lib import schedules as S
from course_lib import training


def test_mean_and_band_and_mean_curve_agree():
    hs = training.run_many(training.run_gd, [0, 1, 2], P.noisy_least_squares(), 0.05, 20, batch_size=2)
    x, mean, std = training.mean_curve(hs, "loss")
    _, table = training.stack_runs(hs, "loss")
    m, lo, hi = training.mean_and_band(table.copy(), "std")
    np.testing.assert_array_equal(m, mean)
    np.testing.assert_allclose(hi - m, std, rtol=1e-12)
    assert x.tolist() == list(range(20))


def test_keywords_build_the_config():
    data = P.load_digits()
    a = training.train_torch(training.mlp(64, 10, seed=0), data, S.constant(0.05), epochs=1)
    b = training.train_torch(training.mlp(64, 10, seed=0), data, S.constant(0.05), training.TrainConfig(epochs=1))
    c = training.train_torch(
        training.mlp(64, 10, seed=0),
        data,
        S.constant(0.05),
        dataclasses.replace(training.TrainConfig(epochs=3), epochs=1),
    )
    np.testing.assert_array_equal(a.loss, b.loss)
    np.testing.assert_array_equal(a.loss, c.loss)
