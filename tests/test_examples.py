"""The example projects in examples/, run as Pulumi programs (mock runtime) against the emulator."""

from __future__ import annotations

import ast
import json
import re
import runpy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
import pulumi.runtime
import pytest
import yaml
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config
from pulumi.runtime.stack import Stack

from pulumi_mms import MmsDataSourceProvider
from pulumi_mms.testing import MmsEmulator

from .clients import stack_config as emulator_stack_config
from .programs import ProgramRun, RecordingMocks, run_program

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
ROLE = "alicloud:maxcompute/role:Role"
ATTACHMENT = "alicloud:maxcompute/roleUserAttachment:RoleUserAttachment"
DYNAMIC = "pulumi-python:dynamic/mms:MmsDataSource"
RAM_ROLE = "RAM$1234567890123456:role/mms-migration"
SOURCE = 2000015


def example(name: str) -> Callable[[], Any]:
    """A program that runs examples/<name>/__main__.py and returns its stack outputs."""

    def program() -> Any:
        stack = pulumi.runtime.get_root_resource()
        assert isinstance(stack, Stack)
        stack.outputs.clear()  # the root stack outlives one mocked run
        runpy.run_path(str(EXAMPLES / name / "__main__.py"), run_name="__main__")
        return dict(stack.outputs)

    return program


def stack_config(emu: MmsEmulator, **project: str) -> dict[str, str]:
    """The emulator settings plus project config (`test:` is the project name under run_program)."""
    values = {"sourceId": str(SOURCE), "migrationRamRole": RAM_ROLE, **project}
    return {**emulator_stack_config(emu), **{f"test:{key}": value for key, value in values.items()}}


def run_example(
    name: str, emu: MmsEmulator, *, preview: bool = True, mocks: RecordingMocks | None = None, **project: str
) -> ProgramRun:
    return run_program(
        example(name),
        preview=preview,
        config=stack_config(emu, **project),
        secret_keys=["mms:secretKey"],
        mocks=mocks,
    )


# -- the projects are complete -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["dst-project-policies", "migration-gate", "migration-complete-gate"])
def test_each_example_is_a_complete_python_project(name: str) -> None:
    project = EXAMPLES / name
    manifest = yaml.safe_load((project / "Pulumi.yaml").read_text())
    assert manifest["name"] == name
    assert manifest["runtime"]["name"] == "python"
    requirements = (project / "requirements.txt").read_text()
    for requirement in ("pulumi>=", "pulumi-alicloud", "-e ../.."):
        assert requirement in requirements
    assert (project / "README.md").read_text().startswith(f"# {name}\n")
    # every config key the program reads is declared in Pulumi.yaml, and nothing else is
    source = (project / "__main__.py").read_text()
    read = set(re.findall(r"config\.(?:require|get)\w*\(\"(\w+)\"\)", source))
    assert read == set(manifest["config"])


@pytest.mark.parametrize("name", ["dst-project-policies", "migration-gate"])
def test_no_example_creates_resources_inside_a_function(name: str) -> None:
    # Pulumi's guidance: resources created inside an `apply` are hidden from a preview with unknowns.
    tree = ast.parse((EXAMPLES / name / "__main__.py").read_text())
    nested = [
        node
        for scope in ast.walk(tree)
        if isinstance(scope, (ast.FunctionDef, ast.Lambda))
        for node in ast.walk(scope)
        if isinstance(node, ast.Call) and ast.unparse(node.func).startswith(("alicloud.", "MmsDataSource"))
    ]
    assert not nested, f"{name} creates {ast.unparse(nested[0].func)} inside a function"


# -- dst-project-policies --------------------------------------------------------------------------------


@pytest.mark.parametrize("preview", [True, False])
def test_dst_project_policies_grants_a_role_per_destination_project(
    mms_emulator: MmsEmulator, preview: bool
) -> None:
    mms_emulator.update_data_source(SOURCE, dstProjects=["mms_test1", "mms_test2"])
    run = run_example("dst-project-policies", mms_emulator, preview=preview)

    roles = {r.inputs["projectName"]: r for r in run.of_type(ROLE)}
    assert sorted(roles) == ["mms_test1", "mms_test2"]
    for project, role in roles.items():
        assert role.name == f"{project}-migration"
        assert role.inputs["roleName"] == "mms_migration"
        assert role.inputs["type"] == "resource"
        policy = json.loads(role.inputs["policy"])
        resources = [res for statement in policy["Statement"] for res in statement["Resource"]]
        assert f"acs:odps:*:projects/{project}/tables/*" in resources
        assert all(f"projects/{project}" in res for res in resources)
    attachments = {a.inputs["projectName"]: a.inputs for a in run.of_type(ATTACHMENT)}
    assert sorted(attachments) == ["mms_test1", "mms_test2"]
    assert {a["user"] for a in attachments.values()} == {RAM_ROLE}
    assert {a["roleName"] for a in attachments.values()} == {"mms_migration"}

    data = mms_emulator.data_source(SOURCE)
    assert run.value["status"] == "STARTED"
    assert run.value["agentIsOnline"] is True
    assert run.value["dstProjects"] == ["mms_test1", "mms_test2"]
    assert run.value["counters"] == {
        "tables": data["tableNum"],
        "tablesDone": data["tablesDoneNum"],
        "tablesFailed": data["tablesFailedNum"],
        "partitions": data["partitionNum"],
        "partitionsDone": data["partitionsDoneNum"],
        "partitionsFailed": data["partitionsFailedNum"],
    }
    assert mms_emulator.stats.requests == 1


