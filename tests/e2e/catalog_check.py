"""Find visible strings on a page that are neither catalog texts, formatted values nor data.

Every text node a person can see (and the placeholder, aria-label and title of controls) must be:
a text of the page's language from the catalogs (with its `{fields}` filled by anything), a value
Babel formats (numbers, money, dates, times, memory sizes) or punctuation — or sit inside an element
marked `translate="no"`, which is how the UI marks data (names, SKUs, emails).
"""

from __future__ import annotations

import re
from functools import lru_cache

from playwright.sync_api import Page

from oppo_kz.ui.i18n import catalogs

VISIBLE_STRINGS_JS = r"""
() => {
  const shown = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.display === 'none' || s.visibility === 'hidden' || s.opacity === '0') return false;
    }
    return el.getClientRects().length > 0;
  };
  const skipped = (el) => el.closest('[translate="no"], script, style, noscript, [aria-hidden="true"]');
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, text = node.nodeValue.trim(), el = node.parentElement;
    if (!text || !el || skipped(el) || !shown(el)) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    if (range.getClientRects().length) out.push(text);
  }
  for (const el of document.querySelectorAll('input, select, textarea, button, a, [role="dialog"]')) {
    if (skipped(el) || !shown(el)) continue;
    for (const name of ['placeholder', 'aria-label', 'title']) {
      const value = (el.getAttribute(name) || '').trim();
      if (value) out.push(value);
    }
  }
  return out;
}
"""

# Numbers, money, dates and times as lib/formatting writes them, memory sizes, and punctuation.
_UNITS = r"(?:₸|%|ГБ|GB)"
FORMATTED = re.compile(
    rf"^(?:[-+]?[\d\s\u00a0\u202f.,:/]*\d[\d\s\u00a0\u202f.,:/]*(?:\s?{_UNITS})?|[—–·…|/×+-]+|404)$"
)


@lru_cache(maxsize=3)
def _patterns(lang: str) -> list[re.Pattern[str]]:
    found: list[re.Pattern[str]] = []
    for text in catalogs()[lang].values():
        for form in text.split("|"):
            parts = re.split(r"\{[a-z_]+\}", form)
            found.append(re.compile("^" + "(.+?)".join(re.escape(p) for p in parts) + "$", re.DOTALL))
    return found


def unknown_strings(page: Page, lang: str) -> list[str]:
    """The visible strings of `page` that are not in the `lang` catalogs (nor formatted values or data)."""
    missing = []
    for text in page.evaluate(VISIBLE_STRINGS_JS):
        normal = " ".join(text.split())
        if FORMATTED.match(normal) or any(p.match(text) or p.match(normal) for p in _patterns(lang)):
            continue
        missing.append(text)
    return sorted(set(missing))
