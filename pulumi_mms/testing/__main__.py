"""``python -m pulumi_mms.testing``: run the emulator standalone until Ctrl-C (``pulumi-mms emulator``)."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from .emulator import MmsEmulator


def _parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Run a local MaxCompute MMS API emulator (GetMmsDataSource, ListMmsDataSources).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to bind (default: a free one)")
    parser.add_argument("--data", default=None, help="JSON file with data sources (default: packaged sample)")
    parser.add_argument("--region", default="cn-shanghai", help="region it serves (default cn-shanghai)")
    parser.add_argument("--access-key-id", default=None, help="access key id to accept (default: generated)")
    parser.add_argument("--access-key-secret", default=None, help="its secret (default: generated)")
    parser.add_argument("--latency-ms", type=int, default=0, help="added to every request")
    parser.add_argument("--connection-delay-ms", type=int, default=0, help="added once per new connection")
    parser.add_argument("-v", "--verbose", action="store_true", help="log requests to stderr")
    return parser


def serve(argv: Sequence[str] | None = None, prog: str = "python -m pulumi_mms.testing") -> int:
    """Parse ``argv``, start the emulator, print how to use it, and serve until Ctrl-C or SIGTERM.

    ``prog`` is the command as the user typed it (``pulumi-mms emulator``), for ``--help`` and errors.
    """
    args = _parser(prog).parse_args(argv)
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
            "# environment for clients:",
            *(f"export {name}={value}" for name, value in emulator.env().items()),
            "# With HTTP(S)_PROXY set, pulumi-mms honours NO_PROXY (`export NO_PROXY=127.0.0.1`); other",
            "# tea-based clients (the official SDK) ignore NO_PROXY: unset the proxy variables for them.",
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
