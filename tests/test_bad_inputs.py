"""Every bad input gets a clear error (issue 21 §2): one section per root cause an attack on the
public entry points found, each a parametrised regression test over several inputs of that kind,
then property (hypothesis) tests over the entry points and argument kinds they came from.

1. an alias in an error: the learner's keyword (T_max), not ours (total_steps);
2. a model that does not fit the data: refused before training, saying what fits;
3. checkpoints: a missing, corrupt or foreign file: one CheckpointError naming the path;
4. plots: log axes with nothing > 0, all-NaN lines, figures left under a refused call;
5. learner callables (problem, schedule, callback) returning the wrong kind of thing;
6. check_horizon's total_steps; schedule_from_config builds only concrete schedule classes;
7. array flags, complex steps, tensors that require grad, numbers past float range;
8. explorer controls set to None or NaN: refused, kept, said; never raised.
"""

from __future__ import annotations

import io
import math
import pickle
import re
import warnings

import matplotlib
import numpy as np
import pytest
from _fuzz import assert_no_nan_plot, call, examples, junk, number_or_junk
from hypothesis import given
from hypothesis import strategies as st

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from course_lib import plotting as PL  # noqa: E402
from course_lib import problems as P  # noqa: E402
from course_lib import schedules as S  # noqa: E402
from course_lib import validation as V  # noqa: E402
from course_lib.training.gd import run_adaptive, run_gd  # noqa: E402
from course_lib.training.history import History, schedule_config, schedule_from_config  # noqa: E402
from course_lib.training.plan import check_horizon  # noqa: E402

# ---------------------------------------------------------------------------
# 1. Aliases are named as the learner typed them
# ---------------------------------------------------------------------------

#: A valid call of every factory that takes other libraries' names (our names only).
ALIASED_BASE = {
    "step_decay": dict(lr=0.1, step_size=10),
    "multistep_decay": dict(lr=0.1, milestones=[10, 20]),
    "exponential_decay": dict(lr=0.1, gamma=0.9),
    "inverse_time_decay": dict(lr=0.1, decay_rate=0.5),
    "polynomial_decay": dict(lr=0.1, total_steps=100),
    "linear_decay": dict(lr=0.1, total_steps=100),
    "cosine_decay": dict(lr=0.1, total_steps=100),
    "one_minus_sqrt_decay": dict(lr=0.1, total_steps=100),
    "ramp": dict(start_lr=0.0, end_lr=0.1, total_steps=10),
    "warmup": dict(schedule=S.constant(0.1), warmup_steps=10),
    "warmup_stable_decay": dict(lr=0.1, total_steps=100, warmup_steps=10, decay_steps=20),
    "noam": dict(lr=0.1, warmup_steps=10),
    "cosine_restarts": dict(lr=0.1, cycle_steps=10),
    "one_cycle": dict(max_lr=0.1, total_steps=100),
    "k_decay": dict(schedule=S.cosine_decay(0.1, 100), k=2.0),
    "noisy": dict(schedule=S.constant(0.1), noise_range=10),
}
ALIASES = [
    (name, alias, ours)
    for name in sorted(S.__all__)
    if hasattr(getattr(S, name, None), "aliases")
    for alias, ours in getattr(S, name).aliases.items()
]


def test_every_aliased_factory_has_a_base_call():
    assert {name for name, _, _ in ALIASES} == set(ALIASED_BASE)
    for name, kwargs in ALIASED_BASE.items():
        assert isinstance(getattr(S, name)(**kwargs), S.Schedule)


def _with_alias(name: str, alias: str, ours: str, value) -> dict:
    kwargs = dict(ALIASED_BASE[name])
    kwargs.pop(ours, None)
    kwargs[alias] = value
    return kwargs


def _names_only_the_alias(err: BaseException, alias: str, ours: str) -> None:
    text = str(err)
    assert alias in text, text
    assert not re.search(rf"(?<![\w.]){ours}=", text), text  # the learner never typed ours


@pytest.mark.parametrize("name, alias, ours", ALIASES, ids=[f"{n}-{a}" for n, a, _ in ALIASES])
def test_an_aliased_keyword_is_named_as_typed(name, alias, ours):
    with pytest.raises((ValueError, TypeError)) as caught:
        getattr(S, name)(**_with_alias(name, alias, ours, "x"))
    _names_only_the_alias(caught.value, alias, ours)


