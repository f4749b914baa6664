"""The Chinese edition from one English source: extract, merge, build, check (gettext catalogs).

    python scripts/translate.py update            # re-extract the English, merge into locales/zh_CN (changed -> fuzzy)
    python scripts/translate.py build             # write the Chinese notebooks and pages, compile course_lib.mo
    python scripts/translate.py status            # per file: messages, words, translated / fuzzy / missing
    python scripts/translate.py --check           # exit 1 when a generated Chinese file is out of date

The English notebooks, ``lecturing/*.md``, ``site/*.md`` and ``README.md`` stay the only source of
code, outputs and structure; ``course_lib``'s learner-facing messages are its ``i18n.tr()`` templates.
Chinese text lives in gettext catalogs, one per English file:
``locales/zh_CN/LC_MESSAGES/<path without suffix>.po`` (``notebooks/04_decay.po``, ``README.po``)
and ``locales/zh_CN/LC_MESSAGES/course_lib.po``.

**Messages.** A Markdown text (a notebook's markdown cell, a page) is split into its top-level blocks
with markdown-it-py and the plugins the website's MyST parser uses (tables, dollarmath, amsmath,
colon fences, MyST targets and comments, footnotes). A message's msgid is a block's exact source:
a paragraph, a heading (with its ``#``), one item of a top-level list (with its marker: an edited item
makes that item fuzzy, not the whole list), a table, a blockquote (with its ``>``), a directive with
text (``{figure}``, admonitions). Blocks with no words (display math, code fences, HTML comments,
``{toctree}``/``{include}``, MyST targets, rules) are not messages: the Chinese file copies them.
Rebuilding a text from its blocks with every msgstr = msgid gives the English back byte for byte
(``tests/i18n``).

**Merging** (Babel): ``update`` extracts a template per file and runs ``Catalog.update``: an unchanged
msgid keeps its translation; a changed one is matched to its old version and marked fuzzy, keeping
the old translation and the old msgid (``#| msgid``) so the translator sees what changed; a new one
is empty; one whose English is gone is dropped. Fuzzy and empty entries are shown in English.

**Chinese files** (``build``): for each English file with at least one translation,

* ``notebooks/zh_CN/<name>.ipynb``: the English notebook with each markdown block replaced by its
  translation, code cells and their metadata identical, and one generated first code cell (tag
  ``language``) that calls ``i18n.use_language("zh_CN")``. Outputs: kept from the previous Chinese
  notebook where a code cell is unchanged, else copied from the English one until the Chinese
  notebook is executed (``scripts/execute_notebooks.py notebooks/zh_CN/<name>.ipynb``);
* ``zh_CN/<path>.md`` for a page (``zh_CN/README.md``, ``zh_CN/lecturing/04_decay.md``,
  ``zh_CN/site/index.md``);
* ``course_lib/locale/zh_CN/LC_MESSAGES/course_lib.mo``, the compiled catalog course_lib reads.

Relative links and images are rewritten for the new folder; a link to a file that has a Chinese
twin points at the twin (an English file not yet started keeps the English target).

Other tools (the website, the decks) call :func:`translated_markdown` and :func:`translated_notebook`
with a link rewriter of their own; the terminology test iterates :func:`iter_messages`.
"""

from __future__ import annotations

import argparse
import ast
import copy
import datetime
import io
import json
import posixpath
import re
import struct
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterator, NamedTuple

ROOT = Path(__file__).resolve().parent.parent
#: The language of the edition (gettext's name for it).
LOCALE = "zh_CN"
PROJECT = "Learning Rates, Hands-On"
#: The comment at the top of a catalog.
HEADER_COMMENT = """\
# The Chinese text of {source} (Learning Rates, Hands-On; MIT licence).
# Fill in msgstr; `python scripts/translate.py update` rewrites everything else (see locales/README.md).
#"""
#: The tag of the generated first cell of a translated notebook.
LANGUAGE_TAG = "language"
#: The comment of the language cell, in the language it selects.
LANGUAGE_NOTE = {"zh_CN": '  # course_lib 的反馈和错误信息用中文显示（英文：i18n.use_language("en")）'}
#: Directives whose body (options, caption) is text to translate; other fenced directives are markup.
TEXT_DIRECTIVES = {
    "figure",
    "image",
    "admonition",
    "note",
    "tip",
    "hint",
    "important",
    "warning",
    "caution",
    "attention",
    "danger",
    "error",
    "seealso",
    "topic",
    "sidebar",
    "margin",
    "epigraph",
    "table",
    "list-table",
    "glossary",
    "dropdown",
}
#: Block tokens (markdown-it types) whose source is a message when it has words.
TEXT_BLOCKS = {
    "paragraph_open",
    "heading_open",
    "list_item_open",
    "table_open",
    "blockquote_open",
    "footnote_block_open",
}


