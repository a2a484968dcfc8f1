"""`pulumi-mms get/list --profile`: credentials and region from an aliyun CLI profile."""

from __future__ import annotations

import json
from pathlib import Path

from pulumi_mms.testing import MmsEmulator

from .run import SOURCE, clean_env, cli


def test_get_and_list_with_a_profile_take_its_keys_and_region(
    mms_emulator: MmsEmulator, tmp_path: Path
) -> None:
    (tmp_path / ".aliyun").mkdir()
    profile = {
        "name": "work",
        "mode": "AK",
        "access_key_id": mms_emulator.access_key_id,
        "access_key_secret": mms_emulator.access_key_secret,
        "region_id": "cn-beijing",
    }
    other = {**profile, "name": "other", "access_key_id": "LTAI5tNotKnownKey", "region_id": "eu-central-1"}
    (tmp_path / ".aliyun" / "config.json").write_text(
        json.dumps({"current": "other", "profiles": [profile, other]})
    )
    env = clean_env(HOME=str(tmp_path), MMS_ENDPOINT=mms_emulator.endpoint, MMS_PROTOCOL="http")

    got = cli("get", str(SOURCE), "--profile", "work", "-o", "json", env=env)
    assert got.returncode == 0, got.stderr
    assert json.loads(got.stdout)["data"]["id"] == SOURCE
    listed = cli("list", "--profile", "work", "-o", "json", env=env)
    assert listed.returncode == 0, listed.stderr
    assert str(SOURCE) in listed.stdout
    assert mms_emulator.access_key_secret not in got.stdout + got.stderr + listed.stdout + listed.stderr

    mms_emulator.deny(mms_emulator.access_key_id)
    denied = cli("get", str(SOURCE), "--profile", "work", env=env)
    assert denied.returncode == 4, denied.stderr
    assert "region cn-beijing" in denied.stderr  # the profile's region, not the current profile's
    missing = cli("get", str(SOURCE), "--profile", "absent", env=env)
    assert missing.returncode == 4, missing.stderr
    assert "profile 'absent' was not found" in missing.stderr
    assert "aliyun configure --profile" in missing.stderr
