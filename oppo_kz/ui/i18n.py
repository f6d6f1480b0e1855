"""The UI in Russian (the default), Kazakh and English: one mechanism for every page.

Texts live in catalogs, one per domain (`oppo_kz/<domain>/messages.py`) plus the shared
`oppo_kz/ui/messages.py`, each `MESSAGES = {"ru": {...}, "kk": {...}, "en": {...}}` with the same
keys in every language. Components say `t("products.title")`: all three texts are compiled into the
page and `rx.match` picks one by the tab's language, so switching sends ~140 bytes and a key missing
from a catalog stops the build. Handlers that make text on the server (toasts, messages) use
`texts(key)` (the text in every language, shown with `local(var)`, so a language switch needs no
new data) or `tr(lang, key)`. Labels of stored codes (a role, a category) come from `label_of`.
The language lives in the browser (`oppo_lang` in localStorage, shared by tabs) and on the user
(`users.locale`, saved by the header's switch and adopted at sign-in); a script in <head> applies it
before the first paint.
"""

from __future__ import annotations

import string
from collections.abc import Iterable
from functools import lru_cache
from types import ModuleType
from typing import Any

import reflex as rx
from babel import Locale
from reflex_base.vars.base import Var, VarData

from oppo_kz.domains import domain_modules
from oppo_kz.lib.formatting import DEFAULT_LANG, LANGS, locale_of
from oppo_kz.ui import messages as shared_messages

STORAGE_KEY = "oppo_lang"


def _catalog_modules() -> list[ModuleType]:
    return [shared_messages, *domain_modules("messages")]


@lru_cache(maxsize=1)
def catalogs() -> dict[str, dict[str, str]]:
    """Every catalog merged, per language; a key defined twice is an error."""
    merged: dict[str, dict[str, str]] = {lang: {} for lang in LANGS}
    for module in _catalog_modules():
        for lang in LANGS:
            texts: dict[str, str] = module.MESSAGES[lang]
            twice = merged[lang].keys() & texts.keys()
            if twice:
                raise ValueError(f"{module.__name__} defines {sorted(twice)} again")
            merged[lang].update(texts)
    return merged


def placeholders(text: str) -> set[str]:
    """The `{name}` fields of a catalog text."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def pick_lang(accept_language: str | None) -> str:
    """The best UI language for an Accept-Language header (q-weighted; the default when none fits)."""
    weighted = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        weighted.append((-quality, position, tag.split("-")[0].strip().lower()))
    for _, _, primary in sorted(weighted):
        if primary in LANGS:
            return primary
    return DEFAULT_LANG


# A text in every language: what handlers put in state for `local(var)` to show.
Texts = dict[str, str]

# CLDR plural categories in the order a plural catalog text lists its forms, separated by "|":
# ru "товар|товара|товаров|товара" (one|few|many|other), kk and en "product|products" (one|other).
PLURAL_FORMS: dict[str, tuple[str, ...]] = {"ru": ("one", "few", "many", "other")}
PLURAL_DEFAULT = ("one", "other")


def _param(value: Any, lang: str) -> Any:
    """A parameter as `lang` writes it: a Texts dict picks its language, a callable gets the language."""
    if isinstance(value, dict):
        return value.get(lang, value.get(DEFAULT_LANG, ""))
    if callable(value):
        return value(lang)
    return value


def tr(lang: str, key: str, **params: Any) -> str:
    """A catalog text on the server, in `lang` (the default language when `lang` is unknown)."""
    merged = catalogs()
    lang = lang if lang in merged else DEFAULT_LANG
    text = merged[lang][key]
    return text.format(**{k: _param(v, lang) for k, v in params.items()}) if params else text


def texts(key: str, **params: Any) -> Texts:
    """`key` in every language, for state that `local(...)` shows (no round trip on a switch).

    A parameter may be a value, a Texts dict (its own language is used) or a callable of the language
    (e.g. `lambda lang: formatting.number(n, lang)`).
    """
    return {lang: tr(lang, key, **params) for lang in LANGS}


def plural_form(lang: str, count: int, forms: str) -> str:
    """The form of a `|`-separated plural text that `count` takes in `lang` (CLDR rules)."""
    parts = forms.split("|")
    category = Locale.parse(locale_of(lang)).plural_form(abs(count))
    order = PLURAL_FORMS.get(lang, PLURAL_DEFAULT)
    index = order.index(category) if category in order else len(order) - 1
    return parts[min(index, len(parts) - 1)]


def plural_texts(key: str, count: int) -> Texts:
    """The noun of a plural catalog text for `count`, in every language: 1 товар, 2 товара, 5 товаров."""
    return {lang: plural_form(lang, count, tr(lang, key)) for lang in LANGS}


def page_title(key: str) -> str:
    """A page's <title> (compiled once, so in the default language): "Товары · OPPO KZ Data Platform"."""
    return f"{tr(DEFAULT_LANG, key)} · {tr(DEFAULT_LANG, 'app.title')}"


