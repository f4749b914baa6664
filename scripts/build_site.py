"""Build the course website from the stored, executed notebooks, then check it.

    make site                                   # or: python scripts/build_site.py [--out DIR]

Stages site/ (Sphinx configuration and pages), README.md, notebooks/*.ipynb, figures/ and,
if it exists, lecturing/*.md into a temporary source folder, runs Sphinx (myst-nb,
sphinx-book-theme) with ``-W --keep-going`` (any warning fails the build: a broken
cross-reference, a missing image or include), then checks the HTML itself
(:func:`check_site`): every notebook has a page, every local link and image resolves, every
image has a description as alt text. Nothing is executed and nothing is fetched.
Output: build/site/ (git-ignored); open build/site/index.html.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from course_lib.display import is_stored_line

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "build" / "site"
LECTURING_MARK = "<!-- lecturing-toctree -->"
LECTURING_TOCTREE = """```{toctree}
:maxdepth: 1
:caption: Lecturer's guide
:glob:

lecturing/*
```
"""


def stage_notebook(source: Path, dest: Path) -> None:
    """Copy a stored notebook for the website, without the lines that tell a lab user to run a cell.

    An explorer's stored picture sits under "run this cell (Shift+Enter) to make it live again"
    (``course_lib.display.stored_line``); a web page has no kernel, so the page shows the picture alone.
    """
    nb = json.loads(source.read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        if "outputs" in cell:
            cell["outputs"] = [o for o in cell["outputs"] if not is_stored_line(o)]
    dest.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def stage(dest: Path, root: Path = ROOT) -> Path:
    """Lay out the site's sources in ``dest``: site/ at the top, the course's files beside it.

    A ``lecturing/`` folder of Markdown pages, when the course has one, gets its own part of
    the navigation ("Lecturer's guide"). The concept index (course_lib/references/concepts.py)
    becomes concepts.md, the terminology table (course_lib/references/terminology.py) terminology.md:
    generated at each build, so the pages cannot drift from the tables the tests check.
    """
    shutil.copytree(root / "site", dest, ignore=shutil.ignore_patterns("__pycache__"), dirs_exist_ok=True)
    shutil.copy2(root / "README.md", dest / "README.md")
    (dest / "notebooks").mkdir(exist_ok=True)
    for nb in sorted((root / "notebooks").glob("*.ipynb")):
        stage_notebook(nb, dest / "notebooks" / nb.name)
    shutil.copytree(root / "figures", dest / "figures", dirs_exist_ok=True)
    lecturing = sorted((root / "lecturing").glob("*.md")) if (root / "lecturing").is_dir() else []
    if (root / "course_lib" / "references" / "concepts.py").is_file():
        from course_lib.references.concepts import markdown_page

        (dest / "concepts.md").write_text(markdown_page(), encoding="utf-8")
    if (root / "course_lib" / "references" / "terminology.py").is_file():
        from course_lib.references import terminology

        (dest / "terminology.md").write_text(terminology.markdown_page(), encoding="utf-8")
    index = dest / "index.md"
    text = index.read_text(encoding="utf-8")
    if lecturing:
        shutil.copytree(root / "lecturing", dest / "lecturing", dirs_exist_ok=True)
        text = text.replace(LECTURING_MARK, LECTURING_TOCTREE)
    index.write_text(text.replace(LECTURING_MARK, ""), encoding="utf-8")
    return dest


class _Refs(HTMLParser):
    """The local links, images and alt texts of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.images: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "img":
            self.images.append((a.get("src") or "", a.get("alt")))
        elif tag in ("link", "script") and (a.get("href") or a.get("src")):
            self.links.append(a.get("href") or a.get("src") or "")


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc and bool(parts.path)


def _pages(out: Path) -> list[Path]:
    """The site's HTML pages (not the theme's template fragments in _static/)."""
    return sorted(p for p in out.rglob("*.html") if "_static" not in p.relative_to(out).parts)


def check_site(out: Path, notebooks: list[Path]) -> list[str]:
    """What is wrong with the built site in ``out``; an empty list when nothing is.

    Checks that every notebook has a page, that every local link, stylesheet, script and
    image of every page points to a file of the site, and that every image has alt text that
    describes it (not empty, not a file name).
    """
    problems = []
    for nb in notebooks:
        if not (out / "notebooks" / f"{nb.stem}.html").is_file():
            problems.append(f"notebook {nb.name} has no page (expected notebooks/{nb.stem}.html)")
    for page in _pages(out):
        refs = _Refs()
        refs.feed(page.read_text(encoding="utf-8"))
        name = page.relative_to(out).as_posix()
        for url in refs.links + [src for src, _ in refs.images]:
            if url.startswith("data:") or not _is_local(url):
                if urlsplit(url).scheme in ("http", "https") and url in (src for src, _ in refs.images):
                    problems.append(f"{name}: image from the network: {url}")
                continue
            target = (page.parent / unquote(urlsplit(url).path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                problems.append(f"{name}: broken link or missing file: {url}")
        for src, alt in refs.images:
            text = (alt or "").strip()
            if not text:
                problems.append(f"{name}: image without alt text: {src[:80]}")
            elif text == src or Path(src).name in text or text.lower().endswith((".png", ".svg", ".jpg")):
                problems.append(f"{name}: alt text is a file name, not a description: {text[:80]}")
    return problems


def build(out: Path = DEFAULT_OUT, root: Path = ROOT, quiet: bool = True) -> dict[str, float]:
    """Build the site into ``out`` (replaced) and check it.

    Returns:
        {"pages": number of HTML pages, "seconds": build time}.

    Raises:
        RuntimeError: Sphinx reported a warning or an error (its output is in the message),
            or :func:`check_site` found a problem (each is listed).
    """
    start = time.perf_counter()
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    with tempfile.TemporaryDirectory(prefix="course-site-") as tmp:
        src = stage(Path(tmp) / "src", root)
        # Sphinx writes into the temporary folder (myst-nb puts its image files beside the
        # output folder), then the site moves to ``out``.
        html = Path(tmp) / "html"
        cmd = [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "--keep-going",
            "-b",
            "html",
            "-d",
            str(Path(tmp) / "doctrees"),
            *(["-q"] if quiet else []),
            str(src),
            str(html),
        ]
        done = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp)
        if done.returncode != 0:
            raise RuntimeError(f"sphinx-build failed (exit {done.returncode}):\n{done.stdout}\n{done.stderr}")
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(html), str(out))
    for leftover in (".buildinfo", ".buildinfo.bak"):
        (out / leftover).unlink(missing_ok=True)
    problems = check_site(out, sorted((root / "notebooks").glob("*.ipynb")))
    if problems:
        raise RuntimeError("the built site has problems:\n  " + "\n  ".join(problems))
    return {"pages": len(_pages(out)), "seconds": time.perf_counter() - start}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: build/site)")
    args = parser.parse_args(argv)
    try:
        stats = build(args.out, quiet=False)
    except RuntimeError as err:
        print(err, file=sys.stderr)
        return 1
    print(f"site: {stats['pages']:.0f} pages in {args.out} ({stats['seconds']:.1f} s); open {args.out / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