@pytest.mark.parametrize(
    "make, alias",
    [
        (lambda: S.cosine_decay(0.1, T_max=0), "T_max"),
        (lambda: S.cosine_decay(0.1, 100, eta_min=0.5), "eta_min"),
        (lambda: S.cosine_decay(init_value=-1.0, total_steps=10), "init_value"),
        (lambda: S.polynomial_decay(0.1, total_iters=-3), "total_iters"),
        (lambda: S.cosine_restarts(0.1, T_0=10, T_mult=0.5), "T_mult"),
        (
            lambda: S.warmup_stable_decay(0.1, num_training_steps=10, warmup_steps=6, decay_steps=6),
            "num_training_steps",
        ),
        (lambda: S.exponential_decay(0.1, decay_rate=1.5), "decay_rate"),
        (lambda: S.one_cycle(lr=-0.1, total_steps=100), "lr"),
    ],
)
def test_the_reported_alias_errors(make, alias):
    with pytest.raises(ValueError, match=rf"\b{alias}\b"):
        make()


@examples(60)
@given(data=st.data())
def test_any_value_under_an_alias_is_named_as_typed(data):
    name, alias, ours = data.draw(st.sampled_from(ALIASES), label="alias")
    value = data.draw(number_or_junk, label="value")
    try:
        getattr(S, name)(**_with_alias(name, alias, ours, value))
    except (ValueError, TypeError) as err:
        _names_only_the_alias(err, alias, ours)


# ---------------------------------------------------------------------------
# 2. A model that does not fit the data is refused before training
# ---------------------------------------------------------------------------


def _spirals():
    return P.spirals_dataset(n_samples=60, n_classes=3, seed=0)


def _text():
    return P.lm_dataset(16, 4, 8, seed=0)


@pytest.mark.parametrize(
    "model, data, fits",
    [
        (lambda M: M.mlp(3, 3), _spirals, r"mlp\(n_in=2, n_out=3\)"),
        (lambda M: M.mlp(64, 3), _spirals, r"mlp\(n_in=2, n_out=3\)"),
        (lambda M: M.mlp(2, 2), _spirals, r"one output per class"),
        (lambda M: M.mlp(2, 1, hidden=()), _spirals, r"one output per class"),
        (lambda M: __import__("torch").nn.Linear(2, 3).double(), _spirals, r"mlp\(n_in=2, n_out=3\)"),
        (lambda M: M.transformer_lm(5, 8, d_model=8, n_heads=2, n_layers=1), _text, r"vocabulary must be >= \d+"),
        (lambda M: M.transformer_lm(48, 4, d_model=8, n_heads=2, n_layers=1), _text, r"transformer_lm\(vocab_size="),
    ],
    ids=["n_in", "n_in-large", "n_out", "linear-n_out", "dtype", "vocab", "context"],
)
def test_a_model_that_does_not_fit_the_data_is_refused_before_training(model, data, fits):
    torch = pytest.importorskip("torch")
    from course_lib import training as T
    from course_lib.training import models, transformer

    class Both:
        mlp, transformer_lm = staticmethod(models.mlp), staticmethod(transformer.transformer_lm)

    net = model(Both)
    before = {k: v.clone() for k, v in net.state_dict().items()}
    with pytest.raises(ValueError, match=fits) as caught:
        T.train_torch(net, data(), 0.1, epochs=1, check_horizon=False)
    assert "model" in str(caught.value)
    assert all(torch.equal(before[k], v) for k, v in net.state_dict().items())  # nothing trained


@pytest.mark.parametrize("n_in, n_out", [(3, 2), (64, 2), (2, 1)])
def test_the_range_test_refuses_a_model_that_does_not_fit(n_in, n_out):
    pytest.importorskip("torch")
    from course_lib import training as T
    from course_lib.training import models as M

    with pytest.raises(ValueError, match="model"):
        T.lr_range_test(M.mlp(n_in, n_out), P.spirals_dataset(n_samples=200), num_steps=10)


