"""The baseline: the official SDK (alibabacloud_maxcompute20220104) doing the same GetMmsDataSource."""

from __future__ import annotations

from typing import Any

from alibabacloud_maxcompute20220104.client import Client
from alibabacloud_maxcompute20220104.models import GetMmsDataSourceRequest
from alibabacloud_tea_openapi.models import Config
from darabonba.runtime import RuntimeOptions

from .remote import RemoteEmulator


def sdk_client(emulator: RemoteEmulator) -> Client:
    return Client(
        Config(
            access_key_id=emulator.access_key_id,
            access_key_secret=emulator.access_key_secret,
            endpoint=emulator.endpoint,
            protocol="http",
            region_id=emulator.region,
        )
    )


def sdk_get(client: Client, source_id: int) -> Any:
    """One GetMmsDataSource, exactly as a user of the official SDK writes it."""
    return client.get_mms_data_source_with_options(
        str(source_id), GetMmsDataSourceRequest(), {}, RuntimeOptions()
    )


SDK_COLD_SCRIPT = """
import os
from alibabacloud_maxcompute20220104.client import Client
from alibabacloud_maxcompute20220104.models import GetMmsDataSourceRequest
from alibabacloud_tea_openapi.models import Config
from darabonba.runtime import RuntimeOptions
e = os.environ
client = Client(Config(access_key_id=e["ALIBABA_CLOUD_ACCESS_KEY_ID"],
    access_key_secret=e["ALIBABA_CLOUD_ACCESS_KEY_SECRET"], endpoint=e["MMS_ENDPOINT"], protocol="http",
    region_id=e["ALIBABA_CLOUD_REGION_ID"]))
response = client.get_mms_data_source_with_options(e["BENCH_SOURCE_ID"], GetMmsDataSourceRequest(), {},
    RuntimeOptions())
print(response.body.data.name, response.body.data.status)
"""
"""A fresh process: import the SDK, one lookup, print it (B4's baseline)."""
