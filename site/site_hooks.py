"""Sphinx hooks of the course website.

* Every notebook output image gets its alt text from the output's metadata
  ``{"image/png": {"alt": ...}}`` (written by course_lib.plotting.install_alt_text and the
  explorers' snapshots). myst-nb 1.4 reads only width/height from there, so we extend its
  image renderer.
* Every page starts with how to run it live: ``python course.py lab`` / ``python course.py test``
  (as the README says: it works where there is no ``make``, as on Windows) and, on a
  notebook's page, the notebook's path in the repository; on the Chinese site in Chinese, with
  ``--lang zh``.
* The language switch (``_templates/language-switch.html``, in every page's header): the same page
  in the other language. ``course_twin_root`` is the other site's root relative to this one's
  (scripts/build_site.py sets it: ``zh_CN/`` on the English site, ``../`` on the Chinese one);
  empty (a plain ``sphinx-build``) means no switch. Every page has a twin of the same name.
* ``<html lang>`` is a BCP 47 tag (``zh-CN``), not Sphinx's locale name (``zh_CN``).
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from myst_nb.core.render import NbElementRenderer

RUN_LIVE = (
    "<strong>Run it live:</strong> clone the course, then <code>python course.py lab</code> opens it in "
    "JupyterLab{where}; <code>python course.py test</code> runs every notebook and checks its claims."
)
#: The site's own words in each language the site is built in (Sphinx's and the theme's come from their catalogs).
SITE_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "run_live": RUN_LIVE,
        "where": ", where you open <code>{name}.ipynb</code> in <code>my-notebooks/</code>, your own copy",
        "search": "Search the course…",
        "name": "English",
        "switch": "Language",
    },
    "zh_CN": {
        "run_live": (
            "<strong>动手运行：</strong>克隆本课程，然后运行 <code>python course.py lab --lang zh</code>，"
            "在 JupyterLab 中打开中文版{where}；<code>python course.py test</code> 运行每个笔记本并检查其中的结论。"
        ),
        "where": "（本页是你自己的副本 <code>my-notebooks/zh_CN/</code> 中的 <code>{name}.ipynb</code>）",
        "search": "搜索课程…",
        "name": "中文",
        "switch": "语言",
    },
}
#: The BCP 47 tag of each language (``<html lang>``, ``hreflang``).
LANG_TAGS = {"en": "en", "zh_CN": "zh-CN"}


def _render_image_with_alt(self: NbElementRenderer, data: Any) -> list:
    nodes = _render_image(self, data)
    alt = data.output_metadata.get(data.mime_type, {}).get("alt")
    if alt:
        for node in nodes:
            node["alt"] = str(alt)
    return nodes


_render_image = NbElementRenderer.render_image
if getattr(_render_image, "__name__", "") != "_render_image_with_alt":
    NbElementRenderer.render_image = _render_image_with_alt
else:  # conf.py read twice in one process: keep the original
    _render_image = _render_image.__wrapped__  # type: ignore[attr-defined]
_render_image_with_alt.__wrapped__ = _render_image  # type: ignore[attr-defined]


def site_language(language: str | None) -> str:
    """The site's language among :data:`SITE_TEXT` (Sphinx's ``language``; English for anything else)."""
    return "zh_CN" if (language or "en").lower().replace("-", "_").startswith("zh") else "en"


def run_live_note(docname: str, language: str = "en") -> str:
    """The "run it live" note of a page (HTML), in the site's ``language``."""
    text = SITE_TEXT[site_language(language)]
    name = docname.removeprefix("notebooks/")
    where = text["where"].format(name=html.escape(name)) if docname.startswith("notebooks/") else ""
    return f'<div class="admonition note course-run-live" role="note"><p>{text["run_live"].format(where=where)}</p></div>\n'


def twin_url(pagename: str, twin_root: str) -> str:
    """The URL of ``pagename``'s twin in the other language, relative to the page itself.

    >>> twin_url("notebooks/05_warmup", "zh_CN/")
    '../zh_CN/notebooks/05_warmup.html'
    >>> twin_url("index", "../")
    '../index.html'
    """
    return "../" * pagename.count("/") + twin_root + pagename + ".html"


def _page_context(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    language = site_language(app.config.language)
    if doctree is not None and "body" in context:
        context["body"] = run_live_note(pagename, language) + context["body"]
    context["language"] = LANG_TAGS[language]  # <html lang="zh-CN">
    twin_root = app.config.course_twin_root
    if twin_root:
        other = "en" if language != "en" else "zh_CN"
        context["course_switch"] = {
            "href": twin_url(pagename, twin_root),
            "lang": LANG_TAGS[other],
            "name": SITE_TEXT[other]["name"],
            "current": SITE_TEXT[language]["name"],
            "label": SITE_TEXT[language]["switch"],
        }


def _localise_config(app: Any, config: Any) -> None:
    language = site_language(config.language)
    options = dict(config.html_theme_options or {})
    options["search_bar_text"] = SITE_TEXT[language]["search"]
    config.html_theme_options = options


def _fix_chinese_stemmer(app: Any, exception: Exception | None) -> None:
    """Sphinx 9's Chinese search data says ``window.Stemmer = ChineseStemmer`` but ships only the English
    stemmer it uses for Latin words (sphinx/search/zh.py: js_stemmer_rawcode = 'english-stemmer.js'), so
    every page of the Chinese site threw "ChineseStemmer is not defined". Point it at the stemmer it has."""
    if exception is not None or site_language(app.config.language) == "en":
        return
    data = Path(app.outdir) / "_static" / "language_data.js"
    if data.is_file():
        text = data.read_text(encoding="utf-8")
        if "ChineseStemmer" in text and "var ChineseStemmer" not in text and "var EnglishStemmer" in text:
            data.write_text(text.replace("window.Stemmer = ChineseStemmer;", "window.Stemmer = EnglishStemmer;"))


def setup(app: Any) -> dict:
    app.add_config_value("course_twin_root", "", "html", str)
    app.connect("build-finished", _fix_chinese_stemmer)
    app.connect("config-inited", _localise_config)
    app.connect("html-page-context", _page_context)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