def test_the_dry_forward_leaves_the_run_as_it_was():
    torch = pytest.importorskip("torch")
    from course_lib import training as T
    from course_lib.training import models as M

    data = _spirals()

    def net():
        return torch.nn.Sequential(M.mlp(2, 3, seed=0), torch.nn.Dropout(0.5))

    a, b = (T.train_torch(net(), data, 0.1, epochs=2, check_horizon=False) for _ in range(2))
    assert np.array_equal(a.loss, b.loss)  # the dry forward draws no dropout mask from the run's stream
    bn = torch.nn.Sequential(torch.nn.Linear(2, 8), torch.nn.BatchNorm1d(8), torch.nn.Linear(8, 3))
    T.train_torch(bn, data, 0.1, epochs=1, check_horizon=False)  # one example in train mode would raise
    assert bn.training


# ---------------------------------------------------------------------------
# 3. Checkpoints: one clear error naming the path and what was expected
# ---------------------------------------------------------------------------


def _fresh(n_in=2, hidden=(8,)):
    torch = pytest.importorskip("torch")
    from course_lib.schedules.torch_bridge import as_torch_scheduler
    from course_lib.training import models as M

    net = M.mlp(n_in, 3, hidden=hidden, seed=0)
    opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
    return net, opt, as_torch_scheduler(opt, S.cosine_decay(0.1, 40))


def _write_bad(tmp_path, kind):
    torch = pytest.importorskip("torch")
    from course_lib.training.checkpoint import save_checkpoint

    good = save_checkpoint(tmp_path / "good.pt", *_fresh(), step=0)
    path = tmp_path / f"{kind}.pt"
    if kind == "missing":
        return path
    if kind == "folder":
        return tmp_path
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "truncated":
        path.write_bytes(good.read_bytes()[:200])
    elif kind == "text":
        path.write_text("not a checkpoint")
    elif kind == "pickle":
        path.write_bytes(pickle.dumps({"step": 1}))
    elif kind == "foreign-dict":
        torch.save({"weights": torch.zeros(3)}, path)
    elif kind == "list":
        torch.save([1, 2, 3], path)
    elif kind == "bad-step":
        state = torch.load(good, weights_only=True)
        state["step"] = -4
        torch.save(state, path)
    elif kind == "no-step":
        state = torch.load(good, weights_only=True)
        state["stepp"] = state.pop("step")
        torch.save(state, path)
    elif kind == "bad-rng":
        state = torch.load(good, weights_only=True)
        state["torch_rng"] = torch.zeros(3)
        torch.save(state, path)
    return path


BAD_FILES = [
    "missing",
    "folder",
    "empty",
    "truncated",
    "text",
    "pickle",
    "foreign-dict",
    "list",
    "bad-step",
    "no-step",
    "bad-rng",
]


@pytest.mark.parametrize("kind", BAD_FILES)
def test_a_bad_checkpoint_file_is_one_clear_error(tmp_path, kind):
    pytest.importorskip("torch")
    from course_lib.training.checkpoint import CheckpointError, NoCheckpoint, load_checkpoint

    path = _write_bad(tmp_path, kind)
    net, opt, sched = _fresh()
    with pytest.raises(CheckpointError) as caught:
        load_checkpoint(path, net, opt, sched)
    assert str(path) in str(caught.value) and ("save_checkpoint" in str(caught.value) or "folder" in str(caught.value))
    assert isinstance(caught.value, ValueError)
    if kind == "missing":
        assert isinstance(caught.value, (NoCheckpoint, FileNotFoundError))


@pytest.mark.parametrize(
    "other", [dict(n_in=3), dict(hidden=(8, 8)), dict(hidden=(4,))], ids=["n_in", "depth", "width"]
)
def test_a_checkpoint_of_another_model_is_refused_before_loading(tmp_path, other):
    torch = pytest.importorskip("torch")
    from course_lib.training.checkpoint import CheckpointError, load_checkpoint, save_checkpoint

    path = save_checkpoint(tmp_path / "run.pt", *_fresh(), step=0)
    net, opt, sched = _fresh(**other)
    before = {k: v.clone() for k, v in net.state_dict().items()}
    with pytest.raises(CheckpointError, match="another model"):
        load_checkpoint(path, net, opt, sched)
    assert all(torch.equal(before[k], v) for k, v in net.state_dict().items())


