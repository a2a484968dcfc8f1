"""Checks on lookup arguments, run before any request is sent.

Each check returns the normalised value or raises `ValidationError` naming the argument, the bad value
and what is accepted.
"""

from __future__ import annotations

import re
from typing import Any

from .errors import ValidationError

LANGUAGES: tuple[str, ...] = ("zh_CN", "en_US")
"""The languages the API describes configuration items in."""

MAX_SOURCE_ID = 2**63 - 1
_DIGITS = re.compile(r"^[0-9]+$")


def show(value: Any) -> str:
    """A short, safe rendering of a user value for an error message (never raises)."""
    try:
        text = repr(value)
    except Exception:  # a user object whose repr fails, or an int too long to print
        return f"<{type(value).__name__}>"
    return text if len(text) <= 60 else text[:57] + "..."


def source_id(value: Any, argument: str = "source_id") -> int:
    """A data source id: a positive integer, given as an int or a string of digits."""
    number: int | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        # Numbers travel through Pulumi's protobuf Structs as floats.
        number = int(value)
    elif isinstance(value, str) and _DIGITS.match(value.strip()) and len(value.strip()) <= 19:
        number = int(value.strip())
    if number is None or not 0 < number <= MAX_SOURCE_ID:
        raise ValidationError(
            argument,
            f"{argument} must be a positive integer data source id (e.g. 2000015), got {show(value)}",
        )
    return number


def with_config(value: Any, argument: str = "with_config") -> bool | None:
    """Whether to return configuration items: True, False or None (the API's default)."""
    if value is None or isinstance(value, bool):
        return value
    raise ValidationError(argument, f"{argument} must be True or False, got {show(value)}")


def lang(value: Any, argument: str = "lang") -> str | None:
    """The language of configuration item descriptions: one of LANGUAGES, or None."""
    if value is None:
        return None
    if isinstance(value, str) and value in LANGUAGES:
        return value
    if isinstance(value, str):
        fixed = value.strip().replace("-", "_")
        for known in LANGUAGES:
            if fixed.lower() == known.lower():
                raise ValidationError(argument, f"{argument} must be spelt {known!r}, got {show(value)}")
    raise ValidationError(argument, f"{argument} must be one of {', '.join(LANGUAGES)}, got {show(value)}")


def name(value: Any, argument: str = "name") -> str:
    """A data source name: a non-empty string (matched exactly)."""
    if isinstance(value, str) and value.strip():
        return value
    raise ValidationError(argument, f"{argument} must be a non-empty data source name, got {show(value)}")
