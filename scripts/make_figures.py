"""Regenerate every file in figures/ from course_lib (deterministic).

    make figures        # or: python scripts/make_figures.py [--out DIR]

The README shows these. tests/test_figures.py checks that this script runs and
writes every file listed in FIGURES.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from course_lib import plotting as viz  # noqa: E402
from course_lib import problems as P  # noqa: E402
from course_lib import schedules as S  # noqa: E402
from course_lib import training as T  # noqa: E402
from course_lib.training import models as M  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
# Each figure and how far (matplotlib's RMS pixel difference, 0-255) another CPU's drawing of it
# may stray from the committed one. Closed-form curves and seeded NumPy runs draw the same pixels
# on every machine tried; warmup.png trains torch nets at a rate where Adam is chaotic, so its
# noisy loss curves move with the CPU's rounding: RMS 9.5 under torch's baseline kernels
# (ATEN_CPU_CAPABILITY=default), 0 under AVX2 or another thread count. tests/test_figures.py reads this.
FIGURES = {
    "schedule_gallery.png": 1.0,
    "stability_limit.png": 1.0,
    "warmup.png": 20.0,
    "restarts.png": 1.0,
}
# PNG metadata holds the matplotlib version and no date, so the same code gives the same bytes.
PNG_METADATA = {"Software": None}


def catalog(n: int = 1000) -> dict[str, S.Schedule]:
    """One example of every schedule, over n steps: the gallery pictures of the registry's rows."""
    return S.gallery(n)


def save(fig, out: Path, name: str) -> None:
    fig.savefig(out / name, dpi=100, bbox_inches="tight", metadata=PNG_METADATA)
    plt.close(fig)


def schedule_gallery(out: Path) -> None:
    fig = viz.plot_schedule_gallery(catalog(), 1000, ncols=5)
    save(fig, out, "schedule_gallery.png")


def stability_limit(out: Path) -> None:
    bowl = P.quadratic_bowl(condition_number=5.0, L=1.0)
    limit = bowl.stability_limit
    runs = [T.run_gd(bowl, S.constant(f * limit), 60, label=f"lr = {f:.2f}·2/L") for f in (0.45, 0.98, 1.1)]
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    viz.plot_path(bowl, runs, ax=left)
    left.set_title("gradient descent on a quadratic: η < 2/L converges")
    viz.plot_contraction(bowl, ax=right)
    save(fig, out, "stability_limit.png")


def warmup(out: Path) -> None:
    """Notebook 05's experiment: Adam at a high peak rate, with and without a linear warm-up."""
    data = P.teacher_student_dataset(n_samples=2000, d_in=20, hidden=32, noise=0.1)
    epochs, batch, peak, warm = 15, 64, 0.15, 50
    steps = epochs * int(np.ceil(len(data.X_train) / batch))
    plain = S.cosine_decay(peak, steps)
    warmed = S.warmup(S.cosine_decay(peak, steps - warm), warm)
    runs = {}
    for name, schedule in (("no warm-up", plain), (f"linear warm-up, {warm} steps", warmed)):
        runs[name] = T.run_many(
            T.train_torch,
            [0, 1, 2],
            lambda: M.mlp(20, 1, hidden=(64, 64), seed=None),
            data,
            schedule,
            epochs=epochs,
            batch_size=batch,
            optimizer="adam",
            loss="mse",
        )
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    viz.plot_schedules({"no warm-up": plain, "warm-up": warmed}, steps, ax=left, title=f"Adam, peak rate {peak}")
    viz.plot_runs(runs, metric="loss", ax=right, log=True, band="minmax")
    right.set_title("teacher-student regression, 3 seeds")
    save(fig, out, "warmup.png")


def restarts(out: Path) -> None:
    land = P.multi_basin()
    n = 1000
    runs = [
        T.run_gd(land, S.cosine_decay(0.05, n), n, batch_size=1, seed=0, label="small cosine decay"),
        T.run_gd(land, S.cosine_restarts(0.5, 200), n, batch_size=1, seed=0, label="SGDR, peak 0.5"),
    ]
    fig, ax = plt.subplots(figsize=(7.5, 6))
    viz.plot_path(land, runs, ax=ax, log_levels=False)
    ax.set_title("restarts leave a shallow basin for the deepest one")
    save(fig, out, "restarts.png")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "figures", help="output folder")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    viz.use_course_style()
    for make in (schedule_gallery, stability_limit, warmup, restarts):
        make(args.out)
    for name in FIGURES:
        print(args.out / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
