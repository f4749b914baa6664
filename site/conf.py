"""Sphinx configuration of the course website (built by scripts/build_site.py, ``make site``).

The site is made from the stored, executed notebooks: nothing is executed at build time,
nothing is fetched at build or view time (MathJax 3 is served from ``_static/mathjax``).
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import site_hooks  # noqa: E402  (our Sphinx hooks: alt text, "run it live" banners)

project = "Learning Rates, Hands-On"
author = "the course authors"
copyright = "the course authors, MIT licence"
root_doc = "index"
language = "en"  # scripts/build_site.py builds the Chinese site with -D language=zh_CN

extensions = ["myst_nb", "site_hooks"]
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]
myst_heading_anchors = 3

nb_execution_mode = "off"                 # the stored outputs are the site's outputs
nb_render_markdown_format = "myst"        # markdown outputs (08's printed tables) as tables
nb_merge_streams = True

exclude_patterns = ["_build", "README.md", "_static", "_templates", "**/.ipynb_checkpoints", "site_hooks.py"]
suppress_warnings: list[str] = []
nitpicky = True

html_theme = "sphinx_book_theme"
html_title = project
html_static_path = ["_static"]
templates_path = ["_templates"]  # layout.html: the home page's title is not "X — X"
html_css_files = ["course.css"]
# Search results' snippets: the article's text, without the theme's menus and with formulas as text.
html_js_files = ["course-search.js"]
html_context = {"default_mode": "light"}
html_last_updated_fmt = None
html_copy_source = False
html_show_sourcelink = False
html_theme_options = {
    "use_download_button": False,
    "use_fullscreen_button": False,
    "use_repository_button": False,
    "show_toc_level": 2,
    "home_page_in_toc": True,
    "navigation_with_keys": False,
    "search_bar_text": "Search the course…",  # site_hooks.SITE_TEXT: in the site's language
    # The language switch (English ⇄ 中文) before the theme's buttons, on every page.
    "article_header_end": ["language-switch.html", "article-header-buttons.html"],
}
html_sidebars = {"**": ["navbar-logo.html", "search-button-field.html", "sbt-sidebar-nav.html"]}

# MathJax 3 from our own copy (npm mathjax@3: tex-chtml.js and its fonts), never a CDN.
# Its fonts are found next to it (output/chtml/fonts/woff-v2), relative to the script.
mathjax_path = "mathjax/tex-chtml.js"
