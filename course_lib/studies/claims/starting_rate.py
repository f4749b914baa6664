"""Claims of notebook 02 (§3, §4) about choosing the starting rate: the LR range test, and the rate
versus the weight initialisation.

The network is ``training.mlp(64, 10, hidden=(64,))`` on the 8x8 digits, plain SGD, batch 64, 5 epochs
(110 updates), a new initialisation and batch order per seed. The range test runs once per seed set,
on the set's first seed (model and batches), as the notebook does with seed 0.
"""

from __future__ import annotations

import numpy as np

from course_lib import problems, schedules, training
from course_lib.studies.replication import Claim, Runs, paired_difference

SEEDS = (0, 1, 2)
EPOCHS = 5
#: the rates tried around the range test's "minimum" suggestion, as multiples of it
FACTORS = {"tiny": 0.01, "best": 1.0, "huge": 10.0}


def build(seed=None):
    """The notebook's MLP (seed None: the run's seed sets the initialisation)."""
    return training.mlp(64, 10, hidden=(64,), seed=seed)


def range_test(seed: int):
    """The notebook's range test: SGD without momentum, 1e-5 to 10 in 200 mini-batches of 64."""
    return training.lr_range_test(
        build(seed),
        problems.load_digits(),
        start_lr=1e-5,
        end_lr=10.0,
        num_steps=200,
        batch_size=64,
        optimizer="sgd",
        momentum=0.0,
        seed=seed,
    )


def _score(h) -> float:
    """Final validation accuracy; a diverged run scores 0."""
    return 0.0 if h.diverged else float(h.final_val_acc)


def around_the_suggestion(seeds) -> Runs:
    """Range test on seeds[0]; then 5 epochs at 1/100, 1 and 10 times its "minimum" suggestion, per seed."""
    digits = problems.load_digits()
    lr_star = range_test(seeds[0]).suggestions["minimum"]
    cols: dict[str, list] = {}
    for s in seeds:
        for name, factor in FACTORS.items():
            h = training.train_torch(build, digits, schedules.constant(factor * lr_star), epochs=EPOCHS, seed=s)
            cols.setdefault(f"acc_{name}", []).append(_score(h))
            cols.setdefault(f"loss_{name}", []).append(np.inf if h.diverged else h.final_val_loss)
            cols.setdefault(f"diverged_{name}", []).append(h.diverged)
    return Runs(seeds, lr_star=[lr_star] * len(seeds), **cols)


def _suggestion_holds(r: Runs) -> bool:
    acc = {name: r[f"acc_{name}"].mean() for name in FACTORS}
    return bool(
        not r["diverged_best"].any()
        and acc["best"] > 0.9
        and acc["best"] > acc["tiny"] + 0.3
        and acc["best"] > acc["huge"] + 0.3
        and r["loss_best"].mean() < r["loss_tiny"].mean()
    )


range_test_finds_the_decade = Claim(
    "starting_rate.range_test_finds_the_decade",
    where="02_stochastic_gradients §3",
    statement="5 epochs at the range test's 'minimum' suggestion reach > 90 % validation accuracy without "
    "diverging, more than 30 points above 1/100 of it and above 10 times it (mean of 3 seeds)",
    experiment=around_the_suggestion,
    predicate=_suggestion_holds,
    effect=lambda r: paired_difference(
        r["acc_best"], r["acc_tiny"], "val accuracy at the suggestion - at 1/100 of it (paired by seed)"
    ),
    notebook_seeds=SEEDS,
    needs_torch=True,
)

# "At 10 times the suggestion training diverges on every seed" held on 8 of 10 fresh sets (28 of 30 runs), and
# "on at least 2 of 3 seeds" on 8 of 10 disjoint fresh sets (24 of 30 runs): not a claim. What replicates is
# that 10 times the suggestion ends far below it (range_test_finds_the_decade scores a diverged run 0).


# ---- §9: the rate is not the weight initialisation ------------------------------------------------

INITS = ("kaiming", "default", "zeros")


def by_initialisation(seeds) -> Runs:
    """5 epochs at the §8 suggestion (range test on seeds[0]) with each weight initialisation of INITS."""
    digits, lr = problems.load_digits(), range_test(seeds[0]).suggestions["minimum"]
    cols = {
        f"acc_{scheme}": [
            _score(
                training.train_torch(
                    lambda scheme=scheme: training.initialize(build(), scheme),
                    digits,
                    schedules.constant(lr),
                    epochs=EPOCHS,
                    seed=s,
                )
            )
            for s in seeds
        ]
        for scheme in INITS
    }
    return Runs(seeds, **cols)


zero_init_fails_at_a_working_rate = Claim(
    "starting_rate.zero_init_fails_at_a_working_rate",
    where="02_stochastic_gradients §4",
    statement="at the rate the range test suggests, Kaiming and PyTorch's default initialisation reach > 90 % "
    "validation accuracy and an all-zero initialisation stays below 20 % (mean of 3 seeds)",
    experiment=by_initialisation,
    predicate=lambda r: bool(
        r["acc_kaiming"].mean() > 0.9 and r["acc_default"].mean() > 0.9 and r["acc_zeros"].mean() < 0.2
    ),
    effect=lambda r: paired_difference(
        r["acc_default"], r["acc_zeros"], "val accuracy, default init - all zeros (paired by seed)"
    ),
    notebook_seeds=SEEDS,
    needs_torch=True,
)
