"""Deploy a database's downstream resources only once its migration is complete.

Two gates, read at the top level with the plain forms (so a preview shows exactly what an update does):
- no migration job of the database failed (`get_mms_jobs(status="FAILED")`): otherwise stop, naming them;
- every table of the database is migrated (`get_mms_tables(wait_for="migrated")`): `pulumi up` waits until
  they are (failing at once if nothing runs any more and some failed); `pulumi preview` never waits and
  shows the current counts.
Then one reporting role per destination MaxCompute project of the database's tables.
"""

import json

import pulumi
import pulumi_alicloud as alicloud

from pulumi_mms import get_mms_jobs, get_mms_tables

config = pulumi.Config()
source_id = config.require_int("sourceId")
database = config.require("database")
reporting_user = config.require("reportingUser")

failed = get_mms_jobs(source_id=source_id, src_db_name=database, status="FAILED")
if failed.ids:
    raise pulumi.RunError(
        f"migration job(s) of database {database} failed: {', '.join(failed.names)}. "
        "Retry them in the MaxCompute console (Data Migration > Migration Jobs), then run `pulumi up` again."
    )

tables = get_mms_tables(source_id=source_id, db_name=database, wait_for="migrated", wait_timeout=3600)
migrated = tables.done == len(tables.ids)
pulumi.export("tablesDone", tables.done)
pulumi.export("tablesRunning", tables.running)
pulumi.export("tablesFailed", tables.failed)
pulumi.export("migrated", migrated)

if not migrated:  # only in a preview: an update has waited until every table is migrated
    pulumi.log.warn(
        f"{len(tables.ids) - tables.done} of {len(tables.ids)} tables of {database} are not migrated yet; "
        "`pulumi up` waits for them before creating the reporting roles"
    )
else:
    projects = sorted({table.dst_project_name for table in tables.tables if table.dst_project_name})
    for project in projects:
        policy = json.dumps(
            {
                "Version": "1",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": ["odps:Describe", "odps:Select"],
                        "Resource": [f"acs:odps:*:projects/{project}/tables/*"],
                    }
                ],
            },
            sort_keys=True,
        )
        role = alicloud.maxcompute.Role(
            f"reporting-{project}",
            project_name=project,
            role_name="reporting",
            type="resource",
            policy=policy,
        )
        alicloud.maxcompute.RoleUserAttachment(
            f"reporting-{project}", project_name=project, role_name=role.role_name, user=reporting_user
        )
    pulumi.export("projects", projects)
