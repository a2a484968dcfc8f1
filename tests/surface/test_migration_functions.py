"""The migration functions under Pulumi's mock runtime against the emulator: both forms, filters,
name_regex, the parent by id or by name, typed and exportable results, checked arguments."""

from __future__ import annotations

import logging
from typing import Any

import pulumi
import pytest

from pulumi_mms import NotReady, ValidationError
from pulumi_mms.surface import migration_functions as fns
from pulumi_mms.surface.generated_types import AwaitableGetMmsMigrationSummaryResult, GetMmsJobResult
from pulumi_mms.surface.migration_lookups import FUNCTIONS
from pulumi_mms.testing import MmsEmulator
from tests.clients import stack_config
from tests.programs import run_program

SOURCE = 2000015


def run(emu: MmsEmulator, program: Any, *, preview: bool = False) -> Any:
    return run_program(program, preview=preview, config=stack_config(emu)).value


def test_a_job_by_id_and_by_data_source_name(mms_emulator: MmsEmulator) -> None:
    def program() -> Any:
        by_id = fns.get_mms_job(source_id=SOURCE, job_id=3)
        by_name = fns.get_mms_job_output(source_name="demo", job_id=pulumi.Output.from_input(3))
        return pulumi.Output.all(by_id.name, by_id.status, by_name.status, by_id.config)

    name, status, same, config = run(mms_emulator, program)
    assert (name, status, same) == ("mig_hr", "FAILED", "FAILED")
    assert config == {"tableBlackList": ["salaries"], "enableVerification": False}


def test_tables_with_filters_and_name_regex(mms_emulator: MmsEmulator) -> None:
    def program() -> Any:
        done = fns.get_mms_tables(source_id=SOURCE, db_name="sales", status=["DONE"])
        regex = fns.get_mms_tables_output(source_id=SOURCE, name_regex="^(orders|employees)$")
        return pulumi.Output.all(done.names, done.ids, regex.names, [t.dst_project_name for t in done.tables])

    names, ids, regex_names, projects = run(mms_emulator, program)
    assert names == ["orders", "customers"]
    assert ids == [11, 12]
    assert regex_names == ["orders", "employees"]
    assert projects == ["mms_test1", "mms_test1"]


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda: fns.get_mms_jobs(source_id=SOURCE, status="DOING").names, ["mig_sales_returns"]),
        (lambda: fns.get_mms_dbs(source_id=SOURCE).names, ["sales", "hr"]),
        (
            lambda: fns.get_mms_partitions(source_id=SOURCE, table_name="orders").names,
            ["ds=20241201", "ds=20241202", "ds=20241203"],
        ),
        (lambda: fns.get_mms_tasks(source_id=SOURCE, job_id=1).ids, [1001, 1002]),
        (
            lambda: [log.action for log in fns.get_mms_task_logs(source_id=SOURCE, task_id=1004).logs],
            ["DATA_MIGRATE"],
        ),
        (lambda: fns.get_mms_timers(source_id=SOURCE).names, ["nightly_hr"]),
        (lambda: fns.get_mms_timer_logs(source_id=SOURCE, timer_id=1).ids, [1]),
        (lambda: fns.get_mms_db(source_id=SOURCE, db_id=2).tables_failed, 1),
        (lambda: fns.get_mms_table(source_id=SOURCE, table_id=11).partitions_done, 3),
        (lambda: fns.get_mms_partition(source_id=SOURCE, partition_id=132).status, "DOING"),
        (lambda: fns.get_mms_task(source_id=SOURCE, task_id=1004).src_table_name, "employees"),
        (lambda: fns.get_mms_timer(source_id=SOURCE, timer_id=1).value, "02:00"),
        (lambda: fns.get_mms_fetch_metadata_job(source_id=SOURCE, scan_id=1000253).status, "SUCCESS"),
        (
            lambda: fns.get_mms_data_source_config_items(source_type="HIVE", lang="en_US").names,
            ["Hive metastore URIs", "Password"],
        ),
    ],
)  # fmt: skip
def test_every_function_reads_the_emulator(mms_emulator: MmsEmulator, call: Any, expected: Any) -> None:
    assert run(mms_emulator, call) == expected


