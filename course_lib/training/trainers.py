"""Trainers: run a schedule on a problem or a torch model and return a :class:`History`.

Two loops, one record:

* :func:`run_gd` -- (stochastic) gradient descent, with optional heavy-ball or
  Nesterov momentum, on a NumPy problem from :mod:`course_lib.problems`;
  fast enough for 10 000 steps in an interactive widget.
* :func:`train_torch` -- mini-batch training of a small torch model on a
  :class:`~course_lib.problems.Dataset` with SGD, Adam or AdamW.

Both take the rate as a course_lib schedule (a plain number means a constant
rate), optionally combined with a :class:`~course_lib.training.plateau.ReduceLROnPlateau`
policy, and both *report* divergence instead of raising: the History stops at
the last good step and says where and at which rate things blew up.
:func:`run_many` repeats a run over seeds; :func:`summarize` and
:func:`mean_curve` give mean and spread over those seeds.

>>> from course_lib import problems as P, schedules as S
>>> h = run_gd(P.quadratic_bowl(), S.constant(0.5), 100)
>>> h.params.shape, h.diverged
((101, 2), False)
>>> run_gd(P.quadratic_bowl(), 2.2, 1000).summary()  # lr above 2 / L
'run: DIVERGED at step 68 (lr=2.2); last finite loss 3.261e+11'
"""
from __future__ import annotations

import copy
import math
import warnings
from numbers import Real
from typing import Any, Callable, Iterable, Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from course_lib import schedules as S
from course_lib.validation import check_in, check_int, check_non_negative, check_positive, check_range
from course_lib.training.history import History
from course_lib.training.plateau import ReduceLROnPlateau

__all__ = ["run_gd", "train_torch", "run_many", "summarize", "mean_curve", "OPTIMIZERS", "LOSSES"]

OPTIMIZERS = ("sgd", "adam", "adamw")
LOSSES = ("cross_entropy", "mse")


# ---------------------------------------------------------------------------
# Shared argument handling
# ---------------------------------------------------------------------------

def _rates(schedule: Any, n_steps: int, plateau: ReduceLROnPlateau | None) -> np.ndarray:
    """Learning rates schedule(0..n_steps-1); with a plateau policy, the factors schedule(t)/schedule(0)."""
    if plateau is not None and not isinstance(plateau, ReduceLROnPlateau):
        raise TypeError(f"plateau must be a ReduceLROnPlateau or None, got plateau={plateau!r}")
    if schedule is None:
        if plateau is None:
            raise TypeError("schedule must be a course_lib schedule or a learning rate > 0; "
                            "schedule=None is allowed only with a plateau policy")
        return np.ones(n_steps)
    if isinstance(schedule, bool) or not (isinstance(schedule, Real) or callable(schedule)):
        raise TypeError(f"schedule must be a course_lib schedule, a function of the step or a "
                        f"learning rate > 0, got schedule={schedule!r} ({type(schedule).__name__})")
    if isinstance(schedule, Real):
        value = float(schedule)
        if not (math.isfinite(value) and value > 0):
            raise ValueError(f"schedule (a constant lr) must be a finite number > 0, got schedule={schedule!r}")
        values = np.full(n_steps, value)
    else:
        values = S.evaluate(schedule, n_steps)
    bad = np.flatnonzero(~(np.isfinite(values) & (values >= 0)))
    if bad.size:
        t = int(bad[0])
        raise ValueError(f"schedule must give finite rates >= 0; got lr={values[t]!r} at step {t} "
                         f"from schedule={schedule!r}")
    if plateau is None:
        return values
    if not values[0] > 0:
        raise ValueError(f"schedule(0) must be > 0 to scale a plateau policy, got schedule(0)={values[0]!r}")
    return values / values[0]


def _momenta(momentum: Any, n_steps: int, name: str = "momentum") -> np.ndarray:
    """Momentum at steps 0..n_steps-1 from a number in [0, 1) or a momentum schedule."""
    if isinstance(momentum, bool) or not (isinstance(momentum, Real) or callable(momentum)):
        raise TypeError(f"{name} must be a number in [0, 1) or a momentum schedule, got {name}={momentum!r}")
    if isinstance(momentum, Real):
        return np.full(n_steps, check_range(name, momentum, 0.0, 1.0, high_open=True))
    values = S.evaluate(momentum, n_steps)
    bad = np.flatnonzero(~(np.isfinite(values) & (values >= 0) & (values < 1)))
    if bad.size:
        t = int(bad[0])
        raise ValueError(f"{name} must stay in [0, 1); got {values[t]!r} at step {t} from {name}={momentum!r}")
    return values