@pytest.mark.parametrize("path", [None, 3, "", ["a.pt"]])
def test_a_checkpoint_path_that_is_no_file_name(path):
    pytest.importorskip("torch")
    from course_lib.training.checkpoint import load_checkpoint, save_checkpoint

    with pytest.raises(TypeError, match="path must be a file name"):
        load_checkpoint(path, *_fresh())
    with pytest.raises(TypeError, match="path must be a file name"):
        save_checkpoint(path, *_fresh(), step=0)


@examples(15)
@given(content=st.binary(max_size=300))
def test_any_bytes_are_a_checkpoint_or_a_clear_error(tmp_path_factory, content):
    pytest.importorskip("torch")
    from course_lib.training.checkpoint import CheckpointError, load_checkpoint

    path = tmp_path_factory.mktemp("bytes") / "random.pt"
    path.write_bytes(content)
    with pytest.raises(CheckpointError, match="path"):
        load_checkpoint(path, *_fresh())


# ---------------------------------------------------------------------------
# 4. Plots: log axes with nothing > 0, all-NaN lines, no figure left under an error
# ---------------------------------------------------------------------------


def _history(loss, lr=0.1, label="run"):
    loss = np.asarray(loss, dtype=float)
    return History(steps=np.arange(loss.size), lr=np.full(loss.size, lr), loss=loss, label=label)


