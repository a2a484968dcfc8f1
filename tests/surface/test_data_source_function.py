"""The data-source functions in real Pulumi programs (mock runtime) against the emulator."""

from __future__ import annotations

import asyncio
import json
import threading
from typing import Any

import pulumi
import pulumi_alicloud as alicloud
import pytest

from pulumi_mms import (
    DataSourceNotFound,
    GetMmsDataSourceResult,
    ValidationError,
    get_mms_data_source,
    get_mms_data_source_output,
)
from pulumi_mms.testing import MmsEmulator
from tests.clients import stack_config
from tests.programs import UNKNOWN, run_program


def migration_policy(project: str) -> str:
    return json.dumps(
        {
            "Version": "1",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": [
                        "odps:CreateTable",
                        "odps:Describe",
                        "odps:Select",
                        "odps:Update",
                        "odps:Alter",
                    ],
                    "Resource": [f"acs:odps:*:projects/{project}/tables/*"],
                },
                {
                    "Effect": "Allow",
                    "Action": ["odps:CreateInstance", "odps:List"],
                    "Resource": [f"acs:odps:*:projects/{project}"],
                },
            ],
        },
        sort_keys=True,
    )


def roles_program() -> pulumi.Output[Any]:
    source = get_mms_data_source_output(source_id=2000015)

    def make_roles(projects: list[str]) -> list[str]:
        for project in projects:
            alicloud.maxcompute.Role(
                f"mms-migration-{project}",
                project_name=project,
                role_name="mms_migration",
                type="resource",
                policy=migration_policy(project),
            )
        return projects

    return pulumi.Output.all(source.dst_projects.apply(make_roles), source.status, source.request_id)


@pytest.mark.parametrize("preview", [True, False])
def test_dst_projects_drive_one_role_per_project(mms_emulator: MmsEmulator, preview: bool) -> None:
    mms_emulator.update_data_source(2000015, dstProjects=["mms_test1", "mms_test2"])
    run = run_program(roles_program, preview=preview, config=stack_config(mms_emulator))
    projects, status, request_id = run.value
    assert projects == ["mms_test1", "mms_test2"]  # known during preview too
    assert status == "STARTED"
    assert request_id
    roles = run.of_type("alicloud:maxcompute/role:Role")
    assert sorted(r.inputs["projectName"] for r in roles) == ["mms_test1", "mms_test2"]
    for role in roles:
        assert role.inputs["policy"] == migration_policy(role.inputs["projectName"])
        assert role.inputs["type"] == "resource"
    assert mms_emulator.stats.requests == 1


def test_plain_form_returns_an_awaitable_typed_result(mms_emulator: MmsEmulator) -> None:
    def program() -> Any:
        result = get_mms_data_source(2000015, with_config=True, lang="en_US")
        assert isinstance(result, GetMmsDataSourceResult)
        return {
            "name": result.name,
            "db": result.db_num,
            "key": result.config[0].key,
            "online": result.agent_is_online,
        }

    run = run_program(program, preview=True, config=stack_config(mms_emulator))
    assert run.value == {
        "name": "demo",
        "db": 3,
        "key": "bigquery.range.partition.migrate.type",
        "online": True,
    }


def test_output_form_keeps_secretness_and_dependencies(mms_emulator: MmsEmulator) -> None:
    def program() -> Any:
        bucket = alicloud.oss.Bucket("upstream", bucket="upstream")
        secret_id = pulumi.Output.secret(2000015)
        result = get_mms_data_source_output(secret_id, opts=pulumi.InvokeOutputOptions(depends_on=[bucket]))

        async def facts() -> Any:
            resources = await result.resources()
            return {
                "secret": await result.is_secret(),
                "deps": sorted(r._name for r in resources),
                "name": await result.name.future(),
            }

        return pulumi.Output.from_input(asyncio.ensure_future(facts()))

    run = run_program(program, preview=False, config=stack_config(mms_emulator))
    assert run.value == {"secret": True, "deps": ["upstream"], "name": "demo"}


def test_the_output_form_is_secret_as_a_whole_with_plain_values_inside(mms_emulator: MmsEmulator) -> None:
    data = mms_emulator.data_source(2000015)
    data["config"] = [
        *data["config"],
        {"key": "hive.password", "type": "password", "value": "pw-distinctive-123"},
    ]
    mms_emulator.update_data_source(2000015, config=data["config"])
    captured: dict[str, Any] = {}

    def program() -> Any:
        result = get_mms_data_source_output(2000015, with_config=True)

        def inspect(items: list[Any]) -> Any:
            password = next(item for item in items if item.key == "hive.password")
            captured["value_type"] = type(password.value).__name__
            return password.value

        value = result.config.apply(inspect)
        return pulumi.Output.all(value, pulumi.Output.from_input(value).is_secret())

    run = run_program(program, preview=False, config=stack_config(mms_emulator))
    assert captured["value_type"] == "str"  # usable inside apply, as an invoke's result is
    assert run.value[0] == "pw-distinctive-123"
    assert run.value[1] is True


