"""Stop a run mid-schedule and resume it exactly: model, optimizer and scheduler state in one file.

A long run is interrupted (a pre-empted job, a crash, a budget cut) or branched (a WSD
run decayed from a checkpoint of its stable phase). To continue it as if nothing had
happened, three states must come back: the weights, the optimizer's buffers
(momentum, Adam's moments and step counts) and the scheduler's step counter. With a
course_lib scheduler (:func:`course_lib.schedules.torch_bridge.as_torch_scheduler`) that counter
is all the scheduler holds: the schedule itself is code, rebuilt by the resuming
process. Everything saved is plain tensors and numbers, so the file loads with
``torch.load(..., weights_only=True)``, which cannot run code hidden in a pickle.

* :func:`save_checkpoint` / :func:`load_checkpoint` -- one file per checkpoint;
* :func:`epoch_batches` -- the batch order of an epoch, the same as
  :func:`course_lib.training.torch_loop.train_torch` uses, recomputed from (seed, epoch) so a
  resumed run sees the batches the uninterrupted one would have seen;
* :func:`train_steps` -- updates ``start .. stop - 1`` at a torch scheduler's rates, made by
  :func:`~course_lib.training.torch_loop.train_torch` (resumed at ``start``), the scheduler
  stepped once per update, returning a :class:`~course_lib.training.history.History`.

>>> import tempfile, torch
>>> from pathlib import Path
>>> from course_lib import problems as P, schedules as S
>>> from course_lib.training import models as M
>>> from course_lib.schedules.torch_bridge import as_torch_scheduler
>>> data, schedule = P.spirals_dataset(n_samples=200), S.cosine_decay(0.1, 40)
>>> def fresh():
...     net = M.mlp(2, data.n_classes, hidden=(16,), seed=0)
...     opt = torch.optim.SGD(net.parameters(), lr=schedule(0), momentum=0.9)
...     return net, opt, as_torch_scheduler(opt, schedule)
>>> whole = train_steps(*fresh(), data, 0, 40)
>>> net, opt, sched = fresh()
>>> first = train_steps(net, opt, sched, data, 0, 25)
>>> path = save_checkpoint(Path(tempfile.mkdtemp()) / "run.pt", net, opt, sched, step=25)
>>> net, opt, sched = fresh()                          # a new process: everything rebuilt
>>> load_checkpoint(path, net, opt, sched)
25
>>> rest = train_steps(net, opt, sched, data, 25, 40)
>>> bool((rest.loss == whole.loss[25:]).all() and (rest.lr == whole.lr[25:]).all())
True
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path
from typing import Any

import torch
from torch import nn

from course_lib.training.history import History
from course_lib.training.plan import steps_per_epoch
from course_lib.training.torch_loop import TrainConfig, train_torch
from course_lib.validation import check_flag, check_int

__all__ = ["save_checkpoint", "load_checkpoint", "epoch_batches", "train_steps", "CheckpointError", "NoCheckpoint"]

_KEYS = ("step", "model", "optimizer", "scheduler", "torch_rng")


class CheckpointError(ValueError):
    """The file is not a checkpoint that fits: corrupt, foreign, or written for another model."""


class NoCheckpoint(CheckpointError, FileNotFoundError):
    """No checkpoint file at the path (also a FileNotFoundError: ``except FileNotFoundError`` starts afresh)."""


def _check_path(path: Any) -> Path:
    if isinstance(path, (str, Path)) and str(path).strip():
        return Path(path)
    raise TypeError(f"path must be a file name (str or Path), got path={path!r} ({type(path).__name__})")


def _first_sentence(err: BaseException) -> str:
    text = str(err).strip().splitlines()[0] if str(err).strip() else repr(err)
    text = text.split(". ")[0]
    return text if len(text) <= 120 else text[:117] + "..."


def _read(path: Path) -> dict:
    """The checkpoint at ``path`` as its dict, checked: every key, the step, the state dicts."""
    expected = f"a checkpoint written by save_checkpoint (a torch file of {list(_KEYS)})"
    if not path.exists():
        raise NoCheckpoint(f"path must be {expected}; there is no file at path={str(path)!r}")
    if not path.is_file():
        raise CheckpointError(f"path must be {expected}; path={str(path)!r} is a folder, not a file")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch's notes on foreign pickles: the error below says it
            state = torch.load(path, weights_only=True)
    except Exception as err:  # corrupt, truncated, a pickle with code in it, not a torch file at all
        raise CheckpointError(
            f"path must be {expected}; torch could not read path={str(path)!r}, a corrupt or foreign file "
            f"({type(err).__name__}: {_first_sentence(err)})"
        ) from None
    if not isinstance(state, dict) or set(state) != set(_KEYS):
        found = sorted(map(str, state)) if isinstance(state, dict) else type(state).__name__
        raise CheckpointError(f"path must be {expected}; path={str(path)!r} holds {found}")
    step = state["step"]
    if isinstance(step, bool) or not isinstance(step, int) or step < 0:
        raise CheckpointError(f"path must be {expected}; path={str(path)!r} has step={step!r}, not a count >= 0")
    for key in ("model", "optimizer", "scheduler"):
        if not isinstance(state[key], dict):
            raise CheckpointError(
                f"path must be {expected}; in path={str(path)!r} {key!r} is a {type(state[key]).__name__}, not a dict"
            )
    if not isinstance(state["torch_rng"], torch.Tensor) or state["torch_rng"].dtype != torch.uint8:
        raise CheckpointError(f"path must be {expected}; in path={str(path)!r} 'torch_rng' is not torch's RNG state")
    return state


def _check_fits(path: Path, state: dict, model: nn.Module, optimizer: torch.optim.Optimizer) -> None:
    """The saved weights and optimizer groups have the shapes of ``model`` and ``optimizer`` (before
    anything is loaded: a refused checkpoint leaves the objects as they were)."""
    mine = model.state_dict()
    saved = state["model"]
    missing, unknown = sorted(set(mine) - set(saved)), sorted(set(saved) - set(mine))
    wrong = [
        f"{k}: saved {tuple(v.shape)}, model {tuple(mine[k].shape)}"
        for k, v in saved.items()
        if k in mine and (not isinstance(v, torch.Tensor) or v.shape != mine[k].shape)
    ]
    if missing or unknown or wrong:
        detail = "; ".join(
            part
            for part in (
                f"missing {missing[:3]}" if missing else "",
                f"unexpected {unknown[:3]}" if unknown else "",
                f"shapes differ ({', '.join(wrong[:3])})" if wrong else "",
            )
            if part
        )
        raise CheckpointError(
            f"path={str(path)!r} is a checkpoint of another model: {detail}. Build the model as at the start "
            f"of the run that saved it, then load"
        )
    groups = state["optimizer"].get("param_groups")
    if not isinstance(groups, list) or [len(g.get("params", ())) for g in groups] != [
        len(g["params"]) for g in optimizer.param_groups
    ]:
        raise CheckpointError(
            f"path={str(path)!r} holds the state of another optimizer (its parameter groups differ from "
            f"optimizer's): build the optimizer as at the start of the run that saved it, then load"
        )


def _check_parts(model: Any, optimizer: Any, scheduler: Any) -> None:
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch nn.Module, got model={model!r}")
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(f"optimizer must be a torch.optim.Optimizer, got optimizer={optimizer!r}")
    if not isinstance(scheduler, torch.optim.lr_scheduler.LRScheduler):
        raise TypeError(
            f"scheduler must be a torch LR scheduler (e.g. from as_torch_scheduler), got scheduler={scheduler!r}"
        )
    if scheduler.optimizer is not optimizer:
        raise ValueError(
            "scheduler must drive the given optimizer: build it with as_torch_scheduler(optimizer, schedule)"
        )


def save_checkpoint(
    path: str | Path,
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    scheduler: torch.optim.lr_scheduler.LRScheduler,
    *,
    step: int,
) -> Path:
    """Write model, optimizer and scheduler state (and torch's RNG state) to ``path``.

    Args:
        path: the file to write (parent folders are created).
        model, optimizer, scheduler: the run's objects; ``scheduler`` drives ``optimizer``.
        step: updates completed so far; must equal ``scheduler.last_epoch`` (one
            ``scheduler.step()`` per update), which catches a scheduler stepped per epoch.

    Returns:
        The path written.

    Raises:
        TypeError: an argument of the wrong kind.
        ValueError: step < 0, or step different from ``scheduler.last_epoch``.
    """
    _check_parts(model, optimizer, scheduler)
    step = check_int("step", step, minimum=0)
    if scheduler.last_epoch != step:
        raise ValueError(
            f"step must equal the scheduler's count of step() calls ({scheduler.last_epoch}), "
            f"got step={step}: call scheduler.step() once per optimizer update"
        )
    path = _check_path(path)
    if path.is_dir():
        raise ValueError(f"path must be a file to write, got path={str(path)!r}, a folder")
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(
        {
            "step": step,
            "model": model.state_dict(),
            "optimizer": optimizer.state_dict(),
            "scheduler": scheduler.state_dict(),
            "torch_rng": torch.get_rng_state(),
        },
        path,
    )
    return path


def load_checkpoint(
    path: str | Path,
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    scheduler: torch.optim.lr_scheduler.LRScheduler,
    *,
    restore_rng: bool = True,
) -> int:
    """Load a checkpoint written by :func:`save_checkpoint` into freshly built objects.

    Build the model, the optimizer and the scheduler as at the start of the run (the
    scheduler from the schedule you want to continue with: the same one to resume, or
    another that agrees with it up to the checkpoint to branch), then load. The file is
    read with ``torch.load(path, weights_only=True)``.

    Args:
        path: the checkpoint file.
        model, optimizer, scheduler: the objects to restore, in place.
        restore_rng: also restore torch's global RNG (dropout, random augmentation), so
            the resumed run draws what the uninterrupted one would have drawn.

    Returns:
        The number of updates completed at the checkpoint (the next update's step t).

    Raises:
        TypeError: an argument of the wrong kind.
        NoCheckpoint: no file at ``path`` (a :class:`CheckpointError` and a FileNotFoundError).
        CheckpointError: (a ValueError) the file is corrupt, not a checkpoint of this module, or
            one of another model or optimizer; nothing is loaded then.
    """
    _check_parts(model, optimizer, scheduler)
    restore_rng = check_flag("restore_rng", restore_rng)
    path = _check_path(path)
    state = _read(path)
    _check_fits(path, state, model, optimizer)
    try:
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        if restore_rng:
            torch.set_rng_state(state["torch_rng"])
    except (RuntimeError, ValueError, KeyError, IndexError, TypeError) as err:
        raise CheckpointError(
            f"path={str(path)!r} does not fit these objects (expected a checkpoint of the same model, "
            f"optimizer and scheduler): {type(err).__name__}: {_first_sentence(err)}"
        ) from None
    return state["step"]


def epoch_batches(n_examples: int, batch_size: int, seed: int, epoch: int) -> list[torch.Tensor]:
    """The example indices of each batch of ``epoch`` (0-based), as train_torch draws them.

    train_torch shuffles with ``torch.Generator().manual_seed(seed)``, one
    ``randperm`` per epoch; epoch e's order is the (e+1)-th permutation of that
    stream, so it can be recomputed at any time from (seed, epoch).

    >>> [b.tolist() for b in epoch_batches(5, 2, seed=0, epoch=0)]
    [[4, 0], [1, 3], [2]]
    """
    n_examples = check_int("n_examples", n_examples, minimum=1)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    seed = check_int("seed", seed, minimum=0)
    epoch = check_int("epoch", epoch, minimum=0)
    generator = torch.Generator().manual_seed(seed)
    for _ in range(epoch):
        torch.randperm(n_examples, generator=generator)
    return list(torch.randperm(n_examples, generator=generator).split(batch_size))


def train_steps(
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    scheduler: torch.optim.lr_scheduler.LRScheduler,
    data: Any,
    start: int,
    stop: int,
    *,
    batch_size: int = 64,
    seed: int = 0,
) -> History:
    """Updates start, start+1, ..., stop-1 of a classification run driven by a torch scheduler.

    Update t uses the rate the scheduler gives after t ``scheduler.step()`` calls, and the
    batch ``t mod steps_per_epoch`` of epoch ``t // steps_per_epoch`` (:func:`epoch_batches`),
    so a run split into pieces sees the same batches and rates as a run in one piece. The
    updates are :func:`~course_lib.training.torch_loop.train_torch`'s (``start=`` resumes it,
    a stop rule ends it at ``stop``), with the scheduler's rates as its schedule and torch's
    global random stream (which :func:`load_checkpoint` restores); afterwards the scheduler
    has been stepped once per update, as ``optimizer.step(); scheduler.step()`` would. One
    CPU thread (restored afterwards), a nan loss ends the run, as in train_torch.

    Args:
        model, optimizer, scheduler: the run's objects (one param group); ``scheduler.last_epoch``
            must equal ``start`` (a fresh scheduler for start = 0, a loaded one to resume).
        data: a Dataset with X_train, integer y_train, X_val and y_val.
        start: the first update's step (>= 0).
        stop: one past the last update's step (> start).
        batch_size: examples per update.
        seed: the batch-order seed.

    Returns:
        A History with steps start .. stop-1, the lr each update used and the batch loss
        before it (and the validation loss of each epoch completed).

    Raises:
        TypeError, ValueError: bad arguments, naming them.
    """
    _check_parts(model, optimizer, scheduler)
    start = check_int("start", start, minimum=0)
    stop = check_int("stop", stop, minimum=start + 1)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    seed = check_int("seed", seed, minimum=0)
    if scheduler.last_epoch != start:
        raise ValueError(
            f"start must equal the scheduler's step count ({scheduler.last_epoch}), got start={start}: "
            "load the checkpoint of that step first"
        )
    rates = _scheduler_rates(optimizer, scheduler, stop - start)
    config = TrainConfig(
        epochs=-(-stop // steps_per_epoch(len(data.X_train), batch_size)),
        batch_size=batch_size,
        optimizer=optimizer,
        seed=seed,
        max_loss=math.inf,
        stop_when=lambda t, lr, loss: t + 1 >= stop,
        start=start,
        global_rng=True,
        check_horizon=False,
    )
    model.train()
    history = train_torch(model, data, lambda t: rates[t - start] if start <= t < stop else 0.0, config)
    optimizer.param_groups[0]["lr"] = rates[0]
    for _ in range(history.n_steps):
        scheduler.step()  # its count of updates, for save_checkpoint
    history.config.update(trainer="checkpoint.train_steps", start=start, stop=stop)
    return history


def _scheduler_rates(
    optimizer: torch.optim.Optimizer, scheduler: torch.optim.lr_scheduler.LRScheduler, n: int
) -> list[float]:
    """The rates of the scheduler's next ``n`` updates, read by stepping it; then put back as it was."""
    saved = scheduler.state_dict()
    rates = []
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Detected call of `lr_scheduler.step\\(\\)` before")
        for _ in range(n):
            rates.append(float(optimizer.param_groups[0]["lr"]))
            scheduler.step()
    scheduler.load_state_dict(saved)
    optimizer.param_groups[0]["lr"] = rates[0]
    return rates
