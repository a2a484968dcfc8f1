"""B5: a GetMmsDataSource response with 5,000 config items, end to end and as a parse alone.

End to end (what users get): `MmsClient.get_data_source(id, with_config=True)` vs the official SDK's
`get_mms_data_source_with_options`, each on its own warm client, against the emulator in its own process
(no added latency) serving that data source: request, signing, transport, reading and validating the
body. Time (median, interleaved) and the traced peak of one call.

The parse alone (a part: the model, not the call): both sides start from the same bytes (JSON decoding
included on both sides). Ours is measured both ways
(`model_validate_json(bytes)` and `json.loads` + `model_validate`); the faster counts. Memory is the peak of
each parse, two ways: tracemalloc (Python's allocator only: it does not see pydantic-core's Rust
allocations) and, in a fresh process per contender, the rise of the peak resident set (everything).
"""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import tracemalloc
from collections.abc import Callable
from typing import Any

import pydantic_core
from alibabacloud_maxcompute20220104.models import GetMmsDataSourceRequest, GetMmsDataSourceResponseBody
from darabonba.runtime import RuntimeOptions

from pulumi_mms import MmsClient
from pulumi_mms.core.model import GetMmsDataSourceResponse
from pulumi_mms.testing import generate_data_sources
from pulumi_mms.testing.responses import render_config_item, render_data_source

from .core import Options, Result, interleaved, median, ms, verdict
from .remote import ROOT, RemoteEmulator
from .sdk import sdk_client

SPEED_TARGET = 2.0


