"""Tests for course_lib.training.distributed: sharding, DDP on 2 CPU processes (gloo), failures, timeouts.

The launches share one fork server (started by the first one, a few seconds); later launches
take about a second each.
"""

from __future__ import annotations

import doctest
import functools
import inspect
import math
import os
import pickle
import time

import numpy as np
import pytest
import torch
import torch.distributed as dist

from course_lib import problems as P
from course_lib import schedules as S
from course_lib import training as T
from course_lib.training import distributed as D
from course_lib.training import models as M


def test_doctests():
    assert doctest.testmod(D, optionflags=doctest.ELLIPSIS).failed == 0


# ---------------------------------------------------------------------------
# Pure parts
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("n, world_size", [(10, 2), (10, 3), (7, 4), (1, 2), (12, 1)])
def test_shard_indices_match_distributed_sampler(n, world_size):
    from torch.utils.data import DistributedSampler

    order = torch.randperm(n, generator=torch.Generator().manual_seed(1))
    for rank in range(world_size):
        sampler = DistributedSampler(range(n), num_replicas=world_size, rank=rank, shuffle=False)
        expected = order[list(sampler)]
        assert torch.equal(D.shard_indices(order, rank, world_size), expected)


def test_shards_cover_the_epoch_and_rebuild_the_global_batches():
    order = torch.randperm(1348, generator=torch.Generator().manual_seed(0))
    shards = [D.shard_indices(order, r, 2).split(64) for r in range(2)]
    assert len(shards[0]) == len(shards[1]) == 11
    for step, global_batch in enumerate(order.split(128)):  # what one process with batch 128 uses
        together = torch.cat([shards[0][step], shards[1][step]])
        assert sorted(together.tolist()) == sorted(global_batch.tolist())


@pytest.mark.parametrize(
    "kwargs, word",
    [
        (dict(rank=2, world_size=2), "rank"),
        (dict(rank=0, world_size=0), "world_size"),
        (dict(rank=-1, world_size=2), "rank"),
    ],
)
def test_shard_indices_rejects_bad_arguments(kwargs, word):
    with pytest.raises(ValueError, match=word):
        D.shard_indices(torch.arange(4), **kwargs)


def test_mlp_factory_pickles_and_builds_the_mlp():
    build = pickle.loads(pickle.dumps(D.mlp_factory(64, 10, hidden=(8,), seed=3)))
    a, b = build(), M.mlp(64, 10, hidden=(8,), seed=3)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    with pytest.raises(ValueError, match="activation"):
        D.mlp_factory(64, 10, activation="nope")


def test_scaled_schedule_is_goyal_warmup_then_cosine():
    s = S.scaled_schedule(0.1, 8, total_steps=100, warmup_steps=20)
    t = np.arange(101)
    assert s(0) == pytest.approx(0.1) and s(20) == pytest.approx(0.8) and s(100) == pytest.approx(0.0)
    assert np.all(np.diff(s(t[:21])) > 0) and np.all(np.diff(s(t[20:])) <= 1e-12)
    assert S.scaled_schedule(0.1, 1, 50) == S.cosine_decay(0.1, 50)
    with pytest.raises(ValueError, match="warmup_steps"):
        S.scaled_schedule(0.1, 2, 10, warmup_steps=10)
    with pytest.raises(ValueError, match="k"):
        S.scaled_schedule(0.1, 0, 10)


@pytest.mark.integration  # starts the fork server (a process that imports torch.distributed): course.py test
def test_start_fork_server_is_idempotent():
    assert D.start_fork_server() is True
    assert D.start_fork_server() is True


def test_a_worker_runs_train_torch_itself_with_a_shard():
    assert list(inspect.signature(T.train_torch).parameters) == [
        "model",
        "data",
        "schedule",
        "config",
        "shard",
        "options",
    ]


@pytest.fixture(scope="module")
def digits():
    return P.load_digits(standardize=False)


@pytest.mark.parametrize(
    "kwargs, error, word",
    [
        (dict(model_fn=lambda: M.mlp(64, 10)), TypeError, "picklable"),
        (dict(batch_size=0), ValueError, "batch_size"),
        (dict(world_size=0), ValueError, "world_size"),
        (dict(timeout=0), ValueError, "timeout"),
        (dict(progress=True), ValueError, "progress"),
        (dict(bogus=1), TypeError, "bogus"),
        (dict(start_method="thread"), ValueError, "start_method"),
    ],
)
def test_bad_arguments_fail_before_any_process_starts(digits, kwargs, error, word):
    args = dict(model_fn=D.mlp_factory(64, 10), epochs=1, batch_size=32) | kwargs
    model_fn = args.pop("model_fn")
    with pytest.raises(error, match=word):
        D.train_distributed(model_fn, digits, 0.01, **args)