# ---------------------------------------------------------------------------
# The sources and where their catalogs and Chinese files live
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """One English source: a notebook, a Markdown page, or course_lib (``path == "course_lib"``)."""

    path: str  # relative to the repository, posix ("notebooks/04_decay.ipynb")

    @property
    def kind(self) -> str:
        if self.path == "course_lib":
            return "python"
        return "notebook" if self.path.endswith(".ipynb") else "markdown"

    def catalog(self, locale: str = LOCALE) -> str:
        """Its catalog, relative to the repository."""
        stem = self.path.rsplit(".", 1)[0] if self.kind != "python" else "course_lib"
        return f"locales/{locale}/LC_MESSAGES/{stem}.po"

    def output(self, locale: str = LOCALE) -> str:
        """Its generated translation, relative to the repository."""
        if self.kind == "python":
            return f"course_lib/locale/{locale}/LC_MESSAGES/course_lib.mo"
        if self.kind == "notebook":
            return f"notebooks/{locale}/{posixpath.basename(self.path)}"
        return f"{locale}/{self.path}"


#: Where a page's part for maintainers starts: from this block on the page stays English (the issue asks
#: for the README's learner part; contributors read the English source anyway).
ENGLISH_FROM = {"README.md": "## For contributors"}
#: Pages another script writes (scripts/replicate.py renders site/replication.md from replication/results.json):
#: their translation belongs in that script's templates, not in a catalog of its output, whose numbers
#: change with every run.
GENERATED = {"site/replication.md"}


def sources(root: Path = ROOT) -> list[Source]:
    """Every English source, in a fixed order: notebooks, the lecturer's guide, the site, README, course_lib."""
    found = [p for pattern in ("notebooks/*.ipynb", "lecturing/*.md", "site/*.md") for p in sorted(root.glob(pattern))]
    found = [p for p in found if p.relative_to(root).as_posix() not in GENERATED]
    found += [root / "README.md"] if (root / "README.md").is_file() else []
    out = [Source(p.relative_to(root).as_posix()) for p in found]
    return out + ([Source("course_lib")] if (root / "course_lib").is_dir() else [])


def source_named(name: str, root: Path = ROOT) -> Source:
    """The source a command-line name means: a path, a stem ("04_decay", "README") or "course_lib"."""
    wanted = name.replace("\\", "/").removeprefix("./")
    for src in sources(root):
        stem = src.path.rsplit(".", 1)[0]
        if wanted in (src.path, stem, posixpath.basename(stem), posixpath.basename(src.path)):
            return src
    raise SystemExit(f"translate.py: no English source named {name!r} (try `translate.py status`)")