def test_dst_project_policies_follows_the_data_source(mms_emulator: MmsEmulator) -> None:
    first = run_example("dst-project-policies", mms_emulator, roleName="mms_writer")
    assert [(r.inputs["projectName"], r.inputs["roleName"]) for r in first.of_type(ROLE)] == [
        ("mms_test1", "mms_writer")
    ]
    mms_emulator.update_data_source(SOURCE, dstProjects=["mms_test1", "mms_test3"], status="STOPPED")
    second = run_example("dst-project-policies", mms_emulator)
    assert sorted(r.name for r in second.of_type(ATTACHMENT)) == [
        "mms_test1-migration",
        "mms_test3-migration",
    ]
    assert second.value["status"] == "STOPPED"


# -- migration-gate --------------------------------------------------------------------------------------


class ProviderMocks(RecordingMocks):
    """Mocks never call a dynamic provider: answer MmsDataSource with what its provider's check returns.

    The provider is configured with the same stack config as the program, so the values are the
    emulator's, fetched the way `pulumi preview` would fetch them.
    """

    def __init__(self, config: dict[str, str]) -> None:
        super().__init__()
        self.provider = MmsDataSourceProvider()
        self.provider.configure(ConfigureRequest(Config(config, "test")))

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[Any, Any]]:
        recorded = super().new_resource(args)
        if args.typ != DYNAMIC:
            return recorded
        checked = self.provider.check({}, dict(args.inputs))
        assert checked.failures == []
        return str(checked.inputs["source_id"]), dict(checked.inputs)


def run_gate(emu: MmsEmulator, preview: bool = True) -> ProgramRun:
    return run_example(
        "migration-gate", emu, preview=preview, mocks=ProviderMocks(emulator_stack_config(emu))
    )


@pytest.mark.parametrize("preview", [True, False])
def test_migration_gate_deploys_when_started_and_agent_online(
    mms_emulator: MmsEmulator, preview: bool
) -> None:
    run = run_gate(mms_emulator, preview)
    (source,) = run.of_type(DYNAMIC)
    assert source.inputs["source_id"] == SOURCE
    (role,) = run.of_type(ROLE)
    assert role.inputs["projectName"] == "mms_test"  # the data source's dst_project, read from the emulator
    assert json.loads(role.inputs["policy"])["Statement"][0]["Resource"] == [
        "acs:odps:*:projects/mms_test/tables/*"
    ]
    (attachment,) = run.of_type(ATTACHMENT)
    assert attachment.inputs == {"projectName": "mms_test", "roleName": "mms_migration", "user": RAM_ROLE}
    assert run.value == {"status": "STARTED", "agentIsOnline": True, "project": "mms_test"}
    assert mms_emulator.stats.requests == 1


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ({"status": "STOPPED", "agentIsOnline": False}, "status STOPPED, agent offline"),
        ({"status": "STARTED", "agentIsOnline": False}, "status STARTED, agent offline"),
        (
            {"status": "START_FAILED", "agentIsOnline": False, "errMsg": "agent heartbeat lost"},
            "status START_FAILED (agent heartbeat lost), agent offline",
        ),
        ({"status": "STARTING", "agentIsOnline": True}, "status STARTING, agent online"),
    ],
)
def test_migration_gate_stops_the_deployment_with_a_clear_message(
    mms_emulator: MmsEmulator, state: dict[str, Any], expected: str
) -> None:
    mms_emulator.update_data_source(SOURCE, **state)
    mocks = ProviderMocks(emulator_stack_config(mms_emulator))
    with pytest.raises(pulumi.RunError) as caught:
        run_example("migration-gate", mms_emulator, mocks=mocks)
    message = str(caught.value)
    assert f"MMS data source {SOURCE} (demo) is not ready to migrate: {expected}." in message
    assert "then run `pulumi up` again" in message
    assert [r.type for r in mocks.resources] == [DYNAMIC]  # nothing downstream was created
