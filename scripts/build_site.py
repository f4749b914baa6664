"""Build the course website, in English and in Chinese, from the stored, executed notebooks, then check it.

    make site                                   # or: python scripts/build_site.py [--out DIR] [--english-only]

Stages site/ (Sphinx configuration and pages), README.md, notebooks/*.ipynb, figures/ and,
if it exists, lecturing/*.md into a temporary source folder, runs Sphinx (myst-nb,
sphinx-book-theme) with ``-W --keep-going`` (any warning fails the build: a broken
cross-reference, a missing image or include), then checks the HTML itself
(:func:`check_site`): every notebook has a page, every local link and image resolves, every
image has a description as alt text. Nothing is executed and nothing is fetched.
Output: build/site/ (git-ignored); open build/site/index.html.

**The Chinese site** (build/site/zh_CN/, the same pages at the same paths under its root) is a
second Sphinx build with ``language = "zh_CN"`` (Sphinx's and the theme's own words in Chinese,
``<html lang="zh-CN">``) from a second staging folder: every page and notebook translated with its
catalog in locales/zh_CN (scripts/translate.py; an untranslated block stays English, a file not
started is the English one), each notebook's outputs from its executed Chinese twin in
notebooks/zh_CN (where a code cell is unchanged). Figures are shared; alt text written in Markdown
is translated with it. Every page of both sites carries a language switch to its twin
(site/_templates/language-switch.html), which :func:`check_site` checks like any link. The two
Sphinx builds run side by side (one process each).
"""

from __future__ import annotations

import argparse
import json
import re
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
SCRIPTS = ROOT / "scripts"
#: The Chinese site's folder under the English one (and Sphinx's name for its language).
CHINESE = "zh_CN"
#: The site's root of each language relative to the English root; a page's twin has the same path under the other.
SITE_ROOTS = {"en": "", CHINESE: f"{CHINESE}/"}
#: The BCP 47 tag each site's pages carry in ``<html lang>``.
HTML_LANG = {"en": "en", CHINESE: "zh-CN"}
#: The navigation's captions (toctree options, which are markup, not catalogued text) on the Chinese site.
CAPTIONS_ZH = {"Notebooks": "笔记本", "More": "更多", "Lecturer's guide": "讲师指南"}
LECTURING_MARK = "<!-- lecturing-toctree -->"
LECTURING_TOCTREE = """```{toctree}
:maxdepth: 1
:caption: Lecturer's guide
:glob:

lecturing/*
```
"""


def stage_notebook(source: Path | dict, dest: Path) -> None:
    """Copy a stored notebook (a path or the notebook itself) for the website, without the lines that
    tell a lab user to run a cell.

    An explorer's stored picture sits under "run this cell (Shift+Enter) to make it live again"
    (``course_lib.display.stored_line``); a web page has no kernel, so the page shows the picture alone.
    """
    nb = source if isinstance(source, dict) else json.loads(source.read_text(encoding="utf-8"))
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


def _translate_module():
    """scripts/translate.py (the catalogs and how a text is translated with them)."""
    if str(SCRIPTS) not in sys.path:
        sys.path.insert(0, str(SCRIPTS))
    import translate

    return translate


def _staged_sources(dest: Path) -> dict[Path, str]:
    """The staged pages and their English source (the path their catalog is named after)."""
    pairs = {dest / "README.md": "README.md"}
    for page in sorted(dest.glob("*.md")):
        if page.name != "README.md":
            pairs[page] = f"site/{page.name}"
    for page in sorted((dest / "lecturing").glob("*.md")):
        pairs[page] = f"lecturing/{page.name}"
    return pairs


