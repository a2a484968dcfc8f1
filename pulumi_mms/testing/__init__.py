"""A local emulator of the MaxCompute MMS API (data sources and the read side of a migration) for tests.

    from pulumi_mms.testing import MmsEmulator, Throttle

    with MmsEmulator() as emu:                     # packaged sample: data source 2000015
        emu.faults.script([Throttle(retry_after_ms=200), None])
        ...  # point a client at emu.endpoint with emu.access_key_id / emu.access_key_secret

Standard library only (no pulumi, tea or pydantic imports). The pytest fixtures ``mms_emulator`` and
``mms_env`` live in :mod:`pulumi_mms.testing.fixtures`.
"""

from .data import generate_data_sources, load_data_sources, sample_data
from .emulator import MmsEmulator, generate_access_key
from .exceptions import EmulatorError
from .faults import (
    ConnectionReset,
    Fault,
    FaultPlan,
    Hang,
    HttpError,
    Latency,
    NonJsonBody,
    Throttle,
    TruncatedBody,
)
from .migration import MigrationStore, sample_migration
from .models import Credential, MmsBackend
from .server import EmulatorStats, RequestRecord

__all__ = [
    "ConnectionReset",
    "Credential",
    "EmulatorError",
    "EmulatorStats",
    "Fault",
    "FaultPlan",
    "Hang",
    "HttpError",
    "Latency",
    "MigrationStore",
    "MmsBackend",
    "MmsEmulator",
    "NonJsonBody",
    "RequestRecord",
    "Throttle",
    "TruncatedBody",
    "generate_access_key",
    "generate_data_sources",
    "load_data_sources",
    "sample_data",
    "sample_migration",
]