def response_bytes(items: int) -> bytes:
    """A response as the emulator sends it (compact UTF-8 JSON, `lang=en_US`) with `items` config items."""
    per_source = 4
    records = generate_data_sources(-(-items // per_source))
    config: list[dict[str, Any]] = []
    for index, record in enumerate(records):
        for item in record["config"]:
            rendered = render_config_item(item, "en_US")
            rendered["key"] = f"{rendered['key']}.{index}"
            config.append(rendered)
    data = render_data_source(records[0], with_config=True, lang="en_US")
    data["config"] = config[:items]
    body = {"requestId": "98EC8C47-3D6D-560C-808B-84E494220A32", "data": data}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def parsers(raw: bytes) -> dict[str, Callable[[], object]]:
    return {
        "ours_json": lambda: GetMmsDataSourceResponse.model_validate_json(raw),
        "ours_loads": lambda: GetMmsDataSourceResponse.model_validate(json.loads(raw)),
        "sdk": lambda: GetMmsDataSourceResponseBody().from_map(json.loads(raw)),
        "json_floor": lambda: pydantic_core.from_json(raw),  # pydantic's JSON parser alone, no model
    }


def traced_peak(parse: Callable[[], object]) -> int:
    """Peak bytes allocated through Python's allocator while parsing (the result kept alive)."""
    gc.collect()
    tracemalloc.start()
    try:
        result = parse()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del result
    return peak


_RSS_SCRIPT = """
import gc, sys
from benchmarks.parse import parsers, response_bytes
parsers(response_bytes(4))[sys.argv[1]]()  # first-use allocations of the parser are not the parse's
parse = parsers(response_bytes(int(sys.argv[2])))[sys.argv[1]]
def status_kb(field):
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(field + ":"))
gc.collect()
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")  # reset the peak resident set (VmHWM) to the current one
before = status_kb("VmRSS")
result = parse()
print(status_kb("VmHWM") - before)
"""


def rss_rise_kb(name: str, items: int) -> int:
    """Rise of the peak resident set caused by one parse, in a fresh process (KiB; Linux)."""
    done = subprocess.run(
        [sys.executable, "-c", _RSS_SCRIPT, name, str(items)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return int(done.stdout.strip())


def _same_items(raw: bytes, contenders: dict[str, Callable[[], object]], items: int) -> None:
    """Every contender of ours really parsed every item, to the same values."""
    seen = []
    for name in ("ours_json", "ours_loads"):
        config = contenders[name]().data.config  # type: ignore[attr-defined]
        seen.append([(c.key, c.type, c.value, c.required) for c in config])
    if len(seen[0]) != items or any(other != seen[0] for other in seen[1:]):
        raise RuntimeError("B5: the parsers disagree or missed config items")


def end_to_end(options: Options, items: int) -> list[Result]:
    """Ours vs the SDK, the whole call, on warm clients against a data source with `items` config items."""
    with RemoteEmulator(1, config_items=items) as emulator:
        source_id = emulator.ids[0]
        ours = MmsClient(emulator.settings())
        sdk = sdk_client(emulator)
        request = GetMmsDataSourceRequest(with_config=True, lang="en_US")
        contenders: dict[str, Callable[[], object]] = {
            "ours": lambda: ours.get_data_source(source_id, with_config=True, lang="en_US"),
            "sdk": lambda: sdk.get_mms_data_source_with_options(
                str(source_id), request, {}, RuntimeOptions()
            ),
        }
        got = ours.get_data_source(source_id, with_config=True, lang="en_US").data.config or []
        sdk_got = sdk.get_mms_data_source_with_options(str(source_id), request, {}, RuntimeOptions())
        if len(got) != items or len(sdk_got.body.data.config) != items:
            raise RuntimeError("B5: an end-to-end call missed config items")
        interleaved(contenders, rounds=options.pick(3, 1), budget_s=30)
        times = interleaved(contenders, rounds=options.pick(30, 1), budget_s=options.pick(60, 10))
        traced = {name: traced_peak(call) for name, call in contenders.items()}
    med = {name: median(values) for name, values in times.items()}
    speedup = med["sdk"] / med["ours"]
    return [
        Result(
            "B5",
            f"GetMmsDataSource with {items} config items, end to end (warm clients): time",
            ms(med["ours"]),
            f"SDK get_mms_data_source_with_options {ms(med['sdk'])}",
            speedup,
            "faster than SDK",
            verdict(speedup > 1.0, options),
            ratio_label="faster",
            figures={"median_s": med, "rounds": len(times["sdk"])},
        ),
        Result(
            "B5",
            "same call end to end: peak memory",
            f"{traced['ours'] / 2**20:.1f} MiB traced",
            f"SDK {traced['sdk'] / 2**20:.1f} MiB traced",
            traced["ours"] / traced["sdk"],
            "no higher than SDK",
            verdict(traced["ours"] <= traced["sdk"], options),
            ratio_label="of SDK (traced)",
            figures={"tracemalloc_peak_bytes": traced},
        ),
    ]


def run(options: Options) -> list[Result]:
    items = options.pick(5000, 500)
    whole = end_to_end(options, items)
    raw = response_bytes(items)
    contenders = parsers(raw)
    _same_items(raw, contenders, items)
    interleaved(contenders, rounds=options.pick(3, 1), budget_s=30)
    times = interleaved(contenders, rounds=options.pick(40, 1), budget_s=options.pick(60, 10))
    med = {name: median(values) for name, values in times.items()}
    ours_name = min(("ours_json", "ours_loads"), key=lambda name: med[name])
    other = "ours_loads" if ours_name == "ours_json" else "ours_json"
    speedup = med["sdk"] / med[ours_name]
    models = [name for name in contenders if name != "json_floor"]
    traced = {name: traced_peak(contenders[name]) for name in models}
    rss = {name: rss_rise_kb(name, items) for name in models}
    label = {"ours_json": "model_validate_json", "ours_loads": "json.loads + model_validate"}

    def memory(name: str) -> str:
        return f"{traced[name] / 2**20:.1f} MiB traced, {rss[name] / 1024:.1f} MiB RSS"

    memory_ok = traced[ours_name] <= traced["sdk"] and rss[ours_name] <= rss["sdk"]
    return [
        *whole,
        Result(
            "B5",
            f"model only (a part): parse the {len(raw) // 1024} KiB body of {items} config items: time",
            f"{ms(med[ours_name])} ({label[ours_name]})",
            f"SDK json.loads + from_map {ms(med['sdk'])}; {label[other]} {ms(med[other])}",
            speedup,
            f">= {SPEED_TARGET:g}x faster",
            verdict(speedup >= SPEED_TARGET, options),
            ratio_label="faster",
            figures={"median_s": med, "bytes": len(raw), "rounds": len(times["sdk"])},
            notes=[
                f"the JSON parse alone (pydantic_core.from_json, no model) takes {ms(med['json_floor'])}"
                f" = {med['json_floor'] / med['sdk']:.2f} of the SDK's total; 2x would leave"
                f" {ms(med['sdk'] / SPEED_TARGET - med['json_floor'])} to validate and build {items} items"
            ],
        ),
        Result(
            "B5",
            "model only (a part): same parse: peak memory",
            memory(ours_name),
            f"SDK {memory('sdk')}",
            traced[ours_name] / traced["sdk"],
            "no higher than SDK",
            verdict(memory_ok, options),  # judged at full size only: small N is all noise
            ratio_label="of SDK (traced)",
            figures={"tracemalloc_peak_bytes": traced, "rss_rise_kib": rss},
        ),
    ]
