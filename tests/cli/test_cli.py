"""The `pulumi-mms` command through its entry point (in this process, or the installed script where the
process matters: exit statuses, imports, the emulator, the demo), against an emulator started by the test."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from pulumi_mms.cli import Redactor, demo
from pulumi_mms.cli.render import MASK, PROGRESS, label
from pulumi_mms.core.model import DataSource
from pulumi_mms.testing import HttpError, MmsEmulator

from .run import SCRIPT, SOURCE, clean_env, cli, cli_process, one_line_error

PASSWORD = "pw-cli-distinctive-42"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def env(mms_emulator: MmsEmulator) -> dict[str, str]:
    data = mms_emulator.data_source(SOURCE)
    password = {
        "key": "bq.password",
        "name": "Password",
        "type": "password",
        "value": PASSWORD,
        "group": "auth",
    }
    mms_emulator.update_data_source(SOURCE, config=[*data["config"], password])
    return clean_env(**mms_emulator.env())


def test_the_console_script_is_installed() -> None:
    assert Path(SCRIPT).is_file(), "run `.venv/bin/pip install -e '.[dev]'`"


def test_get_shows_a_table_for_people(env: dict[str, str]) -> None:
    result = cli("get", str(SOURCE), "--with-config", env=env)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert re.search(r"^  status\s+STARTED$", out, re.M)
    assert re.search(r"^  agent is online\s+yes$", out, re.M)
    assert re.search(r"^  dst projects\s+mms_test1$", out, re.M)
    # counts and percentages against the totals (tables 1000, partitions 10,000,000)
    assert re.search(
        r"^  tables\s+1,000\s+19 \(1\.9%\)\s+16 \(1\.6%\)\s+123 \(12\.3%\)\s+2 \(0\.2%\)$", out, re.M
    )
    assert re.search(
        r"^  partitions\s+10,000,000\s+23,322 \(0\.2%\)\s+11,113 \(0\.1%\)\s+32 \(0\.0%\)$", out, re.M
    )
    # every other field of the model has its row, labelled by its name
    in_progress = {f for kind in PROGRESS.values() for f in kind.values()} | {"table_num", "partition_num"}
    for field in set(DataSource.model_fields) - in_progress - {"config"}:
        assert re.search(rf"^  {label(field)}\s", out, re.M), field
    # config items by group; the value with a newline is escaped; the password is masked
    assert "Config: basic_group" in out
    assert "Config: auth" in out
    assert "Partition\\n" in out
    assert PASSWORD not in out
    assert re.search(rf"^  bq\.password\s+password\s+{re.escape(MASK)}", out, re.M)


def test_missing_counters_and_zero_totals_do_not_break_the_table(mms_emulator: MmsEmulator) -> None:
    mms_emulator.update_data_source(SOURCE, tableNum=0, tablesDoneNum=None, partitionNum=None)
    result = cli("get", str(SOURCE), env=clean_env(**mms_emulator.env()))
    assert result.returncode == 0, result.stderr
    assert re.search(r"^  tables\s+0\s+19\s+-\s+123\s+2$", result.stdout, re.M)
    assert re.search(r"^  partitions\s+-\s+23,322\s+11,113\s+32$", result.stdout, re.M)


def test_json_output_is_the_emulator_data_by_wire_name(
    env: dict[str, str], mms_emulator: MmsEmulator
) -> None:
    result = cli("get", str(SOURCE), "--with-config", "--output", "json", env=env)
    assert result.returncode == 0, result.stderr
    body: dict[str, Any] = json.loads(result.stdout)
    expected = mms_emulator.data_source(SOURCE)
    expected["config"][-1]["value"] = MASK
    assert body["data"] == expected
    assert body["requestId"]


def test_yaml_output_and_show_secrets(env: dict[str, str], mms_emulator: MmsEmulator) -> None:
    result = cli("get", str(SOURCE), "--with-config", "-o", "yaml", "--show-secrets", env=env)
    assert result.returncode == 0, result.stderr
    body = yaml.safe_load(result.stdout)
    assert body["data"] == mms_emulator.data_source(SOURCE)
    assert body["data"]["config"][-1]["value"] == PASSWORD
    table = cli("get", str(SOURCE), "--with-config", "--show-secrets", env=env)
    assert re.search(rf"^  bq\.password\s+password\s+{PASSWORD}", table.stdout, re.M)


def test_endpoint_and_protocol_flags_win_over_the_environment(mms_emulator: MmsEmulator) -> None:
    env = clean_env(**{**mms_emulator.env(), "MMS_ENDPOINT": "127.0.0.1:9", "MMS_PROTOCOL": "https"})
    result = cli(
        "get", str(SOURCE), "--endpoint", mms_emulator.endpoint, "--protocol", "http", "-o", "json", env=env
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["data"]["id"] == SOURCE


def test_not_found_exits_3(env: dict[str, str]) -> None:
    result = cli_process("get", "424242", env=env)
    assert result.returncode == 3
    line = one_line_error(result)
    assert "data source 424242 does not exist" in line
    assert "Fix: check the id and the region" in line


def test_bad_secret_exits_4_and_is_never_printed(env: dict[str, str]) -> None:
    wrong = "wrong-secret-distinctive-0123456789"
    bad = {**env, "ALIBABA_CLOUD_ACCESS_KEY_SECRET": wrong}
    result = cli_process("get", str(SOURCE), env=bad)
    assert result.returncode == 4
    assert "credentials refused" in one_line_error(result)
    debug = cli("get", str(SOURCE), "--debug", env=bad)
    assert debug.returncode == 4
    assert "Traceback" in debug.stderr
    for secret in (wrong, env["ALIBABA_CLOUD_ACCESS_KEY_SECRET"]):
        assert secret not in result.stdout + result.stderr + debug.stdout + debug.stderr


def test_permission_denied_exits_4(env: dict[str, str], mms_emulator: MmsEmulator) -> None:
    mms_emulator.deny(mms_emulator.access_key_id, SOURCE)
    result = cli("get", str(SOURCE), env=env)
    assert result.returncode == 4
    assert "grant RAM action odps:GetMmsDataSource" in one_line_error(result)


def test_other_api_errors_exit_1(env: dict[str, str], mms_emulator: MmsEmulator) -> None:
    mms_emulator.faults.script([HttpError(400, "InvalidParameter", "bad request")])
    result = cli_process("get", str(SOURCE), env=env)
    assert result.returncode == 1
    assert "request rejected" in one_line_error(result)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("get", "abc"), "SOURCE_ID must be a positive integer"),
        (("get", "-5"), ""),
        (("get", str(SOURCE), "--lang", "fr_FR"), "invalid choice"),
        (("get",), "SOURCE_ID"),
    ],
)
def test_usage_errors_exit_2(
    env: dict[str, str], args: tuple[str, ...], message: str, mms_emulator: MmsEmulator
) -> None:
    result = cli_process(*args, env=env)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert mms_emulator.stats.requests == 0


def test_no_region_is_a_usage_error_with_the_fix(mms_emulator: MmsEmulator) -> None:
    result = cli("get", str(SOURCE), env=clean_env())
    assert result.returncode == 2
    assert "set mms:region or alicloud:region" in one_line_error(result)


def test_get_does_not_import_pulumi(env: dict[str, str]) -> None:
    result = cli_process("get", str(SOURCE), "-o", "json", env=env, python_flags=("-X", "importtime"))
    assert result.returncode == 0, result.stderr
    imported = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines() if "|" in line}
    assert "pulumi_mms.core.client" in imported
    assert "pulumi" not in imported


def test_emulator_command_prints_how_to_use_it() -> None:
    process = subprocess.Popen(
        [SCRIPT, "emulator", "--port", "0"], env=clean_env(), stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        exports: dict[str, str] = {}
        for line in process.stdout:
            if match := re.match(r"^export (\w+)=(.*)$", line.strip()):
                exports[match[1]] = match[2]
            if line.startswith("Press Ctrl-C"):
                break
        assert set(exports) >= {
            "ALIBABA_CLOUD_ACCESS_KEY_ID",
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
            "MMS_ENDPOINT",
        }
        result = cli_process("get", str(SOURCE), "-o", "json", env=clean_env(**exports))
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["data"]["name"] == "demo"
    finally:
        process.terminate()
        assert process.wait(timeout=10) == 0


def test_demo_runs_the_lookup_the_example_and_the_drift() -> None:
    result = cli_process("demo", env=clean_env())
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert re.search(r"^  status\s+STARTED$", out, re.M)  # the signed lookup's table
    before, _, after = out.partition("== 3.")
    assert "alicloud:maxcompute/role:Role  mms_test1-migration" in before
    assert "alicloud:maxcompute/roleUserAttachment:RoleUserAttachment  mms_test1-migration" in before
    assert "mms_test2" not in before
    assert "+ alicloud:maxcompute/role:Role  mms_test2-migration" in after
    assert "mms_test1-migration" not in after.split("Stack outputs:")[0]  # only what would be added
    assert "~ status: STARTED -> STARTING  (drift)" in after
    assert re.search(r"~ tables_done_num: \d+ -> \d+  \(not drift by default\)", after)


def test_demo_without_its_example_fails_with_the_fix(tmp_path: Path) -> None:
    with pytest.raises(demo.DemoError) as caught:
        demo.example_dir((tmp_path / "wheel", tmp_path / "checkout"))
    message = str(caught.value)
    assert "the example dst-project-policies is missing from this installation" in message
    assert str(tmp_path / "wheel") in message
    assert "Fix: reinstall pulumi-mms" in message
    assert demo.example_dir() == ROOT / "examples" / "dst-project-policies"  # the checkout's copy


def test_demo_without_pulumi_alicloud_skips_the_preview_with_the_fix() -> None:
    """A plain `pip install pulumi-mms` lacks pulumi-alicloud, which the example uses (the `demo` extra)."""
    code = (
        "import sys; sys.modules['pulumi_alicloud'] = None\n"  # as if not installed
        "from pulumi_mms.cli import main; raise SystemExit(main(['demo']))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "skipped: the example uses pulumi-alicloud. Fix: pip install 'pulumi-mms[demo]'" in done.stdout
    assert "alicloud:maxcompute" not in done.stdout
    assert re.search(r"^  status\s+STARTED$", done.stdout, re.M)  # step 1 ran
    assert "~ status: STARTED -> STARTING  (drift)" in done.stdout  # and step 3


def test_redactor_scrubs_secret_settings_from_text() -> None:
    redact = Redactor(
        {"ALIBABA_CLOUD_ACCESS_KEY_SECRET": "s3cr3t-value-1", "ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAIabc"}
    )
    redact.add("sts-token-value-2", None, "short")
    text = "key LTAIabc secret s3cr3t-value-1 token sts-token-value-2 short"
    assert redact(text) == "key LTAIabc secret ******** token ******** short"


def test_get_by_name(env: dict[str, str]) -> None:
    result = cli("get", "--name", "demo", "-o", "json", env=env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["data"]["id"] == SOURCE
    missing = cli("get", "--name", "nope", env=env)
    assert missing.returncode == 3
    assert "no data source is named 'nope'" in missing.stderr
    both = cli("get", str(SOURCE), "--name", "demo", env=env)
    assert both.returncode == 2
    assert "exactly one" in both.stderr


def test_get_by_ambiguous_name_is_a_usage_error(mms_emulator: MmsEmulator, env: dict[str, str]) -> None:
    mms_emulator.put_data_source({**mms_emulator.data_source(SOURCE), "id": 2000016})
    result = cli("get", "--name", "demo", env=env)
    assert result.returncode == 2
    assert "2 data sources are named 'demo'" in result.stderr


def test_get_wait_returns_once_ready_and_fails_on_a_failed_data_source(
    mms_emulator: MmsEmulator, env: dict[str, str]
) -> None:
    mms_emulator.script_states(SOURCE, [{"status": "STARTED", "agentIsOnline": True}])
    ready = cli("get", str(SOURCE), "--wait", "ready", "-o", "json", env=env)
    assert ready.returncode == 0, ready.stderr
    assert json.loads(ready.stdout)["data"]["status"] == "STARTED"
    mms_emulator.script_states(SOURCE, [{"status": "START_FAILED", "errMsg": "keytab expired"}])
    failed = cli("get", str(SOURCE), "--wait", "ready", env=env)
    assert failed.returncode == 1
    assert "keytab expired" in failed.stderr


def test_list_filters_and_outputs(mms_emulator: MmsEmulator, env: dict[str, str]) -> None:
    from pulumi_mms.testing import generate_data_sources

    mms_emulator.put_data_sources(generate_data_sources(60, seed=5))
    expected = sorted(d["id"] for d in mms_emulator.data_sources() if d["status"] == "STARTED")
    as_json = cli("list", "--status", "STARTED", "-o", "json", env=env)
    assert as_json.returncode == 0, as_json.stderr
    assert [item["id"] for item in json.loads(as_json.stdout)] == expected
    table = cli("list", "--name-regex", "^demo$", env=env)
    assert table.returncode == 0, table.stderr
    assert re.search(r"^id\s+name\s+type\s+status", table.stdout, re.M)
    assert re.search(r"^2000015\s+demo\s+BIGQUERY\s+STARTED\s+yes", table.stdout, re.M)
    assert "1 data source(s)" in table.stdout
    bad = cli("list", "--name-regex", "(", env=env)
    assert bad.returncode == 2
    assert "invalid --name-regex: --name-regex is not a valid regular expression" in bad.stderr
