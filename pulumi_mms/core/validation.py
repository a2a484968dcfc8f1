"""Every check on user input (lookup arguments and settings), run before any request is sent.

Each check returns the normalised value or raises `ValidationError` naming the field, showing the bad
value (never a secret: callers pass `secret=True`) and saying what is accepted. Messages have one shape:
`<field> must be <what is accepted>[ (from <where>)], got <value>`, with a `Fix:` where one helps.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Collection, Mapping
from typing import Any

from .endpoints import endpoint_problem, region_problem
from .errors import ValidationError

LANGUAGES: tuple[str, ...] = ("zh_CN", "en_US")
"""The languages the API describes configuration items in."""

MAX_SOURCE_ID = 2**53 - 1
"""The largest id Pulumi carries exactly: it passes numbers as doubles, and 2^53 + 1 arrives as 2^53."""
MAX_WAIT_TIMEOUT_S = 86_400
_DIGITS = re.compile(r"^[0-9]+$")
_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]{1,18}")
_TRUE, _FALSE = ("true", "1", "yes", "on"), ("false", "0", "no", "off")

AttrsValidator = Callable[[Any, Any, Any], None]


def show(value: Any) -> str:
    """A short, safe rendering of a user value for an error message (never raises)."""
    try:
        text = repr(value)
    except Exception:  # a user object whose repr fails, or an int too long to print
        return f"<{type(value).__name__}>"
    return text if len(text) <= 60 else text[:57] + "..."


def _got(value: Any, secret: bool) -> str:
    return f"a {type(value).__name__}" if secret else show(value)


def _origin(origin: str | None) -> str:
    return f" (from {origin})" if origin else ""


def refuse(
    field: str,
    accepted: str,
    value: Any,
    *,
    origin: str | None = None,
    secret: bool = False,
    fix: str | None = None,
    argument: str | None = None,
) -> ValidationError:
    """The error for `field`: `<field> must be <accepted> (from <origin>), got <value>`.

    `argument` (default `field`) is the setting or argument the error is filed under, e.g. `assumeRole`
    for `assumeRole.roleArn`.
    """
    return ValidationError(
        argument or field,
        f"{field} must be {accepted}{_origin(origin)}, got {_got(value, secret)}",
        hint=fix,
    )


# -- lookup arguments ------------------------------------------------------------------------------


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
    if number is not None and number > MAX_SOURCE_ID:
        raise refuse(
            argument,
            "a positive integer data source id of at most 2^53 - 1 (Pulumi passes numbers as doubles: "
            "a larger id would silently read another data source)",
            value,
            fix="no Pulumi program can hold this id exactly; read the data source with the MaxCompute API",
        )
    if number is None or not 0 < number <= MAX_SOURCE_ID:
        raise refuse(argument, "a positive integer data source id (e.g. 2000015)", value)
    return number


def with_config(value: Any, argument: str = "with_config") -> bool | None:
    """Whether to return configuration items: True, False or None (the API's default)."""
    if value is None or isinstance(value, bool):
        return value
    raise refuse(argument, "True or False", value)


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
                raise refuse(argument, f"spelt {known!r}", value)
    raise refuse(argument, f"one of {', '.join(LANGUAGES)}", value)


def name(value: Any, argument: str = "name") -> str:
    """A data source name: a non-empty string (matched exactly)."""
    if isinstance(value, str) and value.strip():
        return value
    raise refuse(argument, "a non-empty data source name", value)


def optional_text(value: Any, argument: str) -> str | None:
    """A filter or other optional text argument: None, or a non-empty string."""
    if value is None or (isinstance(value, str) and value):
        return value
    raise refuse(argument, "a non-empty string", value)


def positive_int(value: Any, argument: str) -> int:
    """A count or page number: a positive int."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise refuse(argument, "a positive integer", value)
    return value


def one_of_names(value: Any, allowed: Collection[str], argument: str) -> str:
    """A name from `allowed` (e.g. a wait condition)."""
    if isinstance(value, str) and value in allowed:
        return value
    raise refuse(argument, f"one of {', '.join(allowed)}", value)


def wait_timeout(value: Any, argument: str = "wait_timeout") -> float:
    """Seconds to wait: a finite number from 1 to one day."""
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not 1 <= value <= MAX_WAIT_TIMEOUT_S  # also refuses nan and inf, and never overflows
    ):
        raise refuse(argument, f"seconds between 1 and {MAX_WAIT_TIMEOUT_S}", value)
    return float(value)


# -- settings ----------------------------------------------------------------------------------------


def whole_number(
    key: str, raw: Any, low: int, high: int, *, unit: str = "", origin: str | None = None
) -> int:
    """A setting's whole number in [low, high], given as an int or a string of digits."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        value = raw
    elif isinstance(raw, str) and _WHOLE_NUMBER.fullmatch(raw.strip()):
        value = int(raw.strip())
    else:
        raise refuse(key, "a whole number", raw, origin=origin)
    if value < low:
        least = "positive" if low == 1 else ("zero or more" if low == 0 else f"at least {low}{unit}")
        raise refuse(key, least, value, origin=origin)
    if value > high:
        raise refuse(key, f"at most {high}{unit}", value, origin=origin)
    return value


def boolean(key: str, raw: Any, *, origin: str | None = None) -> bool:
    """A setting's boolean: a bool, or `true`/`false` (also 1/0, yes/no) in any case."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in (*_TRUE, *_FALSE):
        return raw.strip().lower() in _TRUE
    raise refuse(key, "true or false", raw, origin=origin)


def text(key: str, raw: Any, *, origin: str | None = None, secret: bool = False) -> str:
    """A setting's string, stripped."""
    if not isinstance(raw, str):
        raise refuse(key, "a string", raw, origin=origin, secret=secret)
    return raw.strip()


def mapping(key: str, raw: Any, *, origin: str | None = None) -> Mapping[str, Any]:
    """A structured setting: a mapping, or its JSON text (how stack config carries objects)."""
    value = raw
    if isinstance(raw, str):
        try:
            value = json.loads(raw)
        except ValueError:
            raise refuse(key, "an object (a mapping or its JSON text)", raw, origin=origin) from None
    if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
        raise refuse(key, "an object (a mapping or its JSON text)", raw, origin=origin)
    return value


def bounded(name: str, maximum: float, *, integer: bool = False, unit: str = "") -> AttrsValidator:
    """An attrs validator: a finite number in (0, maximum] (a whole number if `integer`)."""

    def check(_instance: Any, _attribute: Any, value: Any) -> None:
        kinds: tuple[type, ...] = (int,) if integer else (int, float)
        if isinstance(value, bool) or not isinstance(value, kinds):
            raise refuse(name, "a whole number" if integer else "a number", value)
        number = float(value) if isinstance(value, int) and abs(value) < 2**1000 else value
        if not (isinstance(number, float) and math.isfinite(number) and 0 < number <= maximum):
            raise refuse(name, f"positive and at most {maximum:.0f}{unit}", value)

    return check


def one_of(name: str, allowed: tuple[str, ...]) -> AttrsValidator:
    """An attrs validator: one of `allowed`."""

    def check(_instance: Any, _attribute: Any, value: Any) -> None:
        if value not in allowed:
            raise refuse(name, f"one of {', '.join(allowed)}", value)

    return check


def optional_name(name: str, accepted: str) -> AttrsValidator:
    """An attrs validator: None or a non-empty string."""

    def check(_instance: Any, _attribute: Any, value: Any) -> None:
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise refuse(name, accepted, value)

    return check


def region(value: Any, *, endpoint_given: bool = False, skip_validation: bool = False) -> str | None:
    """A region id: text shaped like one; an obvious typo of a known region is refused too, unless an
    endpoint is given (the region then only labels requests). `skip_validation` accepts any region that
    can be part of a host name."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise refuse("region", "a region id such as 'cn-shanghai'", value)
    if skip_validation:
        if not endpoint_given and not _HOST_LABELS.fullmatch(value):
            raise refuse(
                "region",
                "usable in a host name (letters, digits, '-', '.')",
                value,
                fix="set mms:endpoint to the endpoint to call",
            )
        return value
    if problem := region_problem(value, typos=not endpoint_given):
        raise ValidationError(
            "region", problem, hint="correct the region, or set mms:skipRegionValidation to use it as is"
        )
    return value


_HOST_LABELS = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?")


def endpoint(value: Any, key: str = "endpoint") -> str | None:
    """An endpoint override: a bare host[:port]."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise refuse(key, "a host[:port] string", value)
    if problem := endpoint_problem(value, key):
        raise ValidationError(key, problem)
    return value


_LOOPBACK = ("127.0.0.1", "localhost", "[::1]")


def sts_endpoint(value: Any) -> str | None:
    """The STS endpoint for assumeRole: host[:port] (HTTPS), or an `https://` or `http://` URL of one;
    plain HTTP only to this machine, since STS answers carry a secret key."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise refuse("stsEndpoint", "a host[:port] string", value)
    scheme, found, host = value.partition("://")
    if not found:
        scheme, host = "https", value
    if scheme.lower() not in ("http", "https"):
        raise refuse("stsEndpoint", "host[:port], or an http(s):// URL of one", scheme + "://...")
    if problem := endpoint_problem(host, "stsEndpoint"):
        raise ValidationError("stsEndpoint", problem)
    if scheme.lower() == "http" and host.rsplit(":", 1)[0].lower() not in _LOOPBACK:
        raise refuse(
            "stsEndpoint",
            "HTTPS: plain HTTP only to 127.0.0.1 or localhost (an STS answer carries a secret key)",
            value,
            fix="drop the http:// (HTTPS is used by default)",
        )
    return value
