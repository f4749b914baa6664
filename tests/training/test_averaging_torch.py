"""training.averaging_torch: ScheduleFreeSGD against the schedulefree package's values and the NumPy path;
torch's AveragedModel (SWA and EMA) against training.swa and training.ema."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from course_lib import problems, training  # noqa: E402
from course_lib.training.averaging import ema, swa  # noqa: E402

REFERENCE = json.loads((Path(__file__).parent / "schedulefree_reference.json").read_text())


def _quadratic_run(opt_kind="reference"):
    H = torch.tensor(REFERENCE["H"], dtype=torch.float64)
    a = torch.tensor(REFERENCE["a"], dtype=torch.float64)
    p = torch.nn.Parameter(torch.tensor(REFERENCE["p0"], dtype=torch.float64))
    opt = training.ScheduleFreeSGD(
        [p],
        lr=REFERENCE["lr"],
        beta=REFERENCE["momentum"],
        warmup_steps=REFERENCE["warmup_steps"],
        weight_decay=REFERENCE["weight_decay"],
    )
    xs, ys = [], []
    for _ in range(8):
        opt.zero_grad()
        (0.5 * (p - a) @ H @ (p - a)).backward()
        opt.step()
        ys.append(p.detach().clone().numpy())
        opt.eval()
        xs.append(p.detach().clone().numpy())
        opt.train()
    return np.array(xs), np.array(ys), opt, p


def test_schedule_free_sgd_matches_the_schedulefree_reference_values():
    xs, ys, _, _ = _quadratic_run()
    assert np.allclose(xs, REFERENCE["x"], rtol=0, atol=1e-12)
    assert np.allclose(ys, REFERENCE["y"], rtol=0, atol=1e-12)


def test_eval_mode_refuses_a_step_and_train_restores_y():
    _, ys, opt, p = _quadratic_run()
    opt.eval()
    with pytest.raises(RuntimeError, match="train"):
        opt.step()
    opt.train()
    assert np.allclose(p.detach().numpy(), ys[-1])


def test_schedule_free_sgd_is_the_numpy_run_on_noisy_least_squares():
    nls = problems.noisy_least_squares()
    n, seed = 200, 5
    rows = np.random.default_rng(seed).integers(0, nls.n_samples, size=(n, 1))
    X, y = torch.tensor(nls.X), torch.tensor(nls.y)
    w = torch.nn.Parameter(torch.tensor(nls.w0, dtype=torch.float64))
    opt = training.ScheduleFreeSGD([w], lr=0.1, beta=0.9)
    for t in range(n):
        opt.zero_grad()
        idx = torch.as_tensor(rows[t])
        (0.5 * ((X[idx] @ w - y[idx]) ** 2).mean()).backward()
        opt.step()
    opt.eval()
    numpy_x = training.run_schedule_free(nls, 0.1, n, batch_size=1, seed=seed).params[-1]
    assert np.allclose(w.detach().numpy(), numpy_x, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("kind", ["swa", "ema"])
def test_averaged_model_is_the_numpy_averager(kind):
    path = np.random.default_rng(0).normal(size=(12, 3))
    model = torch.nn.Linear(3, 1, bias=False).double()
    with torch.no_grad():
        model.weight.copy_(torch.tensor(path[:1]))
    averaged = training.averaged_model(model, kind, decay=0.7)
    for t in range(1, len(path)):
        with torch.no_grad():
            model.weight.copy_(torch.tensor(path[t : t + 1]))
        averaged.update_parameters(model)
    got = averaged.module.weight.detach().numpy()[0]
    # AveragedModel's first update_parameters copies; its copy at construction is not counted
    want = swa(path, start=1)[-1] if kind == "swa" else ema(path[1:], 0.7)[-1]
    assert np.allclose(got, want, rtol=1e-12)
