"""What a paged list says: "1–20 of 200 products", "1 product", and where a page past the end goes."""

from __future__ import annotations

import pytest

from oppo_kz.ui.paging import last_page, noun_texts, range_texts


@pytest.mark.parametrize(
    ("count", "ru", "kk", "en"),
    [
        (1, "товар", "тауар", "product"),
        (2, "товара", "тауар", "products"),
        (5, "товаров", "тауар", "products"),
        (11, "товаров", "тауар", "products"),
        (21, "товар", "тауар", "products"),
        (0, "товаров", "тауар", "products"),
    ],
)
def test_the_noun_after_a_count_takes_the_language_s_plural(count: int, ru: str, kk: str, en: str) -> None:
    assert noun_texts("products.noun", count) == {"ru": ru, "kk": kk, "en": en}


def test_a_list_that_fits_one_page_says_only_its_total() -> None:
    assert range_texts(1, 20, 1) == {}
    assert range_texts(1, 20, 20) == {}
    assert range_texts(2, 20, 45) == {"ru": "21–40 из", "kk": "21–40, барлығы", "en": "21–40 of"}
    assert range_texts(3, 20, 45)["en"] == "41–45 of"


@pytest.mark.parametrize(
    ("page", "pages", "expected"), [(1, 0, None), (3, 5, None), (5, 5, None), (6, 5, 5), (9, 0, 1), (2, 1, 1)]
)
def test_a_page_past_the_end_goes_to_the_last_one(page: int, pages: int, expected: int | None) -> None:
    assert last_page(page, pages) == expected
