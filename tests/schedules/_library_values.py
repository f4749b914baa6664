"""The libraries' own rates for the schedules course_lib says it matches (optax, timm, Hugging Face,
pytorch_optimizer), computed by the libraries themselves.

``tests/schedules/library_values.json`` stores them, so the suite checks course_lib against them
without those packages; ``test_library_values.py`` recomputes them here when the libraries are
importable. Regenerate (in a venv with optax, jax, timm, torch, transformers, pytorch_optimizer):

    PYTHONPATH=. python tests/schedules/_library_values.py
"""

from __future__ import annotations

import json
import re
from importlib.metadata import version
from pathlib import Path
from typing import Any, Callable

FIXTURE = Path(__file__).with_name("library_values.json")
N = 60  # steps 0 .. N-1 of each case

#: case -> (library, its call as text, how course_lib builds it as text)
CASES: dict[str, tuple[str, str, str]] = {
    "optax_exponential_floor": (
        "optax",
        "optax.exponential_decay(init_value=0.1, transition_steps=10, decay_rate=0.8, transition_begin=5, "
        "end_value=0.03)",
        "S.exponential_decay(0.1, 0.8, decay_steps=10, transition_begin=5, end_lr=0.03)",
    ),
    "optax_exponential_staircase_floor": (
        "optax",
        "optax.exponential_decay(0.1, 7, 0.5, transition_begin=3, staircase=True, end_value=0.004)",
        "S.exponential_decay(init_value=0.1, transition_steps=7, decay_rate=0.5, transition_begin=3, "
        "staircase=True, end_value=0.004)",
    ),
    "optax_exponential_no_floor": (
        "optax",
        "optax.exponential_decay(0.1, 4, 0.9)",
        "S.exponential_decay(0.1, 0.9, decay_steps=4)",
    ),
    "timm_cosine_k2": (
        "timm",
        "CosineLRScheduler(opt(lr=0.1), t_initial=50, lr_min=0.001, k_decay=2.0, t_in_epochs=False)",
        "S.k_decay(S.cosine_decay(0.1, 50, min_lr=0.001), 2.0)",
    ),
    "timm_cosine_k0.5": (
        "timm",
        "CosineLRScheduler(opt(lr=0.1), t_initial=40, k_decay=0.5, t_in_epochs=False)",
        "S.k_decay(S.cosine_decay(0.1, 40), k_decay=0.5)",
    ),
    "timm_poly_k1.5": (
        "timm",
        "PolyLRScheduler(opt(lr=0.1), t_initial=50, power=2.0, lr_min=0.001, k_decay=1.5, t_in_epochs=False)",
        "S.k_decay(S.polynomial_decay(0.1, 50, end_lr=0.001, power=2.0), 1.5)",
    ),
    "timm_noise_normal": (
        "timm",
        "CosineLRScheduler(opt(lr=0.1), t_initial=50, noise_range_t=(10, 40), noise_pct=0.3, noise_seed=7, "
        "t_in_epochs=False)",
        "S.noisy(S.cosine_decay(0.1, 50), (10, 40), noise_pct=0.3, noise_seed=7)",
    ),
    "timm_noise_defaults_from_20": (
        "timm",
        "CosineLRScheduler(opt(lr=0.1), t_initial=50, noise_range_t=20, noise_std=0.5, t_in_epochs=False)",
        "S.noisy(S.cosine_decay(0.1, 50), noise_range_t=20, noise_std=0.5)",
    ),
    "timm_noise_uniform": (
        "timm",
        "CosineLRScheduler(opt(lr=0.1), t_initial=50, noise_range_t=0, noise_pct=0.2, t_in_epochs=False); "
        "sched.noise_type = 'uniform'",
        "S.noisy(S.cosine_decay(0.1, 50), 0, noise_pct=0.2, noise_type='uniform')",
    ),
    "hf_wsd_default": (
        "transformers",
        "get_wsd_schedule(opt(lr=1.0), num_warmup_steps=5, num_decay_steps=10, num_training_steps=40, "
        "min_lr_ratio=0.1)",
        "S.warmup_stable_decay(1.0, 40, 5, 10, min_lr=0.1, decay='cosine')",
    ),
    "hf_wsd_1sqrt": (
        "transformers",
        "get_wsd_schedule(opt(lr=1.0), 5, 10, 40, decay_type='1-sqrt', min_lr_ratio=0.1)",
        "S.warmup_stable_decay(1.0, 40, 5, 10, min_lr=0.1, decay_type='1-sqrt')",
    ),
    "pytorch_optimizer_wsd_default": (
        "pytorch_optimizer",
        "get_wsd_schedule(opt(lr=1.0), num_warmup_steps=5, num_stable_steps=25, num_decay_steps=10)",
        "S.warmup_stable_decay(1.0, 40, 5, 10, decay='1-sqrt')",
    ),
    "timm_wsd_default": (
        "timm",
        "WSDLRScheduler(opt(lr=1.0), t_initial=35, decay_t=10, warmup_t=5, t_in_epochs=False)",
        "S.warmup_stable_decay(1.0, 40, 5, 10, decay='1-sqrt')",
    ),
}


def _opt(lr: float) -> Any:
    import torch

    return torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=lr)


