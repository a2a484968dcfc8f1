"""`RemoteEmulator`: start `benchmarks.emulator_process` and talk to it (endpoint, keys, counters)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import TracebackType
from typing import Any

from pulumi_mms import Settings, StaticCredentials
from pulumi_mms.core.settings import SETTINGS

ROOT = Path(__file__).resolve().parent.parent


class RemoteEmulator:
    """An MMS emulator in a child process; a context manager. `stats()` reads its counters."""

    def __init__(
        self,
        sources: int = 1,
        *,
        latency_ms: int = 0,
        connection_delay_ms: int = 0,
        config_items: int = 0,
        tables: int = 0,
    ) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "benchmarks.emulator_process",
                "--sources",
                str(sources),
                "--latency-ms",
                str(latency_ms),
                "--connection-delay-ms",
                str(connection_delay_ms),
                "--config-items",
                str(config_items),
                "--tables",
                str(tables),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=ROOT,
            text=True,
        )
        hello = self._read()
        self.endpoint: str = hello["endpoint"]
        self.access_key_id: str = hello["access_key_id"]
        self.access_key_secret: str = hello["access_key_secret"]
        self.region: str = hello["region"]
        self.ids: list[int] = hello["ids"]

    def _read(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the emulator process ended without answering")
        answer: dict[str, Any] = json.loads(line)
        if "error" in answer:
            raise RuntimeError(answer["error"])
        return answer

    def _ask(self, command: str) -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return self._read()

    def stats(self) -> dict[str, Any]:
        """requests, connections, max_open_connections, requests_by_status, ... (see EmulatorStats)."""
        return self._ask("stats")

    def log(self) -> list[tuple[float, float, str]]:
        """Each logged request as the emulator saw it: start and end (ms from the first start), path."""
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.write("log\n")
        self.process.stdin.flush()
        return [(float(a), float(b), str(path)) for a, b, path in json.loads(self.process.stdout.readline())]

    def reset(self) -> None:
        self._ask("reset")

    def set_latency(self, latency_ms: int, connection_delay_ms: int) -> None:
        self._ask(f"latency {latency_ms} {connection_delay_ms}")

    def env(self) -> dict[str, str]:
        """What points this package (env settings) at the emulator."""
        return {
            "ALIBABA_CLOUD_ACCESS_KEY_ID": self.access_key_id,
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET": self.access_key_secret,
            "ALIBABA_CLOUD_REGION_ID": self.region,
            "MMS_ENDPOINT": self.endpoint,
            "MMS_PROTOCOL": "http",
        }

    def stack_config(self, **settings: str) -> dict[str, str]:
        """Stack config (`mms:*`) pointing at the emulator, as a Pulumi program would have it; `settings`
        by their key in the settings table (`maxConcurrency="64"` becomes `mms:maxConcurrency`).

        An unknown key is an error: a bare `maxConcurrency` in the config is ignored by the package, and
        a benchmark would silently measure the default instead."""
        known = {spec.key for spec in SETTINGS}
        unknown = sorted(set(settings) - known)
        if unknown:
            raise ValueError(f"not settings of the package: {', '.join(unknown)}")
        return {
            "mms:region": self.region,
            "mms:endpoint": self.endpoint,
            "mms:protocol": "http",
            "mms:accessKey": self.access_key_id,
            "mms:secretKey": self.access_key_secret,
            **{f"mms:{key}": value for key, value in settings.items()},
        }

    def settings(self, **overrides: Any) -> Settings:
        return Settings(
            region=self.region,
            endpoint=self.endpoint,
            protocol="http",
            credentials=StaticCredentials(self.access_key_id, self.access_key_secret),
            **overrides,
        )

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        if self.process.stdout is not None:
            self.process.stdout.close()

    def __enter__(self) -> RemoteEmulator:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