def stage_chinese(dest: Path, root: Path = ROOT) -> Path:
    """Lay out the Chinese site's sources in ``dest``: :func:`stage`'s layout, translated.

    Each page's blocks are looked up in its catalog (links kept: the Chinese site has the English
    layout, so a link reaches the twin); the home page's README excerpts start and end at the
    translated headings; the navigation's captions are Chinese (:data:`CAPTIONS_ZH`). A notebook is
    the English one translated block by block (scripts/translate.py ``translated_notebook``) with
    the outputs of its executed Chinese twin (notebooks/zh_CN) where a code cell is unchanged,
    without the generated language cell (a web page has no kernel). Pages without a catalog
    (replication, concepts) stay English.
    """
    tr = _translate_module()
    stage(dest, root)
    tables: dict[str, dict[str, str]] = {}

    def table(source: str) -> dict[str, str]:
        if source not in tables:
            tables[source] = tr.translations(tr.Source(source), root, tr.LOCALE)
        return tables[source]

    for page, source in _staged_sources(dest).items():
        text = page.read_text(encoding="utf-8")
        text = tr.translated_markdown(text, table(source).get, None, tr.ENGLISH_FROM.get(source))
        text = re.sub(
            r'(:(?:start-after|end-before): ")([^"]*)(")',
            lambda m: m.group(1) + table("README.md").get(m.group(2), m.group(2)) + m.group(3),
            text,
        )
        text = re.sub(
            r"^(:caption: )(.+)$", lambda m: m.group(1) + CAPTIONS_ZH.get(m.group(2), m.group(2)), text, flags=re.M
        )
        page.write_text(text, encoding="utf-8")
    for nb_path in sorted((root / "notebooks").glob("*.ipynb")):
        source = f"notebooks/{nb_path.name}"
        twin = root / "notebooks" / tr.LOCALE / nb_path.name
        previous = json.loads(twin.read_text(encoding="utf-8")) if twin.is_file() else None
        english = json.loads(nb_path.read_text(encoding="utf-8"))
        if not table(source) and previous is None:
            continue  # not started: the English page (already staged)
        nb = tr.translated_notebook(english, table(source).get, None, previous, tr.LOCALE, source)
        nb["cells"] = [c for c in nb["cells"] if tr.LANGUAGE_TAG not in c.get("metadata", {}).get("tags", [])]
        stage_notebook(nb, dest / "notebooks" / nb_path.name)
    return dest


class _Refs(HTMLParser):
    """The local links, images and alt texts of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.images: list[tuple[str, str | None]] = []
        self.lang: str | None = None
        self.switches: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if tag == "a" and "course-language-twin" in (a.get("class") or "").split() and a.get("href"):
            self.switches.append(a["href"] or "")
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "img":
            self.images.append((a.get("src") or "", a.get("alt")))
        elif tag in ("link", "script") and (a.get("href") or a.get("src")):
            self.links.append(a.get("href") or a.get("src") or "")


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc and bool(parts.path)


def _pages(out: Path, skip: tuple[str, ...] = ()) -> list[Path]:
    """The site's HTML pages (not the theme's template fragments in _static/, nor the folders ``skip``:
    the other language's site inside the English one)."""
    return sorted(
        p
        for p in out.rglob("*.html")
        if "_static" not in p.relative_to(out).parts and p.relative_to(out).parts[0] not in skip
    )


def check_site(
    out: Path,
    notebooks: list[Path],
    *,
    skip: tuple[str, ...] = (),
    lang: str | None = None,
    twin_root: Path | None = None,
) -> list[str]:
    """What is wrong with the built site in ``out``; an empty list when nothing is.

    Checks that every notebook has a page, that every local link, stylesheet, script and
    image of every page points to a file of the site, and that every image has alt text that
    describes it (not empty, not a file name). Pages under the folders ``skip`` are another site's.
    With ``lang``, every page says it in ``<html lang>``; with ``twin_root`` (the other language's
    site), every page has one language switch and it points at the page of the same path there.
    """
    problems = []
    for nb in notebooks:
        if not (out / "notebooks" / f"{nb.stem}.html").is_file():
            problems.append(f"notebook {nb.name} has no page (expected notebooks/{nb.stem}.html)")
    for page in _pages(out, skip):
        refs = _Refs()
        refs.feed(page.read_text(encoding="utf-8"))
        name = page.relative_to(out).as_posix()
        if lang is not None and refs.lang != lang:
            problems.append(f'{name}: <html lang="{refs.lang}">, expected "{lang}"')
        if twin_root is not None:
            twin = (twin_root / name).resolve()
            targets = [(page.parent / unquote(urlsplit(u).path)).resolve() for u in refs.switches]
            if targets != [twin]:
                problems.append(f"{name}: language switch {refs.switches} does not point at its twin {twin}")
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


