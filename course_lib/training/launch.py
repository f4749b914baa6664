"""Launching local worker processes and reporting their failures: the plumbing of :mod:`distributed`.

The start methods and what the fork server imports once (:data:`START_METHODS`,
:data:`FORKSERVER_PRELOAD`, :func:`start_fork_server`), the platform's launch plan
(:func:`launch_plan`: start method and the variables every worker sets), stopping workers, and the
two errors a launch raises (:class:`WorkerError`, :class:`LaunchTimeout`). No torch here: the
launcher's choices are tested on any platform by faking it.

>>> launch_plan("forkserver", 29500)[1]["MASTER_ADDR"]
'127.0.0.1'
"""

from __future__ import annotations

import os
import pickle
import socket
import sys
import time
from pathlib import Path
from typing import Any, Sequence

__all__ = [
    "START_METHODS",
    "FORKSERVER_PRELOAD",
    "WorkerError",
    "LaunchTimeout",
    "start_fork_server",
    "launch_plan",
]

#: Start methods accepted by the launcher ("forkserver", the default, and "spawn" are the safe ones).
START_METHODS = ("forkserver", "spawn", "fork")

#: What the fork server imports once, before forking workers (the slow imports of a worker).
FORKSERVER_PRELOAD = (
    "torch",
    "torch._dynamo",
    "torch.distributed",
    "torch.nn.parallel",
    "course_lib.training.distributed",
)


class WorkerError(RuntimeError):
    """A worker process failed; the launcher stopped the others.

    Attributes:
        rank: the worker whose error came first (the cause; the others usually fail after it
            with a broken connection).
        error: the last line of its traceback, e.g. ``"ValueError: ..."``.
        remote_traceback: the worker's whole traceback (also attached as a note).
        pids: the process ids of all the workers (all stopped by then).
    """

    def __init__(self, rank: int, error: str, remote_traceback: str = "", pids: Sequence[int] = ()) -> None:
        super().__init__(f"worker rank {rank} failed: {error}")
        self.rank, self.error, self.remote_traceback, self.pids = rank, error, remote_traceback, tuple(pids)
        if remote_traceback:
            self.add_note(f"Traceback in worker rank {rank}:\n{remote_traceback.rstrip()}")


class LaunchTimeout(TimeoutError):
    """The workers did not finish within the launch's ``timeout``; they were stopped.

    Attributes:
        pids: the process ids of the workers (all stopped by then).
    """

    def __init__(self, message: str, pids: Sequence[int] = ()) -> None:
        super().__init__(message)
        self.pids = tuple(pids)


def start_fork_server() -> bool:
    """Start the fork server now, in the background, so that the first launch finds torch imported.

    Returns at once: the server imports :data:`FORKSERVER_PRELOAD` (several seconds) while you
    do other work, e.g. in the import cell of a notebook. Calling it again does nothing; the
    launcher calls it too. Only the "forkserver" start method uses the server.

    Returns:
        True if a fork server is running (or starting), False on a platform without one.
    """
    import multiprocessing
    from multiprocessing import forkserver

    if "forkserver" not in multiprocessing.get_all_start_methods():
        return False
    multiprocessing.get_context("forkserver").set_forkserver_preload(list(FORKSERVER_PRELOAD))
    forkserver.ensure_running()
    return True


def launch_plan(start_method: str, port: int) -> tuple[str, dict[str, str]]:
    """The launcher's choices on this platform: ``(start method, variables every worker sets)``.

    A start method the platform lacks falls back to "spawn" (Windows has only "spawn"). The workers
    meet at 127.0.0.1:``port``; on Windows they also set ``USE_LIBUV=0``: PyTorch's Windows builds
    lack libuv, the TCPStore's default transport, and rendezvous fails without it
    (pytorch/pytorch#139990).
    """
    import multiprocessing

    if start_method not in START_METHODS:
        raise ValueError(f"start_method must be one of {START_METHODS}, got start_method={start_method!r}")
    if start_method not in multiprocessing.get_all_start_methods():
        start_method = "spawn"
    env = {"MASTER_ADDR": "127.0.0.1", "MASTER_PORT": str(int(port))}
    if sys.platform == "win32" or os.name == "nt":
        env["USE_LIBUV"] = "0"
    return start_method, env


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def check_picklable(name: str, value: Any) -> None:
    try:
        pickle.dumps(value)
    except Exception as err:  # PicklingError, AttributeError (local objects), TypeError
        raise TypeError(
            f"{name} must be picklable to reach the worker processes: use a "
            f"top-level function of a module or a functools.partial of one, e.g. "
            f"course_lib.training.distributed.mlp_factory(64, 10) -- not a lambda or a function defined in a "
            f"notebook; got {name}={value!r} ({type(err).__name__}: {err})"
        ) from None


def stop_processes(processes: Sequence[Any], wait: float = 5.0) -> None:
    """Terminate the processes that are still alive, join them, kill those that do not go."""
    for p in processes:
        if p.is_alive():
            p.terminate()
    end = time.monotonic() + wait
    for p in processes:
        p.join(max(0.0, end - time.monotonic()))
    for p in processes:
        if p.is_alive():
            p.kill()
            p.join(wait)


def first_error(out: Path, world_size: int) -> tuple[int, str] | None:
    """(rank, traceback) of the error reported first by a worker, or None."""
    errors = []
    for rank in range(world_size):
        path = out / f"error{rank}.pkl"
        try:
            with open(path, "rb") as fh:
                report = pickle.load(fh)
        except (OSError, EOFError, pickle.UnpicklingError):
            continue
        errors.append((report["time"], rank, report["traceback"]))
    if not errors:
        return None
    _, rank, text = min(errors)
    return rank, text


def last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else "unknown error"
