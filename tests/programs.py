"""Running a Pulumi program under the mock runtime (`pulumi.runtime.set_mocks`) in tests."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import attrs
import pulumi
import pulumi.runtime


@attrs.define
class Registered:
    type: str
    name: str
    inputs: dict[str, Any]


class RecordingMocks(pulumi.runtime.Mocks):
    """Echoes inputs as outputs and records every resource the program registers."""

    def __init__(self) -> None:
        self.resources: list[Registered] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[Any, Any]]:
        self.resources.append(Registered(args.typ, args.name, dict(args.inputs)))
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[Any, Any], list[tuple[str, str]] | None]:
        return {}, None


@attrs.define
class ProgramRun:
    resources: list[Registered]
    value: Any

    def of_type(self, typ: str) -> list[Registered]:
        return [r for r in self.resources if r.type == typ]


def run_program(
    program: Callable[[], Any],
    *,
    preview: bool,
    config: dict[str, str],
    secret_keys: list[str] | None = None,
    mocks: RecordingMocks | None = None,
) -> ProgramRun:
    """Run `program` as `pulumi preview` (preview=True) or `pulumi up` would, against mocks.

    `mocks` may be a RecordingMocks subclass that answers some resources itself.

    Returns the registered resources and the program's return value, resolved: a value that is still
    unknown (as in a preview without live data) comes back as `UNKNOWN`.
    """
    asyncio.set_event_loop(asyncio.new_event_loop())  # set_mocks registers the stack on the current loop
    mocks = mocks or RecordingMocks()
    pulumi.runtime.set_mocks(mocks, project="test", stack="dev", preview=preview)
    pulumi.runtime.set_all_config(config, secret_keys)
    seen: dict[str, Any] = {"value": UNKNOWN}

    @pulumi.runtime.test
    def body() -> Any:
        return pulumi.Output.from_input(program()).apply(lambda value: seen.update(value=value))

    body()
    return ProgramRun(mocks.resources, seen["value"])


UNKNOWN = object()