def no_texts() -> Texts:
    """Nothing to say: `local(...)` shows an empty string."""
    return {}


class I18nState(rx.State):
    """The tab's language. The stored choice wins; the head script stores one on the first visit."""

    lang_pref: str = rx.LocalStorage("", name=STORAGE_KEY, sync=True)

    @rx.var
    def lang(self) -> str:
        return self.lang_pref if self.lang_pref in LANGS else DEFAULT_LANG

    @rx.event
    def set_lang(self, lang: str) -> None:
        """Switch this browser's language (every tab follows)."""
        if lang in LANGS:
            self.lang_pref = lang


def t(key: str, **params: Any) -> Var[str]:
    """The text of `key` in the tab's language; `params` (values or Vars) fill its `{name}` fields."""
    merged = catalogs()

    def text(lang: str) -> Any:
        value = merged[lang][key]
        return value.format(**params) if params else value

    return rx.match(I18nState.lang, ("kk", text("kk")), ("en", text("en")), text(DEFAULT_LANG))


def local(value: Any) -> Var[str]:
    """The tab's language of a Texts var (a state field filled with `texts(...)`)."""
    return value.to(dict)[I18nState.lang].to(str)


def has_text(value: Any) -> Var[bool]:
    """Whether a Texts var holds a text (handlers clear it with `no_texts()`)."""
    return value.to(dict).contains(DEFAULT_LANG)


def label_of(prefix: str, codes: Iterable[str], code: Any) -> Var[str]:
    """The catalog label (`<prefix>.<code>`) of a stored code var, e.g. a role or a category.

    The small table of labels is compiled in, so rows of a list need no translated copies.
    """
    merged = catalogs()
    table = {lang: {c: merged[lang][f"{prefix}.{c}"] for c in codes} for lang in LANGS}
    key = code.to(str) if isinstance(code, Var) else code
    return Var.create(table).to(dict)[I18nState.lang].to(dict)[key].to(str)


# --- the first paint in the right language ----------------------------------------------------------

# Before hydration: the stored choice, else the browser's languages; store it (the hydrate event
# then carries it to the server), set <html lang>, and hide the page until the state agrees (at
# most 2 s), so a Kazakh or English reader never sees the prerendered Russian.
LANG_PRELOAD_JS = f"""
(function () {{
  if (typeof document === 'undefined') return;
  try {{
    var langs = {list(LANGS)!r}, key = {STORAGE_KEY!r};
    var l = localStorage.getItem(key);
    if (langs.indexOf(l) < 0) {{
      l = {DEFAULT_LANG!r};
      var prefs = navigator.languages || [navigator.language || ''];
      for (var i = 0; i < prefs.length; i++) {{
        var p = String(prefs[i]).split('-')[0].toLowerCase();
        if (langs.indexOf(p) >= 0) {{ l = p; break; }}
      }}
      localStorage.setItem(key, l);
    }}
    var root = document.documentElement;
    root.lang = l;
    if (l !== {DEFAULT_LANG!r}) {{
      root.dataset.langTarget = l;
      root.classList.add('i18n-pending');
      setTimeout(function () {{ root.classList.remove('i18n-pending'); delete root.dataset.langTarget; }}, 2000);
    }}
  }} catch (e) {{}}
}})();
"""
LANG_PRELOAD_CSS = "html.i18n-pending body { visibility: hidden; }"


def head_components() -> list[rx.Component]:
    """For `rx.App(head_components=...)`: plain <script>/<style> (rx.script would run too late)."""
    return [rx.el.script(LANG_PRELOAD_JS), rx.el.style(LANG_PRELOAD_CSS)]


class HtmlLangSync(rx.Fragment):
    """Keeps <html lang> equal to the tab's language and lifts the head script's curtain once the
    state has the stored language. Every page layout renders one."""

    def add_hooks(self) -> list[str | Var[Any]]:
        lang = I18nState.lang
        code = f"""
useEffect(() => {{
  const root = document.documentElement;
  const target = root.dataset.langTarget;
  if (target && {lang!s} !== target) return;  // the prerendered default: the hydrate delta is coming
  delete root.dataset.langTarget;
  root.classList.remove('i18n-pending');
  root.lang = {lang!s};
}}, [{lang!s}]);"""
        var_data = VarData.merge(lang._get_all_var_data(), VarData(imports={"react": ["useEffect"]}))
        return [Var(code, _var_data=var_data)]


def html_lang_sync() -> rx.Component:
    """The <html lang> keeper (see HtmlLangSync)."""
    return HtmlLangSync.create()