def _sphinx_command(src: Path, html: Path, doctrees: Path, language: str, twin_root: str, quiet: bool) -> list[str]:
    return [
        sys.executable,
        "-m",
        "sphinx",
        "-W",
        "--keep-going",
        "-b",
        "html",
        "-d",
        str(doctrees),
        "-D",
        f"language={language}",
        "-D",
        f"course_twin_root={twin_root}",
        *(["-q"] if quiet else []),
        str(src),
        str(html),
    ]


def build(out: Path = DEFAULT_OUT, root: Path = ROOT, quiet: bool = True, chinese: bool = True) -> dict[str, float]:
    """Build the site into ``out`` (replaced) and, with ``chinese``, the Chinese site into ``out/zh_CN``; check both.

    Returns:
        {"pages": number of English HTML pages, "pages_zh": number of Chinese ones (0 without
        ``chinese``), "seconds": build time}.

    Raises:
        RuntimeError: Sphinx reported a warning or an error (its output is in the message),
            or :func:`check_site` found a problem (each is listed).
    """
    start = time.perf_counter()
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    languages = ["en", CHINESE] if chinese else ["en"]
    with tempfile.TemporaryDirectory(prefix="course-site-") as tmp:
        runs = []
        for language in languages:
            work = Path(tmp) / language
            src = stage_chinese(work / "src", root) if language == CHINESE else stage(work / "src", root)
            # Sphinx writes into the temporary folder (myst-nb puts its image files beside the
            # output folder), then the site moves to ``out``.
            twin_root = "" if not chinese else ("../" if language == CHINESE else SITE_ROOTS[CHINESE])
            cmd = _sphinx_command(src, work / "html", work / "doctrees", language, twin_root, quiet)
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=work)
            runs.append((language, work / "html", proc))
        failures = []
        for language, _, proc in runs:
            stdout, stderr = proc.communicate()
            if proc.returncode != 0:
                failures.append(f"sphinx-build ({language}) failed (exit {proc.returncode}):\n{stdout}\n{stderr}")
        if failures:
            raise RuntimeError("\n".join(failures))
        out.parent.mkdir(parents=True, exist_ok=True)
        for language, html, _ in runs:
            shutil.move(str(html), str(out / SITE_ROOTS[language]) if language != "en" else str(out))
    for site in [out, *([out / CHINESE] if chinese else [])]:
        for leftover in (".buildinfo", ".buildinfo.bak"):
            (site / leftover).unlink(missing_ok=True)
    notebooks = sorted((root / "notebooks").glob("*.ipynb"))
    problems = check_site(
        out, notebooks, skip=(CHINESE,), lang=HTML_LANG["en"], twin_root=out / CHINESE if chinese else None
    )
    if chinese:
        zh = check_site(out / CHINESE, notebooks, lang=HTML_LANG[CHINESE], twin_root=out)
        problems += [f"{CHINESE}/{p}" for p in zh]
    if problems:
        raise RuntimeError("the built site has problems:\n  " + "\n  ".join(problems))
    return {
        "pages": len(_pages(out, (CHINESE,))),
        "pages_zh": len(_pages(out / CHINESE)) if chinese else 0,
        "seconds": time.perf_counter() - start,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: build/site)")
    parser.add_argument("--english-only", action="store_true", help="no Chinese site (and no language switch)")
    args = parser.parse_args(argv)
    try:
        stats = build(args.out, quiet=False, chinese=not args.english_only)
    except RuntimeError as err:
        print(err, file=sys.stderr)
        return 1
    print(f"site: {stats['pages']:.0f} pages in {args.out} ({stats['seconds']:.1f} s); open {args.out / 'index.html'}")
    if stats["pages_zh"]:
        print(f"中文: {stats['pages_zh']:.0f} pages in {args.out / CHINESE}; open {args.out / CHINESE / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
