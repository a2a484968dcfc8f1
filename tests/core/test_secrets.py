"""Password detection: `has_password_value` answers as the copying walk of `map_password_values` would."""

from __future__ import annotations

from collections import UserDict
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from pulumi_mms.core.secrets import has_password_value, map_password_values


def _by_copying(value: Any) -> bool:
    """The definition: some value is replaced by the walk that hides password values."""
    found = []
    map_password_values(value, lambda inner: found.append(inner))
    return bool(found)


_types = st.sampled_from(["password", "PASSWORD", " Password ", "string", "map", None, 3])
_keys = st.sampled_from(["type", "Type", "value", "Value", "subItems", "x"])
_leaves = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=4), st.floats(allow_nan=False))
_json = st.recursive(
    _leaves,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(_keys, inner, max_size=4),
        st.fixed_dictionaries({"type": _types, "value": inner}),
        st.fixed_dictionaries({"Type": _types, "Value": inner, "subItems": inner}),
    ),
    max_leaves=12,
)


@given(_json)
def test_has_password_value_agrees_with_the_copying_walk(value: Any) -> None:
    assert has_password_value(value) == _by_copying(value)


def test_password_values_are_found_at_any_depth_and_in_any_mapping_or_sequence() -> None:
    assert has_password_value({"type": "Password", "value": "p"})
    assert not has_password_value({"type": "password", "value": None})
    assert not has_password_value({"type": "string", "value": "p"})
    assert has_password_value([{"x": ({"Type": "PASSWORD", "Value": 0},)}])
    assert has_password_value(UserDict({"subItems": {"a": {"type": "password", "value": False}}}))
    assert not has_password_value("password")