# ---------------------------------------------------------------------------
# The launcher's choices per platform (faked: no process starts)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "platform, os_name, methods, asked, start, libuv",
    [
        ("win32", "nt", ["spawn"], "forkserver", "spawn", "0"),  # Windows: spawn only, no libuv
        ("win32", "nt", ["spawn"], "spawn", "spawn", "0"),
        ("darwin", "posix", ["spawn", "fork", "forkserver"], "forkserver", "forkserver", None),
        ("linux", "posix", ["fork", "spawn", "forkserver"], "fork", "fork", None),
        ("linux", "posix", ["fork", "spawn", "forkserver"], "forkserver", "forkserver", None),
    ],
)
def test_launch_plan_fits_the_platform(monkeypatch, platform, os_name, methods, asked, start, libuv):
    """pytorch/pytorch#139990: Windows builds lack libuv, so the workers' TCPStore needs USE_LIBUV=0."""
    import multiprocessing
    import sys

    monkeypatch.setattr(sys, "platform", platform)
    monkeypatch.setattr(os, "name", os_name)
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: list(methods))
    method, env = D.launch_plan(asked, 29500)
    assert method == start
    assert env["MASTER_ADDR"] == "127.0.0.1" and env["MASTER_PORT"] == "29500"
    assert env.get("USE_LIBUV") == libuv


def test_launch_plan_names_a_bad_start_method():
    with pytest.raises(ValueError, match="start_method.*'thread'"):
        D.launch_plan("thread", 29500)


def test_workers_set_the_plans_variables(monkeypatch, tmp_path):
    """The worker applies the launcher's variables before joining the group (here: it fails to join)."""
    monkeypatch.setattr(dist, "init_process_group", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("no group")))
    for name, value in {"USE_LIBUV": "1", "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": "2"}.items():
        monkeypatch.setenv(name, value)  # restored after the test
    with pytest.raises(RuntimeError, match="no group"):
        D._worker(
            0, 1, {"MASTER_ADDR": "127.0.0.1", "MASTER_PORT": "1", "USE_LIBUV": "0"}, None, None, [], str(tmp_path), 1.0
        )
    assert os.environ["USE_LIBUV"] == "0" and os.environ["MASTER_PORT"] == "1"
    assert (tmp_path / "error0.pkl").exists()


# ---------------------------------------------------------------------------
# Two workers
# ---------------------------------------------------------------------------

EPOCHS, PER_WORKER = 3, 64
SCHEDULE = S.scaled_schedule(0.02, 4, total_steps=EPOCHS * 11, warmup_steps=11)


def stop_when_rank1_asks(epoch, model, metrics):
    """Only rank 1 asks to stop (after epoch 2): both workers must stop together, not hang."""
    return epoch >= 2 and dist.get_rank() == 1


def fail_on_rank1(epoch, model, metrics):
    if dist.get_rank() == 1:
        raise RuntimeError("boom on rank 1")


def model_failing_on_rank1():
    if dist.get_rank() == 1:
        raise ValueError("cannot build the model on rank 1")
    return M.mlp(64, 10, hidden=(16,), seed=None)


def sleep_on_rank1(epoch, model, metrics):
    if dist.get_rank() == 1:
        time.sleep(120)


#: The tests that start two worker processes (torch.distributed over gloo, about 20 s of CPU in all):
#: course.py test (CI) runs them, course.py unit leaves them out.
LAUNCHES = pytest.mark.integration


@pytest.fixture(scope="module")
def launch(digits):
    """One launch, two runs: (0) the full run, (1) a run that rank 1 alone asks to stop."""
    start = time.perf_counter()
    results = D.train_distributed_many(
        functools.partial(M.mlp, 64, 10, hidden=(32,), seed=0),
        digits,
        [dict(schedule=SCHEDULE, label="ddp"), dict(schedule=SCHEDULE, callback=stop_when_rank1_asks)],
        world_size=2,
        epochs=EPOCHS,
        batch_size=PER_WORKER,
        seed=5,
        timeout=120,
    )
    return results, time.perf_counter() - start