def _draw(make):
    """Draw and render under warnings-as-errors (matplotlib's "no positive values", overflows)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = make()
        fig = out if hasattr(out, "savefig") else out.figure
        fig.savefig(io.BytesIO(), format="png")
    assert_no_nan_plot(fig)
    return fig


NEGATIVE, ALL_NAN = -np.arange(1.0, 6.0), np.full(5, np.nan)


@pytest.mark.parametrize(
    "make",
    [
        lambda: PL.plot_history(_history(NEGATIVE), log_loss=True),
        lambda: PL.plot_runs({"a": [_history(NEGATIVE), _history(NEGATIVE)]}, log=True),
        lambda: PL.plot_runs({"a": [_history(np.zeros(5))]}, log=True),
        lambda: PL.plot_schedules({"zero": lambda t: 0.0, "neg": lambda t: -1.0}, 10, log=True),
        lambda: PL.plot_schedule_gallery({"zero": lambda t: 0.0}, 10, log=True),
        lambda: PL.plot_lr_sweeps({"a": ([0.1, 1.0], [-1.0, -2.0])}),
    ],
    ids=["history", "runs", "runs-zeros", "schedules", "gallery", "sweeps"],
)
def test_a_log_axis_with_nothing_positive_stays_linear_and_says_so(make):
    fig = _draw(make)
    labels = " ".join(ax.get_ylabel() + ax.get_xlabel() for ax in fig.axes)
    texts = " ".join(t.get_text() for ax in fig.axes for t in ax.texts)
    assert "linear scale" in labels or "not drawn" in texts or all(ax.get_yscale() == "linear" for ax in fig.axes)
    plt.close("all")


@pytest.mark.parametrize(
    "make",
    [
        lambda: PL.plot_history(_history(ALL_NAN, label="nan run")),
        lambda: PL.plot_runs({"nan runs": [_history(ALL_NAN), _history(ALL_NAN)]}),
        lambda: PL.plot_schedules({"nan": lambda t: math.nan, "ok": S.constant(0.1)}, 10),
        lambda: PL.plot_schedules({"huge": lambda t: 1.7e308}, 10),
        lambda: PL.plot_schedules({"complex": lambda t: np.complex128(1 + 1j)}, 10),
    ],
    ids=["history", "runs", "schedules", "huge", "complex"],
)
def test_no_line_of_nothing_but_nan_is_drawn_silently(make):
    fig = _draw(make)
    assert any("not drawn" in t.get_text() for ax in fig.axes for t in ax.texts)
    plt.close("all")


@pytest.mark.parametrize(
    "make",
    [
        lambda: PL.plot_runs({"a": [History()]}),
        lambda: PL.plot_runs({"a": [_history([1.0, 2.0])]}, metric="val_loss"),
        lambda: PL.plot_runs_by_epoch({"a": [_history([1.0, 2.0])]}),
        lambda: PL.plot_schedules([S.constant(0.1)], 10, log=np.array([True, False])),
        lambda: PL.plot_history(_history([1.0]), show_lr="yes"),
        lambda: PL.plot_schedule_gallery({"a": S.constant(0.1)}, 0),
        lambda: PL.plot_path(P.quadratic_bowl(), [History()]),
    ],
    ids=["empty-run", "no-val", "by-epoch", "array-flag", "text-flag", "n_steps", "path"],
)
def test_a_refused_plot_leaves_no_figure(make):
    plt.close("all")
    with pytest.raises((ValueError, TypeError)):
        make()
    assert plt.get_fignums() == []


_values = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -1.0, 1e-300, 1.7e308, -1.7e308, math.nan]),
)


@examples(25)
@given(
    loss=st.lists(_values, min_size=1, max_size=12),
    log=st.booleans(),
    which=st.sampled_from(["history", "runs", "schedules"]),
)
def test_any_curve_draws_without_warning_or_nan_line(loss, log, which):
    loss = np.array(loss)
    if which == "history":
        make = lambda: PL.plot_history(_history(loss), log_loss=log)  # noqa: E731
    elif which == "runs":
        make = lambda: PL.plot_runs({"a": [_history(loss)]}, log=log)  # noqa: E731
    else:
        make = lambda: PL.plot_schedules({"f": lambda t: loss[t]}, len(loss), log=log)  # noqa: E731
    try:
        _draw(make)
    finally:
        plt.close("all")


@examples(20)
@given(flag=junk, which=st.sampled_from(["log", "log_loss", "show_lr"]))
def test_any_junk_flag_leaves_no_figure(flag, which):
    plt.close("all")
    make = {
        "log": lambda: PL.plot_schedules([S.constant(0.1)], 5, log=flag),
        "log_loss": lambda: PL.plot_history(_history([1.0, 0.5]), log_loss=flag),
        "show_lr": lambda: PL.plot_history(_history([1.0, 0.5]), show_lr=flag),
    }[which]
    if isinstance(flag, (bool, np.bool_)):
        make()
    else:
        with pytest.raises(TypeError, match=which):
            make()
        assert plt.get_fignums() == []
    plt.close("all")


# ---------------------------------------------------------------------------
# 5. Learner callables: what they return is checked
# ---------------------------------------------------------------------------


class Bowl:
    """A learner's problem: vectorised, as the course asks."""

    dim = 2
    w0 = np.array([1.0, -1.0])

    def loss(self, w):
        return np.sum(np.asarray(w) ** 2, axis=-1)

    def grad(self, w):
        return 2 * np.asarray(w)


def _problem(**methods):
    return type("LearnerProblem", (Bowl,), methods)()


@pytest.mark.parametrize(
    "problem, words",
    [
        (_problem(loss=lambda self, w: np.sum(np.asarray(w) ** 2)), "problem.loss"),  # one number for a path
        (_problem(loss=lambda self, w: np.asarray(w)[0] ** 2 + np.asarray(w)[1] ** 2), "problem.loss"),  # w[0]
        (_problem(loss=lambda self, w: math.fsum(np.ravel(w) ** 2)), "problem.loss"),  # not vectorised
        (_problem(loss=lambda self, w: "low"), "problem.loss"),
        (_problem(loss=lambda self, w: np.asarray(w) ** 2), "problem.loss"),  # per coordinate
        (_problem(grad=lambda self, w: np.outer(w, w)), "problem.grad"),
        (_problem(grad=lambda self, w: 2 * np.asarray(w) + 0j), "problem.grad"),
        (_problem(grad=lambda self, w: [1.0]), "problem.grad"),
        (_problem(grad=lambda self, w: None), "problem.grad"),
        (type("P", (Bowl,), {"dim": "2"})(), "problem.dim"),
    ],
)
def test_a_learner_problem_returning_the_wrong_thing_is_named(problem, words):
    for run in (run_gd, run_adaptive):
        with pytest.raises((ValueError, TypeError), match=words.replace(".", r"\.")):
            run(problem, 0.1, 5)


