"""B6: the size of an `MmsDataSource`'s serialized provider (`__provider`), as it is stored in state.

The provider is pickled with dill into every resource's state; one defined in an importable module
pickles by reference (tens of bytes), one that holds values pickles them too. Measured from a real
construction under the mock runtime, with credentials in the stack config (they must not be in it).
"""

from __future__ import annotations

import base64

from .core import Options, Result, verdict
from .program import run_program

LIMIT = 1024
TYPE_TOKEN = "pulumi-python:dynamic/mms:MmsDataSource"


def serialized_provider(config: dict[str, str]) -> str:
    """The `__provider` input of a real `MmsDataSource` construction."""
    from pulumi_mms import MmsDataSource

    # Without an endpoint the runner echoes the resource's inputs instead of reading the data source.
    offline = {key: value for key, value in config.items() if key != "mms:endpoint"}
    _, run = run_program(lambda: MmsDataSource("ds", source_id=2000015).urn, config=offline)
    (resource,) = run.of_type(TYPE_TOKEN)
    provider = resource.inputs["__provider"]
    if not isinstance(provider, str):
        raise RuntimeError(f"B6: __provider is a {type(provider).__name__}, not a string")
    return provider


def run(options: Options) -> list[Result]:
    secret = "bench-secret-0123456789abcdef"  # a marker that must not reach state
    config = {"mms:region": "cn-shanghai", "mms:accessKey": "LTAI5tBenchKey", "mms:secretKey": secret}
    provider = serialized_provider(config)
    raw = base64.b64decode(provider)
    by_reference = b"pulumi_mms.mms_data_source" in raw
    leaks = secret.encode() in raw or secret in provider
    ok = len(provider) < LIMIT and not leaks
    return [
        Result(
            "B6",
            "serialized provider (__provider) of an MmsDataSource",
            f"{len(provider)} B in state ({len(raw)} B pickled)",
            "-",
            None,
            f"< {LIMIT} B",
            verdict(ok, options, timed=False),
            figures={
                "state_bytes": len(provider),
                "pickle_bytes": len(raw),
                "pickled_by_reference": by_reference,
                "secret_in_state": leaks,
            },
            notes=[] if by_reference else ["the provider is not pickled by reference"],
        )
    ]