def _torch_lambda(make: Callable[[Any], Any]) -> list[float]:
    """A LambdaLR-based scheduler (HF, pytorch_optimizer): the rate of each update, stepping after it."""
    opt = _opt(1.0)
    sched = make(opt)
    rates = []
    for _ in range(N):
        rates.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return rates


def _timm(make: Callable[[Any], Any], uniform: bool = False) -> list[float]:
    """A timm scheduler stepped per update: ``step_update(t)`` sets the rate of update t."""
    opt = _opt(0.1)
    sched = make(opt)
    if uniform:
        sched.noise_type = "uniform"
    rates = []
    for t in range(N):
        sched.step_update(t)
        rates.append(opt.param_groups[0]["lr"])
    return rates


def compute(library: str) -> dict[str, list[float]]:
    """The rates of each case of ``library`` at steps 0 .. N-1, from the library itself."""
    out: dict[str, list[float]] = {}
    if library == "optax":
        import numpy as np
        import optax

        calls = {
            "optax_exponential_floor": optax.exponential_decay(0.1, 10, 0.8, transition_begin=5, end_value=0.03),
            "optax_exponential_staircase_floor": optax.exponential_decay(
                0.1, 7, 0.5, transition_begin=3, staircase=True, end_value=0.004
            ),
            "optax_exponential_no_floor": optax.exponential_decay(0.1, 4, 0.9),
        }
        for case, f in calls.items():
            out[case] = [float(np.asarray(f(c))) for c in range(N)]
    elif library == "timm":
        from timm.scheduler import CosineLRScheduler, PolyLRScheduler
        from timm.scheduler.wsd_lr import WSDLRScheduler

        def cos(**kw: Any) -> Callable[[Any], Any]:
            return lambda o: CosineLRScheduler(o, t_in_epochs=False, **kw)

        out["timm_cosine_k2"] = _timm(cos(t_initial=50, lr_min=0.001, k_decay=2.0))
        out["timm_cosine_k0.5"] = _timm(cos(t_initial=40, k_decay=0.5))
        out["timm_poly_k1.5"] = _timm(
            lambda o: PolyLRScheduler(o, t_initial=50, power=2.0, lr_min=0.001, k_decay=1.5, t_in_epochs=False)
        )
        out["timm_noise_normal"] = _timm(cos(t_initial=50, noise_range_t=(10, 40), noise_pct=0.3, noise_seed=7))
        out["timm_noise_defaults_from_20"] = _timm(cos(t_initial=50, noise_range_t=20, noise_std=0.5))
        out["timm_noise_uniform"] = _timm(cos(t_initial=50, noise_range_t=0, noise_pct=0.2), uniform=True)
        out["timm_wsd_default"] = [
            10 * r for r in _timm(lambda o: WSDLRScheduler(o, t_initial=35, decay_t=10, warmup_t=5, t_in_epochs=False))
        ]  # base lr 0.1 -> 1.0
    elif library == "transformers":
        from transformers.optimization import get_wsd_schedule

        out["hf_wsd_default"] = _torch_lambda(lambda o: get_wsd_schedule(o, 5, 10, 40, min_lr_ratio=0.1))
        out["hf_wsd_1sqrt"] = _torch_lambda(
            lambda o: get_wsd_schedule(o, 5, 10, 40, decay_type="1-sqrt", min_lr_ratio=0.1)
        )
    elif library == "pytorch_optimizer":
        from pytorch_optimizer.lr_scheduler.wsd import get_wsd_schedule as po_wsd

        out["pytorch_optimizer_wsd_default"] = _torch_lambda(lambda o: po_wsd(o, 5, 25, 10))
    else:
        raise ValueError(f"unknown library {library!r}")
    return out


def defaults() -> dict[str, str]:
    """Each WSD implementation's default decay shape, read from its signature."""
    import inspect

    from pytorch_optimizer.lr_scheduler.wsd import get_wsd_schedule as po_wsd
    from timm.scheduler.wsd_lr import WSDLRScheduler
    from transformers.optimization import get_wsd_schedule

    return {
        "transformers.get_wsd_schedule decay_type": inspect.signature(get_wsd_schedule)
        .parameters["decay_type"]
        .default,
        "pytorch_optimizer.get_wsd_schedule cooldown_type": inspect.signature(po_wsd)
        .parameters["cooldown_type"]
        .default,
        "timm.WSDLRScheduler decay_fn": inspect.signature(WSDLRScheduler).parameters["decay_fn"].default,
    }


LIBRARIES = ("optax", "timm", "transformers", "pytorch_optimizer")


def main() -> None:
    values: dict[str, list[float]] = {}
    for library in LIBRARIES:
        values.update(compute(library))
    packages = ("optax", "jax", "timm", "torch", "transformers", "pytorch_optimizer")
    cases = {
        case: {"library": lib, "call": call, "ours": ours, "rates": values[case]}
        for case, (lib, call, ours) in CASES.items()
    }
    data = {"versions": {p: version(p) for p in packages}, "steps": N, "defaults": defaults(), "cases": cases}
    text = json.dumps(data, indent=1)
    text = re.sub(r"\[\s+([^\[\]{}]*?)\s+\]", lambda m: "[" + " ".join(m.group(1).split()) + "]", text)
    FIXTURE.write_text(text + "\n")
    print(f"wrote {FIXTURE} ({len(values)} cases)")


if __name__ == "__main__":
    main()
