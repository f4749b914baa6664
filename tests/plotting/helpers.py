"""Assertions the plotting tests share."""
from __future__ import annotations


    legend = ax.get_legend()
    assert legend is not None, "expected a legend"
    return [t.get_text() for t in legend.get_texts()]


def assert_labelled(ax, x=None, y=None):
    assert ax.get_xlabel() and ax.get_ylabel()
    if x is not None:
        assert ax.get_xlabel() == x
    if y is not None:
        assert y in ax.get_ylabel()