def test_a_vectorised_learner_problem_runs():
    h = run_gd(Bowl(), 0.1, 20)
    assert len(h.loss) == len(h.lr) == 20 and not h.diverged


@pytest.mark.parametrize(
    "schedule",
    [
        lambda t: np.array([0.1, 0.2]),
        lambda t: 0.1 + 0j,
        lambda t: np.complex128(0.1),
        lambda t: True,
        lambda t: None,
        lambda t: 10**400,
        lambda t: 1.7e308,
    ],
    ids=["array", "complex", "np-complex", "bool", "none", "huge-int", "near-max"],
)
def test_a_learner_schedule_returning_no_real_rate_is_named(schedule):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ComplexWarning, no DeprecationWarning from float(array)
        with pytest.raises((ValueError, TypeError), match="schedule"):
            run_gd(Bowl(), schedule, 5)
        with pytest.raises((ValueError, TypeError), match="momentum"):
            run_gd(Bowl(), 0.1, 5, momentum=schedule)


def test_a_schedule_subclass_giving_the_wrong_number_of_rates_is_named():
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class Two(S.Schedule):
        def _value(self, t):
            return np.array([0.1, 0.2, 0.3])

    with pytest.raises(ValueError, match="one rate per step"):
        Two()(np.arange(5))


@pytest.mark.parametrize("answer", [np.array([True, False]), "stop", [1], 0.5])
def test_a_callback_answer_that_is_no_flag_is_named(answer):
    pytest.importorskip("torch")
    from course_lib import training as T
    from course_lib.training import models as M

    with pytest.raises(TypeError, match="callback must return True"):
        T.train_torch(M.mlp(2, 3), _spirals(), 0.1, epochs=1, callback=lambda *a: answer, check_horizon=False)


@examples(30)
@given(
    loss_kind=st.sampled_from(["ok", "scalar", "rows", "text", "none", "complex"]),
    grad_kind=st.sampled_from(["ok", "outer", "short", "complex", "none", "list"]),
    method=st.sampled_from(["gd", "adam"]),
)
def test_any_learner_problem_runs_or_is_named(loss_kind, grad_kind, method):
    losses = {
        "ok": Bowl.loss,
        "scalar": lambda self, w: float(np.sum(np.asarray(w) ** 2)),
        "rows": lambda self, w: np.asarray(w)[0] ** 2,
        "text": lambda self, w: "x",
        "none": lambda self, w: None,
        "complex": lambda self, w: np.sum(np.asarray(w) ** 2, axis=-1) + 1j,
    }
    grads = {
        "ok": Bowl.grad,
        "outer": lambda self, w: np.outer(w, w),
        "short": lambda self, w: np.asarray(w)[:1],
        "complex": lambda self, w: np.asarray(w) * 1j,
        "none": lambda self, w: None,
        "list": lambda self, w: list(np.asarray(w) * 2),
    }
    problem = _problem(loss=losses[loss_kind], grad=grads[grad_kind])
    run = run_gd if method == "gd" else run_adaptive
    h = call(run, problem, 0.05, 10, names=("problem.loss", "problem.grad"))
    assert (h is None) == (loss_kind != "ok" or grad_kind not in ("ok", "list"))


# ---------------------------------------------------------------------------
# 6. check_horizon's total_steps; schedule_from_config builds only concrete schedules
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("total_steps", [0, -5, 2.5, "100", None, True, math.nan, 10**400])
def test_check_horizon_refuses_a_run_length_that_is_no_step_count(total_steps):
    with pytest.raises((ValueError, TypeError), match="total_steps"):
        check_horizon(S.cosine_decay(0.1, 100), total_steps)


NOT_CONCRETE = ["Schedule", "Composite", "ParamSpec", "Entry", "evaluate", "cosine_decay", "CATALOG", "nothing"]


@pytest.mark.parametrize("name", NOT_CONCRETE + [3, None, ["Constant"]])
def test_schedule_from_config_builds_only_concrete_schedule_classes(name):
    with pytest.raises(ValueError, match=r"config\['class'\] must name a schedule class"):
        schedule_from_config({"class": name, "lr": 0.1})


