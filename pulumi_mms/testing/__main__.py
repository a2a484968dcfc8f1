"""``python -m pulumi_mms.testing``: run the emulator standalone until Ctrl-C (``pulumi-mms emulator``)."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from .emulator import MmsEmulator


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pulumi_mms.testing",
        description="Run a local MaxCompute MMS API emulator (GetMmsDataSource, ListMmsDataSources).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to bind (default: a free one)")
    parser.add_argument("--data", default=None, help="JSON file with data sources (default: packaged sample)")
    parser.add_argument("--region", default="cn-shanghai")
    parser.add_argument("--access-key-id", default=None, help="access key id to accept (default: generated)")
    parser.add_argument("--access-key-secret", default=None, help="its secret (default: generated)")
    parser.add_argument("--latency-ms", type=int, default=0, help="added to every request")
    parser.add_argument("--connection-delay-ms", type=int, default=0, help="added once per new connection")
    parser.add_argument("-v", "--verbose", action="store_true", help="log requests to stderr")
    return parser


def serve(argv: Sequence[str] | None = None) -> int:
    """Parse ``argv``, start the emulator, print how to use it, and serve until Ctrl-C or SIGTERM."""
    args = _parser().parse_args(argv)
    emulator = MmsEmulator(
        args.data,
        region=args.region,
        access_key_id=args.access_key_id,
        access_key_secret=args.access_key_secret,
        host=args.host,
        port=args.port,
        latency_ms=args.latency_ms,
        connection_delay_ms=args.connection_delay_ms,
        verbose=args.verbose,
    )
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, on_signal)
    with emulator:
        ids = ", ".join(str(record["id"]) for record in emulator.data_sources()) or "none"
        lines = [
            f"MMS emulator listening on {emulator.url}",
            f"endpoint: {emulator.endpoint}",
            f"access key id: {emulator.access_key_id}",
            f"access key secret: {emulator.access_key_secret}",
            f"region: {emulator.region}",
            f"data sources: {ids}",
            "",
            "# environment for clients (tea ignores NO_PROXY: unset any HTTP(S)_PROXY):",
            *(f"export {name}={value}" for name, value in emulator.env().items()),
            "unset HTTP_PROXY HTTPS_PROXY ALL_PROXY http_proxy https_proxy all_proxy",
            "",
            "Press Ctrl-C to stop.",
        ]
        print("\n".join(lines), flush=True)
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
    print("MMS emulator stopped.", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(serve())
