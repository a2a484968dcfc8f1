"""The read API declarations: plain data both the client and the emulator derive from, consistent with the
typed models the client binds to them."""

from __future__ import annotations

from pulumi_mms import declarations
from pulumi_mms.core.apis import catalog, models
from pulumi_mms.declarations import Kind, Shape


def test_every_declaration_names_its_models_and_its_sorter_fields_are_the_models() -> None:
    for declaration in declarations.DECLARATIONS:
        assert hasattr(models, declaration.item), declaration.action
        for param in declaration.query:
            if param.kind is not Kind.SORTER:
                assert (param.fields, param.style, param.model) == ((), "", ""), declaration.action
                continue
            model = getattr(models, param.model)
            wires = tuple(info.alias or name for name, info in model.model_fields.items())
            assert param.fields == wires, declaration.action
            assert param.style in ("json", "flat")
            assert declaration.shape is Shape.PAGE


def test_the_client_binds_every_declaration_in_order() -> None:
    assert [api.action for api in catalog.READ_APIS] == [d.action for d in declarations.DECLARATIONS]
    for api, declaration in zip(catalog.READ_APIS, declarations.DECLARATIONS, strict=True):
        assert api.item is getattr(models, declaration.item)
        assert [p.wire for p in api.query] == [p.wire for p in declaration.query]
        assert api.path_params == tuple(declarations.snake(p) for p in declaration.path_params)
    assert declarations.BY_ACTION["ListMmsTables"].path_params == ("sourceId",)
    assert declarations.snake("lastDdlTimeStart") == "last_ddl_time_start"