def test_identical_lookups_make_one_request(mms_emulator: MmsEmulator) -> None:
    def program() -> Any:
        outputs = [get_mms_data_source_output(2000015) for _ in range(25)]
        outputs += [get_mms_data_source_output("2000015")]
        return pulumi.Output.all(*[o.name for o in outputs])

    run = run_program(program, preview=True, config=stack_config(mms_emulator))
    assert run.value == ["demo"] * 26
    assert mms_emulator.stats.requests == 1
    # a new program run reads afresh
    mms_emulator.update_data_source(2000015, name="renamed")
    run = run_program(program, preview=True, config=stack_config(mms_emulator))
    assert run.value == ["renamed"] * 26
    assert mms_emulator.stats.requests == 2


def test_unknown_source_id_leaves_the_result_unknown(mms_emulator: MmsEmulator) -> None:
    def program() -> Any:
        unknown_id: pulumi.Output[int] = pulumi.Output(set(), _future_of(None), _future_of(False))
        return get_mms_data_source_output(unknown_id).name

    run = run_program(program, preview=True, config=stack_config(mms_emulator))
    assert run.value is UNKNOWN
    assert mms_emulator.stats.requests == 0


def _future_of(value: Any) -> Any:
    import asyncio

    future: asyncio.Future[Any] = asyncio.get_event_loop().create_future()
    future.set_result(value)
    return future


def test_bad_input_fails_before_any_request(mms_emulator: MmsEmulator) -> None:
    with pytest.raises(ValidationError, match="source_id must be a positive integer"):
        get_mms_data_source_output("abc")
    with pytest.raises(ValidationError, match="lang must be one of"):
        get_mms_data_source_output(1, lang="fr")
    assert mms_emulator.stats.requests == 0


def test_errors_are_one_clear_run_error_naming_the_data_source(mms_emulator: MmsEmulator) -> None:
    def program() -> Any:
        return get_mms_data_source_output(424242).name

    with pytest.raises(DataSourceNotFound) as caught:
        run_program(program, preview=True, config=stack_config(mms_emulator))
    assert isinstance(caught.value, pulumi.RunError)
    assert "data source 424242 does not exist" in str(caught.value)
    assert "Tea" not in str(caught.value)
    assert mms_emulator.access_key_secret not in str(caught.value)


def test_results_compose_with_output_all_and_from_input(mms_emulator: MmsEmulator) -> None:
    """Awaiting an awaitable result gives a plain one: Pulumi awaits until it reaches a value."""
    from pulumi_mms import get_mms_data_sources, get_mms_data_sources_output

    def program() -> Any:
        return pulumi.Output.all(
            pulumi.Output.all(get_mms_data_source_output(2000015)).apply(lambda rs: rs[0].name),
            pulumi.Output.from_input(get_mms_data_source(2000015)).apply(lambda r: r.status),
            pulumi.Output.from_input(get_mms_data_sources()).apply(lambda r: r.ids),
            pulumi.Output.all(get_mms_data_sources_output()).apply(lambda rs: rs[0].names),
        )

    outcome: dict[str, Any] = {}

    def run() -> None:  # in a thread, so that a hang fails the test instead of stalling the suite
        outcome["run"] = run_program(program, preview=True, config=stack_config(mms_emulator))

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive(), "the program never finished: an awaitable result awaited itself"
    assert outcome["run"].value == ["demo", "STARTED", [2000015], ["demo"]]


def test_plain_lookups_start_before_the_program_awaits_them(mms_emulator: MmsEmulator) -> None:
    seen: dict[str, int] = {}

    def program() -> Any:
        result = get_mms_data_source_output(2000015)
        lookups_started = 0
        for _ in range(500):  # the request is already under way on the lookup pool (bounded poll)
            lookups_started = mms_emulator.stats.requests
            if lookups_started:
                break
            threading.Event().wait(0.01)
        seen["requests_before_await"] = lookups_started
        return result.name

    run_program(program, preview=True, config=stack_config(mms_emulator))
    assert seen["requests_before_await"] == 1
