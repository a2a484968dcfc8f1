"""Running a Pulumi program under the mock runtime, as `pulumi preview` would (after tests/programs.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pulumi
import pulumi.runtime


class EchoMocks(pulumi.runtime.Mocks):
    """Echoes inputs as outputs; keeps the inputs of every registered resource."""

    def __init__(self) -> None:
        self.registered: list[tuple[str, dict[str, Any]]] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[Any, Any]]:
        self.registered.append((args.typ, dict(args.inputs)))
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[Any, Any], list[tuple[str, str]] | None]:
        return {}, None


def run_program(
    program: Callable[[], Any], *, config: dict[str, str], preview: bool = True
) -> tuple[Any, EchoMocks]:
    """Run `program` to completion; returns its resolved value and the mocks (registered resources).

    Each call is a new program run (a new mocked monitor): per-run caches start empty.
    """
    asyncio.set_event_loop(asyncio.new_event_loop())  # set_mocks registers the stack on the current loop
    mocks = EchoMocks()
    pulumi.runtime.set_mocks(mocks, project="bench", stack="dev", preview=preview)
    pulumi.runtime.set_all_config(config)
    seen: dict[str, Any] = {}

    @pulumi.runtime.test  # type: ignore[untyped-decorator]
    def body() -> Any:
        return pulumi.Output.from_input(program()).apply(lambda value: seen.update(value=value))

    body()
    return seen.get("value"), mocks
