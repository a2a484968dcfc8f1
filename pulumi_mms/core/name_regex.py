"""`name_regex`: RE2 syntax, matched in time linear in the name, so no pattern can freeze a program.

Python's `re` backtracks: `(a+)+$` against a long name runs for ever, holding the GIL (Ctrl-C included).
RE2 (Google's engine, the semantics of pulumi-alicloud's `name_regex`, which uses Go's regexp) never
backtracks. Its syntax is Python's without backreferences and lookaround.
"""

from __future__ import annotations

from typing import Protocol

import re2  # type: ignore[import-untyped]

from .errors import ValidationError
from .validation import show

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # the error is ours to report (RE2 would also print it to stderr)


class NamePattern(Protocol):
    """A compiled `name_regex`."""

    def search(self, text: str) -> object:
        """A match object when the pattern occurs in `text`, else None."""
        ...


def compile_name_regex(pattern: str, argument: str = "name_regex") -> NamePattern:
    """Compile `pattern` (RE2 syntax), or raise a ValidationError naming `argument`."""
    try:
        compiled: NamePattern = re2.compile(pattern, _OPTIONS)
    except re2.error as error:
        reason = error.args[0] if error.args else ""
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise ValidationError(
            argument,
            f"{argument} is not a valid regular expression in RE2 syntax (Python's, without backreferences "
            f"or lookaround): {show(pattern)}: {reason}",
        ) from None
    return compiled
