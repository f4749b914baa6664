"""A small Transformer language model under a schedule, over seeds (notebooks 05 and 09).

An :class:`LMSetup` fixes everything but the schedule and the seed: the generated corpus
(:func:`course_lib.problems.text.lm_dataset`, one pass: every batch is fresh text, as in LM
pre-training), the model (:func:`course_lib.training.transformer.transformer_lm`, post-LN or
pre-LN), Adam with torch's defaults, the batch size and the number of updates T. The runs are
``training.train_torch`` runs: the loop sets ``param_group["lr"] = schedule(t)`` at every update.

Because every batch is new text, the training loss at step t (measured before the update) is an
unbiased estimate of the loss on unseen text: a validation curve at every step, for free.

>>> setup = LMSetup(steps=4, batch_size=4, context=8, n_layers=1, d_model=16, n_val=8)
>>> runs = run_lm_schedules(setup, {"constant": 1e-3}, seeds=[0, 1])
>>> [h.n_steps for h in runs["constant"]], sorted(setup.levels())
([4, 4], ['bigram', 'source', 'unigram'])
"""

from __future__ import annotations

import copy
import dataclasses
import functools
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping

import numpy as np
import torch

from course_lib.problems.datasets import Dataset
from course_lib.problems.text import bigram_loss, lm_dataset, topic_markov_source, unigram_loss
from course_lib.training.factories import make_optimizer
from course_lib.training.history import History, schedule_config
from course_lib.training.plan import describe, rates
from course_lib.training.seeds import moving_average
from course_lib.training.torch_loop import TrainConfig, one_thread, seeded_one_thread, train_torch
from course_lib.training.transformer import TinyLM, transformer_lm
from course_lib.validation import check_flag, check_int

__all__ = ["LMSetup", "train_lm", "run_lm_schedules", "run_lm_branches", "first_step_below", "paired_drop"]


@dataclass(frozen=True)
class LMSetup:
    """One language-model experiment, all but the schedule and the seed.

    Attributes:
        steps: T, the number of Adam updates (one pass over ``steps * batch_size`` sequences).
        batch_size: sequences per update.
        context: tokens per sequence the model reads (it predicts the next one at each).
        n_layers, d_model, n_heads, d_ff: the Transformer (d_ff None: 2 * d_model).
        norm_first: False = post-LN (the original Transformer), True = pre-LN (GPT-2).
        n_val: validation sequences (the final validation loss is over n_val * context tokens).
        data_seed: seed of the corpus (the same text for every run of the setup).
    """

    steps: int = 300
    batch_size: int = 16
    context: int = 32
    n_layers: int = 2
    d_model: int = 64
    n_heads: int = 4
    d_ff: int | None = None
    norm_first: bool = True
    n_val: int = 256
    data_seed: int = 0

    def __post_init__(self) -> None:
        for name in ("steps", "batch_size", "n_layers", "d_model", "n_heads", "n_val"):
            check_int(name, getattr(self, name), minimum=1)
        check_int("context", self.context, minimum=2)
        check_int("data_seed", self.data_seed, minimum=0)
        if self.d_ff is not None:
            check_int("d_ff", self.d_ff, minimum=1)

    def data(self) -> Dataset:
        """The corpus: ``steps * batch_size`` training sequences (one pass), ``n_val`` validation ones."""
        return _corpus(self.steps * self.batch_size, self.n_val, self.context, self.data_seed)

    def model(self) -> Callable[[], TinyLM]:
        """A function building a fresh model from torch's RNG (under a run's seed, a different init per seed)."""
        return functools.partial(
            transformer_lm,
            self.data().n_classes,
            self.context,
            d_model=self.d_model,
            n_heads=self.n_heads,
            n_layers=self.n_layers,
            d_ff=2 * self.d_model if self.d_ff is None else self.d_ff,
            norm_first=self.norm_first,
            seed=None,
        )

    def levels(self) -> dict[str, float]:
        """Validation losses (nats per token) of three reference predictors of the corpus.

        "unigram": token frequencies only; "bigram": the previous token only (a counted table);
        "source": the generating process itself, knowing the chains and inferring the topic
        from the context (the best possible loss).
        """
        data = self.data()
        source = topic_markov_source(seed=self.data_seed)
        tokens = np.concatenate([data.X_val[:, :1], data.y_val], axis=1)
        return {"unigram": unigram_loss(data), "bigram": bigram_loss(data), "source": source.bayes_loss(tokens)}


@functools.lru_cache(maxsize=4)
def _corpus(n_train: int, n_val: int, context: int, seed: int) -> Dataset:
    return lm_dataset(n_train, n_val, context, seed=seed)


