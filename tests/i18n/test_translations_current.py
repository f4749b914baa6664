"""The Chinese edition never silently lags the English: the stale-translation test.

For a file in :data:`COMPLETE`, every message of its *current* English source has a translation
(not empty, not fuzzy) in its catalog, and its generated Chinese file is up to date. A changed English
sentence therefore fails this test until its translation is updated: ``python scripts/translate.py
update`` marks it fuzzy, a translator fixes it, ``build`` regenerates the Chinese file.

Files not yet complete are marked ``i18n_pending`` and expected to fail (``xfail(strict=True)``):
``python scripts/translate.py status`` says how far each one is. When a pending file becomes
complete its test passes, which fails the strict xfail: add it to :data:`COMPLETE` then. Run every
file as if complete with ``pytest tests/i18n --runxfail``; select the pending ones with ``-m i18n_pending``.
"""

from __future__ import annotations

import pytest

pytest.importorskip("markdown_it", reason="scripts/translate.py needs markdown-it-py (installed with myst-parser)")
pytest.importorskip("babel", reason="scripts/translate.py needs Babel (installed with Sphinx)")

import translate  # noqa: E402  (scripts/translate.py; tests/conftest.py puts scripts/ on the path)

#: The English sources whose Chinese translation is complete and kept current (grows as files are translated).
COMPLETE = {
    "course_lib",
    "notebooks/00_start_here.ipynb",
    "notebooks/01_gradient_descent.ipynb",
    "notebooks/02_stochastic_gradients.ipynb",
    "notebooks/03_momentum_and_adaptive.ipynb",
    "notebooks/04_decay.ipynb",
    "lecturing/01_gradient_descent.md",
    "lecturing/02_stochastic_gradients.md",
    "lecturing/03_momentum_and_adaptive.md",
    "lecturing/04_decay.md",
    "notebooks/05_warmup.ipynb",
    "notebooks/06_warmup_in_practice.ipynb",
    "notebooks/07_restarts.ipynb",
    "notebooks/08_plateau_and_adam.ipynb",
    "lecturing/05_warmup.md",
    "lecturing/06_warmup_in_practice.md",
    "lecturing/07_restarts.md",
    "lecturing/08_plateau_and_adam.md",
    "notebooks/09_choosing_a_schedule.ipynb",
    "notebooks/10_pitfalls.ipynb",
    "notebooks/11_large_batch.ipynb",
    "lecturing/09_choosing_a_schedule.md",
    "lecturing/10_pitfalls.md",
    "lecturing/11_large_batch.md",
    "notebooks/12_batch_size_and_noise.ipynb",
    "notebooks/13_weight_decay_and_groups.ipynb",
    "notebooks/14_averaging.ipynb",
    "notebooks/15_width_transfer.ipynb",
    "lecturing/00_start_here.md",
    "lecturing/12_batch_size_and_noise.md",
    "lecturing/13_weight_decay_and_groups.md",
    "lecturing/14_averaging.md",
    "lecturing/15_width_transfer.md",
    "lecturing/index.md",
    "site/index.md",
    "site/gallery.md",
    "README.md",
}


def _param(src: translate.Source):
    if src.path in COMPLETE:
        return pytest.param(src, id=src.path)
    return pytest.param(
        src,
        id=src.path,
        marks=[
            pytest.mark.i18n_pending,
            pytest.mark.xfail(
                strict=True,
                reason="not yet translated (translate.py status); once it passes, add it to COMPLETE",
            ),
        ],
    )


def test_complete_names_real_sources():
    assert COMPLETE <= {s.path for s in translate.sources()}, "COMPLETE names a file that is no English source"


@pytest.mark.parametrize("src", [_param(s) for s in translate.sources()])
def test_translation_is_current(src):
    problems = translate.stale(src)
    assert not problems, (
        f"the Chinese translation of {src.path} is behind its English ({len(problems)} problems). "
        "Run `python scripts/translate.py update`, translate the empty and fuzzy entries of "
        f"{src.catalog()}, then `python scripts/translate.py build` (and execute a notebook it wrote):\n"
        + "\n".join(problems[:20])
    )
