"""What a learner reads in an explorer is rounded (one formatter, course_lib.display.readable_number),
and moving a rate in the schedule explorer moves the curve, not only the tick labels."""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_lib import explorers  # noqa: E402
from course_lib.display import DIGITS, READOUT  # noqa: E402


def _texts(explorer) -> str:
    out = [explorer.status.value, getattr(explorer, "info", None) and explorer.info.value or ""]
    for ax in explorer.figure.axes:
        out.append(ax.get_title())
        if ax.get_legend() is not None:
            out += [t.get_text() for t in ax.get_legend().get_texts()]
    return "\n".join(out)


def _long_numbers(text: str) -> list[str]:
    """Decimal numbers with more than DIGITS significant digits (a raw float: 19.9526, 0.1995262...)."""
    numbers = re.findall(r"\d+\.\d+", text)
    return [n for n in numbers if len(n.replace(".", "").lstrip("0").rstrip("0")) > DIGITS]


def test_gd_explorer_title_and_status_are_rounded():
    e = explorers.explore_gd()
    e.controls["condition_number"].value = 10**1.3  # a log slider's value: 19.952623149688797
    e.controls["lr"].value = 10**-0.7  # 0.1995262314968879
    text = _texts(e)
    assert "kappa=19.95" in text and "0.1995" in text
    assert _long_numbers(text) == [], text


def test_schedule_explorer_repr_and_title_are_rounded():
    e = explorers.explore_schedules(n_steps=200)
    e.controls["lr"].value = 10**-0.7
    text = _texts(e)
    assert "CosineDecay(lr=0.1995," in text and "cosine_decay(lr=0.1995" in text
    assert _long_numbers(text) == [], text


def test_every_slider_reads_out_with_the_same_digits():
    e = explorers.explore_gd()
    for name in ("condition_number", "lr"):
        assert e.controls[name].readout_format == READOUT


def _curve_pixels(e) -> np.ndarray:
    line = e.axes[0].get_lines()[0]
    return line.get_transform().transform(np.asarray(line.get_xydata()))[:, 1]


@pytest.mark.parametrize("log", [False, True])
def test_moving_lr_moves_the_schedule_curve(log):
    """Before: the y axis autoscaled, so lr 0.1 and 0.15 drew the same pixels (only the tick labels changed)."""
    e = explorers.explore_schedules(n_steps=200)
    e.controls["log"].value = log
    e.controls["lr"].value = 0.1
    low = _curve_pixels(e)
    e.controls["lr"].value = 0.15
    high = _curve_pixels(e)
    assert np.nanmax(high - low) > 10  # pixels: the curve rose
