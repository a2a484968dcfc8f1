"""The migration functions' source is generated from the read API declarations and never stale."""

from __future__ import annotations

import inspect
from pathlib import Path

from pulumi_mms.surface import migration_functions
from pulumi_mms.surface.migration_lookups import FUNCTIONS
from tools import functions

ROOT = Path(__file__).resolve().parents[2]


def test_the_module_is_what_the_declarations_generate() -> None:
    assert (ROOT / functions.TARGET).read_text(encoding="utf-8") == functions.rewrite("")


def test_each_function_takes_its_apis_arguments_in_order() -> None:
    for fn in FUNCTIONS:
        for form in (fn.name, f"{fn.name}_output"):
            parameters = list(inspect.signature(getattr(migration_functions, form)).parameters)
            required = [p.name for p in fn.api.query if p.required]
            rest = [name for name in fn.arguments if name not in required]
            assert parameters == [*required, *rest, "opts"]
    tables = next(fn for fn in FUNCTIONS if fn.name == "get_mms_tables")
    assert tables.arguments[:2] == ("source_id", "source_name")
    assert tables.arguments[-3:] == ("name_regex", "wait_for", "wait_timeout")
    assert "page_num" not in tables.arguments
    items = migration_functions.get_mms_data_source_config_items
    first = next(iter(inspect.signature(items).parameters.values()))
    assert (first.name, first.default) == ("source_type", inspect.Parameter.empty)
