"""Mini-batch training of a torch model: a frozen :class:`TrainConfig` and the loop on one screen.

``train_torch(model, data, schedule, config)``: the loop (open it with ``train_torch??``)
sets ``param_group["lr"] = schedule(t)`` itself at every update, nanoGPT style, so there is
no scheduler and no step-order rule to get wrong. Keywords build the config:
``train_torch(m, d, s, epochs=5) == train_torch(m, d, s, TrainConfig(epochs=5))``, and
with a config they override its fields (``run_many`` sets ``seed=`` that way).

>>> from course_lib import problems as P, schedules as S
>>> from course_lib.training import models as M
>>> h = train_torch(M.mlp(64, 10, seed=0), P.load_digits(), S.cosine_decay(0.1, 2 * 22), epochs=2)
>>> h.plan.total_steps, h.n_steps, h.steps_per_epoch
(44, 44, 22)
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import math
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Mapping, Protocol, Sequence

import numpy as np
import torch
from torch import nn

from course_lib.training.factories import LOSSES, OPTIMIZERS, make_loss, make_optimizer
from course_lib.training.history import History, schedule_config
from course_lib.training.plan import RunPlan, check_horizon, describe, momenta, rates
from course_lib.training.plateau import ReduceLROnPlateau
from course_lib.validation import check_flag, check_in, check_int, check_non_negative, check_positive, check_range

__all__ = [
    "TrainConfig",
    "train_torch",
    "as_config",
    "check_data",
    "check_model_fits",
    "Shard",
    "one_thread",
    "seeded",
    "seeded_one_thread",
    "evaluate",
    "step_too_large",
]


@dataclass(frozen=True)
class TrainConfig:
    """How to train (everything but the model, the data and the schedule). Frozen: use
    ``dataclasses.replace(config, seed=1)`` for a variant.

    Attributes:
        epochs: passes over the training set (>= 1).
        batch_size: examples per update (>= 1); the last batch of an epoch may be smaller.
        optimizer: "sgd", "adam" or "adamw", or a torch optimizer with one param group built on the
            model's parameters (used as it is, its state kept; the loop sets its lr).
        momentum: SGD momentum in [0, 1), or a momentum schedule (for Adam/AdamW it drives beta1).
        nesterov: Nesterov momentum (SGD only).
        weight_decay: the optimizer's weight decay (>= 0).
        betas: Adam's (beta1, beta2).
        clip_grad_norm: clip the global gradient norm to this value before each update, or None
            (``torch.nn.utils.clip_grad_norm_``: an SGD step is then at most lr * clip_grad_norm long).
        clip_grad_value: clip every gradient entry into [-clip_grad_value, clip_grad_value] before
            each update (``torch.nn.utils.clip_grad_value_``; before the norm clipping), or None.
        loss: "cross_entropy" (integer labels; also reports accuracy), "mse", or a function
            ``(outputs, targets) -> scalar tensor`` (targets keep the data's dtype).
        seed: seed of the batch order and of the model building (>= 0).
        progress: show a tqdm bar over epochs.
        plateau: a :class:`~course_lib.training.plateau.ReduceLROnPlateau`, or None.
        max_loss: a training loss above this counts as divergence (``math.inf``: only nan does).
        label: name for legends.
        callback: called after each epoch as ``callback(epoch, model, metrics)`` with
            metrics = {"step", "train_loss", "val_loss", "val_acc"}; return True to stop.
        stop_when: called after each update as ``stop_when(step, lr, loss)`` (loss: the batch loss
            before that update); return True to end the run there, without the epoch's validation
            (fastai's CancelFitException). Copied for each run, so it may keep state.
        shuffle: visit the training set in a new seeded order each epoch (True), or in its order.
        start: resume at this update of the plan (>= 0): the batch order and the rates go on from
            there, as if updates 0 .. start-1 had just been made (the model and optimizer as a
            checkpoint left them; see :mod:`~course_lib.training.checkpoint`).
        global_rng: draw dropout and the like from torch's global random stream as it stands
            (advancing it), not from a stream seeded with ``seed``: what a run that is saved and
            resumed needs (``load_checkpoint`` restores the stream).
        check_horizon: warn when the schedule's horizon differs from the plan's T
            (False when a cut is deliberate).
    """

    epochs: int
    batch_size: int = 64
    optimizer: str = "sgd"
    momentum: Any = 0.0
    nesterov: bool = False
    weight_decay: float = 0.0
    betas: tuple[float, float] = (0.9, 0.999)
    clip_grad_norm: float | None = None
    clip_grad_value: float | None = None
    loss: str = "cross_entropy"
    seed: int = 0
    progress: bool = False
    plateau: ReduceLROnPlateau | None = None
    max_loss: float = 1e4
    label: str = ""
    callback: Callable[[int, nn.Module, dict], Any] | None = None
    check_horizon: bool = True
    stop_when: Callable[[int, float, float], Any] | None = None
    shuffle: bool = True
    start: int = 0
    global_rng: bool = False

    def __post_init__(self) -> None:
        for flag in ("nesterov", "progress", "check_horizon", "shuffle", "global_rng"):
            object.__setattr__(self, flag, check_flag(flag, getattr(self, flag)))
        if not isinstance(self.optimizer, torch.optim.Optimizer):
            check_in("optimizer", self.optimizer, OPTIMIZERS)
        if not callable(self.loss):
            check_in("loss", self.loss, LOSSES)
        if not (isinstance(self.betas, Sequence) and len(self.betas) == 2):
            raise TypeError(f"betas must be a pair (beta1, beta2), got betas={self.betas!r}")
        fixed = not callable(self.momentum)
        if fixed:
            check_range("momentum", self.momentum, 0.0, 1.0, high_open=True)
        if self.optimizer != "sgd" and fixed and self.momentum != 0:
            raise ValueError(
                f"momentum={self.momentum!r} applies to optimizer='sgd'; for {self.optimizer!r} set "
                f"betas=(beta1, beta2), or pass a momentum schedule to drive beta1"
            )
        if self.nesterov and (self.optimizer != "sgd" or (fixed and self.momentum == 0)):
            raise ValueError(
                f"nesterov=True needs optimizer='sgd' and momentum > 0, got "
                f"optimizer={self.optimizer!r}, momentum={self.momentum!r}"
            )
        if self.callback is not None and not callable(self.callback):
            raise TypeError(
                f"callback must be a function (epoch, model, metrics) or None, got callback={self.callback!r}"
            )
        if self.stop_when is not None and not callable(self.stop_when):
            raise TypeError(f"stop_when must be a function (step, lr, loss) or None, got stop_when={self.stop_when!r}")
        if self.plateau is not None and not isinstance(self.plateau, ReduceLROnPlateau):
            raise TypeError(f"plateau must be a ReduceLROnPlateau or None, got plateau={self.plateau!r}")
        set_ = lambda name, value: object.__setattr__(self, name, value)  # noqa: E731
        set_("epochs", check_int("epochs", self.epochs, minimum=1))
        set_("batch_size", check_int("batch_size", self.batch_size, minimum=1))
        set_("weight_decay", check_non_negative("weight_decay", self.weight_decay))
        set_(
            "betas",
            (
                check_range("betas[0]", self.betas[0], 0.0, 1.0, high_open=True),
                check_range("betas[1]", self.betas[1], 0.0, 1.0, high_open=True),
            ),
        )
        set_(
            "clip_grad_norm",
            None if self.clip_grad_norm is None else check_positive("clip_grad_norm", self.clip_grad_norm),
        )
        set_(
            "clip_grad_value",
            None if self.clip_grad_value is None else check_positive("clip_grad_value", self.clip_grad_value),
        )
        set_("seed", check_int("seed", self.seed, minimum=0))
        set_("start", check_int("start", self.start, minimum=0))
        set_("max_loss", math.inf if self.max_loss == math.inf else check_positive("max_loss", self.max_loss))

    def plan(self, n_examples: int) -> RunPlan:
        """The :class:`RunPlan` of this config on ``n_examples`` training examples."""
        return RunPlan(n_examples, self.batch_size, self.epochs)


def as_config(config: TrainConfig | None = None, options: Mapping[str, Any] | None = None) -> TrainConfig:
    """``config`` with ``options`` (TrainConfig field names) replaced; TrainConfig(**options) without one."""
    options = dict(options or {})
    unknown = sorted(set(options) - {f.name for f in dataclasses.fields(TrainConfig)})
    if unknown:
        raise TypeError(
            f"unknown training option(s) {unknown}; allowed: {[f.name for f in dataclasses.fields(TrainConfig)]}"
        )
    if config is None:
        return TrainConfig(**options)
    if not isinstance(config, TrainConfig):
        raise TypeError(f"config must be a TrainConfig or None, got config={config!r}")
    return dataclasses.replace(config, **options) if options else config


class Shard(Protocol):
    """One worker's share of a data-parallel run (see :mod:`course_lib.training.distributed`)."""

    def indices(self, order: torch.Tensor) -> torch.Tensor: ...  # this worker's part of an epoch's order
    def wrap(self, net: nn.Module) -> nn.Module: ...  # e.g. DistributedDataParallel(net)
    def mean(self, value: float) -> float: ...  # the mean of a number over the workers


@contextlib.contextmanager
def one_thread() -> Iterator[None]:
    """Run the block on one CPU thread (reproducible sums), then restore the thread count."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


@contextlib.contextmanager
def seeded(seed: int) -> Iterator[None]:
    """Run the block under ``torch.manual_seed(seed)``, then restore torch's random state."""
    with torch.random.fork_rng(devices=[]):
        # the CPU generator only: what fork_rng(devices=[]) restores, and what torch.manual_seed
        # seeds on a CPU machine, without its ~1 ms of seeding every accelerator backend
        torch.default_generator.manual_seed(seed)
        yield


@contextlib.contextmanager
def seeded_one_thread(seed: int) -> Iterator[None]:
    """Run the block on one CPU thread under ``torch.manual_seed(seed)``; restore both afterwards."""
    with one_thread(), seeded(seed):
        yield


def evaluate(
    net: nn.Module, X: torch.Tensor, y: torch.Tensor, loss_fn: Callable, classify: bool
) -> tuple[float, float]:
    """(loss, accuracy or nan) on the whole split, without gradients, in eval mode."""
    net.eval()
    with torch.no_grad():
        out = net(X)
        loss = loss_fn(out, y).item()
        acc = (out.argmax(dim=1) == y).float().mean().item() if classify else math.nan
    net.train()
    return loss, acc


def train_torch(
    model: nn.Module | Callable[[], nn.Module],
    data: Any,
    schedule: Any,
    config: TrainConfig | None = None,
    *,
    shard: Shard | None = None,
    **options: Any,
) -> History:
    """Train ``model`` on ``data`` with lr = ``schedule(t)`` at update t (t counts updates, not epochs).

    Each epoch visits the training set once in an order from ``torch.Generator().manual_seed(seed)``
    (``shuffle=False``: in its order); the model is built (if ``model`` is a function) and trained
    under ``torch.manual_seed(seed)`` (``global_rng``: torch's own stream) on one CPU thread, both
    restored afterwards: same arguments, same History. This is the course's one torch loop: the
    range test is a run of it with a rising schedule and a ``stop_when`` rule, and
    ``checkpoint.train_steps`` resumes it at ``start``. With a plateau
    policy lr = plateau.lr * schedule(t) / schedule(0), the policy stepped after each epoch with
    the validation loss. Divergence (a training loss not finite or above ``max_loss``, a step too
    large for float32, a non-finite validation loss) stops the run without raising:
    ``diverged_step`` is the step not applied, ``diverged_lr`` its rate.

    Args:
        model: an ``nn.Module`` (trained in place) or a function with no arguments building one.
        data: a Dataset with X_train, y_train, X_val, y_val. Inputs become float32 tensors, integer
            inputs (token ids) int64; with loss="cross_entropy" the labels may be (n,) or, for one
            label per position, (n, L) with model outputs (n, classes, L).
        schedule: a course_lib schedule, a function of the step, or a number (constant rate);
            None only with a plateau policy.
        config: a :class:`TrainConfig`; ``**options`` (its field names) build or override it.
        shard: one worker's share of a data-parallel run (:class:`Shard`), or None.

    Returns:
        A :class:`History`: per-step lr, loss (mini-batch loss before the update), momentum
        (beta1 for Adam); per-epoch val_loss/val_acc; the plan, plateau rates and schedule config.
    """
    config = as_config(config, options)
    run = _Run(data, schedule, config, shard)  # checked tensors, the plan, the rates, the loss
    with one_thread() if config.global_rng else seeded_one_thread(config.seed):
        net = run.build(model)
        opt = run.optimizer(net)
        group = opt.param_groups[0]  # one group: the whole model
        forward = net if shard is None else shard.wrap(net)
        shuffle = run.generator()  # torch.Generator().manual_seed(seed), past the epochs of a resumed run
        t = config.start  # 0, or where a resumed run goes on
        for epoch in run.epochs():
            order = torch.randperm(len(run.X), generator=shuffle) if config.shuffle else torch.arange(len(run.X))
            for idx in run.batches(order):
                group["lr"] = lr = run.lr(t)  # the schedule sets the rate itself: lr = schedule(t)
                run.set_momentum(group, t)  # a momentum schedule drives SGD's momentum or Adam's beta1
                batch_loss = run.loss_fn(forward(run.X[idx]), run.y[idx])
                value = batch_loss.item() if shard is None else shard.mean(batch_loss.item())
                if not value <= config.max_loss or step_too_large(run.kind, group, t):
                    run.bad = (t, lr)  # nan, inf, too large: stop before applying it
                    break
                run.lrs.append(lr)
                run.losses.append(value)
                opt.zero_grad(set_to_none=True)
                batch_loss.backward()
                if config.clip_grad_value is not None:
                    nn.utils.clip_grad_value_(list(net.parameters()), config.clip_grad_value)
                if config.clip_grad_norm is not None:
                    nn.utils.clip_grad_norm_(list(net.parameters()), config.clip_grad_norm)
                opt.step()
                t += 1
                if run.stop_now(t - 1, lr, value):  # a stop rule, e.g. the range test's "loss exploded"
                    break
            if run.stopped or run.bad is not None or run.end_epoch(epoch, net, t, value):  # validate, plateau, callback
                break
    return run.history(net, t)


def check_model_fits(
    net: nn.Module,
    splits: Sequence[tuple[torch.Tensor, torch.Tensor]],
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    classify: bool,
    data: Any = None,
) -> None:
    """A dry forward before training (eval mode, no gradient, the RNG untouched): for each (X, y) split,
    the first example, and for token ids the example holding the split's largest id; the outputs must
    fit ``loss_fn``. A model that does not fit the data is refused with what would fit."""
    for X, y in splits:
        if not len(X):
            continue
        rows = [0]
        if not X.is_floating_point():  # token ids: the example with the largest id too
            rows.append(int(X.reshape(len(X), -1).max(dim=1).values.argmax()))
        was = net.training
        try:
            with torch.random.fork_rng(devices=[]), torch.no_grad():
                net.eval()
                out = net(X[rows])
        except Exception as err:
            raise ValueError(
                f"model does not fit the data: {_what_fits(splits, classify, data)}; the model on inputs of "
                f"shape {tuple(X[rows].shape)} raised {type(err).__name__}: {err}"
            ) from err
        finally:
            net.train(was)
        if not isinstance(out, torch.Tensor):
            raise TypeError(
                f"model must return a tensor, got {type(out).__name__} for inputs of shape {tuple(X[rows].shape)}"
            )
        loss_fn(out, y[rows])  # the outputs fit the targets, or a ValueError saying what fits


def _what_fits(splits: Sequence[tuple[torch.Tensor, torch.Tensor]], classify: bool, data: Any) -> str:
    """What model fits this data, in words."""
    name = getattr(data, "name", "")
    X = splits[0][0]
    top = lambda i: max(int(s[i].max()) for s in splits if len(s[i]))  # noqa: E731
    if not X.is_floating_point():
        return (
            f"the data {name!r} holds token ids 0 .. {top(0)} in contexts of length {X.shape[-1]}: the model's "
            f"vocabulary must be >= {top(0) + 1} (transformer_lm(vocab_size={top(0) + 1}, context={X.shape[-1]}))"
        )
    shape = tuple(X.shape[1:])
    n_in = shape[0] if len(shape) == 1 else shape
    if classify:
        classes = top(1) + 1
        return (
            f"the data {name!r} has inputs of shape {shape} and {classes} classes: "
            f"e.g. mlp(n_in={n_in}, n_out={classes})"
        )
    out = tuple(splits[0][1].shape[1:])
    return (
        f"the data {name!r} has inputs of shape {shape} and targets of shape {out}: "
        f"e.g. mlp(n_in={n_in}, n_out={out[0] if len(out) == 1 else 1})"
    )


def check_data(data: Any, config: TrainConfig) -> None:
    """Raise unless ``data`` is a Dataset (X_train, y_train, X_val, y_val) whose targets fit ``config.loss``."""
    for name in ("X_train", "y_train", "X_val", "y_val"):
        if not hasattr(data, name):
            raise TypeError(f"data must be a Dataset (X_train, y_train, X_val, y_val), got data={data!r}")
    if config.loss == "cross_entropy" and not np.issubdtype(np.asarray(data.y_train).dtype, np.integer):
        raise ValueError(
            f"loss='cross_entropy' needs integer class labels, but data "
            f"{getattr(data, 'name', '')!r} has {np.asarray(data.y_train).dtype} targets: "
            f"use loss='mse' for regression"
        )


_FLOAT32_MAX = float(np.finfo(np.float32).max)


def _stop_requested(answer: Any) -> bool:
    """The callback's answer: True stops the run; False or None goes on; anything else is refused."""
    if answer is None or isinstance(answer, (bool, np.bool_, int, np.integer)):
        return bool(answer)
    raise TypeError(
        f"callback must return True (stop), False or None (go on), got {answer!r:.80} ({type(answer).__name__})"
    )


def optimizer_kind(optimizer: str | torch.optim.Optimizer) -> str:
    """The name in :data:`OPTIMIZERS` of an optimizer or its name ("sgd" for another class: lr alone checked)."""
    if not isinstance(optimizer, torch.optim.Optimizer):
        return optimizer
    if isinstance(optimizer, torch.optim.AdamW):
        return "adamw"
    return "adam" if isinstance(optimizer, torch.optim.Adam) else "sgd"


def step_too_large(optimizer: str, group: dict, t: int) -> bool:
    """True if ``optimizer.step()`` at update t (from 0) would hand torch a float32 scalar past 3.4e38.

    SGD: lr. Adam: its bias-corrected step lr / (1 - beta1 ** (t + 1)) (10 lr at the first
    update with beta1 = 0.9). AdamW: also lr * weight_decay. (torch would raise "value cannot
    be converted to type float without overflow" midway through the step.)
    """
    lr = group["lr"]
    if optimizer == "sgd":
        return lr > _FLOAT32_MAX
    size = lr / (1 - group["betas"][0] ** (t + 1))
    return (max(size, lr * group["weight_decay"]) if optimizer == "adamw" else size) > _FLOAT32_MAX


class _Run:
    """What the loop of :func:`train_torch` reads and records, checked and built once."""

    def __init__(self, data: Any, schedule: Any, config: TrainConfig, shard: Shard | None) -> None:
        check_data(data, config)
        self.classify = config.loss == "cross_entropy"
        target = torch.int64 if self.classify else None if callable(config.loss) else torch.float32
        inputs = torch.int64 if np.issubdtype(np.asarray(data.X_train).dtype, np.integer) else torch.float32
        self.X, self.Xv = (torch.as_tensor(a, dtype=inputs) for a in (data.X_train, data.X_val))  # token ids stay ints
        self.y, self.yv = (torch.as_tensor(a, dtype=target) for a in (data.y_train, data.y_val))
        if len(self.X) == 0 or len(self.y) != len(self.X):
            raise ValueError(
                f"data must have as many training labels as examples (>= 1), got "
                f"{len(self.X)} examples and {len(self.y)} labels"
            )
        n_local = len(self.X) if shard is None else len(shard.indices(torch.arange(len(self.X))))
        self.plan = config.plan(n_local)  # a worker's share of each epoch in a data-parallel run
        if config.start >= self.plan.total_steps:
            raise ValueError(f"start must be < the plan's {self.plan.total_steps} updates, got start={config.start}")
        self.skip = config.start % self.plan.steps_per_epoch
        if config.check_horizon:
            check_horizon(schedule, self.plan.total_steps)
        self.base = rates(schedule, self.plan.total_steps, config.plateau).tolist()
        self.moms = momenta(config.momentum, self.plan.total_steps) if callable(config.momentum) else None
        self.kind = optimizer_kind(config.optimizer)
        self.fixed_mom = float(config.momentum) if self.moms is None and self.kind == "sgd" else None
        self.policy, self.stop_when = copy.deepcopy((config.plateau, config.stop_when))  # yours are not changed
        self.loss_fn = config.loss if callable(config.loss) else make_loss(config.loss, (self.y, self.yv))
        self.config, self.shard, self.data, self.schedule = config, shard, data, schedule
        self.lrs, self.losses, self.val, self.bad, self.stopped = [], [], [], None, False

    def build(self, model: Any) -> nn.Module:
        net = model() if not isinstance(model, nn.Module) and callable(model) else model
        if not isinstance(net, nn.Module):
            raise TypeError(f"model must be an nn.Module or a function returning one, got model={model!r}")
        self.check_fits(net)
        return net

    def check_fits(self, net: nn.Module) -> None:
        """A dry forward before training: :func:`check_model_fits` on both splits."""
        check_model_fits(net, [(self.X, self.y), (self.Xv, self.yv)], self.loss_fn, self.classify, self.data)

    def optimizer(self, net: nn.Module) -> torch.optim.Optimizer:
        c = self.config
        if isinstance(c.optimizer, torch.optim.Optimizer):
            own, groups = {id(p) for p in net.parameters()}, c.optimizer.param_groups
            if len(groups) != 1 or not all(id(p) in own for p in groups[0]["params"]):
                raise ValueError(
                    "optimizer must be built on the model's parameters in one param group (pass model as the "
                    f"nn.Module the optimizer was built on), got optimizer={c.optimizer!r}"
                )
            return c.optimizer
        first = self.fixed_mom if self.moms is None else float(self.moms[0])
        return make_optimizer(
            c.optimizer,
            net.parameters(),
            float(self.lr(0)),
            momentum=first,
            nesterov=c.nesterov,
            weight_decay=c.weight_decay,
            betas=c.betas,
        )

    def lr(self, t: int) -> float:
        return float(self.base[t] if self.policy is None else self.policy.lr * self.base[t])

    def set_momentum(self, group: dict, t: int) -> None:
        if self.moms is not None:
            if self.kind == "sgd":
                group["momentum"] = float(self.moms[t])
            else:
                group["betas"] = (float(self.moms[t]), self.config.betas[1])

    def epochs(self) -> Iterator[int]:
        from course_lib.display import progress_bar

        c = self.config
        epochs = range(c.start // self.plan.steps_per_epoch, c.epochs)
        if not c.progress:  # no bar to build: a one-epoch run stays as cheap as a hand-written loop
            self.bar = None
            yield from epochs
            return
        with progress_bar(epochs, desc=c.label or "train") as self.bar:
            yield from self.bar

    def generator(self) -> torch.Generator:
        shuffle = torch.Generator().manual_seed(self.config.seed)
        for _ in range(self.config.start // self.plan.steps_per_epoch if self.config.shuffle else 0):
            torch.randperm(len(self.X), generator=shuffle)  # the orders of the epochs already done
        return shuffle

    def batches(self, order: torch.Tensor) -> tuple[torch.Tensor, ...]:
        parts = (order if self.shard is None else self.shard.indices(order)).split(self.config.batch_size)
        done, self.skip = self.skip, 0  # a resumed run starts mid-epoch
        return parts[done:]

    def stop_now(self, t: int, lr: float, value: float) -> bool:
        self.stopped = self.stop_when is not None and bool(self.stop_when(t, lr, value))
        return self.stopped

    def end_epoch(self, epoch: int, net: nn.Module, t: int, value: float) -> bool:
        """Validate (the mean training loss of the epoch if there is no validation split), step the
        plateau policy, call the callback; True to stop (a non-finite validation loss, or a request)."""
        c = self.config
        val_loss, val_acc = (
            evaluate(net, self.Xv, self.yv, self.loss_fn, self.classify)
            if len(self.Xv)
            else (float(np.mean(self.losses[-RunPlan(len(self.X), c.batch_size, 1).steps_per_epoch :])), math.nan)
        )
        if not math.isfinite(val_loss):
            self.bad = (t, self.lrs[-1])
            return True
        self.val.append((val_loss, val_acc))
        if self.policy is not None:
            self.policy.step(val_loss)
        if self.bar is not None:
            self.bar.set_postfix(loss=f"{value:.4g}", val_loss=f"{val_loss:.4g}")
        stop = c.callback is not None and _stop_requested(
            c.callback(epoch + 1, net, dict(step=t, train_loss=value, val_loss=val_loss, val_acc=val_acc))
        )
        if self.shard is not None:
            stop = self.shard.mean(float(stop)) > 0  # one worker asks: all stop together
        return stop

    def history(self, net: nn.Module, t: int) -> History:
        c, done, bad = self.config, len(self.losses), self.bad
        used = (
            self.moms[c.start : t].copy()
            if self.moms is not None
            else np.full(t - c.start, self.fixed_mom if self.fixed_mom is not None else c.betas[0])
        )
        return History(
            steps=np.arange(c.start, c.start + done),
            lr=np.array(self.lrs),
            loss=np.array(self.losses),
            momentum=used,
            val_epochs=np.arange(1, len(self.val) + 1),
            val_loss=np.array([v[0] for v in self.val]),
            val_acc=np.array([v[1] for v in self.val]) if self.classify else np.zeros(0),
            diverged=bad is not None,
            diverged_step=None if bad is None else bad[0],
            diverged_lr=None if bad is None else bad[1],
            label=c.label,
            plan=self.plan,
            plateau_lrs=None if self.policy is None else list(self.policy.history),
            schedule=schedule_config(self.schedule),
            config=dict(
                trainer="train_torch",
                model=type(net).__name__,
                n_params=sum(p.numel() for p in net.parameters()),
                data=getattr(self.data, "name", None),
                schedule=describe(self.schedule),
                optimizer=describe(c.optimizer),
                epochs=c.epochs,
                batch_size=c.batch_size,
                steps_per_epoch=self.plan.steps_per_epoch,
                momentum=describe(c.momentum),
                nesterov=c.nesterov,
                weight_decay=c.weight_decay,
                betas=c.betas,
                clip_grad_norm=c.clip_grad_norm,
                clip_grad_value=c.clip_grad_value,
                loss=describe(c.loss),
                seed=c.seed,
                plateau=describe(c.plateau),
                max_loss=c.max_loss,
                plateau_lrs=None if self.policy is None else list(self.policy.history),
            ),
        )