# ---------------------------------------------------------------------------
# Splitting Markdown into messages
# ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def markdown_parser():
    """markdown-it-py with the website's MyST syntax (site/conf.py: dollarmath, amsmath, colon_fence)."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.amsmath import amsmath_plugin
    from mdit_py_plugins.colon_fence import colon_fence_plugin
    from mdit_py_plugins.dollarmath import dollarmath_plugin
    from mdit_py_plugins.footnote import footnote_plugin
    from mdit_py_plugins.front_matter import front_matter_plugin
    from mdit_py_plugins.myst_blocks import myst_block_plugin
    from mdit_py_plugins.myst_role import myst_role_plugin

    return (
        MarkdownIt("commonmark")
        .enable("table")
        .use(front_matter_plugin)
        .use(myst_block_plugin)
        .use(myst_role_plugin)
        .use(footnote_plugin, inline=False, move_to_end=False, always_match_refs=True)
        .use(dollarmath_plugin)
        .use(colon_fence_plugin)
        .use(amsmath_plugin)
    )


_NO_WORDS = re.compile(r"\$\$.*?\$\$|\$[^$\n]*\$|`[^`\n]*`|\]\([^)]*\)|<!--.*?-->|<[^>]*>|https?://\S+", re.DOTALL)
_WORD = re.compile(r"[A-Za-z\u00c0-\u024f\u4e00-\u9fff]")
_ENGLISH_WORD = re.compile(r"[A-Za-z]+(?:['’-][A-Za-z]+)*")


def has_words(text: str) -> bool:
    """Whether a block has words to translate (math, code, link targets and HTML do not count)."""
    return bool(_WORD.search(_NO_WORDS.sub(" ", text)))


def count_words(text: str) -> int:
    """English words in a message (math, code, link targets and HTML not counted)."""
    return len(_ENGLISH_WORD.findall(_NO_WORDS.sub(" ", text)))


def _is_text_block(token) -> bool:
    if token.type in TEXT_BLOCKS:
        return True
    if token.type in ("fence", "colon_fence"):
        name = token.info.strip()
        return name.startswith("{") and name[1:].split("}", 1)[0].strip() in TEXT_DIRECTIVES
    return False


class Segment(NamedTuple):
    """A piece of a Markdown text: a message (a block to translate) or text copied as it is."""

    is_message: bool
    text: str
    line: int  # where it starts (0-based)
    prose: bool = False  # a block with words (a message, or English kept as it is): its links are rewritten


def split_markdown(text: str, english_from: str | None = None) -> list[Segment]:
    """``text`` as segments whose concatenation is ``text`` exactly; messages are the blocks with words.

    Top-level blocks, except lists, which give one message per item. A block's trailing blank
    lines and its final newline belong to the copied text, not to the message. From the block
    ``english_from`` on (a heading), nothing is a message: the rest stays English.
    """
    lines = text.splitlines(keepends=True)
    blocks: list[tuple[int, int, bool]] = []
    for token in markdown_parser().parse(text):
        if token.map is None or token.nesting == -1:
            continue
        top = token.level == 0 and token.type not in ("bullet_list_open", "ordered_list_open")
        item = token.level == 1 and token.type == "list_item_open"
        if top or item:
            blocks.append((token.map[0], token.map[1], _is_text_block(token)))
    segments: list[Segment] = []
    at = 0

    def copy_until(end: int) -> None:
        nonlocal at
        if end > at:
            segments.append(Segment(False, "".join(lines[at:end]), at))
            at = end

    for start, end, is_text in sorted(blocks):
        if start < at:  # nested in a block already taken (should not happen at the top level)
            continue
        copy_until(start)
        while end > start and not lines[end - 1].strip():
            end -= 1
        chunk = "".join(lines[start:end])
        if is_text and has_words(chunk):
            body = chunk[:-1] if chunk.endswith("\n") else chunk
            segments.append(Segment(True, body, start, True))
            if body != chunk:
                segments.append(Segment(False, "\n", end - 1))
            at = end
        else:
            copy_until(end)
    copy_until(len(lines))
    if english_from is not None:
        cut = next((i for i, s in enumerate(segments) if s.is_message and s.text == english_from), len(segments))
        segments = segments[:cut] + [s._replace(is_message=False) for s in segments[cut:]]
    return _merge_copies(segments)


def _merge_copies(segments: list[Segment]) -> list[Segment]:
    merged: list[Segment] = []
    for seg in segments:
        last = merged[-1] if merged else None
        if last and not seg.is_message and not last.is_message and seg.prose == last.prose:
            merged[-1] = last._replace(text=last.text + seg.text)
        else:
            merged.append(seg)
    return merged


# Link targets in Markdown and HTML: [text](target "title"), ![alt](target), src="...", href="..."
_LINK = re.compile(r"(\]\()(<[^>\n]*>|[^)\s]+)|((?:src|href)=\")([^\"]+)")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def relink_text(text: str, relink: Callable[[str], str]) -> str:
    """``text`` with every link and image target replaced by ``relink(target)``."""

    def replace(m: re.Match) -> str:
        if m.group(1):
            target = m.group(2)
            if target.startswith("<") and target.endswith(">"):
                return m.group(1) + "<" + relink(target[1:-1]) + ">"
            return m.group(1) + relink(target)
        return m.group(3) + relink(m.group(4))

    return _LINK.sub(replace, text)


def relinker(source: str, output: str, twins: dict[str, str] | None = None) -> Callable[[str], str]:
    """A link rewriter for a file written at ``output`` from ``source`` (both relative to the repository).

    A relative target is resolved against ``source``'s folder, replaced by its twin when ``twins``
    has one (English path -> translated path), and written relative to ``output``'s folder.
    Absolute URLs, ``#anchors`` and root-relative paths are left alone; a ``#fragment`` is kept.
    """
    twins = twins or {}
    here, there = posixpath.dirname(source), posixpath.dirname(output)

    def relink(target: str) -> str:
        if not target or _SCHEME.match(target) or target.startswith(("#", "/")):
            return target
        path, hash_, fragment = target.partition("#")
        if not path:
            return target
        resolved = posixpath.normpath(posixpath.join(here, path))
        resolved = twins.get(resolved, resolved)
        return posixpath.relpath(resolved, there or ".") + hash_ + fragment

    return relink


def translated_markdown(
    text: str,
    lookup: Callable[[str], str | None],
    relink: Callable[[str], str] | None = None,
    english_from: str | None = None,
) -> str:
    """``text`` with each message replaced by ``lookup(msgid)`` (None: the English stays), links relinked.

    Blocks copied as they are (math, code, markup) are not relinked; the English prose from
    ``english_from`` on is."""
    out = []
    for seg in split_markdown(text, english_from):
        piece = (lookup(seg.text) or seg.text).rstrip("\n") if seg.is_message else seg.text
        out.append(relink_text(piece, relink) if relink and seg.prose else piece)
    return "".join(out)


# ---------------------------------------------------------------------------
# Extraction: the messages of an English source
# ---------------------------------------------------------------------------


class Extracted(NamedTuple):
    msgid: str
    location: tuple[str, int]  # (file, cell index in a notebook / 1-based line in a page or module)
    python: bool = False  # a course_lib template (python-brace-format)


def _cell_source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _read_notebook(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _python_messages(root: Path) -> Iterator[Extracted]:
    """The literal first argument of every ``tr(...)`` / ``mark(...)`` call in course_lib, in file and line order."""
    for path in sorted((root / "course_lib").rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        nodes = sorted(ast.walk(ast.parse(path.read_text(encoding="utf-8"))), key=lambda n: getattr(n, "lineno", 0))
        for node in nodes:
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            first = node.args[0]
            if name in ("tr", "mark") and isinstance(first, ast.Constant) and isinstance(first.value, str):
                yield Extracted(first.value, (rel, node.lineno), True)


def extract(src: Source, root: Path = ROOT) -> list[Extracted]:
    """The messages of ``src`` in document order (a msgid may repeat)."""
    if src.kind == "python":
        return list(_python_messages(root))
    path = root / src.path
    if src.kind == "notebook":
        return [
            Extracted(seg.text, (src.path, i))
            for i, cell in enumerate(_read_notebook(path)["cells"])
            if cell["cell_type"] == "markdown"
            for seg in split_markdown(_cell_source(cell))
            if seg.is_message
        ]
    text = path.read_text(encoding="utf-8")
    segments = split_markdown(text, ENGLISH_FROM.get(src.path))
    return [Extracted(seg.text, (src.path, seg.line + 1)) for seg in segments if seg.is_message]


# ---------------------------------------------------------------------------
# Catalogs (Babel)
# ---------------------------------------------------------------------------


def template(src: Source, root: Path = ROOT, locale: str = LOCALE):
    """The catalog of ``src``'s current English messages, every msgstr empty."""
    from babel.messages.catalog import Catalog

    catalog = Catalog(
        locale=locale,
        domain=Path(src.catalog(locale)).stem,
        header_comment=HEADER_COMMENT.format(source=src.path),
        project=PROJECT,
        version="1",
        copyright_holder="the course authors",
        msgid_bugs_address="",
        last_translator="the course's translators",
        language_team="the course's translators",
        fuzzy=False,
    )
    for msg in extract(src, root):
        if msg.msgid in catalog:
            catalog[msg.msgid].locations.append(msg.location)
        else:
            flags = ("python-brace-format",) if msg.python else ()
            catalog.add(msg.msgid, "", locations=[msg.location], flags=flags)
    return catalog


