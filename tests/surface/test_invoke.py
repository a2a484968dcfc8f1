"""The functions as generated SDKs' functions behave: answered by `Mocks.call` in unit tests (no
`mms:endpoint`), `opts.depends_on` as `invoke_output` treats it, Outputs refused by the plain form, and
one Output per lookup."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pulumi
import pulumi.runtime
import pulumi.runtime.settings
import pytest

from pulumi_mms import (
    GetMmsDataSourceResult,
    MmsDataSource,
    Provider,
    ValidationError,
    get_mms_data_source,
    get_mms_data_source_output,
    get_mms_data_sources,
    get_mms_data_sources_output,
)
from pulumi_mms.testing import MmsEmulator
from pulumi_mms.testing.programs import UNKNOWN, EmulatorMocks, run_program

SOURCE = 2000015
TOKEN = "mms:index:getMmsDataSource"
LIST_TOKEN = "mms:index:getMmsDataSources"


class UnitTestMocks(pulumi.runtime.Mocks):
    """What a user writes for a unit test: answers for the functions' tokens, resources as given."""

    def __init__(self, *, resource_id: str | None = "res-id") -> None:
        self.calls: list[pulumi.runtime.MockCallArgs] = []
        self.resource_id = resource_id

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[Any, Any], list[tuple[str, str]] | None]:
        self.calls.append(args)
        if args.token == TOKEN:
            return {
                "id": args.args.get("sourceId"),
                "name": "from-mocks",
                "status": "STARTED",
                "dstProjects": ["p1", "p2"],
                "config": [{"key": "user", "value": "admin", "type": "string"}],
            }, []
        if args.token == LIST_TOKEN:
            return {"dataSources": [{"id": 1, "name": "a"}, {"id": 2, "name": "b", "status": "STARTED"}]}, []
        return {}, []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[Any, Any]]:
        if args.typ == "pulumi-python:dynamic/mms:MmsDataSource":
            return "42", {**args.inputs, "name": "mocked-name", "status": "STOPPED", "table_num": 7}
        return self.resource_id, dict(args.inputs)


# -- Mocks.call answers the functions when no endpoint is configured -----------------------------------


def test_without_an_endpoint_mocks_call_answers_every_function(mms_emulator: MmsEmulator) -> None:
    mocks = UnitTestMocks()

    def program() -> Any:
        plain = get_mms_data_source(source_id=SOURCE, with_config=True)
        output = get_mms_data_source_output(name="orders", wait_for="ready")
        listing = get_mms_data_sources(type="HIVE")
        listing_output = get_mms_data_sources_output(name_regex="^a")
        assert isinstance(plain, GetMmsDataSourceResult)
        return pulumi.Output.all(
            plain.name,
            plain.dst_projects,
            output.status,
            output.apply(lambda result: type(result).__name__),
            listing.names,
            listing_output.ids,
        )

    # credentials but no endpoint: a unit test that can never reach a real endpoint by accident
    config = {
        "mms:region": "cn-shanghai",
        "mms:accessKey": "LTAI5tUnitTest",
        "mms:secretKey": "unit-test-key",
    }
    run = run_program(program, mocks=mocks, config=config)
    assert run.value == ["from-mocks", ["p1", "p2"], "STARTED", "GetMmsDataSourceResult", ["a", "b"], [1, 2]]
    # the schema's tokens, with the set arguments by their camelCase names
    assert sorted((call.token, sorted(call.args.items())) for call in mocks.calls) == [
        (TOKEN, [("name", "orders"), ("waitFor", "ready")]),
        (TOKEN, [("sourceId", SOURCE), ("withConfig", True)]),
        (LIST_TOKEN, [("nameRegex", "^a")]),
        (LIST_TOKEN, [("type", "HIVE")]),
    ]
    assert mms_emulator.stats.requests == 0


def test_mocks_call_sees_the_provider_given(mms_emulator: MmsEmulator) -> None:
    mocks = UnitTestMocks()

    def program() -> Any:
        provider = Provider("bj", region="cn-beijing")  # no endpoint: mocks answer for it too
        return get_mms_data_source_output(source_id=SOURCE, opts=pulumi.InvokeOptions(provider=provider)).name

    run = run_program(program, mocks=mocks)
    assert run.value == "from-mocks"
    (call,) = mocks.calls
    assert call.provider.endswith("pulumi:providers:pulumi-python::bj::res-id")


