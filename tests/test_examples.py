"""The example projects in examples/, run as Pulumi programs (mock runtime) against the emulator."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Any

import pulumi
import pulumi.runtime
import pytest
import yaml

from pulumi_mms.testing import MmsEmulator

from .programs import EmulatorMocks, ProgramRun, run_program

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
ROLE = "alicloud:maxcompute/role:Role"
ATTACHMENT = "alicloud:maxcompute/roleUserAttachment:RoleUserAttachment"
DYNAMIC = "pulumi-python:dynamic/mms:MmsDataSource"
RAM_ROLE = "RAM$1234567890123456:role/mms-migration"
SOURCE = 2000015


def run_example(
    name: str, emu: MmsEmulator, *, preview: bool = True, mocks: EmulatorMocks | None = None, **project: str
) -> ProgramRun:
    """Run examples/<name> as `pulumi preview` (or `up`) would; its value is its stack outputs."""
    values = {"sourceId": str(SOURCE), "migrationRamRole": RAM_ROLE, **project}
    return run_program(EXAMPLES / name, emulator=emu, config=values, preview=preview, mocks=mocks)


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


def run_gate(emu: MmsEmulator, preview: bool = True) -> ProgramRun:
    return run_example("migration-gate", emu, preview=preview)


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
    mocks = EmulatorMocks()
    with pytest.raises(pulumi.RunError) as caught:
        run_example("migration-gate", mms_emulator, mocks=mocks)
    message = str(caught.value)
    assert f"MMS data source {SOURCE} (demo) is not ready to migrate: {expected}." in message
    assert "then run `pulumi up` again" in message
    assert [r.type for r in mocks.resources] == [DYNAMIC]  # nothing downstream was created