def train_lm(setup: LMSetup, schedule: Any, *, seed: int = 0, label: str = "", **options: Any) -> History:
    """One run of ``setup`` under ``schedule``: ``train_torch`` with Adam, one epoch, the setup's batch size.

    The seed sets the model's initialisation and the order of the batches. ``options`` are
    further :class:`~course_lib.training.torch_loop.TrainConfig` fields (e.g. ``betas``,
    ``clip_grad_norm``). The History's ``final_val_loss`` is the validation loss after T updates.
    """
    if not isinstance(setup, LMSetup):
        raise TypeError(f"setup must be an LMSetup, got setup={setup!r}")
    options = {"optimizer": "adam", **options}
    return train_torch(
        setup.model(), setup.data(), schedule, epochs=1, batch_size=setup.batch_size, seed=seed, label=label, **options
    )


def run_lm_schedules(
    setup: LMSetup,
    schedules: Mapping[str, Any],
    *,
    seeds: Iterable[int] = (0, 1, 2),
    progress: bool = False,
    **options: Any,
) -> dict[str, list[History]]:
    """Every schedule of ``schedules`` (label -> schedule) on ``setup``, once per seed.

    The same seeds for every schedule, so run i of each label starts from the same weights and
    sees the same batches: differences between labels are paired. ``progress`` shows one progress
    bar over all the runs (it stores its final state in a notebook).

    Returns:
        label -> list of Histories, one per seed, in the order of ``seeds``.
    """
    from course_lib.display import progress_bar

    if not isinstance(schedules, Mapping) or not schedules:
        raise ValueError(f"schedules must be a non-empty dict label -> schedule, got schedules={schedules!r}")
    seeds = [check_int("seeds[...]", s, minimum=0) for s in seeds]
    if not seeds:
        raise ValueError("seeds must name at least one seed, got an empty list")
    runs: dict[str, list[History]] = {}
    with progress_bar(total=len(schedules) * len(seeds), disable=not progress, desc="language model") as bar:
        for name, schedule in schedules.items():
            runs[name] = []
            for seed in seeds:
                runs[name].append(train_lm(setup, schedule, seed=seed, label=name, **options))
                bar.update()
    return runs