def read_catalog(path: Path, locale: str = LOCALE):
    """The catalog at ``path`` (Babel), or None when there is none."""
    from babel.messages.pofile import read_po

    if not path.is_file():
        return None
    with path.open("rb") as f:
        return read_po(f, locale=locale, abort_invalid=True)


def catalog_text(catalog) -> bytes:
    """The .po text of ``catalog``: document order, no line numbers (an edit elsewhere in a file does
    not touch its entries), the previous msgid of a fuzzy entry kept, obsolete entries dropped."""
    from babel.messages.pofile import write_po

    out = io.BytesIO()
    write_po(out, catalog, width=100, include_lineno=False, include_previous=True, ignore_obsolete=True)
    return out.getvalue()


def update(src: Source, root: Path = ROOT, locale: str = LOCALE) -> tuple[bool, object]:
    """Merge ``src``'s current English into its catalog; returns (file changed, catalog)."""
    fresh = template(src, root, locale)
    path = root / src.catalog(locale)
    catalog = read_catalog(path, locale)
    if catalog is None:
        catalog = fresh
        catalog.creation_date = catalog.revision_date = datetime.datetime.now(datetime.timezone.utc)
    else:
        catalog.update(fresh, no_fuzzy_matching=False, update_creation_date=False)
        for message in catalog:  # Babel keeps old flags; the template's decide
            if message.id:
                message.flags.discard("python-brace-format")
                if "python-brace-format" in fresh[message.id].flags:
                    message.flags.add("python-brace-format")
    text = catalog_text(catalog)
    if path.is_file() and path.read_bytes() == text:
        return False, catalog
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text)
    return True, catalog