@pytest.mark.parametrize(
    "config, words",
    [
        ({"class": "CosineDecay", "lr": 0.1}, "missing \\['total_steps'\\]"),
        ({"class": "Constant", "lr": 0.1, "total_steps": 3}, "unknown \\['total_steps'\\]"),
        ({"class": "Constant"}, "missing \\['lr'\\]"),
        ({"class": "Warmup", "schedule": {"class": "Schedule"}, "warmup_steps": 3}, "must name a schedule class"),
    ],
)
def test_schedule_from_config_names_the_fields(config, words):
    with pytest.raises(ValueError, match=words):
        schedule_from_config(config)


def test_every_catalog_schedule_round_trips_through_its_config():
    for entry in S.REGISTRY.values():
        schedule = entry.make()
        assert schedule_from_config(schedule_config(schedule)) == schedule


_class_names = st.one_of(st.sampled_from(sorted(dir(S))), st.text(max_size=10), junk)


@examples(60)
@given(
    name=_class_names,
    fields=st.dictionaries(st.sampled_from(["lr", "total_steps", "min_lr", "gamma", "x"]), number_or_junk, max_size=4),
)
def test_any_config_builds_a_schedule_or_is_named(name, fields):
    result = call(schedule_from_config, {"class": name, **fields}, names=("config", *fields))
    assert result is None or isinstance(result, S.Schedule)


# ---------------------------------------------------------------------------
# 7. Flags, complex steps, tensors that require grad, numbers past float range
# ---------------------------------------------------------------------------

ARRAY_FLAG = np.array([True, False])


@pytest.mark.parametrize(
    "make, flag",
    [
        (lambda f: S.exponential_decay(0.1, 0.9, staircase=f), "staircase"),
        (lambda f: S.inverse_time_decay(0.1, 0.5, staircase=f), "staircase"),
        (lambda f: S.one_cycle(0.1, 100, three_phase=f), "three_phase"),
        (lambda f: S.one_cycle_momentum(100, three_phase=f), "three_phase"),
        (lambda f: run_gd(Bowl(), 0.1, 5, nesterov=f, momentum=0.9), "nesterov"),
        (lambda f: run_gd(Bowl(), 0.1, 5, check_horizon=f), "check_horizon"),
        (lambda f: run_adaptive(Bowl(), 0.1, 5, check_horizon=f), "check_horizon"),
        (lambda f: PL.plot_schedules([S.constant(0.1)], 5, log=f), "log"),
        (lambda f: PL.plot_val_history(_history([1.0]), mark_cuts=f), "mark_cuts"),
    ],
)
@pytest.mark.parametrize("value", [ARRAY_FLAG, np.array([True]), 1, "yes", None], ids=repr)
def test_a_flag_is_true_or_false(make, flag, value):
    with pytest.raises(TypeError, match=rf"{flag} must be True or False"):
        make(value)
    plt.close("all")


@pytest.mark.parametrize("value", [ARRAY_FLAG, 1, "False"], ids=repr)
@pytest.mark.parametrize("flag", ["nesterov", "progress", "check_horizon"])
def test_a_train_config_flag_is_true_or_false(flag, value):
    pytest.importorskip("torch")
    from course_lib.training import TrainConfig

    with pytest.raises(TypeError, match=rf"{flag} must be True or False"):
        TrainConfig(epochs=1, **{flag: value})


@pytest.mark.parametrize("t", [1 + 2j, np.array([1j, 2]), [0, 1 + 0j], np.complex64(3)], ids=repr)
def test_complex_steps_are_refused_without_a_complex_warning(t):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(TypeError, match="t must be real numbers"):
            S.cosine_decay(0.1, 100)(t)


def test_a_tensor_that_requires_grad_is_named():
    torch = pytest.importorskip("torch")
    for t in (torch.tensor(3.0, requires_grad=True), torch.arange(3.0).requires_grad_()):
        with pytest.raises(TypeError, match=r"t\.detach\(\)"):
            S.constant(0.1)(t)
    assert S.constant(0.1)(torch.tensor(3.0)) == 0.1  # a plain tensor is steps