def test_arguments_and_stack_config_are_still_checked_before_mocks_are_asked() -> None:
    mocks = UnitTestMocks()
    with pytest.raises(ValidationError, match="source_id"):
        run_program(lambda: get_mms_data_source(source_id="abc"), mocks=mocks)
    with pytest.raises(ValidationError, match="did you mean 'cn-shanghai'"):
        run_program(
            lambda: get_mms_data_source_output(source_id=1).name,
            mocks=mocks,
            config={"mms:region": "cn-shangai"},
        )
    assert mocks.calls == []


def test_with_an_endpoint_the_functions_make_real_requests(mms_emulator: MmsEmulator) -> None:
    mocks = UnitTestMocks()
    run = run_program(
        lambda: get_mms_data_source_output(source_id=SOURCE).name, emulator=mms_emulator, mocks=mocks
    )
    assert run.value == "demo"
    assert mocks.calls == []
    assert mms_emulator.stats.requests == 1


def test_mms_data_source_gives_what_the_users_mocks_return() -> None:
    def program() -> Any:
        resource = MmsDataSource("ds", source_id=SOURCE)
        return pulumi.Output.all(resource.name, resource.status, resource.table_num, resource.source_id)

    assert run_program(program, mocks=UnitTestMocks()).value == ["mocked-name", "STOPPED", 7, SOURCE]


# -- the plain form takes plain values ---------------------------------------------------------------


@pytest.mark.parametrize("function", [get_mms_data_source, get_mms_data_sources])
def test_the_plain_form_refuses_an_output_and_names_the_output_form(
    mms_emulator: MmsEmulator, function: Any
) -> None:
    argument = "source_id" if function is get_mms_data_source else "name_regex"

    def program() -> Any:
        return function(**{argument: pulumi.Output.from_input(SOURCE if argument == "source_id" else "x")})

    with pytest.raises(ValidationError) as caught:
        run_program(program, emulator=mms_emulator)
    assert caught.value.argument == argument
    assert f"use {function.__name__}_output(" in str(caught.value)
    assert mms_emulator.stats.requests == 0


# -- depends_on ------------------------------------------------------------------------------------------


class Thing(pulumi.CustomResource):
    def __init__(self, name: str, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("test:index:Thing", name, {}, opts)


class Group(pulumi.ComponentResource):
    def __init__(self, name: str) -> None:
        super().__init__("test:index:Group", name)
        self.thing = Thing(f"{name}-thing", pulumi.ResourceOptions(parent=self))


class CreationMocks(EmulatorMocks):
    """Resources still to be created have no id in a preview; records the requests made before each."""

    def __init__(self, emulator: MmsEmulator) -> None:
        super().__init__()
        self.emulator = emulator
        self.requests_before: dict[str, int] = {}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[Any, Any]]:
        self.requests_before[args.name] = self.emulator.stats.requests
        super().new_resource(args)
        return (None if self.preview else f"{args.name}-id"), dict(args.inputs)


def _depends_on(kind: str) -> Any:
    if kind == "resource":
        return [Thing("thing")]
    if kind == "component":
        return [Group("group")]
    return pulumi.Output.from_input(Thing("thing"))  # an Output[Resource]


@pytest.mark.parametrize("kind", ["resource", "component", "output"])
@pytest.mark.parametrize("listing", [False, True])
def test_in_a_preview_a_dependency_to_be_created_makes_the_result_unknown(
    mms_emulator: MmsEmulator, kind: str, listing: bool
) -> None:
    def program() -> Any:
        opts = pulumi.InvokeOutputOptions(depends_on=_depends_on(kind))
        if listing:
            return get_mms_data_sources_output(opts=opts).names
        return get_mms_data_source_output(source_id=SOURCE, opts=opts).name

    run = run_program(program, emulator=mms_emulator, mocks=CreationMocks(mms_emulator), preview=True)
    assert run.value is UNKNOWN
    assert mms_emulator.stats.requests == 0