def run_lm_branches(
    setup: LMSetup,
    trunk: tuple[str, Any],
    branches: Mapping[str, tuple[Any, int]],
    *,
    seed: int = 0,
    keep_trunk: bool = True,
    **options: Any,
) -> dict[str, History]:
    """One run of the ``trunk`` schedule, and each branch continued from the trunk's state at its step.

    A schedule that agrees with the trunk until step k (WSD with a constant rate until its
    cool-down; any warm-up + decay with the same warm-up) need not train those k updates again:
    the branch takes the trunk's model, Adam state and place in the data after k updates (a
    checkpoint, as a WSD run in practice decays from one of its stable phase) and goes on with its
    own schedule to T. Each returned branch History holds the trunk's first k updates, then its own:
    the History :func:`train_lm` gives for that schedule with ``seed`` (the same losses bit for bit,
    tests/studies/test_language_model.py), at the cost of T - k updates instead of T.

    Args:
        setup: the experiment (corpus, model, batch size, T = ``setup.steps``).
        trunk: (label, schedule), trained for all T updates.
        branches: label -> (schedule, k): the branch leaves the trunk after k updates, 0 < k < T;
            up to k its rates are the trunk's (float32 updates with rates equal to the last bits
            of a float64 are the same updates; the branch point is where the schedules part).
        seed: the model's initialisation and the batch order, as in :func:`train_lm`.
        keep_trunk: train the trunk to T and return it (True), or only as far as the last branch
            point, for branches whose trunk is known already (False).
        options: further :class:`~course_lib.training.torch_loop.TrainConfig` fields, as in :func:`train_lm`.

    Returns:
        label -> History, the trunk's first (if kept).

    >>> setup = LMSetup(steps=6, batch_size=4, context=8, n_layers=1, d_model=16, n_val=8)
    >>> runs = run_lm_branches(setup, ("constant", 1e-3), {"decayed": (lambda t: 1e-3 if t < 4 else 1e-4, 4)})
    >>> [(label, h.n_steps, h.lr[3:5].tolist()) for label, h in runs.items()]
    [('constant', 6, [0.001, 0.001]), ('decayed', 6, [0.001, 0.0001])]
    """
    if not isinstance(setup, LMSetup):
        raise TypeError(f"setup must be an LMSetup, got setup={setup!r}")
    if not (isinstance(trunk, tuple) and len(trunk) == 2 and isinstance(trunk[0], str)):
        raise TypeError(f"trunk must be a pair (label, schedule), got trunk={trunk!r}")
    if not isinstance(branches, Mapping) or not branches:
        raise ValueError(f"branches must be a non-empty dict label -> (schedule, step), got branches={branches!r}")
    for label, branch in branches.items():
        if not (isinstance(branch, tuple) and len(branch) == 2):
            raise TypeError(f"branches[{label!r}] must be a pair (schedule, step), got {branch!r}")
        k = check_int(f"branches[{label!r}][1]", branch[1], minimum=1)
        if k >= setup.steps:
            raise ValueError(f"branches[{label!r}][1] must be a step before T = {setup.steps}, got {k}")
    if trunk[0] in branches:
        raise ValueError(f"branches must not reuse the trunk's label {trunk[0]!r}")
    seed = check_int("seed", seed, minimum=0)
    keep_trunk = check_flag("keep_trunk", keep_trunk)
    config = TrainConfig(
        **{
            "optimizer": "adam",
            **options,
            "epochs": 1,
            "batch_size": setup.batch_size,
            "seed": seed,
            "global_rng": True,
        }
    )
    data, T = setup.data(), setup.steps

    def piece(net: Any, opt: Any, schedule: Any, label: str, start: int, stop: int) -> History:
        """Updates start .. stop - 1 of the run (train_torch resumed at start, ended by a stop rule)."""
        rule = None if stop == T else (lambda t, lr, loss: t + 1 >= stop)
        horizon = config.check_horizon and start == 0  # a resumed piece is the same run: checked once
        return train_torch(
            net, data, schedule, dataclasses.replace(
                config, optimizer=opt, start=start, stop_when=rule, label=label, check_horizon=horizon
            ),
        )  # fmt: skip

    bounds = sorted({0, *(k for _, k in branches.values())} | ({T} if keep_trunk else set()))
    trunk_parts: list[History] = []
    saved: dict[int, tuple[Any, torch.Tensor]] = {}
    with seeded_one_thread(seed):  # train_lm's run: the model drawn under the seed, then trained on
        net = setup.model()()
        opt = make_optimizer(
            config.optimizer, net.parameters(), float(rates(trunk[1], T)[0]),
            weight_decay=config.weight_decay, betas=config.betas,
        )  # fmt: skip
        for start, stop in zip(bounds, bounds[1:] + [None]):  # the trunk, its state kept at every branch point
            if start:
                saved[start] = copy.deepcopy((net, opt)) if stop else (net, opt), torch.get_rng_state()
            if stop is None:
                break  # the trunk is not kept: it ends at the last branch point
            trunk_parts.append(piece(net, opt, trunk[1], trunk[0], start, stop))
            if trunk_parts[-1].diverged:
                break  # the branches left after this point diverge with it: the same updates
    runs = {trunk[0]: _joined(trunk_parts, trunk[0])} if keep_trunk else {}
    for label, (schedule, k) in branches.items():
        shared = trunk_parts[: bounds.index(k)]
        if k in saved and not shared[-1].diverged:
            (net_k, opt_k), rng = copy.deepcopy(saved[k][0]), saved[k][1]
            with one_thread(), torch.random.fork_rng(devices=[]):
                torch.set_rng_state(rng)  # dropout and the like draw on as the trunk would have
                shared = shared + [piece(net_k, opt_k, schedule, label, k, T)]
        runs[label] = _joined(shared, label)
        runs[label].schedule = schedule_config(schedule)
        runs[label].config.update(schedule=describe(schedule), branched_from=trunk[0], branched_at=k)
    for h in runs.values():
        h.config.update(optimizer=describe(options.get("optimizer", "adam")))
    return runs


def _joined(parts: list[History], label: str) -> History:
    """The pieces of one run (consecutive steps, the last one validated) as one History."""
    last = parts[-1]
    arrays = {name: np.concatenate([getattr(h, name) for h in parts]) for name in ("steps", "lr", "loss", "momentum")}
    return dataclasses.replace(last, **arrays, label=label, config=dict(last.config))


def first_step_below(history: History, level: float, *, window: int = 10) -> int | None:
    """The first step t at which the mean training loss of steps t-window+1 .. t is below ``level``.

    None if it never is (e.g. a run stuck at the unigram level: it learnt token frequencies and
    nothing else). With fresh text in every batch, the training loss tracks the validation loss.
    """
    level = float(level)
    window = check_int("window", window, minimum=1)
    loss = np.asarray(history.loss, dtype=np.float64)
    if len(loss) < window:
        return None
    smooth = moving_average(loss, window)[window - 1 :] if window > 1 else loss
    below = np.flatnonzero(smooth < level)
    return int(below[0] + window - 1) if below.size else None


def paired_drop(before: Iterable[History], after: Iterable[History], metric: str = "final_val_loss") -> np.ndarray:
    """``metric(before[i]) - metric(after[i])`` for runs paired by seed (positive: ``after`` is lower).

    E.g. a constant rate and a WSD run with the same seed are identical until the cool-down
    starts: their difference at T is the drop the cool-down bought.
    """
    a, b = list(before), list(after)
    if len(a) != len(b) or not a:
        raise ValueError(
            f"before and after must be runs paired by seed (same non-zero length), got {len(a)} and {len(b)} runs"
        )
    return np.array([float(getattr(x, metric)) - float(getattr(y, metric)) for x, y in zip(a, b)])