ARGUMENTS: dict[str, dict[str, Any]] = {
    "get_mms_job": {"source_id": SOURCE, "job_id": 1},
    "get_mms_jobs": {"source_name": "demo", "status": "DOING"},
    "get_mms_db": {"source_id": SOURCE, "db_id": 2},
    "get_mms_dbs": {"source_id": SOURCE},
    "get_mms_table": {"source_id": SOURCE, "table_id": 11},
    "get_mms_tables": {"source_id": SOURCE, "db_name": "sales"},
    "get_mms_partition": {"source_id": SOURCE, "partition_id": 132},
    "get_mms_partitions": {"source_id": SOURCE, "table_name": "orders"},
    "get_mms_task": {"source_id": SOURCE, "task_id": 1004},
    "get_mms_tasks": {"source_id": SOURCE, "job_id": 1},
    "get_mms_task_logs": {"source_id": SOURCE, "task_id": 1004},
    "get_mms_timer": {"source_id": SOURCE, "timer_id": 1},
    "get_mms_timers": {"source_id": SOURCE},
    "get_mms_timer_logs": {"source_id": SOURCE, "timer_id": 1},
    "get_mms_fetch_metadata_job": {"source_id": SOURCE, "scan_id": 1000253},
    "get_mms_data_source_config_items": {"source_type": "HIVE", "lang": "en_US"},
    "get_mms_migration_summary": {"source_name": "demo"},
}


def _plain_values(value: Any) -> Any:
    """A result as nested plain data, to compare one function's two forms."""
    if isinstance(value, list):
        return [_plain_values(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain_values(item) for key, item in value.items()}
    if hasattr(value, "__dict__") and type(value).__module__.startswith("pulumi_mms"):
        return {key: _plain_values(item) for key, item in vars(value).items() if not key.startswith("_")}
    return value


@pytest.mark.parametrize("name", [fn.name for fn in FUNCTIONS])
def test_the_output_form_of_every_function_gives_what_the_plain_form_gives(
    mms_emulator: MmsEmulator, name: str
) -> None:
    """Each function's `_output` form, with its arguments as Outputs, against the emulator: the same
    result as its plain form (the arguments given as Outputs are resolved before the lookup)."""
    arguments = ARGUMENTS[name]
    plain = run(mms_emulator, lambda: _plain_values(getattr(fns, name)(**arguments)))
    as_outputs = {key: pulumi.Output.from_input(value) for key, value in arguments.items()}
    output = run(mms_emulator, lambda: getattr(fns, f"{name}_output")(**as_outputs).apply(_plain_values))
    assert output == plain
    assert plain  # something was read


def test_every_function_has_arguments_for_the_output_form_test() -> None:
    assert set(ARGUMENTS) == {fn.name for fn in FUNCTIONS}


def test_every_function_has_both_forms() -> None:
    for fn in FUNCTIONS:
        assert callable(getattr(fns, fn.name))
        assert callable(getattr(fns, f"{fn.name}_output"))


def test_password_items_are_secret(mms_emulator: MmsEmulator) -> None:
    mms_emulator.migration.load(
        {"configItems": {"HIVE": [{"key": "hive.password", "type": "password", "value": "default-pw"}]}}
    )

    def program() -> Any:
        item = fns.get_mms_data_source_config_items(source_type="HIVE").config_items[0]
        assert isinstance(item.value, pulumi.Output)
        return pulumi.Output.all(item.value, pulumi.Output.from_input(item.value.is_secret()))

    assert run(mms_emulator, program) == ["default-pw", True]


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda: fns.get_mms_job(job_id=3), "source_id"),
        (lambda: fns.get_mms_job(source_id=SOURCE, source_name="demo", job_id=3), "source_id"),
        (lambda: fns.get_mms_job(source_id=SOURCE), "job_id"),
        (lambda: fns.get_mms_tables(source_id=SOURCE, has_partitions="yes"), "has_partitions"),  # type: ignore[arg-type]
        (lambda: fns.get_mms_tables(source_id=SOURCE, name_regex="("), "name_regex"),
        (lambda: fns.get_mms_tables_output(source_id=SOURCE, status=[""]), "status"),
        (lambda: fns.get_mms_tables(source_id=SOURCE, sorter={"rows": "asc"}), "sorter"),
        (lambda: fns.get_mms_jobs_output(source_id=SOURCE, sorter={"status": "up"}), "sorter"),
        (lambda: fns.get_mms_data_source_config_items(source_type=None), "source_type"),  # type: ignore[arg-type]
        (lambda: fns.get_mms_data_source_config_items_output(source_type=None), "source_type"),  # type: ignore[arg-type]
    ],
)  # fmt: skip
def test_bad_arguments_fail_before_any_request(mms_emulator: MmsEmulator, call: Any, argument: str) -> None:
    with pytest.raises(ValidationError) as caught:
        run(mms_emulator, call)
    assert caught.value.argument == argument
    assert mms_emulator.request_log == []