@pytest.mark.parametrize("kind", ["resource", "component", "output"])
def test_in_an_update_the_lookup_waits_for_its_dependencies_and_carries_them(
    mms_emulator: MmsEmulator, kind: str
) -> None:
    found: dict[str, Any] = {}

    def program() -> Any:
        depends_on = _depends_on(kind)
        result = get_mms_data_source_output(
            source_id=SOURCE, opts=pulumi.InvokeOutputOptions(depends_on=depends_on)
        )
        found["resources"] = asyncio.ensure_future(result.resources())
        return result.name

    mocks = CreationMocks(mms_emulator)
    run = run_program(program, emulator=mms_emulator, mocks=mocks, preview=False)
    assert run.value == "demo"
    assert mms_emulator.stats.requests == 1
    thing = "group-thing" if kind == "component" else "thing"
    assert mocks.requests_before[thing] == 0  # the lookup was sent after the dependency was created
    carried = {resource._name for resource in found["resources"].result()}
    assert carried == {"group" if kind == "component" else "thing"}


def test_an_output_arguments_dependencies_are_carried_and_gate_the_lookup(mms_emulator: MmsEmulator) -> None:
    def program() -> Any:
        thing = Thing("thing")
        source_id = thing.id.apply(lambda _id: SOURCE)
        return get_mms_data_source_output(source_id=source_id).name

    preview = run_program(program, emulator=mms_emulator, mocks=CreationMocks(mms_emulator), preview=True)
    assert preview.value is UNKNOWN
    assert mms_emulator.stats.requests == 0
    update = run_program(program, emulator=mms_emulator, mocks=CreationMocks(mms_emulator), preview=False)
    assert update.value == "demo"


def test_a_secret_argument_makes_the_result_secret(mms_emulator: MmsEmulator) -> None:
    found: dict[str, Any] = {}

    def program() -> Any:
        result = get_mms_data_source_output(source_id=pulumi.Output.secret(SOURCE))
        found["secret"] = asyncio.ensure_future(result.is_secret())
        return result.name

    assert run_program(program, emulator=mms_emulator).value == "demo"
    assert found["secret"].result() is True


# -- one Output per lookup -----------------------------------------------------------------------------


def test_plain_arguments_give_one_output_straight_from_the_running_lookup(mms_emulator: MmsEmulator) -> None:
    mms_emulator.put_data_sources([{"id": 3000000 + i, "name": f"ds-{i}"} for i in range(20)])
    tracked: dict[str, int] = {}

    def program() -> Any:
        outputs = pulumi.runtime.settings.SETTINGS.outputs
        before = len(outputs)
        results = [get_mms_data_source_output(source_id=3000000 + i) for i in range(20)]
        tracked["per_lookup"] = (len(outputs) - before) // len(results)
        return pulumi.Output.all(*(result.name for result in results))

    run = run_program(program, emulator=mms_emulator)
    assert run.value == [f"ds-{i}" for i in range(20)]
    assert tracked["per_lookup"] == 1


class _NotAnException(BaseException):
    pass


@pytest.mark.parametrize(
    ("raised", "expected"),
    [
        (StopIteration(), RuntimeError),  # a future refuses StopIteration itself
        (_NotAnException(), _NotAnException),
        (ValueError("bad"), ValueError),
    ],
    ids=["StopIteration", "BaseException", "Exception"],
)
def test_whatever_a_running_lookup_raises_settles_its_output(raised: BaseException, expected: type) -> None:
    """The Output of a lookup already running is settled whatever the lookup raises: one left pending
    keeps a program waiting for it forever (Pulumi waits for every Output)."""
    from pulumi_mms.surface import invoke, lookups

    async def main() -> None:
        started: lookups.Outcome[Any] = lookups.Outcome()
        started.set_running_or_notify_cancel()
        output = invoke._straight(started, lambda found: found, lambda _found, _value: False)
        finisher = threading.Thread(target=started.set_exception, args=(raised,))
        finisher.start()
        finisher.join()
        with pytest.raises(expected):
            await asyncio.wait_for(output.future(), 30)  # a bound, not a timing assertion: a hang fails

    asyncio.run(main())


def test_a_cancelled_running_lookup_cancels_its_output() -> None:
    from pulumi_mms.surface import invoke, lookups

    async def main() -> None:
        started: lookups.Outcome[Any] = lookups.Outcome()
        output = invoke._straight(started, lambda found: found, lambda _found, _value: False)
        finisher = threading.Thread(target=started.cancel)
        finisher.start()
        finisher.join()
        with pytest.raises(asyncio.CancelledError):
            await asyncio.wait_for(output.future(), 30)

    asyncio.run(main())