def _describe(value: Any) -> Any:
    """A plain, printable description of a setting for History.config."""
    return value if value is None or isinstance(value, (bool, int, float, str)) else repr(value)


# ---------------------------------------------------------------------------
# NumPy gradient descent
# ---------------------------------------------------------------------------

def _descend(grad: Callable[[np.ndarray], np.ndarray], path: np.ndarray, begin: int, lrs: list[float],
             moms: list[float] | None, v: np.ndarray, nesterov: bool) -> np.ndarray:
    """Updates begin, begin+1, ... with rates lrs, writing path[t+1]; returns the velocity.

    Heavy ball in torch's convention: v = m * v + g; w = w - lr * v
    (Nesterov: w = w - lr * (g + m * v)). No checks here (the caller checks each
    chunk of the path at once): this loop is the whole cost of a run.
    """
    w = path[begin]
    for i, lr in enumerate(lrs):
        g = grad(w)
        if moms is not None:
            v = moms[i] * v + g
            g = g + moms[i] * v if nesterov else v
        w = w - lr * g
        path[begin + i + 1] = w
    return v


def _first_bad_row(rows: np.ndarray, max_sq: float) -> int | None:
    """Index of the first row that is not finite or has squared norm > max_sq, else None."""
    bad = np.flatnonzero(~(np.einsum("ij,ij->i", rows, rows) <= max_sq))  # nan fails <= too
    return int(bad[0]) if bad.size else None


def _path_losses(problem: Any, path: np.ndarray, chunk: int = 1024) -> np.ndarray:
    """problem.loss at every row of path, vectorised in chunks (bounded memory for data problems).

    An empty path (a run that diverged at its first update) has no losses.
    """
    losses = [np.asarray(problem.loss(path[i:i + chunk]), dtype=np.float64).reshape(-1)
              for i in range(0, len(path), chunk)]
    return np.concatenate(losses) if losses else np.zeros(0)


def _fast_grad(problem: Any) -> Callable[[np.ndarray], np.ndarray]:
    """The problem's gradient; for course_lib problems, the unchecked kernel ``_grad``.

    ``Problem.grad`` validates its argument on every call, which doubles the cost of a
    2-D step; run_gd checks w0 once instead. A subclass that overrides ``grad`` keeps it.
    """
    from course_lib.problems import Problem  # local: problems is optional for the torch half

    if isinstance(problem, Problem) and type(problem).grad is Problem.grad:
        return problem._grad
    return problem.grad



def _check_problem(problem: Any, batch_size: int | None) -> int | None:
    """A NumPy problem fit for run_gd (dim, loss, grad; stochastic_grad if batch_size); returns batch_size."""
    if not (hasattr(problem, "grad") and hasattr(problem, "loss") and hasattr(problem, "dim")):
        raise TypeError(f"problem must have dim, loss(w) and grad(w), got problem={problem!r}")
    if batch_size is not None:
        batch_size = check_int("batch_size", batch_size, minimum=1)
        if not hasattr(problem, "stochastic_grad"):
            raise TypeError(f"batch_size={batch_size} needs a problem with stochastic_grad; "
                            f"{problem!r} has only the exact gradient (use batch_size=None)")
    return batch_size


def _start_and_grad(problem: Any, w0: Any, batch_size: int | None, seed: int) -> tuple[np.ndarray, Callable]:
    """The checked start point, and the gradient to follow: exact, or mini-batch from a seeded stream."""
    try:
        start = np.array(problem.w0 if w0 is None else w0, dtype=np.float64)
    except (TypeError, ValueError):  # text, None inside a list, ragged lists, objects
        raise TypeError(f"w0 must be {problem.dim} finite numbers, got w0={w0!r}") from None
    if start.shape != (problem.dim,) or not np.all(np.isfinite(start)):
        raise ValueError(f"w0 must be {problem.dim} finite numbers, got w0={w0!r}")
    if batch_size is None:
        return start, _fast_grad(problem)
    rng, stochastic_grad = np.random.default_rng(seed), problem.stochastic_grad
    return start, lambda w: stochastic_grad(w, rng, batch_size)

