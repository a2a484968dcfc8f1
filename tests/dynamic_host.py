"""Driving the real dynamic-provider host (`python -m pulumi.dynamic`) over gRPC, as the engine does."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Mapping
from concurrent import futures
from typing import Any

import grpc
import pulumi
from google.protobuf import empty_pb2, struct_pb2
from pulumi.runtime import rpc
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc, provider_pb2, provider_pb2_grpc

from pulumi_mms import MmsDataSource

from .programs import run_program

TYPE_TOKEN = "pulumi-python:dynamic/mms:MmsDataSource"
URN = f"urn:pulumi:dev::test::{TYPE_TOKEN}::ds"


def serialized_provider(**args: Any) -> str:
    """The `__provider` a real `MmsDataSource` construction puts into its inputs."""

    def program() -> None:
        MmsDataSource("ds", source_id=args.pop("source_id", 2000015), **args)

    run = run_program(program, preview=True, config={})
    (resource,) = run.of_type(TYPE_TOKEN)
    provider = resource.inputs["__provider"]
    assert isinstance(provider, str)
    return provider


def to_struct(props: Mapping[str, Any]) -> struct_pb2.Struct:
    return asyncio.run(rpc.serialize_properties(dict(props), {}))


def from_struct(struct: struct_pb2.Struct) -> dict[str, Any]:
    return dict(rpc.deserialize_properties(struct, keep_unknowns=True))


class DynamicHost:
    """A `python -m pulumi.dynamic` subprocess and a gRPC stub to it."""

    def __init__(self, env: Mapping[str, str] | None = None, engine: str | None = None) -> None:
        """`engine`: the address of an engine (see `EngineLog`), passed as the engine passes its own."""
        # Not measured by coverage: the engine stops a host with SIGTERM, which ends it before coverage
        # could save its data, so measuring it would only slow every call down (pyproject's [tool.coverage]).
        unmeasured = {k: v for k, v in os.environ.items() if not k.startswith("COVERAGE_PROCESS_")}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pulumi.dynamic", *([engine] if engine else [])],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**unmeasured, **(env or {}), "PULUMI_PROJECT": "test"},
        )
        assert self.process.stdout is not None
        port = int(self.process.stdout.readline().decode().strip())
        self.channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        self.stub = provider_pb2_grpc.ResourceProviderStub(self.channel)

    def close(self) -> str:
        """Stop the host; returns what it wrote to stderr."""
        self.channel.close()
        self.process.terminate()
        _, stderr = self.process.communicate(timeout=10)
        return stderr.decode(errors="replace")

    def configure(self, config: Mapping[str, str]) -> None:
        self.stub.Configure(provider_pb2.ConfigureRequest(args=to_struct(config), acceptSecrets=True))

    def check(
        self, olds: Mapping[str, Any], news: Mapping[str, Any]
    ) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        response = self.stub.Check(
            provider_pb2.CheckRequest(urn=URN, olds=to_struct(olds), news=to_struct(news))
        )
        return from_struct(response.inputs), [(f.property, f.reason) for f in response.failures]

    def diff(self, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> provider_pb2.DiffResponse:
        return self.stub.Diff(
            provider_pb2.DiffRequest(id=id_, urn=URN, olds=to_struct(olds), news=to_struct(news))
        )

    def create(self, props: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        response = self.stub.Create(provider_pb2.CreateRequest(urn=URN, properties=to_struct(props)))
        return response.id, from_struct(response.properties)

    def read(
        self, id_: str, props: Mapping[str, Any], inputs: Mapping[str, Any] | None = None
    ) -> tuple[str, dict[str, Any], dict[str, Any]]:
        """A refresh sends the state's outputs as `props`; a read by id (`Resource.get`) sends only the
        program's `inputs`."""
        request = provider_pb2.ReadRequest(id=id_, urn=URN, properties=to_struct(props))
        if inputs is not None:
            request.inputs.CopyFrom(to_struct(inputs))
        response = self.stub.Read(request)
        return response.id, from_struct(response.properties), from_struct(response.inputs)

    def update(self, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> dict[str, Any]:
        response = self.stub.Update(
            provider_pb2.UpdateRequest(id=id_, urn=URN, olds=to_struct(olds), news=to_struct(news))
        )
        return from_struct(response.properties)

    def delete(self, id_: str, props: Mapping[str, Any]) -> None:
        self.stub.Delete(provider_pb2.DeleteRequest(id=id_, urn=URN, properties=to_struct(props)))


class EngineLog(engine_pb2_grpc.EngineServicer):
    """A stand-in for the engine's log service on 127.0.0.1: records what providers log, and on what."""

    def __init__(self) -> None:
        self.records: list[tuple[str, str, str]] = []  # (severity, urn, message)
        self.server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
        engine_pb2_grpc.add_EngineServicer_to_server(self, self.server)
        self.address = f"127.0.0.1:{self.server.add_insecure_port('127.0.0.1:0')}"
        self.server.start()

    def Log(self, request: engine_pb2.LogRequest, context: Any) -> empty_pb2.Empty:
        severity = engine_pb2.LogSeverity.Name(request.severity).lower()
        self.records.append((severity, request.urn, request.message))
        return empty_pb2.Empty()

    def close(self) -> None:
        self.server.stop(None)


def rpc_error_last_line(error: grpc.RpcError) -> str:
    """The last line of what the host reports for a failed call (the engine prints it as the error)."""
    details = error.details() if isinstance(error, grpc.Call) else str(error)
    return (details or "").rstrip().splitlines()[-1]


UNKNOWN = rpc.UNKNOWN
__all__ = ["UNKNOWN", "DynamicHost", "EngineLog", "pulumi", "rpc_error_last_line", "serialized_provider"]
