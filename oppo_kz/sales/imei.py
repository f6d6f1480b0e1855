"""IMEI numbers: 15 digits whose last one is the Luhn check digit of the first 14."""

from __future__ import annotations

IMEI_LENGTH = 15


def luhn_check_digit(body: str) -> int:
    """The digit that makes `body` + digit pass the Luhn check."""
    total = 0
    for position, char in enumerate(reversed(body)):
        digit = int(char)
        if position % 2 == 0:  # every second digit from the right of the final number is doubled
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10


def is_valid_imei(value: str) -> bool:
    """Whether `value` is exactly 15 ASCII digits with a valid Luhn check digit."""
    return (
        len(value) == IMEI_LENGTH
        and value.isascii()
        and value.isdigit()
        and luhn_check_digit(value[:-1]) == int(value[-1])
    )


def imei_problem(value: str) -> str | None:
    """Why `value` is not an IMEI, in words for people; None when it is one."""
    if not (value.isascii() and value.isdigit()):
        return "An IMEI has digits only."
    if len(value) != IMEI_LENGTH:
        return f"An IMEI has {IMEI_LENGTH} digits; this one has {len(value)}."
    if not is_valid_imei(value):
        return "This IMEI's check digit is wrong: check for a typo."
    return None
