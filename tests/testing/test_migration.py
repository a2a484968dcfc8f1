"""The emulator's migration: one consistent model behind every read API, served to the official SDK and to
our client alike, with paging, filters, state transitions, faults and signatures."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from typing import Any

import pytest
from alibabacloud_maxcompute20220104 import models as sdk_models
from alibabacloud_maxcompute20220104.client import Client as MaxComputeClient
from alibabacloud_tea_util.models import RuntimeOptions
from Tea.exceptions import TeaException

from pulumi_mms import (
    CredentialsError,
    DataSourceNotFound,
    InvalidRequest,
    MmsClient,
    NotFound,
    StaticCredentials,
)
from pulumi_mms.core import apis
from pulumi_mms.core.apis import catalog
from pulumi_mms.core.apis.models import JobStatus, MigrationStatus
from pulumi_mms.testing import MmsEmulator, Throttle, urls
from tests.clients import settings_for

SOURCE = 2000015


@pytest.fixture
def client(emu: MmsEmulator) -> MmsClient:
    return MmsClient(settings_for(emu))


def test_every_read_api_the_client_declares_is_served_at_its_path() -> None:
    for api in apis.READ_APIS:
        path = api.path
        for name in ("sourceId", "jobId", "dbId", "tableId", "partitionId", "taskId", "timerId", "scanId"):
            path = path.replace("{" + name + "}", "7")
        found = urls.match("GET", path)
        assert found is not None, api.action
        assert found[0].action == api.action


def test_the_official_sdk_reads_every_api(sdk: MaxComputeClient) -> None:
    rt = RuntimeOptions()
    tables = sdk.list_mms_tables_with_options(
        str(SOURCE), sdk_models.ListMmsTablesRequest(db_name="sales", page_size=2), {}, rt
    ).body.data
    assert tables.total == 3
    assert [t.name for t in tables.object_list] == ["orders", "customers"]
    assert tables.object_list[0].schema.partitions[0].name == "ds"
    job = sdk.get_mms_job_with_options(str(SOURCE), "3", {}, rt).body.data
    assert (job.name, job.status, job.src_db_name, job.task_num) == ("mig_hr", "FAILED", "hr", 1)
    logs = sdk.list_mms_task_logs_with_options(str(SOURCE), "1004", {}, rt).body.data
    assert "permission" in logs[0].msg
    timer_logs = sdk.list_mms_timer_logs_with_options(
        str(SOURCE), "1", sdk_models.ListMmsTimerLogsRequest(), {}, rt
    ).body.data
    assert timer_logs.object_list[0].msg == "created job mig_hr"
    scan = sdk.get_mms_fetch_metadata_job_with_options(str(SOURCE), "1000253", {}, rt).body.data
    assert scan.status == "SUCCESS"
    items = sdk.list_mms_data_source_config_items_with_options(
        sdk_models.ListMmsDataSourceConfigItemsRequest(source_type="HIVE", lang="en_US"), {}, rt
    ).body.data
    assert [i.name for i in items] == ["Hive metastore URIs", "Password"]
    failed = sdk.list_mms_partitions_with_options(
        str(SOURCE), sdk_models.ListMmsPartitionsRequest(status=["DOING"]), {}, rt
    ).body.data
    assert [p.value for p in failed.object_list] == ["ds=20241210"]


def test_the_answers_agree_with_each_other(client: MmsClient) -> None:
    dbs = apis.list_all(client, catalog.LIST_MMS_DBS, source_id=SOURCE)
    tables = apis.list_all(client, catalog.LIST_MMS_TABLES, source_id=SOURCE)
    partitions = apis.list_all(client, catalog.LIST_MMS_PARTITIONS, source_id=SOURCE)
    for db in dbs:
        own = [t for t in tables if t.db_id == db.id]
        assert db.tables == len(own)
        assert db.tables_done == sum(t.status is MigrationStatus.DONE for t in own)
        assert db.tables_failed == sum(t.status is MigrationStatus.FAILED for t in own)
        assert db.partitions == sum(t.partitions or 0 for t in own)
        assert all(t.db_name == db.name and t.dst_project_name == db.dst_project_name for t in own)
    for part in partitions:
        table = next(t for t in tables if t.id == part.table_id)
        assert (part.table_name, part.db_id, part.dst_project_name) == (
            table.name,
            table.db_id,
            table.dst_project_name,
        )
    jobs = apis.list_all(client, catalog.LIST_MMS_JOBS, source_id=SOURCE)
    tasks = apis.list_all(client, catalog.LIST_MMS_TASKS, source_id=SOURCE)
    for job in jobs:
        assert job.task_num == sum(t.job_id == job.id for t in tasks)
        assert apis.get(client, catalog.GET_MMS_JOB, source_id=SOURCE, job_id=job.id or 0) == job


@pytest.mark.parametrize(
    ("arguments", "names"),
    [
        ({"status": ["DONE", "FAILED"]}, ["orders", "customers", "employees"]),
        ({"status": "INIT"}, ["salaries"]),
        ({"db_name": "hr"}, ["employees", "salaries"]),
        ({"has_partitions": True}, ["orders", "returns"]),
        ({"name": "OR"}, ["orders"]),
        ({"dst_project_name": "mms_test2"}, ["employees", "salaries"]),
        ({"last_ddl_time_start": "2024-12-01 00:00:00"}, ["orders", "returns"]),
    ],
)
def test_table_filters(client: MmsClient, arguments: dict[str, Any], names: list[str]) -> None:
    tables = apis.list_all(client, catalog.LIST_MMS_TABLES, source_id=SOURCE, **arguments)
    assert [t.name for t in tables] == names


def test_job_and_task_filters(client: MmsClient) -> None:
    def jobs(**arguments: Any) -> list[str | None]:
        return [j.name for j in apis.list_all(client, catalog.LIST_MMS_JOBS, source_id=SOURCE, **arguments)]

    assert jobs(status="FAILED") == ["mig_hr"]
    assert jobs(src_table_name="returns") == ["mig_sales_returns"]
    assert jobs(timer_id=1) == ["mig_hr"]
    assert jobs(name="sales") == ["mig_sales_base", "mig_sales_returns"]
    tasks = apis.list_all(client, catalog.LIST_MMS_TASKS, source_id=SOURCE, job_id=1)
    assert [t.src_table_name for t in tasks] == ["orders", "customers"]
    timers = apis.list_all(client, catalog.LIST_MMS_TIMERS, source_id=SOURCE, stopped=False)
    assert [t.name for t in timers] == ["nightly_hr"]


def test_pages_follow_the_requested_size_and_the_limit_is_enforced(
    emu: MmsEmulator, client: MmsClient, sdk: MaxComputeClient
) -> None:
    emu.migration.put(
        SOURCE, "tables", [{"dbId": 1, "name": f"t{i:03}", "status": "INIT"} for i in range(45)]
    )
    tables = apis.list_all(client, catalog.LIST_MMS_TABLES, source_id=SOURCE, page_size=10)
    assert len(tables) == 50
    assert len({t.id for t in tables}) == 50
    pages = sorted(int(r.path.split("pageNum=")[1].split("&")[0]) for r in emu.request_log)
    assert pages == [1, 2, 3, 4, 5]
    with pytest.raises(TeaException) as caught:
        sdk.list_mms_tables_with_options(
            str(SOURCE), sdk_models.ListMmsTablesRequest(page_size=101), {}, RuntimeOptions()
        )
    assert caught.value.code == "InvalidParameter"


def test_a_scripted_job_runs_and_its_tables_follow(emu: MmsEmulator, client: MmsClient) -> None:
    emu.migration.script_job(SOURCE, 2, after_reads=3, failed_tables=())
    seen = []
    for _ in range(4):
        seen.append(apis.get(client, catalog.GET_MMS_JOB, source_id=SOURCE, job_id=2).status)
    assert seen == [JobStatus.DOING, JobStatus.DOING, JobStatus.DONE, JobStatus.DONE]
    table = apis.get(client, catalog.GET_MMS_TABLE, source_id=SOURCE, table_id=13)
    assert table.status is MigrationStatus.DONE
    assert table.partitions_done == 2
    db = apis.get(client, catalog.GET_MMS_DB, source_id=SOURCE, db_id=1)
    assert db.status is MigrationStatus.DONE


def test_a_job_that_fails_fails_its_tables(emu: MmsEmulator, client: MmsClient) -> None:
    emu.migration.start_job(SOURCE, 1)
    assert apis.get(client, catalog.GET_MMS_DB, source_id=SOURCE, db_id=1).tables_doing == 3
    emu.migration.finish_job(SOURCE, 1, failed_tables=["orders"])
    job = apis.get(client, catalog.GET_MMS_JOB, source_id=SOURCE, job_id=1)
    assert (job.status, job.task_done) == (JobStatus.FAILED, 1)
    tables = apis.list_all(client, catalog.LIST_MMS_TABLES, source_id=SOURCE, status=["FAILED"], db_id=1)
    assert [t.name for t in tables] == ["orders"]


def _raised(call: Callable[[], object]) -> NotFound:
    with pytest.raises(NotFound) as caught:
        call()
    return caught.value


def test_unknown_ids_are_not_found(client: MmsClient) -> None:
    # A missing job or task is NotFound naming it, not a missing data source.
    job = _raised(lambda: apis.get(client, catalog.GET_MMS_JOB, source_id=SOURCE, job_id=99))
    assert not isinstance(job, DataSourceNotFound)
    assert (job.kind, job.status_code, job.source_id) == ("job", 404, SOURCE)
    assert "job 99 of data source 2000015 does not exist" in str(job)
    assert "check the job id" in str(job)
    assert pickle.loads(pickle.dumps(job)).kind == "job"  # noqa: S301 (our own bytes)
    logs = _raised(lambda: apis.list_all(client, catalog.LIST_MMS_TASK_LOGS, source_id=SOURCE, task_id=99))
    assert not isinstance(logs, DataSourceNotFound)
    assert logs.kind == "task"
    table = _raised(lambda: apis.get(client, catalog.GET_MMS_TABLE, source_id=SOURCE, table_id=999999))
    assert type(table) is NotFound
    assert table.kind == "table"
    # A missing data source stays DataSourceNotFound, whether listing its items or asking for one.
    dbs = _raised(lambda: apis.list_all(client, catalog.LIST_MMS_DBS, source_id=2000016))
    assert isinstance(dbs, DataSourceNotFound)
    assert dbs.kind == "data source"
    assert "2000016" in str(dbs)
    with pytest.raises(DataSourceNotFound, match="job 1 of data source 2000016"):
        apis.get(client, catalog.GET_MMS_JOB, source_id=2000016, job_id=1)
    with pytest.raises(DataSourceNotFound):
        client.get_data_source(2000016)
    with pytest.raises(InvalidRequest, match="sourceType"):
        apis.list_all(client, catalog.LIST_MMS_DATA_SOURCE_CONFIG_ITEMS, source_type="ORACLE")


def test_faults_are_injected_and_retried(emu: MmsEmulator, client: MmsClient) -> None:
    emu.faults.script([Throttle(retry_after_ms=1), None])
    assert len(apis.list_all(client, catalog.LIST_MMS_JOBS, source_id=SOURCE)) == 3
    assert [r.fault for r in emu.request_log] == ["Throttle", None]


def test_signatures_are_verified(emu: MmsEmulator) -> None:
    wrong = MmsClient(settings_for(emu, credentials=StaticCredentials(emu.access_key_id, "not-the-secret")))
    with pytest.raises(CredentialsError):
        apis.list_all(wrong, catalog.LIST_MMS_TABLES, source_id=SOURCE)
    assert emu.request_log[-1].status == 403


def test_listings_follow_the_sorter_of_the_sdk_and_of_our_client(
    emu: MmsEmulator, client: MmsClient, sdk: MaxComputeClient
) -> None:
    def tables(**sorter: str) -> list[str | None]:
        found = apis.list_all(client, catalog.LIST_MMS_TABLES, source_id=SOURCE, sorter=sorter)
        return [t.name for t in found]

    assert tables(num_rows="desc") == ["orders", "customers", "salaries", "returns", "employees"]
    assert tables(size="asc") == ["employees", "salaries", "returns", "customers", "orders"]
    # lastDdlTime first, then size: employees and salaries share a DDL time.
    assert tables(size="desc", last_ddl_time="asc") == [
        "salaries",
        "employees",
        "customers",
        "orders",
        "returns",
    ]
    by_sdk = sdk.list_mms_tables_with_options(
        str(SOURCE),
        sdk_models.ListMmsTablesRequest(sorter=sdk_models.ListMmsTablesRequestSorter(num_rows="asc")),
        {},
        RuntimeOptions(),
    ).body.data
    assert [t.name for t in by_sdk.object_list] == ["employees", "returns", "salaries", "customers", "orders"]
    tasks = apis.list_all(client, catalog.LIST_MMS_TASKS, source_id=SOURCE, sorter={"start_time": "desc"})
    assert [t.id for t in tasks] == [1004, 1003, 1001, 1002]  # ties keep the id order
    emu.migration.update(SOURCE, "dbs", 2, numRows=10)  # the sales database has no row count: last
    dbs = apis.list_all(client, catalog.LIST_MMS_DBS, source_id=SOURCE, sorter={"num_rows": "asc"})
    assert [d.name for d in dbs] == ["hr", "sales"]
    sdk_dbs = sdk.list_mms_dbs_with_options(
        str(SOURCE),
        sdk_models.ListMmsDbsRequest(sorter=sdk_models.ListMmsDbsRequestSorter(num_rows="desc")),
        {},
        RuntimeOptions(),
    ).body.data
    assert [d.name for d in sdk_dbs.object_list] == ["hr", "sales"]


@pytest.mark.parametrize(
    ("action", "query", "message"),
    [
        ("ListMmsTables", {"sorter.rows": "asc"}, "ListMmsTables cannot sort by 'rows': the sorter takes"),
        ("ListMmsJobs", {"sorter.status": "up"}, "The sort order of status must be asc or desc"),
        ("ListMmsDbs", {"sorter": '{"name":"asc"}'}, "ListMmsDbs cannot sort by 'name'"),
        ("ListMmsDbs", {"sorter": "numRows"}, "The parameter sorter must be a JSON object"),
        ("ListMmsDbs", {"sorter.numRows": "asc"}, "ListMmsDbs has no parameter sorter.numRows"),
        ("ListMmsTimers", {"sorter.name": "asc"}, "ListMmsTimers has no parameter sorter.name"),
    ],
)
def test_a_bad_sorter_is_a_400_invalid_parameter(
    client: MmsClient, action: str, query: dict[str, str], message: str
) -> None:
    from pulumi_mms.core.translate import Call

    api = apis.BY_ACTION[action]
    call = Call(action, api.path.replace("{sourceId}", str(SOURCE)), query, source_id=SOURCE)
    with pytest.raises(InvalidRequest) as caught:
        client._call(call, api.response)
    assert (caught.value.code, caught.value.status_code) == ("InvalidParameter", 400)
    assert message in str(caught.value)


def test_routes_and_collections_derive_from_the_declarations() -> None:
    """Adding a read API is a declaration (plus its model and its records): the emulator's route, collection,
    item key, parent and filters follow from it."""
    from pulumi_mms.declarations import DECLARATIONS, Declaration, Kind, Shape, q
    from pulumi_mms.testing import migration, migration_responses

    served = {route.action for route in urls.ROUTES}
    assert {d.action for d in DECLARATIONS} <= served
    assert {c for d in DECLARATIONS if (c := migration.collection_of(d))} == set(migration.COLLECTIONS)
    new = Declaration(
        "GetMmsAsyncTask",
        "/api/v1/mms/datasources/{sourceId}/asyncTasks/{asyncTaskId}",
        "AsyncTask",
        Shape.ITEM,
        "async task",
        "An asynchronous task.",
    )
    item = migration_responses.Collection.of(new)
    assert (item.collection, item.key, item.parent) == ("asyncTasks", "asyncTaskId", None)
    logs = migration_responses.Collection.of(
        Declaration(
            "ListMmsAsyncTaskLogs",
            "/api/v1/mms/datasources/{sourceId}/asyncTasks/{asyncTaskId}/logs",
            "AsyncTaskLog",
            Shape.PAGE,
            "async task log",
            "Its logs.",
            (q("level", Kind.STR, "The level."), q("since", Kind.INT, "From this id.")),
        )
    )
    assert (logs.collection, logs.key, logs.parent) == ("asyncTaskLogs", None, ("asyncTaskId", "asyncTasks"))
    assert set(logs.filters) == {"level", "since"}
    outside = Declaration("ListMmsThings", "/api/v1/mms/things", "Thing", Shape.LIST, "thing", "Things.")
    with pytest.raises(LookupError, match="ListMmsThings is declared but has no handler"):
        migration_responses.handler_for(outside)


def test_the_emulator_accepts_every_declared_parameter(client: MmsClient) -> None:
    """Every query parameter the client may send (all at once) is one the emulator serves: the answer is a
    listing (empty once filtered) or a NotFound, never an unknown parameter."""
    from pulumi_mms.core.apis.spec import Kind, Shape
    from tests.core.apis.test_request_parity import SAMPLE_VALUES, sample

    for api in apis.READ_APIS:
        ids = {name: SOURCE if name == "source_id" else 7 for name in api.path_params}
        query = {
            p.name: sample(p, 0) if p.kind is Kind.SORTER else SAMPLE_VALUES[p.kind][1] for p in api.query
        }
        if api.action == "ListMmsDataSourceConfigItems":
            query = {"lang": "en_US", "source_type": "HIVE"}
        try:
            if api.shape is Shape.ITEM:
                apis.get(client, api, **ids, **query)
            elif api.shape is Shape.PAGE:
                apis.page(client, api, **ids, **query)
            else:
                apis.list_all(client, api, **ids, **query)
        except NotFound:
            assert api.path_params[-1] != "source_id", api.action


def test_the_request_log_times_each_request(emu: MmsEmulator, client: MmsClient) -> None:
    apis.list_all(client, catalog.LIST_MMS_DBS, source_id=SOURCE)
    (record,) = [r for r in emu.request_log if r.action == "ListMmsDbs"]
    assert 0 < record.started_s <= record.finished_s
