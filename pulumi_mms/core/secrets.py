"""Secrets, in one place: the mask, the scrubber of known secret values, and password detection.

Three kinds of secret pass through the package: the caller's access key secret and security token (known
values: `Scrubber` removes them from any text the server or a log sends back), secret request headers in the
SDKs' debug logs (`scrub_header_lines`), and password-typed config values of a data source (found by their
item's `type`, in any case and at any depth of `subItems`: `is_password_type`, `map_password_values`).
Everything that shows, logs or stores such a value goes through this module and shows `MASK` instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

MASK = "********"
"""What a hidden secret shows as, everywhere (messages, logs, CLI output)."""

PASSWORD_TYPE = "password"  # noqa: S105 - the name of a config item type, not a password


def is_password_type(value: object) -> bool:
    """True for a config item `type` that marks a secret value: `password` in any case (or the enum)."""
    value = getattr(value, "value", value)  # a str Enum member
    return isinstance(value, str) and value.strip().lower() == PASSWORD_TYPE


def _item_type(item: Mapping[str, Any]) -> object:
    return item.get("type", item.get("Type"))


def map_password_values(value: Any, replace: Callable[[Any], Any]) -> Any:
    """A copy of a JSON value where each password item's `value` is `replace(value)`, at any depth.

    A password item is an object whose `type` is password-typed (`is_password_type`); its `value` (or
    `Value`) is replaced when it is not null. Objects and lists are walked all the way down, so items
    nested in `subItems` (in any shape: keyed by name, or in lists) count too.
    """
    if isinstance(value, Mapping):
        secret = is_password_type(_item_type(value))
        copied: dict[Any, Any] = {}
        for key, inner in value.items():
            if secret and key in ("value", "Value") and inner is not None:
                copied[key] = replace(inner)
            else:
                copied[key] = map_password_values(inner, replace)
        return copied
    if isinstance(value, (list, tuple)):
        return [map_password_values(inner, replace) for inner in value]
    return value


def mask_password_values(value: Any) -> Any:
    """A copy of a JSON value with every password value shown as `MASK`."""
    return map_password_values(value, lambda _: MASK)


def drop_password_values(value: Any) -> Any:
    """A copy of a JSON value with every password value set to null (what state keeps)."""
    return map_password_values(value, lambda _: None)


_LEAVES = frozenset({str, int, float, bool, type(None)})
"""Types that hold no password value: skipped without an (abstract) isinstance check."""


def has_password_value(value: Any) -> bool:
    """True when a JSON value holds a non-null password value anywhere (see `map_password_values`).

    The same walk as `map_password_values`, without copying, stopping at the first password value.
    """
    kind = type(value)
    if kind in _LEAVES:
        return False
    if kind is dict or (kind is not list and kind is not tuple and isinstance(value, Mapping)):
        secret = is_password_type(_item_type(value))
        for key, inner in value.items():
            if secret and key in ("value", "Value"):
                if inner is not None:
                    return True
            elif type(inner) not in _LEAVES and has_password_value(inner):
                return True
        return False
    if isinstance(value, (list, tuple)):
        return any(type(inner) not in _LEAVES and has_password_value(inner) for inner in value)
    return False


class Scrubber:
    """Replaces known secret values in text with `MASK`.

    Longer secrets first (one may contain another). Values shorter than `MIN_SECRET` are ignored: they are
    not secrets worth the name, and replacing them would garble text. Scrub *before* truncating text: a
    secret cut in half no longer matches.
    """

    MIN_SECRET = 8

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        self._secrets: list[str] = []
        self.add(*secrets)

    def add(self, *values: str | None) -> None:
        known = set(self._secrets)
        known.update(value for value in values if value and len(value) >= self.MIN_SECRET)
        self._secrets = sorted(known, key=len, reverse=True)

    @property
    def secrets(self) -> tuple[str, ...]:
        return tuple(self._secrets)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        return text

    def clip(self, text: str, limit: int) -> str:
        """`text` scrubbed, then cut to `limit` characters."""
        return self(text)[:limit]


_SECRET_HEADER_LINE = re.compile(
    r"(?im)^([<>] (?:x-acs-security-token|x-acs-bearer-token|authorization|x-acs-zero-trust-idtoken)"
    r"\s*:\s*).*$"
)


def scrub_header_lines(text: str) -> str:
    """Header dumps (`> authorization : ...`) with the values of secret headers replaced by `MASK`."""
    return _SECRET_HEADER_LINE.sub(lambda m: m.group(1) + MASK, text)