@pytest.mark.parametrize(
    "make, name",
    [
        (lambda: S.constant(10**400), "lr"),
        (lambda: S.cosine_decay(0.1, 10**400), "total_steps"),
        (lambda: S.step_decay(0.1, -(10**400)), "step_size"),
        (lambda: S.constant(1.7e308), "lr"),
        (lambda: S.cyclic(0.1, 1.7e308, 10), "max_lr"),
        (lambda: S.scaled(S.constant(1.0), 1.79e308), "factor"),
        (lambda: S.constant(0.1)(10**400), "t"),
        (lambda: S.constant(0.1)(np.array([0.0, 1.7e308])), "t"),
        (lambda: run_gd(Bowl(), 10**400, 5), "schedule"),
        (lambda: run_gd(Bowl(), 0.1, 5, w0=[1.7e308, 0.0]), "w0"),
    ],
)
def test_numbers_past_float_range_are_refused_by_name(make, name):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises((ValueError, TypeError), match=rf"\b{name}\b"):
            make()


@examples(80)
@given(value=st.one_of(number_or_junk, st.integers(), st.sampled_from([10**308, 10**309, -(10**400)])))
def test_check_real_and_check_int_give_finite_numbers_in_range_or_name_the_argument(value):
    for check in (V.check_real, V.check_int):
        result = call(check, "x", value, names=("x",))
        if result is not None:
            assert math.isfinite(result) and abs(result) <= V.MAX_MAGNITUDE


@examples(40)
@given(value=junk)
def test_check_flag_refuses_all_but_a_bool(value):
    if isinstance(value, (bool, np.bool_)):
        assert V.check_flag("flag", value) is bool(value)
    else:
        with pytest.raises(TypeError, match="flag must be True or False"):
            V.check_flag("flag", value)


@examples(60)
@given(t=st.one_of(junk, st.complex_numbers(), st.lists(st.complex_numbers(), max_size=3)))
def test_any_step_is_rates_or_is_named(t):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        call(S.cosine_decay(0.1, 100), t, names=("t",))


# ---------------------------------------------------------------------------
# 8. Explorer controls set to None or NaN: refused, kept, said; never raised
# ---------------------------------------------------------------------------


def _explorers():
    from course_lib import explorers as W

    return {
        "schedules": lambda: W.explore_schedules(n_steps=50),
        "conventions": W.explore_conventions,
        "gd": lambda: W.explore_gd("quadratic"),
    }


@pytest.mark.parametrize("which", ["schedules", "conventions", "gd"])
@pytest.mark.parametrize("bad", [None, math.nan, "abc", ARRAY_FLAG], ids=repr)
def test_an_explorer_control_set_to_junk_keeps_its_value_and_says_so(which, bad):
    explorer = _explorers()[which]()
    explorer.flush()
    for name in sorted(explorer.controls):
        control = explorer.controls.get(name)
        if control is None:  # replaced by a change of schedule
            continue
        before = control.value
        control.value = bad  # never raises
        if isinstance(before, str) and isinstance(bad, str):
            continue  # a text box takes text
        kept = control.value
        assert kept is before or kept == before or (isinstance(kept, float) and math.isnan(kept) and math.isnan(before))
        assert "is not a value this control takes" in explorer.status.value or control.value == bad
        assert explorer.last_error is None
    plt.close("all")


def test_an_explorer_keeps_working_after_a_refused_value(shown):
    from course_lib import explorers as W

    explorer = W.explore_schedules(n_steps=50)
    explorer.flush()
    control = explorer.controls["lr"]
    control.value = None
    assert "lr" in explorer.status.value and "kept" in explorer.status.value
    shown.clear()
    control.value = control.max if hasattr(control, "max") else control.value
    explorer.controls["log"].value = not explorer.controls["log"].value
    assert shown and explorer.last_error is None


def test_a_control_without_an_explorer_still_raises_as_ipywidgets_does():
    import traitlets

    from course_lib.explorers.controls import Control, make_control

    slider = make_control(Control("lr", "float", 0.1, 0.0, 1.0, 0.01))
    with pytest.raises(traitlets.TraitError):
        slider.value = None
