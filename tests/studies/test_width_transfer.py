"""studies.width_transfer: the per-layer rules, and the stacked trainer against torch's own Adam with param groups."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from course_lib import problems, studies
from course_lib.studies import width_transfer as W


def test_layer_rates_follow_the_mup_rules_and_sp_is_one_rate():
    assert W.layer_rates(0.01, 16, "SP") == {"input": 0.01, "hidden": 0.01, "readout": 0.01, "readout_multiplier": 1.0}
    mup = W.layer_rates(0.01, 256, "muP", base_width=16)  # m = 16
    assert mup == pytest.approx({"input": 0.01, "hidden": 0.01 / 16, "readout": 0.01, "readout_multiplier": 1 / 16})
    # at the base width the two use the same rates
    assert W.layer_rates(0.01, 16, "muP", base_width=16) == W.layer_rates(0.01, 16, "SP")


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(lr=-1.0, width=16, parameterisation="SP"), "lr"),
        (dict(lr=0.01, width=0, parameterisation="SP"), "width"),
        (dict(lr=0.01, width=16, parameterisation="mup"), "parameterisation"),
    ],
)
def test_layer_rates_reject_bad_arguments_by_name(kwargs, match):
    with pytest.raises(ValueError, match=match):
        W.layer_rates(**kwargs)


def _reference_losses(width, lr, parameterisation, seed, n_steps, batch, data):
    """The same runs with nn.Linear layers, width_param_groups and torch.optim.Adam (one model at a time)."""
    gen = torch.Generator().manual_seed(seed)
    layers = []
    for fi, fo in ((data.n_features, width), (width, width), (width, data.n_classes)):
        w, b = W._init_linear(gen, 1, fi, fo)
        lin = torch.nn.Linear(fi, fo)
        with torch.no_grad():
            lin.weight.copy_(w[0].T)
            lin.bias.copy_(b[0, 0])
        layers.append(lin)
    order = torch.randint(0, data.n_train, (n_steps, batch), generator=gen)
    model = torch.nn.Sequential(layers[0], torch.nn.ReLU(), layers[1], torch.nn.ReLU(), layers[2])
    opt = torch.optim.Adam(W.width_param_groups(model, lr, parameterisation))
    mult = W.layer_rates(lr, width, parameterisation)["readout_multiplier"]

    def forward(x):
        return model[4](model[3](model[2](model[1](model[0](x)))) * mult)

    X, y = torch.as_tensor(data.X_train), torch.as_tensor(data.y_train)
    for t in range(n_steps):
        opt.zero_grad()
        F.cross_entropy(forward(X[order[t]]), y[order[t]]).backward()
        opt.step()
    with torch.no_grad():
        return float(F.cross_entropy(forward(X), y))


@pytest.mark.parametrize("parameterisation", W.PARAMETERISATIONS)
def test_the_stacked_trainer_matches_torch_adam_with_param_groups(parameterisation):
    data = problems.load_digits()
    lrs, seeds = (2.0**-8, 2.0**-5), (3, 4)
    sweep = W.width_sweep([64], lrs, parameterisation, seeds=seeds, n_steps=15, batch_size=16, data=data)
    for i, s in enumerate(seeds):
        for j, lr in enumerate(lrs):
            ref = _reference_losses(64, lr, parameterisation, s, 15, 16, data)
            assert math.isclose(sweep.final_loss[0, i, j], ref, rel_tol=1e-4), (s, lr, sweep.final_loss[0, i, j], ref)


def test_width_param_groups_zero_the_mup_readout_and_scale_the_hidden_rate():
    model = torch.nn.Sequential(
        torch.nn.Linear(64, 64), torch.nn.ReLU(), torch.nn.Linear(64, 64), torch.nn.ReLU(), torch.nn.Linear(64, 10)
    )
    groups = {g["name"]: g for g in W.width_param_groups(model, 0.01, "muP", base_width=16)}
    assert groups["hidden"]["lr"] == pytest.approx(0.01 / 4) and groups["input"]["lr"] == 0.01
    assert groups["biases"]["lr"] == 0.01 and len(groups["biases"]["params"]) == 3
    assert torch.count_nonzero(model[4].weight) == 0
    with pytest.raises(ValueError, match="3 nn.Linear"):
        W.width_param_groups(torch.nn.Sequential(torch.nn.Linear(2, 2)), 0.01, "SP")


def test_the_sweep_reports_the_best_rate_and_the_drift():
    sweep = W.WidthSweep(
        "SP", (16, 256), (0.001, 0.01, 0.1), (0, 1), np.array([[[3, 2, 1], [3, 2, 1]], [[1, 2, 3], [1, 2, 4]]], float)
    )
    assert sweep.best_lrs() == {16: 0.1, 256: 0.001}
    assert W.best_lr_drift(sweep) == pytest.approx(0.01)
    assert studies.width_sweep is W.width_sweep


def test_a_diverged_run_scores_inf_not_nan():
    sweep = W.width_sweep([16], [8.0], "SP", seeds=[0], n_steps=30)
    assert not np.isnan(sweep.final_loss).any()