def translations(src: Source, root: Path = ROOT, locale: str = LOCALE) -> dict[str, str]:
    """msgid -> msgstr for every translated entry of ``src``'s catalog (not empty, not fuzzy)."""
    path = root / src.catalog(locale)
    if not path.is_file():
        return {}
    stat = path.stat()
    return dict(_translations(path, stat.st_mtime_ns, stat.st_size, locale))


@lru_cache(maxsize=256)
def _translations(path: Path, mtime_ns: int, size: int, locale: str) -> tuple[tuple[str, str], ...]:
    """A catalog's translations, read once per version of the file (every build asks for all of them)."""
    catalog = read_catalog(path, locale)
    return tuple((m.id, m.string) for m in catalog if m.id and isinstance(m.id, str) and m.string and not m.fuzzy)


class Status(NamedTuple):
    source: str
    messages: int
    words: int
    translated: int
    fuzzy: int
    missing: int


def status(src: Source, root: Path = ROOT, locale: str = LOCALE) -> Status:
    """How far ``src``'s translation is, measured against its *current* English."""
    wanted = {m.msgid for m in extract(src, root)}
    catalog = read_catalog(root / src.catalog(locale), locale)
    entries = {m.id: m for m in catalog if m.id} if catalog is not None else {}
    done = sum(1 for w in wanted if w in entries and entries[w].string and not entries[w].fuzzy)
    fuzzy = sum(1 for w in wanted if w in entries and entries[w].string and entries[w].fuzzy)
    words = sum(count_words(w) for w in wanted)
    return Status(src.path, len(wanted), words, done, fuzzy, len(wanted) - done - fuzzy)


class Entry(NamedTuple):
    """One catalog entry, for checks over every translation (e.g. the terminology test)."""

    msgid: str
    msgstr: str
    source: str  # the English file it comes from ("notebooks/04_decay.ipynb", "course_lib/validation.py")


def iter_messages(root: Path = ROOT, locale: str = LOCALE, *, translated_only: bool = True) -> Iterator[Entry]:
    """Every entry of every catalog as (msgid, msgstr, source); only translated ones (not empty, not
    fuzzy) unless ``translated_only=False``."""
    for src in sources(root):
        catalog = read_catalog(root / src.catalog(locale), locale)
        if catalog is None:
            continue
        for m in catalog:
            if not m.id or (translated_only and (not m.string or m.fuzzy)):
                continue
            where = m.locations[0][0] if src.kind == "python" and m.locations else src.path
            yield Entry(m.id, m.string, where)


# ---------------------------------------------------------------------------
# Building the Chinese files
# ---------------------------------------------------------------------------


def started(root: Path = ROOT, locale: str = LOCALE) -> dict[str, str]:
    """English path -> translated path, for every notebook and page with at least one translation."""
    return {
        src.path: src.output(locale)
        for src in sources(root)
        if src.kind != "python" and translations(src, root, locale)
    }


