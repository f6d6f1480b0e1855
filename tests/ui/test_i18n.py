"""The catalogs: every key in every language with the same placeholders, and the formatting rules."""

from __future__ import annotations

import ast
from datetime import UTC, date, datetime
from pathlib import Path
from types import ModuleType

import pytest

from oppo_kz.lib import formatting
from oppo_kz.lib.formatting import LANGS
from oppo_kz.ui.i18n import (
    PLURAL_DEFAULT,
    PLURAL_FORMS,
    _catalog_modules,
    catalogs,
    pick_lang,
    placeholders,
    t,
    tr,
)

PACKAGE = Path(__file__).resolve().parents[2] / "oppo_kz"


@pytest.mark.parametrize("module", _catalog_modules(), ids=lambda m: m.__name__)
def test_every_catalog_has_every_key_in_every_language(module: ModuleType) -> None:
    keys = {lang: set(module.MESSAGES[lang]) for lang in LANGS}
    assert set(module.MESSAGES) == set(LANGS)
    for lang in LANGS:
        assert keys[lang] == keys["ru"], f"{module.__name__}: {lang} differs: {keys[lang] ^ keys['ru']}"
        for key, text in module.MESSAGES[lang].items():
            assert text.strip(), f"{module.__name__}: {lang} {key} is empty"
            assert placeholders(text) == placeholders(module.MESSAGES["ru"][key]), f"{lang} {key}"


def test_catalogs_merge_and_server_side_texts() -> None:
    merged = catalogs()
    assert merged["ru"]["nav.sales"] == "Продажи"
    assert tr("kk", "nav.sales") == "Сатылымдар"
    assert tr("de", "nav.sales") == "Продажи"  # an unknown language reads as the default
    with pytest.raises(KeyError):
        tr("ru", "no.such.key")
    with pytest.raises(KeyError):
        t("no.such.key")  # a page using a missing key does not build


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("kk-KZ,kk;q=0.9,ru;q=0.8,en;q=0.7", "kk"),
        ("ru-RU,ru;q=0.9,en-US;q=0.8", "ru"),
        ("en-US,en;q=0.9", "en"),
        ("de-DE,de;q=0.9", "ru"),
        ("de;q=0.9,kk;q=0.95", "kk"),
        ("en;q=0.1,kk;q=bad", "en"),
        ("", "ru"),
        (None, "ru"),
        ("KK", "kk"),
    ],
)
def test_the_browser_language_picks_the_ui_language(header: str | None, expected: str) -> None:
    assert pick_lang(header) == expected


def test_money_numbers_and_dates_read_as_in_kazakhstan() -> None:
    nbsp = "\u00a0"
    assert formatting.money(1_234_567, "ru") == f"1{nbsp}234{nbsp}567{nbsp}₸"
    assert formatting.money(1_234_567, "kk") == f"1{nbsp}234{nbsp}567{nbsp}₸"
    assert formatting.money(1_234_567, "en") == f"1,234,567{nbsp}₸"
    assert formatting.money(0, "ru") == f"0{nbsp}₸"
    assert formatting.money(None) == "—"
    assert formatting.number(1234, "ru") == f"1{nbsp}234"
    assert formatting.percent(87.46, "ru") == f"87,5{nbsp}%"
    assert formatting.percent(87.46, "en") == "87.5%"
    assert formatting.day(date(2026, 12, 1), "ru") == "01.12.2026"
    assert formatting.day("2026-12-01", "en") == "01.12.2026"
    # 19:30 UTC is already the next day in Almaty (UTC+5)
    late = datetime(2026, 11, 30, 19, 30, tzinfo=UTC)
    assert formatting.local_date(late) == date(2026, 12, 1)
    assert formatting.moment(late, "kk") == "01.12.2026 00:30"


def test_plural_texts_list_no_more_forms_than_the_language_has() -> None:
    for lang, texts in catalogs().items():
        for key, text in texts.items():
            if "|" in text:
                assert len(text.split("|")) <= len(PLURAL_FORMS.get(lang, PLURAL_DEFAULT)), (lang, key)


# Functions whose first argument is a catalog key (tr's is its second).
_KEY_FUNCTIONS = {"t", "texts", "plural_texts", "noun_texts", "_say", "page_title", "not_allowed"}


def _keys_used_in_code() -> set[tuple[str, object]]:
    used: set[tuple[str, object]] = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            args = node.args[1:2] if name == "tr" else node.args[:1] if name in _KEY_FUNCTIONS else []
            used.update(
                (str(path.relative_to(PACKAGE)), a.value) for a in args if isinstance(a, ast.Constant)
            )
    return used


def test_every_key_the_code_names_is_in_the_catalogs() -> None:
    used = _keys_used_in_code()
    assert len(used) > 100  # the scan finds the pages' texts
    missing = sorted(
        (where, key) for where, key in used if isinstance(key, str) and key not in catalogs()["ru"]
    )
    assert missing == []
