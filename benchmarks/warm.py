"""B1: one lookup in a warm process, no added latency: ours vs the official SDK vs the raw-HTTP floor.

The floor is `http.client` on a kept-alive connection plus `json.loads`, without any client library. The
emulator refuses unsigned requests, so the floor replays one request signed up front (the emulator checks
the date's skew, not nonces): it gets the same 200 response through the same server path as the two
clients, and only the per-request signing (~20 µs of HMAC) is left out of it.
"""

from __future__ import annotations

import http.client
import json
import secrets
from typing import Any

from pulumi_mms import MmsClient
from pulumi_mms.testing import signing

from .core import Options, Result, interleaved, median, ms, verdict
from .remote import RemoteEmulator
from .sdk import sdk_client, sdk_get

TARGET = 1.1


class RawFloor:
    """A kept-alive `http.client` connection replaying one pre-signed GetMmsDataSource."""

    def __init__(self, emulator: RemoteEmulator, source_id: int) -> None:
        host, port = emulator.endpoint.rsplit(":", 1)
        self.connection = http.client.HTTPConnection(host, int(port), timeout=10)
        self.path = f"/api/v1/mms/datasources/{source_id}"
        headers = [
            ("host", emulator.endpoint),
            ("x-acs-version", "2022-01-04"),
            ("x-acs-action", "GetMmsDataSource"),
            ("x-acs-date", signing.format_date()),
            ("x-acs-signature-nonce", secrets.token_hex(16)),
            ("x-acs-content-sha256", signing.EMPTY_PAYLOAD_HASH),
        ]
        auth = signing.authorization_header(
            "GET",
            self.path,
            [],
            headers,
            access_key_id=emulator.access_key_id,
            access_key_secret=emulator.access_key_secret,
        )
        self.headers = {**dict(headers), "accept": "application/json", "Authorization": auth}

    def get(self) -> Any:
        self.connection.request("GET", self.path, headers=self.headers)
        response = self.connection.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"floor request refused: {response.status} {body[:200]!r}")
        return json.loads(body)

    def close(self) -> None:
        self.connection.close()


def run(options: Options) -> list[Result]:
    rounds = options.pick(3000, 60)
    with RemoteEmulator(1) as emulator:
        source_id = emulator.ids[0]
        ours = MmsClient(emulator.settings())
        sdk = sdk_client(emulator)
        floor = RawFloor(emulator, source_id)
        contenders = {
            "ours": lambda: ours.get_data_source(source_id),
            "sdk": lambda: sdk_get(sdk, source_id),
            "floor": floor.get,
        }
        interleaved(contenders, rounds=options.pick(100, 5), budget_s=10)  # warm: pools, caches, imports
        before = emulator.stats()
        times = interleaved(contenders, rounds=rounds, budget_s=options.pick(60, 10))
        after = emulator.stats()
        floor.close()
    med = {name: median(values) for name, values in times.items()}
    ratio = med["ours"] / med["sdk"]
    new_connections = after["connections"] - before["connections"]
    return [
        Result(
            "B1",
            "one lookup, warm, no added latency",
            ms(med["ours"]),
            f"SDK {ms(med['sdk'])}; raw http.client floor {ms(med['floor'])}"
            f" ({med['ours'] / med['floor']:.2f}x)",
            ratio,
            f"<= {TARGET}x SDK",
            verdict(ratio <= TARGET, options),
            ratio_label="of SDK",
            figures={
                "median_s": med,
                "rounds": len(times["ours"]),
                "p90_s": {name: sorted(v)[int(len(v) * 0.9)] for name, v in times.items()},
                "new_connections_while_timed": new_connections,
            },
        )
    ]
