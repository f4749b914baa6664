"""The terminology table: each term the course uses -> the Chinese term its translation uses.

One home for "what do we call X in Chinese?". A :class:`Term` holds the course's English term,
the Chinese term the translation writes (``zh``, with the renderings also accepted), what the five
Chinese articles the course corrects (``/work/shared/seeds``) call it, verbatim, and where that is
wrong, and where Chinese readers meet the term: the Chinese edition of Dive into Deep Learning
(d2l-zh) or the Chinese translation of PyTorch's documentation, file by file (:data:`SOURCES` pins
the commits). ``source`` is empty where neither has the term: the word is then this course's choice.
Terms practitioners leave in English (Adam, AdamW, SGD, WSD) stay English in ``zh``, as d2l-zh does.

:func:`check_translation` is the check the Chinese catalogs must pass (tests/references/
test_terminology.py runs it over ``locales/zh_CN``): an English entry that uses a term needs the
term's Chinese, and an article's wrong name (:attr:`Term.wrong`) appears only where the article is
quoted. :func:`markdown_page` is the learners' page (the site build writes it as terminology.md).

>>> from course_lib.references import terminology
>>> terminology.TERMS_BY_EN["warm-up"].zh, terminology.TERMS_BY_EN["warm-up"].seed_terms
('预热', ('学习率 warm-up',))
>>> [t.en for t in terminology.find_terms("Warm-up before the cosine decay of AdamW's learning rate")]
['warm-up', 'cosine decay', 'AdamW', 'learning rate']
>>> for problem in terminology.check_translation([("A linear decay to 0.", "学习率初始化：指数衰减到 0。", "x.po")]):
...     print(problem)
x.po: linear decay: no 线性衰减 (or 线性退火) in the translation
x.po: weight initialization / learning-rate schedule: 学习率初始化, a wrong name, outside a quotation
x.po: linear decay: 指数衰减, a wrong name, outside a quotation
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from course_lib.references import terminology_schedules, terminology_table
from course_lib.references.concepts import prose
from course_lib.references.terminology_table import Term

__all__ = [
    "Term",
    "TERMS",
    "TERMS_BY_EN",
    "SECTIONS",
    "SOURCES",
    "Problem",
    "find_terms",
    "check_translation",
    "catalog_entries",
]

#: source key -> (GitHub repository, commit, what it is). A term's ``source`` is "<key>:<path>".
SOURCES: dict[str, tuple[str, str, str]] = {
    "d2l-zh": (
        "d2l-ai/d2l-zh",
        "e6b18ccea71451a55fcd861d7b96fddf2587b09a",
        "《动手学深度学习》 (d2l-zh, 2023-08-17)",
    ),
    "pytorch-zh": (
        "apachecn/pytorch-doc-zh",
        "5f2e8af4c6c3993ccf3a807ad733045850b33c55",
        "PyTorch 中文文档 1.4, torch.optim (apachecn, 2020-03-04; its API pages were removed in 2024)",
    ),
    "pytorch-zh-tutorials": (
        "apachecn/pytorch-doc-zh",
        "e96c758551dfc9ec9900ad396189e10168fd6e55",
        "PyTorch 中文教程 2.0 (apachecn, 2026-01-07)",
    ),
}

_ROWS = {**terminology_table.SECTIONS, **terminology_schedules.SECTIONS}
#: section title -> its terms, in the order of the learners' page
SECTIONS: dict[str, tuple[Term, ...]] = {
    title: _ROWS[title]
    for title in ("Training", "Optimizers", "Schedules", "Warm-up, cool-down, restarts", "Averaging")
    + ("Batch size and scale", "Stability and failure")
}
#: every term, in the order of the sections
TERMS: tuple[Term, ...] = tuple(t for terms in SECTIONS.values() for t in terms)
#: English term -> Term
TERMS_BY_EN: dict[str, Term] = {t.en: t for t in TERMS}


# ---------------------------------------------------------------------------
# Matching
# ---------------------------------------------------------------------------

_MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]+\$|\\\(.*?\\\)|\\\[.*?\\\]", re.DOTALL)
_FENCE = re.compile(r"```.*?```|~~~.*?~~~", re.DOTALL)
_NOISE = re.compile(r"<[^>\n]+>|https?://\S+")
_QUOTED = re.compile(r"「[^」]*」|『[^』]*』|“[^”]*”|\"[^\"\n]*\"|‘[^’]*’")
_CITES_ARTICLE = re.compile(r"(?i)\barticles? \d{3}\b|\bS\d{1,2}\b|文章\s*\d{3}")


def plain(text: str) -> str:
    """Text without what is not words: code blocks and spans, formulas, link targets, tags and URLs."""
    return prose(_NOISE.sub(" ", _MATH.sub(" ", _FENCE.sub(" ", text))))


def _squash(text: str) -> str:
    return "".join(text.split()).casefold()


@functools.lru_cache(maxsize=None)
def _en_regex(term: Term) -> re.Pattern[str]:
    """The term's English forms, word-bounded, any case, '-', ' ' or nothing between words, plurals allowed."""
    forms = []
    for form in (term.en, *term.en_variants):
        words = [re.escape(w) for w in re.split(r"[-–\s]+", form)]
        forms.append(r"[-–\s]?".join(words) + r"(?:s|es)?")
    # Not after a hyphen: "per-step decay" is not "step decay" (a compound's tail is not the term).
    return re.compile(r"(?<![\w-])(?:" + "|".join(sorted(forms, key=len, reverse=True)) + r")(?!\w)", re.IGNORECASE)


