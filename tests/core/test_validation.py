"""Lookup arguments are checked before any request, with errors naming the argument and the fix."""

from __future__ import annotations

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
