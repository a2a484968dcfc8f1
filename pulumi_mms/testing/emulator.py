"""``MmsEmulator``: the user-facing local MMS API, usable as a context manager or with start()/stop()."""

from __future__ import annotations

import secrets
import string
import threading
from collections.abc import Iterable, Mapping
from datetime import datetime
from types import TracebackType
from typing import Any

from . import signing
from .data import DataInput, load_data_sources
from .faults import FaultPlan
from .migration import MigrationStore, sample_migration
from .models import Credential, MmsBackend
from .server import EmulatorStats, MmsHTTPServer, RequestRecord, StatsRecorder

DEFAULT_REGION = "cn-shanghai"
DEFAULT_ACCOUNT_ID = "1234567890123456"
_ALNUM = string.ascii_letters + string.digits


def generate_access_key() -> tuple[str, str]:
    """A random access key pair shaped like a real one (``LTAI5t`` + 18 characters, 30-character secret)."""
    key_id = "LTAI5t" + "".join(secrets.choice(_ALNUM) for _ in range(18))
    secret = "".join(secrets.choice(_ALNUM) for _ in range(30))
    return key_id, secret


class MmsEmulator:
    """A local MaxCompute MMS API on 127.0.0.1: GetMmsDataSource, ListMmsDataSources and the read side of
    a migration (jobs, databases, tables, partitions, tasks, timers, their logs, scans, config items).

    ``data``: None for the packaged sample (data source 2000015 with its migration, see ``migration``),
    a path to a JSON file, a data dict or a list of them (see
    :func:`pulumi_mms.testing.data.load_data_sources`). One access key pair is
    generated (or taken from ``access_key_id``/``access_key_secret``) and registered. Requests must be
    signed with ACS3-HMAC-SHA256 and carry an ``x-acs-date`` within ``max_clock_skew_s`` of now.

    Point tea-openapi at it with ``Config(endpoint=emu.endpoint, protocol="http", ...)`` and make sure no
    HTTP(S)_PROXY is set: tea sends through a proxy even to loopback.
    """

    def __init__(
        self,
        data: DataInput = None,
        *,
        region: str = DEFAULT_REGION,
        account_id: str = DEFAULT_ACCOUNT_ID,
        access_key_id: str | None = None,
        access_key_secret: str | None = None,
        max_clock_skew_s: float = signing.DEFAULT_MAX_CLOCK_SKEW_S,
        host: str = "127.0.0.1",
        port: int = 0,
        latency_ms: int = 0,
        connection_delay_ms: int = 0,
        verbose: bool = False,
    ) -> None:
        generated_id, generated_secret = generate_access_key()
        self._access_key_id = access_key_id or generated_id
        self._access_key_secret = access_key_secret or generated_secret
        self._host = host
        self._port = port
        self._max_clock_skew_s = max_clock_skew_s
        self._verbose = verbose
        self._backend = MmsBackend(region, account_id)
        self._backend.add_credential(Credential(self._access_key_id, self._access_key_secret))
        for record in load_data_sources(data):
            self._backend.put_data_source(record)
        if data is None:  # the packaged sample comes with its migration: dbs, tables, jobs, timers
            self._backend.migration.load(sample_migration())
        self._faults = FaultPlan(latency_ms=latency_ms, connection_delay_ms=connection_delay_ms)
        self._stats = StatsRecorder()
        self._server: MmsHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._lifecycle = threading.Lock()

    # -- lifecycle ----------------------------------------------------------------------------------

    def start(self) -> MmsEmulator:
        """Start serving (no-op if running). A restarted emulator listens on the same port again."""
        with self._lifecycle:
            if self._server is not None:
                return self
            server = MmsHTTPServer(
                (self._host, self._port),
                self._backend,
                self._faults,
                self._stats,
                max_clock_skew_s=self._max_clock_skew_s,
                verbose=self._verbose,
            )
            self._port = server.server_port
            # A short poll interval lets stop() return within ~10 ms (serve_forever checks it between polls).
            thread = threading.Thread(
                target=server.serve_forever,
                kwargs={"poll_interval": 0.01},
                name=f"mms-emulator-{self._port}",
                daemon=True,
            )
            thread.start()
            self._server, self._thread = server, thread
            return self

    def stop(self) -> None:
        """Stop serving: drop open connections, end hanging requests. Idempotent."""
        with self._lifecycle:
            server, thread = self._server, self._thread
            self._server = self._thread = None
        if server is None:
            return
        server.stop_event.set()
        server.shutdown()
        server.close_all_connections()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> MmsEmulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._server is not None

    # -- where and how to connect ---------------------------------------------------------------------

    def _require_running(self) -> MmsHTTPServer:
        server = self._server
        if server is None:
            raise RuntimeError("the MMS emulator is not running: call start() or use it as a context manager")
        return server

    @property
    def host(self) -> str:
        self._require_running()
        return self._host

    @property
    def port(self) -> int:
        self._require_running()
        return self._port

    @property
    def endpoint(self) -> str:
        """``host:port``, what tea-openapi's ``Config(endpoint=..., protocol="http")`` takes."""
        return f"{self.host}:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.endpoint}"

    @property
    def access_key_id(self) -> str:
        return self._access_key_id

    @property
    def access_key_secret(self) -> str:
        return self._access_key_secret

    @property
    def region(self) -> str:
        return self._backend.region

    @property
    def account_id(self) -> str:
        return self._backend.account_id

    def env(self) -> dict[str, str]:
        """Environment variables that point a client (and this package) at the emulator."""
        return {
            "ALIBABA_CLOUD_ACCESS_KEY_ID": self._access_key_id,
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET": self._access_key_secret,
            "ALIBABA_CLOUD_REGION_ID": self.region,
            "MMS_ENDPOINT": self.endpoint,
            "MMS_PROTOCOL": "http",
        }

    # -- credentials and RAM --------------------------------------------------------------------------

    def add_access_key(self, access_key_id: str, access_key_secret: str) -> None:
        """Accept another permanent access key pair."""
        self._backend.add_credential(Credential(access_key_id, access_key_secret))

    def add_sts_token(
        self,
        access_key_id: str,
        access_key_secret: str,
        security_token: str,
        expires_at: datetime | float | None = None,
    ) -> None:
        """Accept an STS credential: requests must carry ``security_token`` until ``expires_at``.

        ``expires_at`` is an aware datetime or epoch seconds (None: never expires).
        """
        expiry = expires_at.timestamp() if isinstance(expires_at, datetime) else expires_at
        self._backend.add_credential(Credential(access_key_id, access_key_secret, security_token, expiry))

    def remove_access_key(self, access_key_id: str) -> None:
        self._backend.remove_credential(access_key_id)

    def deny(self, access_key_id: str, source_id: int | None = None) -> None:
        """RAM denial: ``access_key_id`` gets 403 Forbidden.RAM for ``source_id`` (None: for everything)."""
        self._backend.deny(access_key_id, source_id)

    def allow(self, access_key_id: str, source_id: int | None = None) -> None:
        """Lift a denial made with the same arguments."""
        self._backend.allow(access_key_id, source_id)

    # -- data -------------------------------------------------------------------------------------------

    def put_data_source(self, data: Mapping[str, Any]) -> int:
        """Store a wire-format data dict (camelCase, as in a response's ``data``); returns its id."""
        return self._backend.put_data_source(data)

    def put_data_sources(self, records: Iterable[Mapping[str, Any]]) -> list[int]:
        return [self._backend.put_data_source(record) for record in records]

    def update_data_source(self, source_id: int, **fields: Any) -> None:
        """Overwrite wire fields: ``update_data_source(2000015, status="STOPPED", dstProjects=[...])``."""
        self._backend.update_data_source(source_id, fields)

    def remove_data_source(self, source_id: int) -> None:
        self._backend.remove_data_source(source_id)

    def clear_data_sources(self) -> None:
        self._backend.clear_data_sources()

    def data_source(self, source_id: int) -> dict[str, Any]:
        """A copy of the stored data source; KeyError if there is none."""
        record = self._backend.data_source(source_id)
        if record is None:
            raise KeyError(f"no data source with id {source_id}")
        return record

    def data_sources(self) -> list[dict[str, Any]]:
        """Copies of all stored data sources, ordered by id."""
        return self._backend.data_sources()

    def script_states(self, source_id: int, steps: Iterable[Mapping[str, Any]]) -> None:
        """Each GetMmsDataSource of ``source_id`` applies the next step's fields, then the state stays.

        ``script_states(7, [{"status": "STARTING"}, {"status": "STARTED", "agentIsOnline": True}])``: the
        first read sees STARTING, the second and later ones STARTED. Replaces any earlier script.
        """
        self._backend.script_states(source_id, steps)

    @property
    def migration(self) -> MigrationStore:
        """The migration state (dbs, tables, partitions, jobs, tasks, timers, logs) per data source.

        ``emu.migration.load(document)`` adds a fixture shaped like the packaged ``migration_sample.json``;
        ``emu.migration.script_job(2000015, 2, after_reads=3)`` runs job 2 and ends it three reads later.
        """
        return self._backend.migration

    # -- faults and counters ----------------------------------------------------------------------------

    @property
    def faults(self) -> FaultPlan:
        return self._faults

    @property
    def stats(self) -> EmulatorStats:
        """A snapshot of the counters (kept across restarts until :meth:`reset_stats`)."""
        return self._stats.snapshot()

    @property
    def request_log(self) -> list[RequestRecord]:
        """The last 10 000 requests, oldest first."""
        return self._stats.log()

    def reset_stats(self) -> None:
        self._stats.reset()

    @property
    def backend(self) -> MmsBackend:
        """The underlying state, for what the methods above do not cover."""
        return self._backend

    def __repr__(self) -> str:
        where = self.endpoint if self.running else "stopped"
        return f"MmsEmulator({where}, region={self.region!r}, data_sources={len(self.data_sources())})"