def run_gd(problem: Any, schedule: Any, n_steps: int, *, w0: Any = None, momentum: Any = 0.0,
           nesterov: bool = False, batch_size: int | None = None, seed: int = 0,
           plateau: ReduceLROnPlateau | None = None, plateau_every: int = 100,
           max_norm: float = 1e6, label: str = "") -> History:
    """Gradient descent on a NumPy problem: w_{t+1} = w_t - lr(t) * g_t.

    g_t is the exact gradient, or ``problem.stochastic_grad(w, rng, batch_size)`` with
    ``rng = np.random.default_rng(seed)`` when ``batch_size`` is given. With momentum m
    (torch's SGD convention): v_{t+1} = m(t) * v_t + g_t, w_{t+1} = w_t - lr(t) * v_{t+1};
    Nesterov uses g_t + m(t) * v_{t+1} in place of v_{t+1}.

    With a plateau policy the rate is plateau.lr * schedule(t) / schedule(0) (plateau.lr if
    schedule is None), and the policy is stepped every ``plateau_every`` steps with the mean
    training loss of that window. A copy of ``plateau`` is used: the object you pass is not
    changed, so it can be reused across runs.

    Divergence (parameters not finite, ``|w| > max_norm``, or a non-finite loss) stops the
    run without raising: ``diverged=True``, ``diverged_step`` is the first step not recorded
    and ``diverged_lr`` its rate; the arrays hold only the good steps (no nan or inf).

    Args:
        problem: has ``dim``, ``w0``, vectorised ``loss(w)`` and ``grad(w)``
            (and ``stochastic_grad`` for mini-batches).
        schedule: a course_lib schedule, any function of the step, or a number (constant
            rate); None only together with ``plateau``.
        n_steps: number of updates (>= 1).
        w0: start point, shape (dim,); default ``problem.w0``.
        momentum: a number in [0, 1) or a momentum schedule.
        nesterov: Nesterov momentum (needs momentum).
        batch_size: None for the full gradient, else the mini-batch size (>= 1).
        seed: seed of the mini-batch sampling.
        plateau: a :class:`~course_lib.training.plateau.ReduceLROnPlateau`, or None.
        plateau_every: steps per plateau evaluation (>= 1).
        max_norm: a parameter norm above this counts as divergence (> 0).
        label: name for legends.

    Returns:
        A :class:`History` with steps, lr, loss (loss before each update), momentum per step,
        params of shape (n_steps + 1, dim) including the start, and the config.

    Raises:
        ValueError, TypeError: for a bad argument (never for a diverging run).
    """
    n_steps = check_int("n_steps", n_steps, minimum=1)
    batch_size = _check_problem(problem, batch_size)
    seed = check_int("seed", seed, minimum=0)
    plateau_every = check_int("plateau_every", plateau_every, minimum=1)
    max_norm = check_positive("max_norm", max_norm)
    base = _rates(schedule, n_steps, plateau)
    moms = _momenta(momentum, n_steps)
    if nesterov and not (callable(momentum) or moms[0] > 0):
        raise ValueError(f"nesterov=True needs momentum > 0, got momentum={momentum!r}")
    start, grad = _start_and_grad(problem, w0, batch_size, seed)
    policy = copy.deepcopy(plateau)
    lrs = base.copy() if policy is None else np.empty(n_steps)
    path = np.empty((n_steps + 1, problem.dim))
    path[0] = start
    v = np.zeros(problem.dim)
    mom_list = moms.tolist() if (callable(momentum) or moms[0] > 0) else None
    chunk = 1024 if policy is None else plateau_every  # check divergence once per chunk
    done, bad = n_steps, None
    with np.errstate(all="ignore"):
        for begin in range(0, n_steps, chunk):
            end = min(begin + chunk, n_steps)
            if policy is not None:
                lrs[begin:end] = policy.lr * base[begin:end]
            v = _descend(grad, path, begin, lrs[begin:end].tolist(),
                         None if mom_list is None else mom_list[begin:end], v, nesterov)
            k = _first_bad_row(path[begin + 1:end + 1], max_norm * max_norm)  # inf, not OverflowError, past 1e154
            if k is not None:  # update begin + k produced a bad point
                done = bad = begin + k
                break
            if policy is not None:
                policy.step(float(np.mean(_path_losses(problem, path[begin:end]))))
        losses = _path_losses(problem, path[:done])
    nonfinite = np.flatnonzero(~np.isfinite(losses))
    if nonfinite.size:
        done = bad = int(nonfinite[0])
    return History(
        steps=np.arange(done), lr=lrs[:done], loss=losses[:done], momentum=moms[:done],
        params=path[:done + 1].copy(), diverged=bad is not None,
        diverged_step=bad, diverged_lr=None if bad is None else float(lrs[bad]), label=label,
        config=dict(trainer="run_gd", problem=repr(problem), schedule=_describe(schedule),
                    n_steps=n_steps, w0=start.tolist(), momentum=_describe(momentum), nesterov=nesterov,
                    batch_size=batch_size, seed=seed, plateau=_describe(plateau),
                    plateau_every=plateau_every, max_norm=max_norm,
                    plateau_lrs=None if policy is None else list(policy.history)))


