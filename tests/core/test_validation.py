"""Lookup arguments are checked before any request, with errors naming the argument and the fix."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pulumi_mms.core import validation
from pulumi_mms.core.errors import ValidationError


@pytest.mark.parametrize(
    ("value", "expected"), [(2000015, 2000015), ("2000015", 2000015), (" 42 ", 42), (7.0, 7)]
)
def test_source_id_accepts_positive_integers(value: Any, expected: int) -> None:
    assert validation.source_id(value) == expected


@pytest.mark.parametrize("value", [0, -1, "abc", "12a", "", None, True, 1.5, 2**63, "9" * 30, [1], {"id": 1}])
def test_source_id_rejects_with_argument_and_value(value: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        validation.source_id(value)
    assert caught.value.argument == "source_id"
    assert "source_id" in str(caught.value)
    assert "positive integer" in str(caught.value)


def test_with_config_must_be_a_bool() -> None:
    assert validation.with_config(True) is True
    assert validation.with_config(None) is None
    with pytest.raises(ValidationError, match=r"with_config must be True or False, got 'yes'"):
        validation.with_config("yes")


def test_lang_lists_accepted_values_and_suggests_spelling() -> None:
    assert validation.lang("en_US") == "en_US"
    with pytest.raises(ValidationError, match="must be one of zh_CN, en_US, got 'fr_FR'"):
        validation.lang("fr_FR")
    with pytest.raises(ValidationError, match="must be spelt 'en_US'"):
        validation.lang("en-us")


@given(
    st.one_of(
        st.text(),
        st.integers(),
        st.floats(allow_nan=True),
        st.binary(),
        st.none(),
        st.booleans(),
        st.lists(st.integers(), max_size=2),
    )
)
def test_any_input_is_a_value_or_a_validation_error(value: Any) -> None:
    for check in (validation.source_id, validation.with_config, validation.lang, validation.name):
        outcome: object
        try:
            outcome = check(value)
        except ValidationError as error:
            outcome = error
        if isinstance(outcome, ValidationError):
            assert outcome.argument in str(outcome)
        else:
            assert outcome is None or outcome == value or isinstance(outcome, int)


class _BadRepr:
    def __repr__(self) -> str:
        raise RuntimeError("repr exploded")


@pytest.mark.parametrize("key", ["name_regex", "type", "status", "region"])
@pytest.mark.parametrize("value", [_BadRepr(), 7, ""])
def test_listing_filters_refuse_any_value_with_a_validation_error(key: str, value: Any) -> None:
    from pulumi_mms.core.discovery import check_filters

    with pytest.raises(ValidationError) as caught:
        check_filters(**{key: value})
    assert caught.value.argument == key
    assert f"{key} must be a non-empty string" in str(caught.value)


@pytest.mark.parametrize("timeout", [0.5, 0, -1, 86_401, float("nan"), float("inf"), True, "60"])
def test_wait_timeout_outside_what_its_message_says_is_refused(timeout: Any) -> None:
    from pulumi_mms.core.readiness import Wait

    with pytest.raises(ValidationError) as caught:
        Wait.parse("ready", timeout)
    assert caught.value.argument == "wait_timeout"
    assert "wait_timeout must be seconds between 1 and 86400" in str(caught.value)


@pytest.mark.parametrize("timeout", [1, 1.5, 600, 86_400])
def test_wait_timeout_within_bounds_is_accepted(timeout: float) -> None:
    from pulumi_mms.core.readiness import Wait

    wait = Wait.parse("ready", timeout)
    assert wait is not None
    assert wait.timeout_s == float(timeout)


@pytest.mark.parametrize("condition", ["READY", "done", 1, _BadRepr()])
def test_wait_for_names_the_conditions(condition: Any) -> None:
    from pulumi_mms.core.readiness import Wait

    with pytest.raises(ValidationError) as caught:
        Wait.parse(condition)
    assert caught.value.argument == "wait_for"
    assert "wait_for must be one of started, ready, scanned, got" in str(caught.value)
    with pytest.raises(ValidationError, match="also set wait_for"):
        Wait.parse(None, 60)


def test_messages_have_one_shape_field_accepted_origin_value() -> None:
    cases = [
        (lambda: validation.whole_number("readTimeout", "ten", 1, 10, origin="env X"), "readTimeout"),
        (
            lambda: validation.boolean("skipRegionValidation", "nah", origin="config mms:x"),
            "skipRegionValidation",
        ),
        (lambda: validation.mapping("assumeRole", "[1]", origin="argument assumeRole"), "assumeRole"),
        (lambda: validation.text("profile", 3, origin="config mms:profile"), "profile"),
    ]
    for check, key in cases:
        with pytest.raises(ValidationError) as caught:
            check()
        assert caught.value.argument == key
        assert re.fullmatch(rf"invalid {key}: {key} must be .+ \(from .+\), got .+", str(caught.value))


def test_secret_values_are_not_shown() -> None:
    with pytest.raises(ValidationError) as caught:
        validation.text("secretKey", ["s3cr3t-value"], origin="config mms:secretKey", secret=True)
    assert "s3cr3t" not in str(caught.value)
    assert "got a list" in str(caught.value)


def test_every_argument_check_lives_in_the_validation_module() -> None:
    """No core module builds a `... must be ...` message of its own: they call `validation`."""
    import pathlib

    import pulumi_mms.core as core

    offenders = []
    for path in pathlib.Path(core.__file__).parent.glob("*.py"):
        if path.name in ("validation.py", "endpoints.py", "translate.py", "errors.py"):
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(r"\bmust be\b", line) and "ValidationError" not in line and '"""' not in line:
                offenders.append(f"{path.name}:{number}: {line.strip()}")
    assert offenders == []
