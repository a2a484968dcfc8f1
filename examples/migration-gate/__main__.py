"""Gate a stack on an MMS data source: nothing downstream is deployed unless it is ready.

`MmsDataSource` reads the data source live in `pulumi preview` and `pulumi up` (its status counts as
drift, so the gate always sees the current value). Unless the status is STARTED and the agent is online,
the deployment stops with one message naming the data source, its status and its agent state.
"""

import json
from typing import Any

import pulumi
import pulumi_alicloud as alicloud

from pulumi_mms import MmsDataSource

config = pulumi.Config()
source_id = config.require_int("sourceId")
ram_role = config.require("migrationRamRole")

source = MmsDataSource("migration-source", source_id=source_id)


def gate(facts: list[Any]) -> str:
    """The destination project, once the data source is ready; otherwise stop the deployment."""
    name, status, online, err_msg, project = facts
    if status == "STARTED" and online:
        return str(project)
    agent = "online" if online else "offline"
    failed = str(status).endswith("_FAILED")
    reason = f" ({err_msg})" if err_msg and failed else ""  # errMsg is only meaningful for failures
    raise pulumi.RunError(
        f"MMS data source {source_id} ({name}) is not ready to migrate: status {status}{reason}, "
        f"agent {agent}. Start the data source and its agent in the MaxCompute console "
        "(Data Migration > Data Sources), then run `pulumi up` again."
    )


project = pulumi.Output.all(
    source.name, source.status, source.agent_is_online, source.err_msg, source.dst_project
).apply(gate)


def writer_policy(project_name: str) -> str:
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
                    "Resource": [f"acs:odps:*:projects/{project_name}/tables/*"],
                },
                {
                    "Effect": "Allow",
                    "Action": ["odps:CreateInstance", "odps:List"],
                    "Resource": [f"acs:odps:*:projects/{project_name}"],
                },
            ],
        },
        sort_keys=True,
    )


# Everything below takes `project`, so it waits for the gate and is never created when it fails.
role = alicloud.maxcompute.Role(
    "migration-writer",
    project_name=project,
    role_name="mms_migration",
    type="resource",
    policy=project.apply(writer_policy),
)
alicloud.maxcompute.RoleUserAttachment(
    "migration-writer",
    project_name=project,
    role_name=role.role_name,
    user=ram_role,
)

pulumi.export("status", source.status)
pulumi.export("agentIsOnline", source.agent_is_online)
pulumi.export("project", project)