# ---------------------------------------------------------------------------
# Torch training
# ---------------------------------------------------------------------------

def _make_optimizer(name: str, params: Iterable[torch.Tensor], lr: float, momentum0: float | None,
                    nesterov: bool, weight_decay: float, betas: tuple[float, float]) -> torch.optim.Optimizer:
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=momentum0 or 0.0, nesterov=nesterov,
                               weight_decay=weight_decay)
    beta1 = betas[0] if momentum0 is None else momentum0
    cls = torch.optim.Adam if name == "adam" else torch.optim.AdamW
    return cls(params, lr=lr, betas=(beta1, betas[1]), weight_decay=weight_decay)


def _fitted_loss(loss: str, labels: Sequence[torch.Tensor]) -> Callable[[torch.Tensor, torch.Tensor], torch.Tensor]:
    """The loss function ``loss`` ("cross_entropy" or "mse"), refusing a model whose outputs do not fit
    the targets with a ValueError naming the model (torch would fail deep inside, or broadcast silently).

    ``labels``: every target tensor of the data (class labels are checked to be >= 0 here, once).
    """
    if loss == "mse":
        def mse(out: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
            if out.shape != target.shape:
                raise ValueError(f"loss='mse' needs one model output per target: model gives outputs of shape "
                                 f"{tuple(out.shape)} for targets of shape {tuple(target.shape)}; "
                                 f"for class labels use loss='cross_entropy'")
            return F.mse_loss(out, target)
        return mse
    every = torch.cat([t.reshape(-1) for t in labels])
    low, high = (int(every.min()), int(every.max())) if every.numel() else (0, 0)
    if low < 0:
        raise ValueError(f"loss='cross_entropy' needs class labels 0, 1, 2, ...; the data has the label {low}")

    def cross_entropy(out: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        if out.ndim != 2 or out.shape[1] <= high:
            raise ValueError(f"model must give one output per class for loss='cross_entropy': the labels go up "
                             f"to {high}, so outputs of shape (batch, >= {high + 1}), but model gives shape "
                             f"{tuple(out.shape)}")
        return F.cross_entropy(out, target)
    return cross_entropy


def _evaluate(net: nn.Module, X: torch.Tensor, y: torch.Tensor, loss_fn: Callable,
              classify: bool) -> tuple[float, float]:
    """(validation loss, accuracy or nan) on the whole split, without gradients."""
    net.eval()
    with torch.no_grad():
        out = net(X)
        loss = loss_fn(out, y).item()
        acc = (out.argmax(dim=1) == y).float().mean().item() if classify else math.nan
    net.train()
    return loss, acc


def _check_torch_args(data: Any, epochs: Any, batch_size: Any, optimizer: Any, momentum: Any,
                      nesterov: bool, weight_decay: Any, betas: Any, clip_grad_norm: Any,
                      loss: Any, seed: Any, max_loss: Any, callback: Any) -> dict[str, Any]:
    for field in ("X_train", "y_train", "X_val", "y_val"):
        if not hasattr(data, field):
            raise TypeError(f"data must be a Dataset (X_train, y_train, X_val, y_val), got data={data!r}")
    check_in("optimizer", optimizer, OPTIMIZERS)
    check_in("loss", loss, LOSSES)
    if loss == "cross_entropy" and not np.issubdtype(np.asarray(data.y_train).dtype, np.integer):
        raise ValueError(f"loss='cross_entropy' needs integer class labels, but data {getattr(data, 'name', '')!r} "
                         f"has {np.asarray(data.y_train).dtype} targets: use loss='mse' for regression")
    if not (isinstance(betas, Sequence) and len(betas) == 2):
        raise TypeError(f"betas must be a pair (beta1, beta2), got betas={betas!r}")
    fixed_momentum = not callable(momentum)
    if fixed_momentum:
        momentum = check_range("momentum", momentum, 0.0, 1.0, high_open=True)
    if optimizer != "sgd" and fixed_momentum and momentum != 0:
        raise ValueError(f"momentum={momentum!r} applies to optimizer='sgd'; for {optimizer!r} set "
                         f"betas=(beta1, beta2), or pass a momentum schedule to drive beta1")
    if nesterov and (optimizer != "sgd" or (fixed_momentum and momentum == 0)):
        raise ValueError(f"nesterov=True needs optimizer='sgd' and momentum > 0, got "
                         f"optimizer={optimizer!r}, momentum={momentum!r}")
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be a function (epoch, model, metrics) or None, got callback={callback!r}")
    return dict(
        epochs=check_int("epochs", epochs, minimum=1),
        batch_size=check_int("batch_size", batch_size, minimum=1),
        weight_decay=check_non_negative("weight_decay", weight_decay),
        betas=(check_range("betas[0]", betas[0], 0.0, 1.0, high_open=True),
               check_range("betas[1]", betas[1], 0.0, 1.0, high_open=True)),
        clip_grad_norm=None if clip_grad_norm is None else check_positive("clip_grad_norm", clip_grad_norm),
        seed=check_int("seed", seed, minimum=0),
        max_loss=check_positive("max_loss", max_loss),
    )


def train_torch(model: nn.Module | Callable[[], nn.Module], data: Any, schedule: Any, *, epochs: int,
                batch_size: int = 64, optimizer: str = "sgd", momentum: Any = 0.0, nesterov: bool = False,
                weight_decay: float = 0.0, betas: tuple[float, float] = (0.9, 0.999),
                clip_grad_norm: float | None = None, loss: str = "cross_entropy", seed: int = 0,
                progress: bool = False, plateau: ReduceLROnPlateau | None = None,
                max_loss: float = 1e4, label: str = "",
                callback: Callable[[int, nn.Module, dict], Any] | None = None) -> History:
    """Mini-batch training of a torch model; the rate follows ``schedule`` once per update.

    Step t (t = 0, 1, ... counts optimizer updates, not epochs) uses lr = schedule(t),
    exactly the rate ``course_lib.torch_bridge.as_torch_scheduler`` would set (the values
    are computed up front and written into the param groups, which is cheaper than a
    scheduler call per step). With a plateau policy: lr = plateau.lr * schedule(t) / schedule(0)
    (plateau.lr if schedule is None), the policy being stepped after each epoch with the
    validation loss (a copy of ``plateau`` is used; yours is not changed).

    Each epoch visits the training set once in an order drawn from
    ``torch.Generator().manual_seed(seed)``; everything else random (model building when
    ``model`` is a function, dropout) runs under ``torch.manual_seed(seed)`` with your global
    RNG state restored afterwards. Same arguments, same History. Training uses one CPU
    thread (restored afterwards): faster and reproducible for tiny models.

    Divergence (a training loss that is not finite or exceeds ``max_loss``, a step too large
    for float32 parameters, e.g. a rate above 3.4e38, or a non-finite validation loss) stops
    the run without raising: ``diverged_step`` is the step whose loss or rate was bad (not
    recorded, not applied), ``diverged_lr`` its rate.

    Args:
        model: an ``nn.Module`` (trained in place) or a function with no arguments building one.
        data: a Dataset with X_train, y_train, X_val, y_val.
        schedule: a course_lib schedule, a function of the step, or a number (constant rate);
            None only with ``plateau``.
        epochs: passes over the training set (>= 1).
        batch_size: examples per update (>= 1); the last batch of an epoch may be smaller.
        optimizer: "sgd", "adam" or "adamw".
        momentum: SGD momentum in [0, 1), or a momentum schedule (for Adam/AdamW it drives beta1).
        nesterov: Nesterov momentum (SGD only).
        weight_decay: the optimizer's weight decay (>= 0).
        betas: Adam's (beta1, beta2).
        clip_grad_norm: clip the global gradient norm to this value before each update, or None.
        loss: "cross_entropy" (integer labels; also reports accuracy) or "mse".
        seed: seed of the batch order and of the model building (>= 0).
        progress: show a tqdm bar over epochs.
        plateau: a :class:`~course_lib.training.plateau.ReduceLROnPlateau`, or None.
        max_loss: a training loss above this counts as divergence.
        label: name for legends.
        callback: called after each epoch as ``callback(epoch, model, metrics)`` with
            metrics = {"step", "train_loss", "val_loss", "val_acc"}; return True to stop.

    Returns:
        A :class:`History`: per-step lr, loss (mini-batch loss before the update) and
        momentum (beta1 for Adam); per-epoch val_loss/val_acc with val_epochs = 1, 2, ...;
        config with the settings and steps_per_epoch.

    Raises:
        ValueError, TypeError: for a bad argument (never for a diverging run).
    """
    return _fit_torch(model, data, schedule, None, epochs=epochs, batch_size=batch_size, optimizer=optimizer,
                      momentum=momentum, nesterov=nesterov, weight_decay=weight_decay, betas=betas,
                      clip_grad_norm=clip_grad_norm, loss=loss, seed=seed, progress=progress, plateau=plateau,
                      max_loss=max_loss, label=label, callback=callback)


def _fit_torch(model: nn.Module | Callable[[], nn.Module], data: Any, schedule: Any, shard: Any, *,
               epochs: int, batch_size: int, optimizer: str, momentum: Any, nesterov: bool,
               weight_decay: float, betas: tuple[float, float], clip_grad_norm: float | None, loss: str,
               seed: int, progress: bool, plateau: ReduceLROnPlateau | None, max_loss: float, label: str,
               callback: Callable[[int, nn.Module, dict], Any] | None) -> History:
    """The body of :func:`train_torch` (every argument required); ``shard=None`` is train_torch.

    With a ``shard`` (see ``course_lib.training.distributed``) this is one worker of a data-parallel run:
    the worker sees ``shard.indices(order)`` of each epoch's order, trains ``shard.wrap(net)``
    (e.g. DistributedDataParallel), and ``shard.mean(x)`` averages a number over the workers,
    so that every worker records the same loss and takes the same stop decisions.
    """
    args = _check_torch_args(data, epochs, batch_size, optimizer, momentum, nesterov, weight_decay,
                             betas, clip_grad_norm, loss, seed, max_loss, callback)
    epochs, batch_size, seed = args["epochs"], args["batch_size"], args["seed"]
    X, Xv = torch.as_tensor(data.X_train, dtype=torch.float32), torch.as_tensor(data.X_val, dtype=torch.float32)
    classify = loss == "cross_entropy"
    target = torch.int64 if classify else torch.float32
    y, yv = torch.as_tensor(data.y_train, dtype=target), torch.as_tensor(data.y_val, dtype=target)
    n = len(X)
    if n == 0 or len(y) != n:
        raise ValueError(f"data must have as many training labels as examples (>= 1), got "
                         f"{n} examples and {len(y)} labels")
    n_local = n if shard is None else len(shard.indices(torch.arange(n)))  # this worker's examples per epoch
    per_epoch = math.ceil(n_local / batch_size)
    total = epochs * per_epoch
    base = _rates(schedule, total, plateau)
    moms = _momenta(momentum, total) if callable(momentum) else None
    policy = copy.deepcopy(plateau)
    loss_fn = _fitted_loss(loss, (y, yv))

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with torch.random.fork_rng(devices=[]):
            torch.default_generator.manual_seed(seed)  # CPU only, as fork_rng restores (see models._build)
            net = model() if not isinstance(model, nn.Module) and callable(model) else model
            if not isinstance(net, nn.Module):
                raise TypeError(f"model must be an nn.Module or a function returning one, got model={model!r}")
            record = _train_loop(net, X, y, Xv, yv, base, moms, policy, loss_fn, classify, epochs,
                                 batch_size, optimizer, momentum, nesterov, args, progress, label, callback,
                                 shard)
    finally:
        torch.set_num_threads(threads)
    lrs, losses, used_moms, val, bad = record
    done = len(losses)
    return History(
        steps=np.arange(done), lr=np.array(lrs), loss=np.array(losses), momentum=np.array(used_moms),
        val_epochs=np.arange(1, len(val) + 1), val_loss=np.array([v[0] for v in val]),
        val_acc=np.array([v[1] for v in val]) if classify else np.zeros(0),
        diverged=bad is not None, diverged_step=None if bad is None else bad[0],
        diverged_lr=None if bad is None else bad[1], label=label,
        config=dict(trainer="train_torch", model=type(net).__name__,
                    n_params=sum(p.numel() for p in net.parameters()), data=getattr(data, "name", None),
                    schedule=_describe(schedule), optimizer=optimizer, epochs=epochs, batch_size=batch_size,
                    steps_per_epoch=per_epoch, momentum=_describe(momentum), nesterov=nesterov,
                    weight_decay=args["weight_decay"], betas=args["betas"], clip_grad_norm=args["clip_grad_norm"],
                    loss=loss, seed=seed, plateau=_describe(plateau), max_loss=args["max_loss"],
                    plateau_lrs=None if policy is None else list(policy.history)))


def _train_loop(net, X, y, Xv, yv, base, moms, policy, loss_fn, classify, epochs, batch_size,
                optimizer, momentum, nesterov, args, progress, label, callback, shard=None):
    """The loop itself: returns (lrs, losses, momenta, [(val_loss, val_acc)], (bad_step, bad_lr) or None).

    With a ``shard`` (data-parallel worker, see :func:`_fit_torch`) the forward pass goes through
    ``shard.wrap(net)``, batches come from this worker's share of each epoch's order, and the loss
    and the callback's stop request are averaged over the workers; evaluation and the callback
    use the plain ``net``.
    """
    from tqdm.auto import tqdm

    base = base.tolist()
    lr_at = (lambda t: base[t]) if policy is None else (lambda t: policy.lr * base[t])  # noqa: E731
    fixed_mom = float(momentum) if moms is None and optimizer == "sgd" else None
    opt = _make_optimizer(optimizer, net.parameters(), float(lr_at(0)),
                          fixed_mom if moms is None else float(moms[0]), nesterov,
                          args["weight_decay"], args["betas"])
    group = opt.param_groups[0]  # one group: the whole model
    params, clip, max_loss = [p for p in net.parameters()], args["clip_grad_norm"], args["max_loss"]
    beta1, beta2 = args["betas"]
    shuffle = torch.Generator().manual_seed(args["seed"])
    forward = net if shard is None else shard.wrap(net)
    lrs, losses, val, t, bad = [], [], [], 0, None
    with tqdm(range(epochs), disable=not progress, leave=False, desc=label or "train") as bar:
        for epoch in bar:
            order = torch.randperm(len(X), generator=shuffle)
            for idx in (order if shard is None else shard.indices(order)).split(batch_size):
                lr = float(lr_at(t))
                group["lr"] = lr
                if moms is not None:  # momentum schedule: SGD momentum or Adam's beta1
                    if optimizer == "sgd":
                        group["momentum"] = float(moms[t])
                    else:
                        group["betas"] = (float(moms[t]), beta2)
                batch_loss = loss_fn(forward(X[idx]), y[idx])
                value = batch_loss.item() if shard is None else shard.mean(batch_loss.item())
                if not value <= max_loss:  # nan, inf or too large: stop before applying it
                    bad = (t, lr)
                    break
                if _torch_step_size(optimizer, group, t) > _FLOAT32_MAX:  # torch would raise "value cannot
                    bad = (t, lr)  # be converted to type float without overflow", midway through the step
                    break
                lrs.append(lr)
                losses.append(value)
                opt.zero_grad(set_to_none=True)
                batch_loss.backward()
                if clip is not None:
                    torch.nn.utils.clip_grad_norm_(params, clip)
                opt.step()
                t += 1
            if bad is not None:
                break
            val_loss, val_acc = _evaluate(net, Xv, yv, loss_fn, classify) if len(Xv) else (
                float(np.mean(losses[-math.ceil(len(X) / batch_size):])), math.nan)
            if not math.isfinite(val_loss):
                bad = (t, lrs[-1])
                break
            val.append((val_loss, val_acc))
            if policy is not None:
                policy.step(val_loss)
            bar.set_postfix(loss=f"{value:.4g}", val_loss=f"{val_loss:.4g}")
            stop = callback is not None and bool(callback(epoch + 1, net, dict(
                step=t, train_loss=value, val_loss=val_loss, val_acc=val_acc)))
            if shard is not None:
                stop = shard.mean(float(stop)) > 0  # one worker asks: all stop together
            if stop:
                break
    return lrs, losses, _used_momenta(moms, fixed_mom, beta1, t), val, bad


_FLOAT32_MAX = float(np.finfo(np.float32).max)


def _torch_step_size(optimizer: str, group: dict, t: int) -> float:
    """The largest factor ``optimizer.step()`` at update t (from 0) hands torch as a float32 scalar.

    SGD: lr. Adam: its bias-corrected step lr / (1 - beta1 ** (t + 1)), which is 10 lr at the
    first update with beta1 = 0.9. AdamW: also lr * weight_decay (its decay multiplies the
    weights by 1 - lr * weight_decay before the step).
    """
    lr = group["lr"]
    if optimizer == "sgd":
        return lr
    size = lr / (1 - group["betas"][0] ** (t + 1))
    return max(size, lr * group["weight_decay"]) if optimizer == "adamw" else size


def _used_momenta(moms: np.ndarray | None, fixed: float | None, beta1: float, n: int) -> np.ndarray:
    """Momentum (SGD) or beta1 (Adam) used at steps 0..n-1."""
    if moms is not None:
        return moms[:n].copy()
    return np.full(n, fixed if fixed is not None else beta1)


# ---------------------------------------------------------------------------
# Repeats over seeds
# ---------------------------------------------------------------------------

def run_many(fn: Callable[..., History], seeds: Iterable[int], *args: Any, **kwargs: Any) -> list[History]:
    """``[fn(*args, seed=s, **kwargs) for s in seeds]``: the same run repeated over seeds.

    A ``model`` given as an ``nn.Module`` is deep-copied for each run (so every seed starts
    from the same weights instead of continuing the previous run); pass a function building
    the model to get a different initialisation per seed.

    >>> from course_lib import problems as P
    >>> hs = run_many(run_gd, [0, 1], P.quadratic_bowl(), 0.5, 10)
    >>> [h.config["seed"] for h in hs]
    [0, 1]
    """
    if "seed" in kwargs:
        raise TypeError("run_many sets seed itself: pass seeds=[...] instead of seed=")
    runs = []
    for s in seeds:
        kw = dict(kwargs)
        if isinstance(kw.get("model"), nn.Module):
            kw["model"] = copy.deepcopy(kw["model"])
        runs.append(fn(*args, seed=s, **kw))
    return runs


def _metric_values(histories: Sequence[History], metric: str | Callable[[History], float]) -> np.ndarray:
    if callable(metric):
        return np.array([float(metric(h)) for h in histories])
    if not isinstance(metric, str) or not hasattr(History, metric):
        raise ValueError(f"metric must be a History attribute such as 'final_val_acc', 'final_loss' "
                         f"or a function of a History, got metric={metric!r}")
    return np.array([float(getattr(h, metric)) for h in histories])


def summarize(histories: Sequence[History], metric: str | Callable[[History], float] = "final_val_acc"
              ) -> tuple[float, float]:
    """Mean and sample standard deviation (ddof=1; 0 for one run) of a metric over runs.

    Runs where the metric is nan (e.g. no validation) are left out; (nan, nan) if none is left.

    Args:
        histories: the runs, e.g. from :func:`run_many`.
        metric: a History property ("final_val_acc", "final_val_loss", "final_loss") or a
            function History -> float.

    >>> summarize([History(val_acc=np.array([0.25])), History(val_acc=np.array([0.75]))])
    (0.5, 0.3535533905932738)
    """
    values = _metric_values(histories, metric)
    values = values[np.isfinite(values)]
    if values.size == 0:
        return math.nan, math.nan
    return float(values.mean()), float(values.std(ddof=1)) if values.size > 1 else 0.0


def mean_curve(histories: Sequence[History], field: str = "loss") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean and standard deviation across runs of a per-step or per-epoch array, for a band plot.

    Shorter runs (diverged ones) are padded with nan and ignored where they have no value.

    Args:
        histories: the runs.
        field: "loss", "lr", "momentum" (x = steps) or "val_loss", "val_acc" (x = epochs).

    Returns:
        (x, mean, std), each of the length of the longest run.
    """
    check_in("field", field, ("loss", "lr", "momentum", "val_loss", "val_acc"))
    arrays = [np.asarray(getattr(h, field) if getattr(h, field) is not None else [], dtype=np.float64)
              for h in histories]
    if not arrays:
        raise ValueError("histories must hold at least one History, got an empty sequence")
    longest = max(range(len(arrays)), key=lambda i: len(arrays[i]))
    table = np.full((len(arrays), len(arrays[longest])), np.nan)
    for row, a in zip(table, arrays):
        row[:len(a)] = a
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # columns where every run is nan
        mean, std = np.nanmean(table, axis=0), np.nanstd(table, axis=0)
    h = histories[longest]
    x = np.asarray(h.val_epochs) if field.startswith("val_") else np.asarray(h.steps)
    return x, mean, std
