"""The batched least-squares runs are the one-run-at-a-time runs (issue 19: cut time, not rigour).

The replication claims about noise floors (``studies.claims.noise``, ``studies.claims.decay``) step all
runs of a seed set together (``studies.seed_batch``); each number must be what ``run_gd``, ``run_adaptive``
and ``noise_floor`` give one run at a time on the same seed, so a claim's outcome on a seed set is unchanged.
Same batches, same formulas: the numbers agree to the last bits (mostly exactly; a dot product's summation
order can depend on memory alignment, so the check allows 1e-12 relative).
"""

from __future__ import annotations

import numpy as np
import pytest

from course_lib import problems, schedules, training
from course_lib.studies.claims import decay, noise
from course_lib.studies.measures import late_excess_loss, noise_floor
from course_lib.studies.seed_batch import late_excess_losses, minibatch_rows


def same(a, b) -> bool:
    """Equal up to the summation order of a dot product (1e-12 relative)."""
    return bool(np.allclose(a, b, rtol=1e-12, atol=0.0))


SEEDS = (1_000_003, 7)


@pytest.fixture(scope="module")
def nls():
    return problems.noisy_least_squares()


def test_minibatch_rows_are_the_stream_of_stochastic_grad(nls):
    rows = minibatch_rows(nls.n_samples, 50, 3, SEEDS)
    for i, seed in enumerate(SEEDS):
        rng = np.random.default_rng(seed)
        drawn = [rng.integers(0, nls.n_samples, size=3) for _ in range(50)]
        assert np.array_equal(rows[:, i], np.array(drawn))


@pytest.mark.parametrize("batch_size", [1, 4])
def test_sgd_runs_match_run_gd(nls, batch_size):
    sch = [schedules.constant(0.1), schedules.cosine_decay(0.1, 600), 0.01]
    batched = late_excess_losses(nls, sch, 600, SEEDS, batch_size=batch_size, window=100)
    one = [
        [
            late_excess_loss(
                training.run_gd(nls, s, 600, batch_size=batch_size, seed=seed, check_horizon=False), nls, window=100
            )
            for seed in SEEDS
        ]
        for s in sch
    ]
    assert same(batched, np.array(one))


def test_adam_floors_match_noise_floor(nls):
    batched = late_excess_losses(
        nls, [0.002, 0.008], 300, SEEDS, batch_size=4, w0=nls.minimum, window=200, method="adam"
    )
    one = [noise_floor(nls, lr, 4, seeds=SEEDS, n_steps=300, window=200, method="adam") for lr in (0.002, 0.008)]
    assert same(batched, np.array(one))


def test_a_diverging_run_has_an_infinite_floor(nls):
    floors = late_excess_losses(nls, [3.0, 0.01], 200, (0,), window=10)
    assert np.isinf(floors[0, 0]) and np.isfinite(floors[1, 0])
    assert training.run_gd(nls, 3.0, 200, batch_size=1, seed=0).diverged


def test_claim_experiments_are_the_one_at_a_time_runs(nls):
    """The claims' experiments, on one fresh seed, against the loops they replaced."""
    seeds = (1_000_000,)
    floors = noise.floors_vs_rate(seeds)["floor"][0]
    for lr, f in zip(noise.FLOOR_RATES, floors):
        assert same(f, noise_floor(nls, lr, 1, seeds=seeds, n_steps=noise.N_STEPS, window=noise.WINDOW)[0])
    by_setting = noise.floors_by_setting(seeds)["floor"][0]
    for (lr, B), f in zip(noise.SGD_SETTINGS, by_setting):
        assert same(f, noise_floor(nls, lr, B, seeds=seeds, n_steps=noise.N_STEPS, window=noise.WINDOW)[0])
    final = decay.below_the_floor(seeds)["final"][0]
    for sch, f in zip(decay.experiment1_schedules().values(), final):
        assert same(
            f, late_excess_loss(training.run_gd(nls, sch, decay.N1, batch_size=1, seed=seeds[0]), nls, window=100)
        )
    clocks = decay.clock_floors(seeds)
    for key, sch in zip(("right", "examples", "per_epoch"), decay.clocks().values()):
        run = training.run_gd(nls, sch, 500, batch_size=10, seed=seeds[0], check_horizon=False)
        assert same(clocks[key][0], late_excess_loss(run, nls, window=50))


def test_gradient_variance_draws_the_same_batches(nls):
    seed = 1_000_001
    got = noise.gradient_noise_variance((seed,))["b_times_variance"][0]
    rng, w, g = np.random.default_rng(seed), nls.minimum, nls.grad(nls.minimum)
    for B, value in zip(noise.VARIANCE_BATCHES, got):
        want = B * np.mean([np.sum((nls.stochastic_grad(w, rng, B) - g) ** 2) for _ in range(noise.VARIANCE_SAMPLES)])
        assert value == pytest.approx(want, rel=1e-12)


def test_momentum_runs_match_noise_floor_with_momentum(nls):
    settings = ((0.02, 0.0), (0.002, 0.9))
    batched = late_excess_losses(
        nls, [lr for lr, _ in settings], 400, SEEDS, w0=nls.minimum, window=300, momentum=[b for _, b in settings]
    )
    one = [noise_floor(nls, lr, 1, momentum=b, seeds=SEEDS, n_steps=400, window=300) for lr, b in settings]
    assert same(batched, np.array(one))
    with pytest.raises(ValueError, match="momentum"):
        late_excess_losses(nls, [0.1], 10, SEEDS, window=5, momentum=1.0)


def test_momentum_and_noise_limited_claims_are_the_one_at_a_time_runs(nls):
    from course_lib.studies.claims import choosing, momentum

    seeds = (1_000_002,)
    floors = momentum.floors(seeds)
    for (lr, b), f in zip(momentum.SAME_EFFECTIVE_RATE, floors["same_effective_rate"][0]):
        assert same(f, noise_floor(nls, lr, 1, momentum=b, seeds=seeds)[0])
    assert same(floors["heavy"][0], noise_floor(nls, momentum.HEAVY[0], 1, momentum=momentum.HEAVY[1], seeds=seeds)[0])
    runs = choosing.noise_limited_runs(seeds)
    excess = choosing.noise_limited_table(seeds)["excess"][0]
    for name, e in zip(choosing.CUT_NAMES, excess):
        assert same(e, late_excess_loss(runs[name][0], nls, window=choosing.NOISE_WINDOW))
