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

import functools
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping

import numpy as np

from course_lib.problems.datasets import Dataset
from course_lib.problems.text import bigram_loss, lm_dataset, topic_markov_source, unigram_loss
from course_lib.training.history import History
from course_lib.training.seeds import moving_average
from course_lib.training.torch_loop import train_torch
from course_lib.training.transformer import TinyLM, transformer_lm
from course_lib.validation import check_int

__all__ = ["LMSetup", "train_lm", "run_lm_schedules", "first_step_below", "paired_drop"]


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