def test_results_are_typed_and_nested_results_are_exportable_dicts(mms_emulator: MmsEmulator) -> None:
    def program() -> Any:
        job = fns.get_mms_job(source_id=SOURCE, job_id=1)
        tables = fns.get_mms_tables(source_id=SOURCE, db_id=1)
        assert isinstance(job, GetMmsJobResult)
        assert isinstance(job.config, dict)
        assert isinstance(tables.tables[0], dict)
        sink = pulumi.CustomResource(
            "test:index:Sink", "sink", {"config": job.config, "first": tables.tables[0]}
        )
        return sink

    ran = run_program(program, preview=False, config=stack_config(mms_emulator))
    inputs = ran.of_type("test:index:Sink")[0].inputs
    assert inputs["config"]["tables"] == ["orders", "customers"]
    assert inputs["config"]["enableVerification"] is True
    assert inputs["first"]["dstProjectName"] == "mms_test1"
    assert inputs["first"]["schema"]["columns"][0] == {"name": "id", "type": "BIGINT", "nullable": False}


def test_the_output_form_is_secret_as_a_whole_when_it_holds_a_password(mms_emulator: MmsEmulator) -> None:
    mms_emulator.migration.load(
        {"configItems": {"HIVE": [{"key": "hive.password", "type": "PASSWORD", "value": "default-pw"}]}}
    )

    def program() -> Any:
        hive = fns.get_mms_data_source_config_items_output(source_type="HIVE")
        plain = fns.get_mms_data_source_config_items_output(source_type="BIGQUERY")
        return pulumi.Output.all(
            pulumi.Output.from_input(hive.is_secret()),
            pulumi.Output.from_input(plain.is_secret()),
            hive.config_items[0]["value"],
        )

    assert run(mms_emulator, program) == [True, False, "default-pw"]


def test_the_tables_gate_waits_during_up_and_counts(
    mms_emulator: MmsEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    mms_emulator.migration.script_job(SOURCE, 2, after_reads=2)

    def program() -> Any:
        tables = fns.get_mms_tables_output(
            source_name="demo", db_name="sales", wait_for="migrated", wait_timeout=30
        )
        return pulumi.Output.all(tables.done, tables.failed, tables.running, tables.names)

    with caplog.at_level(logging.INFO):
        assert run(mms_emulator, program) == [3, 0, 0, ["orders", "customers", "returns"]]
    # Progress goes through pulumi.log.info (the mock runtime's engine hands it to Python's logging).
    progress = [r.getMessage() for r in caplog.records if r.getMessage().startswith("waiting for")]
    assert progress == [  # one line per poll that found them not all migrated (the job finishes on read 2)
        "waiting for the tables of data source 2000015 (db_name=sales) to be migrated: "
        "2 of 3 tables done, 1 running, 0 failed"
    ]


def test_gates_never_block_a_preview(mms_emulator: MmsEmulator) -> None:
    def program() -> Any:
        tables = fns.get_mms_tables(source_id=SOURCE, db_name="sales", wait_for="migrated")
        job = fns.get_mms_job(source_id=SOURCE, job_id=2, wait_for="succeeded")
        return [tables.done, tables.running, job.status]

    assert run(mms_emulator, program, preview=True) == [2, 1, "DOING"]


def test_a_failed_job_fails_the_program_with_its_error(mms_emulator: MmsEmulator) -> None:
    with pytest.raises(NotReady, match=r"bigquery\.tables\.getData denied"):
        run(mms_emulator, lambda: fns.get_mms_job(source_id=SOURCE, job_id=3, wait_for="succeeded").status)


def test_a_listing_by_data_source_name(mms_emulator: MmsEmulator) -> None:
    assert run(mms_emulator, lambda: fns.get_mms_dbs(source_name="demo").names) == ["sales", "hr"]


# -- the summary -------------------------------------------------------------------------------------------


def test_the_migration_summary_in_one_call(mms_emulator: MmsEmulator) -> None:
    def program() -> Any:
        plain = fns.get_mms_migration_summary(source_id=SOURCE)
        output = fns.get_mms_migration_summary_output(source_name=pulumi.Output.from_input("demo"))
        assert isinstance(plain, AwaitableGetMmsMigrationSummaryResult)
        return pulumi.Output.all(
            plain.source_id,
            plain.jobs_by_status,
            plain.dst_projects,
            plain.running_dst_projects,
            output.databases,
            output.source_id,
        )

    source_id, jobs, projects, running, databases, by_name = run(mms_emulator, program)
    assert (source_id, by_name) == (SOURCE, SOURCE)
    assert jobs == {"DONE": 1, "DOING": 1, "FAILED": 1}
    assert (projects, running) == (["mms_test1", "mms_test2"], ["mms_test1"])
    sales, hr = databases  # nested results are exportable dicts keyed by the schema's names
    assert sales["dbName"] == "sales"
    assert sales["tablesByStatus"] == {"DONE": 2, "DOING": 1}
    assert sales["partitionsByStatus"] == {"DONE": 4, "DOING": 1}
    assert hr["tablesByStatus"] == {"FAILED": 1, "INIT": 1}


def test_the_migration_summary_checks_its_arguments_before_any_request(mms_emulator: MmsEmulator) -> None:
    with pytest.raises(ValidationError, match="source_name"):
        run(mms_emulator, lambda: fns.get_mms_migration_summary(source_id=SOURCE, source_name="demo"))
    assert mms_emulator.stats.requests == 0


class SummaryMocks(pulumi.runtime.Mocks):
    """A unit test's answer for the summary's token."""

    def __init__(self) -> None:
        self.calls: list[pulumi.runtime.MockCallArgs] = []

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[Any, Any], list[tuple[str, str]] | None]:
        self.calls.append(args)
        databases = [{"dbName": "sales", "tablesByStatus": {"DONE": 3}}]
        return {"sourceId": 7, "databases": databases, "jobsByStatus": {"DONE": 2}}, []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[Any, Any]]:
        return "res-id", dict(args.inputs)


