"""A local emulator of the MaxCompute MMS API (GetMmsDataSource, ListMmsDataSources) for tests.

    from pulumi_mms.testing import MmsEmulator, Throttle

    with MmsEmulator() as emu:                     # packaged sample: data source 2000015
        emu.faults.script([Throttle(retry_after_ms=200), None])
        ...  # point a client at emu.endpoint with emu.access_key_id / emu.access_key_secret

Standard library only (no pulumi, tea or pydantic imports). The pytest fixtures ``mms_emulator`` and
``mms_env`` live in :mod:`pulumi_mms.testing.fixtures`.
"""

from typing import TYPE_CHECKING

from .._lazy import lazy_attributes

# Names load on first use: the pytest plugin (fixtures.py, in this package) is imported by every pytest
# session on a machine where pulumi-mms is installed, and must not start the emulator's modules there.
_LAZY = {
    "generate_data_sources": "data",
    "load_data_sources": "data",
    "sample_data": "data",
    "MmsEmulator": "emulator",
    "generate_access_key": "emulator",
    "EmulatorError": "exceptions",
    "ConnectionReset": "faults",
    "Fault": "faults",
    "FaultPlan": "faults",
    "Hang": "faults",
    "HttpError": "faults",
    "Latency": "faults",
    "NonJsonBody": "faults",
    "Throttle": "faults",
    "TruncatedBody": "faults",
    "Credential": "models",
    "MmsBackend": "models",
    "MigrationStore": "migration",
    "sample_migration": "migration",
    "EmulatorStats": "server",
    "RequestRecord": "server",
    "StsService": "sts",
}

if TYPE_CHECKING:
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
    from .sts import StsService


__getattr__ = lazy_attributes(__name__, _LAZY, globals())


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
    "StsService",
    "Throttle",
    "TruncatedBody",
    "generate_access_key",
    "generate_data_sources",
    "load_data_sources",
    "sample_data",
    "sample_migration",
]
