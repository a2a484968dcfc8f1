"""Grant a RAM role a migration policy in every destination project of an MMS data source.

The data source is read with the plain form, `get_mms_data_source`, when the program starts (in
`pulumi preview` too): its `dst_projects` is a plain list, so the roles are created at the top level, one
Role and one RoleUserAttachment per project, and the preview lists every one of them. (Creating resources
inside an `apply` of the Output form would hide them from any preview where the value is unknown.)
"""

import json

import pulumi
import pulumi_alicloud as alicloud

from pulumi_mms import get_mms_data_source

config = pulumi.Config()
source_id = config.require_int("sourceId")
ram_role = config.require("migrationRamRole")
role_name = config.get("roleName") or "mms_migration"


def migration_policy(project: str) -> str:
    """What MMS needs in a destination project: create and write tables, run jobs."""
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


source = get_mms_data_source(source_id=source_id)

# One role with the policy, attached to the RAM role, per destination project.
for project in source.dst_projects or []:
    role = alicloud.maxcompute.Role(
        f"{project}-migration",
        project_name=project,
        role_name=role_name,
        type="resource",
        policy=migration_policy(project),
    )
    alicloud.maxcompute.RoleUserAttachment(
        f"{project}-migration",
        project_name=project,
        role_name=role.role_name,
        user=ram_role,
    )

pulumi.export("dataSource", source.name)
pulumi.export("status", source.status)
pulumi.export("agentIsOnline", source.agent_is_online)
pulumi.export("dstProjects", source.dst_projects or [])
pulumi.export(
    "counters",
    {
        "tables": source.table_num,
        "tablesDone": source.tables_done_num,
        "tablesFailed": source.tables_failed_num,
        "partitions": source.partition_num,
        "partitionsDone": source.partitions_done_num,
        "partitionsFailed": source.partitions_failed_num,
    },
)
