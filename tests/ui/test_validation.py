"""Validation and refusals as people read them: chosen by the error's type, in every language."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from oppo_kz.core.errors import ConflictError, NotFoundError, RateLimitedError
from oppo_kz.products.models import ProductCreate
from oppo_kz.ui.i18n import tr
from oppo_kz.ui.validation import error_kind, error_texts, first_invalid, people_errors


def _pydantic_errors(data: dict) -> list[dict]:
    with pytest.raises(ValidationError) as caught:
        ProductCreate.model_validate(data)
    return [dict(e) for e in caught.value.errors()]


def test_pydantic_errors_become_kinds_not_sentences() -> None:
    errors = _pydantic_errors({"sku": "", "name": "x" * 201, "category": "phone", "price": -1, "stock": 5.5})
    assert {e["loc"][0]: error_kind(e)[0] for e in errors} == {
        "sku": "required",
        "name": "too_long",
        "category": "choose",
        "price": "min",
        "stock": "whole_number",
    }


def test_every_field_gets_its_message_in_every_language_with_the_page_s_own_words() -> None:
    errors = _pydantic_errors({"sku": "A5", "name": "", "category": "smartphone", "price": -1})
    shown = people_errors(errors, {"name:required": "products.error.name_required"})
    assert shown["name"] == {"ru": "Введите название", "kk": "Атауын енгізіңіз", "en": "Enter the name"}
    assert shown["price"]["ru"] == "Не меньше 0"
    assert shown["price"]["en"] == "At least 0"
    assert all("should" not in text for texts in shown.values() for text in texts.values())


def test_limits_are_written_as_numbers_of_the_language() -> None:
    errors = [{"field": "price", "type": "less_than_equal", "ctx": {"le": 1_000_000_000}}]
    shown = people_errors(errors)["price"]
    assert shown["ru"] == "Не больше 1\u00a0000\u00a0000\u00a0000"
    assert shown["en"] == "At most 1,000,000,000"


def test_only_the_first_error_of_a_field_is_kept_and_unknown_types_are_invalid() -> None:
    shown = people_errors([{"field": "x", "type": "missing"}, {"field": "x", "type": "int_parsing"},
                           {"field": "y", "type": "something_new"}])  # fmt: skip
    assert shown["x"]["en"] == "Fill in this field"
    assert shown["y"]["en"] == tr("en", "validation.invalid")


def test_the_focus_goes_to_the_first_invalid_field_in_screen_order() -> None:
    assert first_invalid(("sku", "name", "price"), {"price": {}, "name": {}}) == "name"
    assert first_invalid(("sku",), {}) is None


def test_refusals_are_worded_by_code_and_reason() -> None:
    assert error_texts(NotFoundError("Product 9 does not exist."))["ru"] == tr("ru", "error.not_found")
    last_admin = ConflictError("...", details={"reason": "last_admin"})
    assert error_texts(last_admin, {"last_admin": "users.error.last_admin"}) == {
        lang: tr(lang, "users.error.last_admin") for lang in ("ru", "kk", "en")
    }
    assert error_texts(last_admin)["en"] == tr("en", "error.conflict")
    assert (
        error_texts(RateLimitedError(retry_after=61))["ru"]
        == "Слишком много попыток. Попробуйте через 2 мин."
    )