@LAUNCHES
def test_both_ranks_use_identical_rates_and_end_with_identical_parameters(launch):
    (result, _), _ = launch
    assert result.world_size == 2 and len(result.histories) == 2
    assert result.lrs.shape == (2, EPOCHS * 11)
    assert result.rates_identical
    assert np.array_equal(result.lrs[0], SCHEDULE(np.arange(EPOCHS * 11)))
    assert result.max_param_difference == 0.0
    h0, h1 = result.histories
    assert np.array_equal(h0.loss, h1.loss), "the loss is averaged over the workers"
    assert h0.config["rank"] == 0 and h1.config["rank"] == 1
    assert h0.config["global_batch_size"] == 2 * PER_WORKER and h0.config["steps_per_epoch"] == 11
    assert len(h0.val_loss) == EPOCHS and math.isfinite(h0.final_val_acc)
    assert result.startup_seconds > 0 and result.train_seconds > 0


@LAUNCHES
def test_two_workers_of_batch_b_match_one_process_of_batch_2b(launch, digits):
    (result, _), _ = launch
    net = M.mlp(64, 10, hidden=(32,), seed=0)
    single = D.train_simulated(net, digits, SCHEDULE, world_size=2, batch_size=PER_WORKER, epochs=EPOCHS, seed=5)
    assert single.config["batch_size"] == 2 * PER_WORKER
    np.testing.assert_array_equal(single.lr, result.history.lr)
    np.testing.assert_allclose(single.loss, result.history.loss, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(single.val_loss, result.history.val_loss, rtol=1e-4, atol=1e-5)
    for name, value in net.state_dict().items():
        np.testing.assert_allclose(value.numpy(), result.params[0][name], rtol=1e-4, atol=1e-5)
    loaded = result.load_into(M.mlp(64, 10, hidden=(32,), seed=9), rank=1)
    assert all(np.array_equal(v.numpy(), result.params[1][k]) for k, v in loaded.state_dict().items())
    with pytest.raises(ValueError, match="rank"):
        result.load_into(loaded, rank=2)


@LAUNCHES
def test_a_stop_requested_by_one_worker_stops_both(launch):
    (_, stopped), _ = launch
    assert [len(h.val_loss) for h in stopped.histories] == [2, 2]
    assert stopped.rates_identical and stopped.max_param_difference == 0.0


def _alive(pid: int) -> bool:
    try:
        import psutil
    except ImportError:  # pragma: no cover - psutil comes with ipykernel
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    if not psutil.pid_exists(pid):
        return False
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@LAUNCHES
@pytest.mark.parametrize("where", ["callback", "model_fn"])
def test_a_crashing_worker_fails_cleanly_with_its_rank_and_error(launch, digits, where):
    model_fn = model_failing_on_rank1 if where == "model_fn" else D.mlp_factory(64, 10, hidden=(16,))
    callback = fail_on_rank1 if where == "callback" else None
    start = time.perf_counter()
    with pytest.raises(D.WorkerError) as info:
        D.train_distributed(model_fn, digits, 0.01, epochs=3, batch_size=64, callback=callback, timeout=60)
    err = info.value
    assert err.rank == 1
    expected = "RuntimeError: boom on rank 1" if where == "callback" else "ValueError: cannot build the model on rank 1"
    assert err.error == expected and "rank 1" in str(err) and expected in str(err)
    assert "Traceback" in err.remote_traceback
    assert time.perf_counter() - start < 30
    assert len(err.pids) == 2 and not any(_alive(pid) for pid in err.pids), "no worker may be left running"


@LAUNCHES
def test_the_launch_times_out_and_stops_its_workers(launch, digits):
    start = time.perf_counter()
    with pytest.raises(TimeoutError, match="timeout") as info:
        D.train_distributed(
            D.mlp_factory(64, 10, hidden=(16,)),
            digits,
            0.01,
            epochs=2,
            batch_size=64,
            callback=sleep_on_rank1,
            timeout=6,
        )
    assert isinstance(info.value, D.LaunchTimeout)
    assert time.perf_counter() - start < 20
    assert len(info.value.pids) == 2 and not any(_alive(pid) for pid in info.value.pids), "workers left running"


@pytest.mark.parametrize("order", [[], [[1, 2]], [0.5, 1.5], "abc"])
def test_shard_indices_rejects_a_bad_order(order):
    with pytest.raises(ValueError, match="order"):
        D.shard_indices(order, 0, 2)