def language_cell(locale: str = LOCALE) -> dict:
    """The generated first code cell of a translated notebook: course_lib speaks ``locale``."""
    return {
        "cell_type": "code",
        "execution_count": None,
        "id": "course-language",
        "metadata": {"tags": [LANGUAGE_TAG], "slideshow": {"slide_type": "skip"}},
        "outputs": [],
        "source": f'from course_lib import i18n\n\ni18n.use_language("{locale}"){LANGUAGE_NOTE.get(locale, "")}',
    }


def translated_notebook(
    nb: dict,
    lookup: Callable[[str], str | None],
    relink: Callable[[str], str] | None = None,
    previous: dict | None = None,
    locale: str = LOCALE,
    source: str = "",
) -> dict:
    """The translated twin of notebook ``nb`` (nbformat 4 as a dict): markdown translated block by
    block, code cells identical, the language cell first. Outputs of a code cell come from
    ``previous`` (the last translated notebook) when its cell there has the same source, else from ``nb``."""
    out = copy.deepcopy(nb)
    kept: dict[int, dict] = {}
    if previous is not None:
        old = [c for c in previous["cells"] if c["cell_type"] == "code" and LANGUAGE_TAG not in _tags(c)]
        kept = dict(enumerate(old))
    cells = [language_cell(locale)]
    if previous is not None and previous["cells"] and LANGUAGE_TAG in _tags(previous["cells"][0]):
        first = previous["cells"][0]
        if _cell_source(first) == cells[0]["source"]:
            cells[0] = {
                **cells[0],
                "outputs": first.get("outputs", []),
                "execution_count": first.get("execution_count"),
            }
    n_code = 0
    for cell in out["cells"]:
        if cell["cell_type"] == "markdown":
            cell["source"] = translated_markdown(_cell_source(cell), lookup, relink)
        elif cell["cell_type"] == "code":
            old = kept.get(n_code)
            if old is not None and _cell_source(old) == _cell_source(cell):
                cell["outputs"], cell["execution_count"] = old.get("outputs", []), old.get("execution_count")
            elif cell.get("execution_count") is not None:
                cell["execution_count"] += 1
            n_code += 1
        cells.append(cell)
    out["cells"] = cells
    out["metadata"].setdefault("course", {})["translation"] = {"language": locale, "source": source}
    return out


def _tags(cell: dict) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


def notebook_shape(nb: dict) -> list:
    """What a translated notebook must match to be current: its cells' types, sources and metadata
    and the notebook's translation note, not its outputs (executing changes those)."""
    cells = []
    for cell in nb["cells"]:
        meta = {k: v for k, v in cell.get("metadata", {}).items() if k not in ("execution", "widgets")}
        cells.append((cell["cell_type"], _cell_source(cell), json.dumps(meta, sort_keys=True)))
    return [cells, nb.get("metadata", {}).get("course", {}).get("translation")]


def _write_notebook(nb: dict, path: Path) -> None:
    import nbformat

    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nbformat.from_dict(nb), str(path))


def mo_bytes(messages: dict[str, str], locale: str = LOCALE) -> bytes:
    """A GNU .mo file of ``messages`` (msgid -> msgstr), sorted, with a fixed header: the same bytes
    for the same messages whatever Babel's version (which Babel's own writer puts in the header)."""
    header = f"Content-Type: text/plain; charset=UTF-8\nLanguage: {locale}\n"
    entries = sorted({"": header, **messages}.items())
    ids = [k.encode("utf-8") for k, _ in entries]
    strs = [v.encode("utf-8") for _, v in entries]
    n = len(entries)
    start = 7 * 4 + 16 * n
    id_table, str_table, data = [], [], b""
    for blob, table in ((ids, id_table), (strs, str_table)):
        for b in blob:
            table.append((len(b), start + len(data)))
            data += b + b"\0"
    out = struct.pack("<7I", 0x950412DE, 0, n, 28, 28 + 8 * n, 0, 0)
    out += b"".join(struct.pack("<2I", *e) for e in id_table) + b"".join(struct.pack("<2I", *e) for e in str_table)
    return out + data


class Built(NamedTuple):
    path: str  # the generated file, relative to the repository
    current: bool  # whether the file on disk is what a build would write (for a notebook: its shape)