def find_terms(text: str, terms: Iterable[Term] = TERMS) -> list[Term]:
    """The terms an English text uses, in order of first use; a term inside a longer one's match is not used.

    ("warm-up" inside "warm-up-stable-decay" is WSD's; "momentum" inside "Nesterov momentum" is Nesterov's.)
    """
    clean = plain(text)
    spans = [(m.start(), m.end(), t) for t in terms for m in _en_regex(t).finditer(clean)]
    kept = [
        (s, e, t) for s, e, t in spans if not any(s2 <= s and e <= e2 and (e2 - s2) > (e - s) for s2, e2, _ in spans)
    ]
    found: list[Term] = []
    for _, _, t in sorted(kept, key=lambda x: x[0]):
        if t not in found:
            found.append(t)
    return found


# ---------------------------------------------------------------------------
# The check a translation must pass
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One way a catalog entry breaks the table: a term's Chinese missing, or an article's wrong name used."""

    source_file: str
    msgid: str
    term: str  # the Term's English
    detail: str

    def __str__(self) -> str:
        return f"{self.source_file}: {self.term}: {self.detail}"


def _quoted(text: str, start: int, end: int) -> bool:
    return any(s <= start and end <= e for s, e in (m.span() for m in _QUOTED.finditer(text)))


def check_translation(entries: Iterable[tuple[str, str, str]], terms: Iterable[Term] = TERMS) -> list[Problem]:
    """What breaks the table in translated entries (msgid, msgstr, source_file); empty when nothing does.

    * **The term's Chinese.** When an English msgid uses a term (:func:`find_terms`: word-bounded,
      any case, plurals), its msgstr contains the term's ``zh`` or one of its ``zh_variants``
      (spaces and case aside).
    * **No wrong names.** A name in a term's ``wrong`` is used only where the article is quoted: when
      the msgid itself quotes it, inside 「」, 『』, “”, "" or ‘’ in the msgstr, or in a blockquote
      (msgid starts with ">") that cites an article ("article 004", "S49"). A wrong name that is no
      term's right name (学习率初始化, 红内学习率) is flagged anywhere; one that is another term's
      right name (指数衰减 is exponential decay's) only in an entry about the term it mis-names,
      unless the entry also uses the term it rightly names.

    Code in backticks, formulas and link targets are ignored on both sides; entries with an
    empty msgstr are skipped (untranslated entries are the catalogs' own test's business).
    """
    terms = tuple(terms)
    right_names = [v for t in terms for v in t.accepted_zh]
    wrong_names: dict[str, list[Term]] = {}
    for t in terms:
        for name in t.wrong:
            wrong_names.setdefault(name, []).append(t)
    problems: list[Problem] = []
    for msgid, msgstr, source_file in entries:
        if not msgstr.strip():
            continue
        used = find_terms(msgid, terms)
        zh = plain(msgstr)
        squashed = _squash(zh)
        for t in used:
            if not any(_squash(v) in squashed for v in t.accepted_zh):
                also = f" (or {', '.join(t.zh_variants)})" if t.zh_variants else ""
                problems.append(Problem(source_file, msgid, t.en, f"no {t.zh}{also} in the translation"))
        cites = msgid.lstrip().startswith(">") and bool(_CITES_ARTICLE.search(msgid))
        for name, named in wrong_names.items():
            if name in msgid or cites or name not in zh:
                continue
            if any(name in v for v in right_names):  # another term's right name: wrong only about `named`
                named = [t for t in named if t in used]
                if not named or any(name in v for u in used if u not in named for v in u.accepted_zh):
                    continue
            if any(not _quoted(zh, m.start(), m.end()) for m in re.finditer(re.escape(name), zh)):
                term = " / ".join(t.en for t in named)
                problems.append(Problem(source_file, msgid, term, f"{name}, a wrong name, outside a quotation"))
    return problems


def catalog_entries(locale_dir: str | Path) -> Iterator[tuple[str, str, str]]:
    """(msgid, msgstr, source_file) for every translated entry of the .po files under ``locale_dir``.

    ``source_file`` is the .po file's path relative to ``locale_dir``. The header and fuzzy entries
    are left out (a fuzzy msgstr is a stale translation, not ours); a plural entry gives one pair
    per form. Reads with Babel (installed with JupyterLab and Sphinx).
    """
    from babel.messages.pofile import read_po

    root = Path(locale_dir)
    for po in sorted(root.rglob("*.po")):
        with po.open("rb") as f:
            catalog = read_po(f)
        name = po.relative_to(root).as_posix()
        for message in catalog:
            if not message.id or message.fuzzy:
                continue
            ids = message.id if isinstance(message.id, (list, tuple)) else (message.id,)
            strs = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
            for i, msgid in enumerate(ids):  # Chinese has one plural form: the first serves every msgid
                form = strs[i] if i < len(strs) and strs[i] else strs[0] if strs else ""
                yield msgid, form or "", name


# ---------------------------------------------------------------------------
# The learners' page
# ---------------------------------------------------------------------------


def source_url(source: str) -> str:
    """The web address of a ``"<key>:<path>"`` source: d2l-zh's page, or the file at its pinned commit."""
    key, _, path = source.partition(":")
    repo, commit, _ = SOURCES[key]
    if key == "d2l-zh" and path.startswith("chapter_"):
        return "https://zh.d2l.ai/" + path.removesuffix(".md") + ".html"
    return f"https://github.com/{repo}/blob/{commit}/{path}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


_LABELS = {"d2l-zh": "d2l-zh", "pytorch-zh": "PyTorch 中文 1.4", "pytorch-zh-tutorials": "PyTorch 中文教程"}
_PAGES = {"docs/1.4/87.md": "torch.optim", "TERMINOLOGY.md": "英汉术语对照"}


def _where(t: Term) -> str:
    links = []
    for s in t.source:
        key, _, path = s.partition(":")
        links.append(f"[{_LABELS[key]}: {_PAGES.get(path, Path(path).stem)}]({source_url(s)})")
    code = ", ".join(f"`{c}`" for c in t.code)
    return ". ".join(x for x in ("; ".join(x for x in (", ".join(links) or "this course", code) if x), t.note) if x)


def _articles(t: Term) -> str:
    names = "、".join(("✗ " if s in t.wrong else "") + s for s in t.seed_terms)
    return " — ".join(x for x in (names, t.wrong_in_seeds) if x) or " "


def markdown_page() -> str:
    """The table as a Markdown page for the website: English | 中文 | what the articles say | where you meet it."""
    lines = [
        "# Terminology: English ↔ 中文",
        "",
        "The words the Chinese edition uses, one per term, and the words the five Chinese articles the",
        "course corrects use for the same thing (✗: a wrong name, which the Chinese edition uses only",
        "when it quotes an article). Where you meet a term: the Chinese *Dive into Deep Learning*",
        "(d2l-zh) and the Chinese translation of PyTorch's documentation; *this course* where",
        "neither has it. The table lives in `course_lib/references/terminology_table.py`;",
        "`tests/references/test_terminology.py` checks every translated sentence against it.",
    ]
    for title, terms in SECTIONS.items():
        lines += [
            "",
            f"## {title}",
            "",
            "| English | 中文 | what the articles say | where you meet it |",
            "|---|---|---|---|",
        ]
        for t in terms:
            zh = t.zh + (f" (also {', '.join(t.zh_variants)})" if t.zh_variants else "")
            lines.append(f"| {_cell(t.en)} | {_cell(zh)} | {_cell(_articles(t))} | {_cell(_where(t))} |")
    return "\n".join(lines) + "\n"
