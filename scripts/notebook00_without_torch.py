"""For the lead, after merging (helpers did not edit notebooks): notebook 00's environment check
says what is missing instead of skipping the whole check when torch is not installed.

    python scripts/notebook00_without_torch.py          # rewrites notebooks/00_start_here.ipynb
    python scripts/notebook00_without_torch.py --check  # exit 1 if not applied yet

Without it, course_lib.torch_optional already keeps Run All going (both cells print its one
line); with it, cell 2 prints every version with torch as "not installed" and cell 4 checks
the rest and says in one line that the torch lessons will be skipped. Outputs with torch are
unchanged, so the stored outputs stay right. Idempotent; re-execute the notebook afterwards
(`make execute-notebooks` or scripts/execute_notebooks.py) only if you want fresh counts.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

NB = Path(__file__).resolve().parent.parent / "notebooks" / "00_start_here.ipynb"
OLD_VERSIONS = "versions = {name: meta.version(name) for name in PACKAGES}"
NEW_VERSIONS = '''def installed(name):
    try:
        return meta.version(name)
    except meta.PackageNotFoundError:
        return "not installed"

versions = {name: installed(name) for name in PACKAGES}'''
OLD_TORCH = "import torch\n"
NEW_TORCH = '''try:
    import torch
except ImportError:
    torch = None   # the NumPy lessons run; torch cells print one line: see README, "Without PyTorch"
'''
OLD_ASSERT = 'assert major("torch") >= 2, "PyTorch 2 is needed"\nprint("torch device:", "cuda" if torch.cuda.is_available() else "cpu (all the course needs)")'
NEW_ASSERT = '''if torch is None:
    print("torch        not installed: the NumPy lessons run; torch cells will say they need it")
else:
    assert major("torch") >= 2, "PyTorch 2 is needed"
    print("torch device:", "cuda" if torch.cuda.is_available() else "cpu (all the course needs)")'''


def patch(source: str) -> str:
    for old, new in ((OLD_VERSIONS, NEW_VERSIONS), (OLD_ASSERT, NEW_ASSERT)):
        if new not in source:
            source = source.replace(old, new)
    if source.startswith(OLD_TORCH):
        source = NEW_TORCH + source[len(OLD_TORCH):]
    return source


def main(argv: list[str]) -> int:
    nb = json.loads(NB.read_text(encoding="utf-8"))
    changed = False
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        new = patch(source)
        if new != source:
            changed = True
            cell["source"] = new.splitlines(keepends=True)
    if "--check" in argv:
        print("not applied" if changed else "applied")
        return 1 if changed else 0
    if changed:
        NB.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print("patched" if changed else "already patched", NB)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