def build(src: Source, root: Path = ROOT, locale: str = LOCALE, *, write: bool = True) -> Built | None:
    """Write (or with ``write=False`` only compare) ``src``'s translated file; None when it has no translation yet."""
    table = translations(src, root, locale)
    target = root / src.output(locale)
    if src.kind == "python":
        data = mo_bytes(table, locale)
        current = target.is_file() and target.read_bytes() == data
        if write and not current:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        return Built(src.output(locale), current)
    if not table:
        return None
    relink = relinker(src.path, src.output(locale), started(root, locale))
    if src.kind == "markdown":
        english = (root / src.path).read_text(encoding="utf-8")
        text = translated_markdown(english, table.get, relink, ENGLISH_FROM.get(src.path))
        current = target.is_file() and target.read_text(encoding="utf-8") == text
        if write and not current:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        return Built(src.output(locale), current)
    previous = _read_notebook(target) if target.is_file() else None
    nb = translated_notebook(_read_notebook(root / src.path), table.get, relink, previous, locale, src.path)
    current = previous is not None and notebook_shape(previous) == notebook_shape(nb)
    if write and not current:
        _write_notebook(nb, target)
    return Built(src.output(locale), current)


# ---------------------------------------------------------------------------
# Checks and the command line
# ---------------------------------------------------------------------------


def stale(src: Source, root: Path = ROOT, locale: str = LOCALE) -> list[str]:
    """Why ``src``'s translation is not current: each English message with no translation (missing,
    empty or fuzzy) and a generated file out of date. Empty when it is current."""
    table = translations(src, root, locale)
    problems = [
        f"{src.catalog(locale)}: no current translation of {m.msgid[:70]!r} ({m.location[0]}:{m.location[1]})"
        for m in {m.msgid: m for m in extract(src, root)}.values()
        if m.msgid not in table
    ]
    built = build(src, root, locale, write=False)
    if built is None:
        problems.append(f"{src.output(locale)} is not built: `python scripts/translate.py build`")
    elif not built.current:
        problems.append(f"{built.path} is out of date: `python scripts/translate.py build` (then execute it)")
    return problems


def check(root: Path = ROOT, locale: str = LOCALE, chosen: list[Source] | None = None) -> list[str]:
    """Every generated file that is out of date (a file with no translation yet is not built, so not stale)."""
    return [
        f"{built.path} is out of date"
        for src in (sources(root) if chosen is None else chosen)
        if (built := build(src, root, locale, write=False)) is not None and not built.current
    ]


def _print_status(rows: list[Status]) -> None:
    print(f"{'file':44s} {'messages':>8s} {'words':>6s} {'done':>5s} {'fuzzy':>5s} {'missing':>7s}")
    for r in rows:
        mark = "  complete" if r.translated == r.messages else ""
        print(f"{r.source:44s} {r.messages:8d} {r.words:6d} {r.translated:5d} {r.fuzzy:5d} {r.missing:7d}{mark}")
    total = Status("total", *(sum(getattr(r, f) for r in rows) for f in Status._fields[1:]))
    print(
        f"{'total':44s} {total.messages:8d} {total.words:6d} {total.translated:5d} {total.fuzzy:5d} {total.missing:7d}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("command", nargs="?", choices=["update", "build", "status", "check"], default=None)
    parser.add_argument("files", nargs="*", help="only these sources (a path or a stem: 04_decay, README, course_lib)")
    parser.add_argument("--check", action="store_true", help="exit 1 when a generated file is out of date")
    parser.add_argument("--locale", default=LOCALE)
    args = parser.parse_args(argv)
    command = "check" if args.check else args.command
    if command is None:
        parser.error("say update, build, status or --check")
    chosen = [source_named(f) for f in args.files] if args.files else sources()
    if command == "update":
        for src in chosen:
            changed, _ = update(src, locale=args.locale)
            if changed:
                print(f"updated {src.catalog(args.locale)}")
        _print_status([status(src, locale=args.locale) for src in chosen])
    elif command == "build":
        for src in chosen:
            built = build(src, locale=args.locale)
            if built is not None and not built.current:
                print(f"wrote {built.path}" + ("  (execute it)" if built.path.endswith(".ipynb") else ""))
    elif command == "status":
        _print_status([status(src, locale=args.locale) for src in chosen])
    else:
        problems = check(locale=args.locale, chosen=chosen)
        for p in problems:
            print(p)
        if problems:
            print("run `python scripts/translate.py build`, then execute the notebooks it wrote")
            return 1
        print("every generated translation is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
