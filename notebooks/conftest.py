"""nbval's run of ``pytest notebooks`` is the English series; the Chinese notebooks run only when named.

``notebooks/zh_CN/`` holds the Chinese notebooks that ``scripts/translate.py build`` generates.
``course.py test`` runs ``pytest tests notebooks --nbval-lax ...``, which would recurse into them;
they are skipped there and run when asked for by path:

    pytest notebooks/zh_CN --nbval-lax --nbval-current-env
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent


def pytest_ignore_collect(collection_path: Path, config) -> bool | None:
    if collection_path.parent != HERE or collection_path.name != "zh_CN" or not collection_path.is_dir():
        return None
    asked = [Path(str(a).split("::")[0]).resolve() for a in config.args]
    return None if any(a == collection_path or collection_path in a.parents for a in asked) else True
