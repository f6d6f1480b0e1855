"""What a paged list says about itself: the page buttons and "1–20 of 200 products" in every language."""

from __future__ import annotations

from oppo_kz.lib import formatting
from oppo_kz.ui.i18n import Texts, plural_texts, texts


def page_numbers(page: int, pages: int) -> list[int]:
    """The page buttons to show: the first, the last and up to five around `page`; 0 marks a gap."""
    if pages <= 7:
        return list(range(1, pages + 1))
    start = max(2, min(page - 2, pages - 5))
    middle = list(range(start, min(start + 5, pages)))
    numbers = [1]
    if middle[0] > 2:
        numbers.append(0)
    numbers.extend(middle)
    if middle[-1] < pages - 1:
        numbers.append(0)
    numbers.append(pages)
    return numbers


def last_page(page: int, pages: int) -> int | None:
    """Where a page past the end should go instead (the last page, or 1 when nothing matches)."""
    if page <= 1 or page <= pages:
        return None
    return max(pages, 1)


def range_texts(page: int, page_size: int, total: int) -> Texts:
    """The words before the total: "1–20 of" when it does not fit one page, nothing when it does."""
    if total <= page_size or total == 0:
        return {}
    first = (page - 1) * page_size + 1
    last = min(total, page * page_size)
    return texts(
        "list.range",
        first=lambda lang: formatting.number(first, lang),
        last=lambda lang: formatting.number(last, lang),
    )


def noun_texts(noun_key: str, total: int) -> Texts:
    """The words after the total, in the right plural: 1 товар, 3 товара, 25 товаров."""
    return plural_texts(noun_key, total)
