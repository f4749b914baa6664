/* Search snippets of the course website (Sphinx's searchtools.js builds them from each found page).
 * Sphinx takes the text of the page's [role=main], which in this theme holds the article's header
 * (the light/dark switch: "System Settings Light Dark", the table of contents) and the formulas'
 * TeX source ("\(\eta < 2/L\)", typeset only in a browser). Before Sphinx reads a page, this drops
 * the theme's menus and writes each formula as plain text ("η < 2/L"). */
(function () {
  "use strict";
  const GREEK = {alpha: "α", beta: "β", gamma: "γ", delta: "δ", epsilon: "ε", varepsilon: "ε", eta: "η",
    theta: "θ", kappa: "κ", lambda: "λ", mu: "μ", sigma: "σ", tau: "τ", phi: "φ", Delta: "Δ", Sigma: "Σ",
    nabla: "∇", cdot: "·", times: "×", le: "≤", leq: "≤", ge: "≥", geq: "≥", approx: "≈", infty: "∞",
    to: "→", sqrt: "√", pm: "±", ll: "≪", gg: "≫", neq: "≠", sum: "Σ", in: "∈", ldots: "…", dots: "…"};
  const MENUS = [".bd-header-article", ".header-article-items", ".theme-switch-button", ".bd-sidebar-secondary",
    ".prev-next-area", ".bd-footer-article", ".bd-footer-content", "nav", "button", ".course-run-live"];

  function texToText(tex) {
    return tex
      .replace(/^\s*(\\\(|\\\[|\$\$?)/, "").replace(/(\\\)|\\\]|\$\$?)\s*$/, "")
      .replace(/\\(?:mathrm|text|mathbf|operatorname|mathit)\s*\{([^{}]*)\}/g, "$1")
      .replace(/\\frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}/g, "($1)/($2)")
      .replace(/\\([A-Za-z]+)/g, (m, name) => GREEK[name] !== undefined ? GREEK[name] : name)
      .replace(/\\[,;:! ]/g, " ").replace(/[{}]/g, "").replace(/\s+/g, " ").trim();
  }

  function install() {
    if (typeof Search === "undefined" || !Search.htmlToText || Search.htmlToText.courseText) return;
    const original = Search.htmlToText;
    Search.htmlToText = function (htmlString, anchor) {
      const doc = new DOMParser().parseFromString(htmlString, "text/html");
      MENUS.forEach((query) => doc.querySelectorAll(query).forEach((el) => el.remove()));
      doc.querySelectorAll(".math").forEach((el) => { el.textContent = texToText(el.textContent); });
      return original.call(this, doc.documentElement.outerHTML, anchor);
    };
    Search.htmlToText.courseText = texToText;
  }

  install();
  document.addEventListener("DOMContentLoaded", install);
})();
