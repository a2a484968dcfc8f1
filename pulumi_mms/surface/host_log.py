"""Messages from the dynamic-provider host to the Pulumi engine, attached to the resource being served.

The host (`python -m pulumi.dynamic`) hands a provider neither a connection to the engine nor the URN of
the resource a request is about. Both exist, though: the engine starts every provider plugin with its
own address as the first argument, and the host's request handler holds the request, URN included, on
the calling thread. When both are found, a message goes to the engine's log attached to that resource
(the CLI shows it on the resource's row). Otherwise it goes through `pulumi.log`, which in the host
prints to stderr, and the engine shows that line unattached.
"""

from __future__ import annotations

import os
import re
import sys
import threading
from types import FrameType
from typing import Literal

import grpc
import pulumi
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc

_HOST_FILE = os.path.join("pulumi", "dynamic", "__main__.py")
_ADDRESS = re.compile(r"^[\w.\-\[\]:]+:[0-9]{1,5}$")
_SEVERITY = {"info": engine_pb2.INFO, "warning": engine_pb2.WARNING}

_engine: engine_pb2_grpc.EngineStub | None = None
_engine_lock = threading.Lock()


def _in_host() -> bool:
    spec = getattr(sys.modules.get("__main__"), "__spec__", None)
    return getattr(spec, "name", None) == "pulumi.dynamic.__main__"


def _engine_stub() -> engine_pb2_grpc.EngineStub | None:
    """The engine at the address the host was started with, when this runs in the host."""
    global _engine
    with _engine_lock:
        if _engine is None and _in_host() and len(sys.argv) > 1 and _ADDRESS.match(sys.argv[1]):
            _engine = engine_pb2_grpc.EngineStub(grpc.insecure_channel(sys.argv[1]))
        return _engine


def serving_urn() -> str | None:
    """The URN of the resource whose request the host is serving on this thread, if it can be found."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_filename.endswith(_HOST_FILE):
            urn = getattr(frame.f_locals.get("request"), "urn", None)
            if isinstance(urn, str) and urn:
                return urn
        frame = frame.f_back
    return None


def log(severity: Literal["info", "warning"], message: str) -> None:
    """Log `message` on the resource being served."""
    engine, urn = _engine_stub(), serving_urn()
    if engine is not None and urn is not None:
        request = engine_pb2.LogRequest(severity=_SEVERITY[severity], message=message, urn=urn)
        try:
            engine.Log(request, timeout=5)
            return
        except grpc.RpcError:
            pass  # an engine that went away: say it on stderr instead
    (pulumi.log.info if severity == "info" else pulumi.log.warn)(message)


def info(message: str) -> None:
    log("info", message)


def warn(message: str) -> None:
    log("warning", message)