def test_without_an_endpoint_mocks_answer_the_summary(mms_emulator: MmsEmulator) -> None:
    mocks = SummaryMocks()

    def program() -> Any:
        plain = fns.get_mms_migration_summary(source_id=7)
        output = fns.get_mms_migration_summary_output(source_name="demo")
        return pulumi.Output.all(plain.jobs_by_status, plain.databases, output.source_id, output.dst_projects)

    config = {
        "mms:region": "cn-shanghai",
        "mms:accessKey": "LTAI5tUnitTest",
        "mms:secretKey": "unit-test-key",
    }
    jobs, databases, source_id, projects = run_program(program, mocks=mocks, config=config).value
    assert (jobs, source_id, projects) == ({"DONE": 2}, 7, [])
    assert databases[0]["tablesByStatus"] == {"DONE": 3}
    assert sorted((call.token, sorted(call.args.items())) for call in mocks.calls) == [
        ("mms:index:getMmsMigrationSummary", [("sourceId", 7)]),
        ("mms:index:getMmsMigrationSummary", [("sourceName", "demo")]),
    ]
    assert mms_emulator.stats.requests == 0


def test_plural_functions_take_a_sorter_as_a_mapping_its_model_or_outputs(mms_emulator: MmsEmulator) -> None:
    from pulumi_mms.core.apis.models import DbSorter, SortOrder

    mms_emulator.migration.update(int(SOURCE), "dbs", 1, numRows=5)
    mms_emulator.migration.update(int(SOURCE), "dbs", 2, numRows=9)

    def program() -> Any:
        plain = fns.get_mms_tables(source_id=SOURCE, sorter={"num_rows": "desc"})
        model = fns.get_mms_dbs(source_id=SOURCE, sorter=DbSorter(num_rows=SortOrder.DESC))
        output = fns.get_mms_tasks_output(
            source_id=SOURCE, sorter={"startTime": pulumi.Output.from_input("desc")}
        )
        return pulumi.Output.all(plain.names, model.names, output.ids)

    tables, dbs, tasks = run(mms_emulator, program)
    assert tables == ["orders", "customers", "salaries", "returns", "employees"]
    assert dbs == ["hr", "sales"]
    assert tasks == [1004, 1003, 1001, 1002]
