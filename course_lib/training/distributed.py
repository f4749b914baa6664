"""Data-parallel training on the CPU: torch.distributed, DistributedDataParallel, gloo.

:func:`train_distributed` starts ``world_size`` local worker processes. Each one runs
:func:`course_lib.training.torch_loop.train_torch`'s loop on its shard of every epoch, with the same
schedule, and DistributedDataParallel (DDP) averages the gradients after each backward
pass, so all workers apply the same update. The main process collects the results as a
:class:`DistributedResult`: one History per worker, their learning rates step by step and
their final parameters.

The arithmetic, which is why the linear scaling rule talks about the *global* batch:

* ``batch_size`` is per worker; the global batch is ``world_size * batch_size``.
* Every epoch all workers draw the same shuffled order (the trainer's seed), and worker r
  takes ``order[r::world_size]`` (:func:`shard_indices`, as torch's DistributedSampler,
  which first pads the order by repeating its head until world_size divides it).
* Each worker's loss is the mean over its own batch; DDP averages the gradients over the
  workers. With equal batches that is the gradient of the mean over the global batch: the
  update is the one a single process makes with ``batch_size * world_size`` examples at
  the same rate. Doubling the workers doubles the batch, not the rate.
  :func:`train_simulated` does that single-process run (exactly the same batches when
  world_size divides the number of training examples).

Processes are started with ``torch.multiprocessing.start_processes``. The default start
method, "forkserver", forks each worker from a clean server process that has imported torch,
``torch._dynamo`` (which DDP's constructor imports: about 5 s on its own) and course_lib once;
the server lives as long as your kernel, so the first launch costs a few seconds
(``DistributedResult.startup_seconds``) and later ones well under one; :func:`start_fork_server`
starts it early, in the background. "spawn" (a fresh Python
per worker, importing everything again, at every launch) is as safe but pays that cost every
time, in every worker. "fork" copies the notebook's own process: fast, but unsafe once torch has
started its OpenMP threads there. Either way, run many trainings in one launch with
:func:`train_distributed_many`.

Everything sent to a worker is pickled: ``model_fn`` (and a ``callback``) must be importable
by name -- a top-level function of a module, or a ``functools.partial`` of one, such as
:func:`mlp_factory`. A lambda, or a function defined in a notebook, cannot be sent.

A worker that raises makes the launcher stop the others and raise :class:`WorkerError`
naming the rank and the error. No collective waits forever: the process group has a timeout,
and the whole launch is stopped after ``timeout`` seconds.

>>> import torch
>>> shard_indices(torch.arange(10), rank=1, world_size=4).tolist()  # padded to 12 with 0, 1
[1, 5, 9]
>>> mlp_factory(64, 10, hidden=(32,))  # doctest: +ELLIPSIS
functools.partial(<function mlp at ...>, 64, 10, hidden=(32,), activation='relu', seed=None)
"""

from __future__ import annotations

import datetime
import functools
import os
import pickle
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import torch
from torch import nn

from course_lib.training import models as M
from course_lib.training.history import History
from course_lib.training.launch import (
    FORKSERVER_PRELOAD,
    START_METHODS,
    LaunchTimeout,
    WorkerError,
    check_picklable,
    first_error,
    free_port,
    last_line,
    launch_plan,
    start_fork_server,
    stop_processes,
)
from course_lib.training.plan import rates
from course_lib.training.torch_loop import as_config, check_data, train_torch
from course_lib.validation import check_int, check_positive

__all__ = [
    "shard_indices",
    "mlp_factory",
    "WorkerError",
    "LaunchTimeout",
    "start_fork_server",
    "launch_plan",
    "DistributedResult",
    "train_distributed",
    "train_distributed_many",
    "train_simulated",
    "START_METHODS",
    "FORKSERVER_PRELOAD",
]

_NOT_ALLOWED = ("progress",)  # worker output does not reach the notebook


# ---------------------------------------------------------------------------
# Sharding and the model factory (pure, no processes)
# ---------------------------------------------------------------------------


