"""Driving the real dynamic-provider host (`python -m pulumi.dynamic`) over gRPC, as the engine does."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Mapping
from typing import Any

import grpc
import pulumi
from google.protobuf import struct_pb2
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

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

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pulumi.dynamic"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, **(env or {}), "PULUMI_PROJECT": "test"},
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

    def read(self, id_: str, props: Mapping[str, Any]) -> tuple[str, dict[str, Any], dict[str, Any]]:
        response = self.stub.Read(provider_pb2.ReadRequest(id=id_, urn=URN, properties=to_struct(props)))
        return response.id, from_struct(response.properties), from_struct(response.inputs)

    def update(self, id_: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> dict[str, Any]:
        response = self.stub.Update(
            provider_pb2.UpdateRequest(id=id_, urn=URN, olds=to_struct(olds), news=to_struct(news))
        )
        return from_struct(response.properties)

    def delete(self, id_: str, props: Mapping[str, Any]) -> None:
        self.stub.Delete(provider_pb2.DeleteRequest(id=id_, urn=URN, properties=to_struct(props)))


UNKNOWN = rpc.UNKNOWN
__all__ = ["UNKNOWN", "DynamicHost", "pulumi", "serialized_provider"]