def shard_indices(order: torch.Tensor | Sequence[int] | np.ndarray, rank: int, world_size: int) -> torch.Tensor:
    """Worker ``rank``'s share of an epoch's order: pad, then take every world_size-th index.

    As torch's ``DistributedSampler(drop_last=False)``: the order is padded by repeating its
    first indices until its length is a multiple of world_size, then worker r takes
    ``order[r::world_size]``. Every worker gets ceil(n / world_size) indices (equal shares, so
    all workers make the same number of updates), and the batches of the workers at one step,
    put together, are one contiguous batch of the order: the batch a single process would use
    with world_size times the per-worker batch size.

    Args:
        order: the epoch's order of example indices (1-D tensor, array or list of ints).
        rank: this worker, 0 <= rank < world_size.
        world_size: the number of workers (>= 1).

    Returns:
        A 1-D tensor of ceil(len(order) / world_size) indices.

    Raises:
        ValueError, TypeError: a bad rank or world_size, or an empty or non-1-D order.
    """
    world_size = check_int("world_size", world_size, minimum=1)
    rank = check_int("rank", rank, minimum=0)
    if rank >= world_size:
        raise ValueError(f"rank must be < world_size={world_size}, got rank={rank}")
    given = order
    try:
        order = torch.as_tensor(order)
    except (TypeError, ValueError, RuntimeError):
        order = None
    if order is None or order.ndim != 1 or order.numel() == 0 or order.is_floating_point():
        raise ValueError(f"order must be a non-empty 1-D sequence of integer indices, got order={given!r}")
    n = order.numel()
    total = -(-n // world_size) * world_size
    if total > n:
        order = torch.cat([order, order.repeat(-(-total // n))[: total - n]])
    return order[rank:total:world_size]


def mlp_factory(
    n_in: int, n_out: int, hidden: Sequence[int] = (64,), activation: str = "relu", seed: int | None = None
) -> functools.partial:
    """A picklable builder of :func:`course_lib.training.models.mlp`, to send to worker processes.

    ``seed=None`` (the default) lets the trainer's seed set the initial weights (the same
    on every worker, since they share the seed); an int fixes them whatever the run's seed.

    Raises:
        ValueError, TypeError: a bad argument of mlp (checked now, by building one model).
    """
    M.mlp(n_in, n_out, hidden=hidden, activation=activation, seed=0)  # check the arguments here
    return functools.partial(M.mlp, n_in, n_out, hidden=tuple(hidden), activation=activation, seed=seed)


# ---------------------------------------------------------------------------
# Results and errors
# ---------------------------------------------------------------------------


@dataclass(eq=False)
class DistributedResult:
    """One data-parallel training run, as seen by each worker.

    Attributes:
        histories: one History per rank (the loss is averaged over the workers, so it is the
            global batch's loss; validation runs on the full validation set on every rank).
        params: final parameters per rank, dicts name -> array (the model's state_dict).
        world_size: number of workers.
        train_seconds: wall time of this run inside the workers (rank 0).
        startup_seconds: time from the launch to the last worker being ready (shared by the
            runs of one launch).
    """

    histories: tuple[History, ...]
    params: tuple[dict[str, np.ndarray], ...]
    world_size: int
    train_seconds: float = float("nan")
    startup_seconds: float = float("nan")
    config: dict[str, Any] = field(default_factory=dict)

    @property
    def history(self) -> History:
        """Rank 0's History (with the validation metrics)."""
        return self.histories[0]

    @property
    def lrs(self) -> np.ndarray:
        """Learning rate per rank and step, shape (world_size, n_steps)."""
        return np.stack([np.asarray(h.lr, dtype=np.float64) for h in self.histories])

    @property
    def rates_identical(self) -> bool:
        """True if every worker used exactly the same rate at every step."""
        lrs = self.lrs
        return bool(np.array_equal(lrs, np.broadcast_to(lrs[0], lrs.shape)))

    @property
    def max_param_difference(self) -> float:
        """Largest |difference| between any worker's final parameters and rank 0's (0 when in sync)."""
        first = self.params[0]
        return max(
            (float(np.max(np.abs(p[name] - first[name]), initial=0.0)) for p in self.params[1:] for name in first),
            default=0.0,
        )

    def load_into(self, net: nn.Module, rank: int = 0) -> nn.Module:
        """Copy worker ``rank``'s final parameters into ``net`` (same architecture); returns ``net``.

        Raises:
            ValueError: rank out of range. RuntimeError (from torch): a different architecture.
        """
        rank = check_int("rank", rank, minimum=0)
        if rank >= self.world_size:
            raise ValueError(f"rank must be < world_size={self.world_size}, got rank={rank}")
        net.load_state_dict({name: torch.as_tensor(value) for name, value in self.params[rank].items()})
        return net

    def summary(self) -> str:
        """One line: workers, batches, rank 0's summary, synchronisation."""
        h = self.history
        batch = None if h.plan is None else h.plan.batch_size
        return (
            f"{h.label or 'run'}: {self.world_size} workers x batch {batch} = "
            f"{None if batch is None else self.world_size * batch}; {h.summary().split(': ', 1)[-1]}; rates identical: "
            f"{self.rates_identical}; max parameter difference {self.max_param_difference:.3g}"
        )


# ---------------------------------------------------------------------------
# The worker (runs in the child processes)
# ---------------------------------------------------------------------------


class _Shard:
    """A :class:`~course_lib.training.torch_loop.Shard`: what train_torch needs to be one worker of a DDP run."""

    def __init__(self, rank: int, world_size: int) -> None:
        self.rank, self.world_size = rank, world_size

    def indices(self, order: torch.Tensor) -> torch.Tensor:
        return shard_indices(order, self.rank, self.world_size)

    def wrap(self, net: nn.Module) -> nn.Module:
        from torch.nn.parallel import DistributedDataParallel

        return DistributedDataParallel(net)

    def mean(self, value: float) -> float:
        import torch.distributed as dist

        buffer = torch.tensor([float(value)], dtype=torch.float64)
        dist.all_reduce(buffer)  # sum over the workers
        return float(buffer.item()) / self.world_size


def _worker(
    rank: int,
    world_size: int,
    env: dict[str, str],
    model_fn: Any,
    data: Any,
    runs: list[dict[str, Any]],
    out_dir: str,
    pg_timeout: float,
) -> None:
    """One worker: join the group, run every run on this rank's shard, save the results to out_dir."""
    import torch.distributed as dist

    out = Path(out_dir)
    failed = False
    try:
        os.environ.update(env)  # launch_plan's: where the peers meet, and USE_LIBUV=0 on Windows
        dist.init_process_group(
            "gloo", rank=rank, world_size=world_size, timeout=datetime.timedelta(seconds=pg_timeout)
        )
        ready = time.time()
        shard, results = _Shard(rank, world_size), []
        for kwargs in runs:
            built: list[nn.Module] = []

            def build() -> nn.Module:
                net = model_fn() if not isinstance(model_fn, nn.Module) else model_fn
                built.append(net)
                return net

            start = time.perf_counter()
            history = train_torch(build, data, kwargs["schedule"], kwargs["config"], shard=shard)
            seconds = time.perf_counter() - start
            history.config.update(
                trainer="train_distributed",
                world_size=world_size,
                rank=rank,
                global_batch_size=world_size * kwargs["config"].batch_size,
            )
            params = {k: v.detach().cpu().numpy().copy() for k, v in built[-1].state_dict().items()} if built else {}
            results.append((history, params, seconds))
        with open(out / f"rank{rank}.tmp", "wb") as fh:
            pickle.dump(dict(ready=ready, results=results), fh)
        os.replace(out / f"rank{rank}.tmp", out / f"rank{rank}.pkl")
    except BaseException:
        failed = True
        with open(out / f"error{rank}.pkl", "wb") as fh:
            pickle.dump(dict(time=time.time(), traceback=traceback.format_exc()), fh)
        raise
    finally:
        # A failed rank leaves at once: tearing the group down can wait on the other ranks, which may
        # be blocked in a collective with it; the launcher sees the failure and stops them.
        if dist.is_initialized() and not failed:
            dist.destroy_process_group()


# ---------------------------------------------------------------------------
# The launcher (main process)
# ---------------------------------------------------------------------------


def _bind_run(model_fn: Any, data: Any, run: Mapping[str, Any], i: int) -> dict[str, Any]:
    """Every train_torch argument of one run (defaults filled in), checked here in the main process."""
    if not isinstance(run, Mapping) or "schedule" not in run:
        raise TypeError(f"runs[{i}] must be a dict of train_torch arguments with a 'schedule', got {run!r}")
    for name in _NOT_ALLOWED:
        if run.get(name):
            raise ValueError(
                f"{name}={run[name]!r} is not available in train_distributed "
                f"(the workers' output does not reach the notebook)"
            )
    options = {k: v for k, v in run.items() if k != "schedule"}
    try:
        config = as_config(None, {**options, "progress": False})
    except TypeError as err:
        raise TypeError(f"runs[{i}]: {err} (the fields of training.TrainConfig are allowed)") from None
    check_data(data, config)
    rates(run["schedule"], 1, config.plateau)
    return {"schedule": run["schedule"], "config": config}


def train_distributed_many(
    model_fn: Callable[[], nn.Module] | nn.Module,
    data: Any,
    runs: Sequence[Mapping[str, Any]],
    *,
    world_size: int = 2,
    timeout: float = 300.0,
    start_method: str = "forkserver",
    **common: Any,
) -> list[DistributedResult]:
    """Several data-parallel trainings in one launch of ``world_size`` workers (one start-up cost).

    The runs execute one after the other inside the same worker processes; each builds a fresh
    model with ``model_fn`` under its own seed.

    Args:
        model_fn: a picklable function with no arguments returning the model (a top-level
            function or a ``functools.partial``, e.g. :func:`mlp_factory`), or an ``nn.Module``
            (each worker trains its own copy; every run then continues from the weights as
            pickled, i.e. the same start for every run).
        data: a Dataset (sent to every worker; each trains on its shard of the training set and
            validates on the full validation set).
        runs: one dict per run of :func:`course_lib.training.torch_loop.train_torch` keyword arguments,
            with at least ``schedule``; they override ``common``. ``batch_size`` is per worker.
        world_size: number of worker processes (>= 1).
        timeout: seconds for the whole launch (> 0); also the process group's timeout, so no
            collective waits longer. On expiry the workers are stopped and LaunchTimeout is raised.
        start_method: "forkserver" (default: fast after the first launch, safe from a notebook;
            falls back to "spawn" where the platform has no fork server), "spawn" or "fork".
        **common: train_torch arguments shared by all runs (``epochs``, ``batch_size``,
            ``momentum``, ``seed``, ``label``...); ``progress`` is not available.

    Returns:
        One :class:`DistributedResult` per run, in order.

    Raises:
        WorkerError: a worker raised (or died); the others were stopped.
        LaunchTimeout: (a TimeoutError) the launch took longer than ``timeout``; workers stopped.
        ValueError, TypeError: a bad argument (checked before any process starts), or a
            ``model_fn``/``callback`` that cannot be pickled.
    """
    import torch.multiprocessing as mp
    from torch.multiprocessing import ProcessExitedException, ProcessRaisedException

    world_size = check_int("world_size", world_size, minimum=1)
    timeout = check_positive("timeout", timeout)
    start_method, worker_env = launch_plan(start_method, free_port())
    if start_method == "forkserver":
        start_fork_server()
    if isinstance(runs, Mapping) or not isinstance(runs, Sequence) or len(runs) == 0:
        raise TypeError(f"runs must be a non-empty list of dicts of train_torch arguments, got runs={runs!r}")
    if not (isinstance(model_fn, nn.Module) or callable(model_fn)):
        raise TypeError(f"model_fn must be a function returning an nn.Module, or an nn.Module, got {model_fn!r}")
    jobs = [_bind_run(model_fn, data, {**common, **run}, i) for i, run in enumerate(runs)]
    check_picklable("model_fn", model_fn)
    for job in jobs:
        check_picklable("callback", job["config"].callback)
        check_picklable("schedule", job["schedule"])

    with tempfile.TemporaryDirectory(prefix="course_lib_ddp_") as out_dir:
        out = Path(out_dir)
        launched = time.time()
        context = mp.start_processes(
            _worker,
            args=(world_size, worker_env, model_fn, data, jobs, out_dir, timeout),
            nprocs=world_size,
            join=False,
            start_method=start_method,
        )
        deadline = time.monotonic() + timeout
        try:
            while not context.join(timeout=0.1, grace_period=1.0):
                if time.monotonic() > deadline:
                    raise LaunchTimeout(
                        f"the {world_size} workers did not finish within timeout={timeout:g} s; they were stopped",
                        pids=context.pids(),
                    )
        except (ProcessRaisedException, ProcessExitedException) as err:
            stop_processes(context.processes)
            first = first_error(out, world_size)
            if first is None:  # killed before it could report (a signal, out of memory)
                raise WorkerError(err.error_index, str(err).strip(), pids=context.pids()) from None
            rank, text = first
            raise WorkerError(rank, last_line(text), text, pids=context.pids()) from None
        finally:
            stop_processes(context.processes)
        reports = []
        for rank in range(world_size):
            path = out / f"rank{rank}.pkl"
            if not path.exists():
                raise WorkerError(rank, "the worker exited without saving its results", pids=context.pids())
            with open(path, "rb") as fh:
                reports.append(pickle.load(fh))
    startup = max(r["ready"] for r in reports) - launched
    results = []
    for i in range(len(jobs)):
        per_rank = [r["results"][i] for r in reports]
        results.append(
            DistributedResult(
                histories=tuple(h for h, _, _ in per_rank),
                params=tuple(p for _, p, _ in per_rank),
                world_size=world_size,
                train_seconds=float(per_rank[0][2]),
                startup_seconds=float(startup),
                config=dict(start_method=start_method, timeout=timeout, pids=context.pids()),
            )
        )
    return results


def train_distributed(
    model_fn: Callable[[], nn.Module] | nn.Module,
    data: Any,
    schedule: Any,
    *,
    world_size: int = 2,
    epochs: int,
    batch_size: int = 64,
    timeout: float = 300.0,
    start_method: str = "forkserver",
    **train_kwargs: Any,
) -> DistributedResult:
    """Train with DistributedDataParallel on ``world_size`` local CPU processes (gloo).

    Every worker follows the same per-step ``schedule`` (rate schedule(t) at update t, as in
    :func:`course_lib.training.torch_loop.train_torch`) on its shard of each epoch (:func:`shard_indices`);
    DDP averages the gradients, so the run is single-process training with batch
    ``world_size * batch_size`` at the same rate (see :func:`train_simulated`).

    >>> r = train_distributed(mlp_factory(64, 10), data, 0.05, epochs=5, batch_size=32)  # doctest: +SKIP
    >>> r.rates_identical, r.max_param_difference, r.history.final_val_acc  # doctest: +SKIP
    (True, 0.0, 0.93)

    Args:
        model_fn: a picklable model builder (see :func:`mlp_factory`), or an nn.Module.
        data: a Dataset.
        schedule: a course_lib schedule or a number (constant rate); must be picklable.
        world_size: number of worker processes (>= 1).
        epochs: passes over the training set.
        batch_size: examples per worker per update (the global batch is world_size times this).
        timeout: seconds for the whole launch; also the process group's timeout.
        start_method: "forkserver" (default), "spawn" or "fork".
        **train_kwargs: other train_torch arguments (optimizer, momentum, seed, label, callback...).

    Returns:
        A :class:`DistributedResult`.

    Raises:
        WorkerError, LaunchTimeout, ValueError, TypeError: see :func:`train_distributed_many`.
    """
    return train_distributed_many(
        model_fn,
        data,
        [dict(schedule=schedule, epochs=epochs, batch_size=batch_size, **train_kwargs)],
        world_size=world_size,
        timeout=timeout,
        start_method=start_method,
    )[0]


def train_simulated(
    model: Callable[[], nn.Module] | nn.Module,
    data: Any,
    schedule: Any,
    *,
    world_size: int,
    batch_size: int = 64,
    **train_kwargs: Any,
) -> History:
    """The single-process run that does the same math as ``world_size`` DDP workers of batch ``batch_size``.

    It is ``train_torch(..., batch_size=world_size * batch_size)``: DDP averages the workers'
    gradients of their batch means, which is the gradient of the mean over the global batch.
    When world_size divides the number of training examples the batches are exactly those of
    :func:`train_distributed` with the same seed (otherwise DDP's padding repeats a few
    examples), so the results agree to float rounding. Fast: use it to explore large batches.

    Raises:
        ValueError, TypeError: a bad argument.
    """
    world_size = check_int("world_size", world_size, minimum=1)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    history = train_torch(model, data, schedule, batch_size=world_size * batch_size, **train_kwargs)
    history.config.update(simulated_world_size=world_size, per_worker_batch_size=batch_size)
    return history
