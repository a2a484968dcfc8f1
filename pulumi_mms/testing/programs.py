"""Run a Pulumi program under Pulumi's mock runtime against the emulator, with live `MmsDataSource` values.

    from pulumi_mms.testing import MmsEmulator
    from pulumi_mms.testing.programs import run_program

    with MmsEmulator() as emu:
        run = run_program("path/to/project", emulator=emu)        # or a function: run_program(main, ...)
        run.outputs["status"]                                      # the stack's exports, resolved
        run.of_type("alicloud:maxcompute/role:Role")               # what the program registered

Under `pulumi.runtime.set_mocks` Pulumi never calls a dynamic provider: `Mocks.new_resource` answers for
it. `EmulatorMocks` answers `MmsDataSource` as the engine would with the real provider: `check` (a preview
shows the checked values), then `create` in `pulumi up`, configured with the stack config, or with the
inputs of the resource's `pulumi_mms.Provider`, exactly as the dynamic-provider host is configured. That
happens only when those settings set an endpoint (the emulator's), as for the functions; otherwise, and
for every other resource, it echoes the inputs as outputs. A read by id (`MmsDataSource.get`) is answered
by the provider's `read`. It records every registered resource.

This is the only module of `pulumi_mms.testing` that imports Pulumi and the Pulumi surface of the package
(the emulator itself needs neither).
"""

from __future__ import annotations

import asyncio
import os
import runpy
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs
import pulumi
import pulumi.runtime
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config
from pulumi.runtime import rpc
from pulumi.runtime.stack import Stack

from ..core.settings import SETTINGS
from ..surface.provider import PACKAGE
from ..surface.resource import MmsDataSourceProvider
from .emulator import MmsEmulator

__all__ = ["UNKNOWN", "EmulatorMocks", "ProgramRun", "Registered", "emulator_config", "run_program"]

DATA_SOURCE_TYPE = "pulumi-python:dynamic/mms:MmsDataSource"
PROVIDER_TYPE = f"pulumi:providers:{PACKAGE}"
SECRET_CONFIG = tuple(f"mms:{spec.key}" for spec in SETTINGS if spec.secret)

UNKNOWN: Any = object()
"""A program value that is still unknown when the run ends (as in a preview without live data)."""


@attrs.define
class Registered:
    """A resource the program registered: its type token, name, inputs and provider reference."""

    type: str
    name: str
    inputs: dict[str, Any]
    provider: str = ""


class EmulatorMocks(pulumi.runtime.Mocks):
    """Records every resource; answers `MmsDataSource` through its real provider (see the module doc).

    `config` is the stack config the program runs with (the default provider's configuration). Subclass
    it to answer other resources or `call`s; `call` (a function under mocks, see the README) answers `{}`.
    """

    live = True
    """Answer `MmsDataSource` through its provider; False: only record and echo (for subclasses that
    answer it themselves)."""

    def __init__(self, config: Mapping[str, Any] | None = None, *, preview: bool = True) -> None:
        self.config: dict[str, Any] = dict(config or {})
        self.preview = preview
        self.resources: list[Registered] = []
        self.providers: dict[str, dict[str, Any]] = {}  # id -> inputs of each pulumi-python provider

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[Any, Any]]:
        inputs = dict(args.inputs)
        self.resources.append(Registered(args.typ, args.name, inputs, args.provider or ""))
        if args.typ == PROVIDER_TYPE:
            id_ = f"{args.name}-provider-{len(self.providers)}"
            self.providers[id_] = {key: rpc.unwrap_rpc_secret(value) for key, value in inputs.items()}
            return id_, inputs
        if args.typ == DATA_SOURCE_TYPE:
            config = self._config_for(args.provider or "")
            if self.live and config.get("mms:endpoint"):
                return self._answer(args.name, config, inputs, args.resource_id or None)
        return f"{args.name}-id", inputs

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[Any, Any], list[tuple[str, str]] | None]:
        return {}, []

    def _config_for(self, provider_ref: str) -> dict[str, Any]:
        if not provider_ref:
            return self.config
        inputs = self.providers.get(provider_ref.rsplit("::", 1)[-1])
        if inputs is None:
            raise ValueError(
                f"MmsDataSource given provider {provider_ref}, which is not a pulumi_mms.Provider"
            )
        return inputs

    def _answer(
        self, name: str, config: dict[str, Any], inputs: dict[str, Any], read_id: str | None
    ) -> tuple[str, dict[Any, Any]]:
        """What the engine would get from the provider: `read` for a read by id (`MmsDataSource.get`),
        else the checked inputs (a preview) or what `create` returns."""
        provider = MmsDataSourceProvider()
        provider.configure(ConfigureRequest(Config(config, "test")))
        if read_id is not None:
            found = provider.read(read_id, inputs)
            return found.id or "", dict(found.outs or {})
        checked = provider.check({}, inputs)
        if checked.failures:
            reasons = "; ".join(f"{failure.property}: {failure.reason}" for failure in checked.failures)
            raise ValueError(f"MmsDataSource {name!r} failed its check: {reasons}")
        outs = dict(checked.inputs)
        if self.preview:
            return str(outs.get("source_id") or f"{name}-id"), outs
        created = provider.create(outs)
        return created.id, dict(created.outs or {})


@attrs.define
class ProgramRun:
    """What a program did: the resources it registered, its value and its stack outputs, resolved.

    A value still unknown at the end of the run (a preview without live data) is `UNKNOWN`.
    """

    resources: list[Registered]
    value: Any
    outputs: dict[str, Any]

    def of_type(self, typ: str) -> list[Registered]:
        return [resource for resource in self.resources if resource.type == typ]


def emulator_config(emulator: MmsEmulator) -> dict[str, str]:
    """Stack config (`mms:*`) that points a program, and `MmsDataSource`'s provider, at `emulator`."""
    return {
        "mms:region": emulator.region,
        "mms:endpoint": emulator.endpoint,
        "mms:protocol": "http",
        "mms:accessKey": emulator.access_key_id,
        "mms:secretKey": emulator.access_key_secret,
    }


def run_program(
    program: Callable[[], Any] | str | os.PathLike[str],
    *,
    emulator: MmsEmulator | None = None,
    config: Mapping[str, str] | None = None,
    preview: bool = True,
    mocks: pulumi.runtime.Mocks | None = None,
    secret_keys: Sequence[str] = (),
    project: str | None = None,
    stack: str = "dev",
) -> ProgramRun:
    """Run `program` as `pulumi preview` (`preview=True`) or `pulumi up` would, under the mock runtime.

    :param program: A function (its return value, resolved, is `ProgramRun.value`), or a Pulumi project
           directory, whose `__main__.py` runs as `pulumi` runs it (from that directory); its project name
           comes from its `Pulumi.yaml`.
    :param emulator: Point the stack config at this emulator (`emulator_config`).
    :param config: More stack config; keys without a namespace belong to the project.
    :param mocks: Mocks to use instead of a fresh `EmulatorMocks` (e.g. a subclass answering more).
    :param secret_keys: Config keys to treat as secrets (the secret `mms:` settings always are).
    :param project: The project name (default: the directory's, else `test`).
    :param stack: The stack name.

    Each call is a new program run: lookups are not shared with earlier runs.
    """
    directory = None if callable(program) else Path(program)
    if project is None:
        project = _project_name(directory) if directory is not None else "test"
    full = {**(emulator_config(emulator) if emulator is not None else {}), **(config or {})}
    full = {key if ":" in key else f"{project}:{key}": value for key, value in full.items()}
    mocks = mocks if mocks is not None else EmulatorMocks(full, preview=preview)
    if isinstance(mocks, EmulatorMocks):
        mocks.config, mocks.preview = full, preview
    asyncio.set_event_loop(asyncio.new_event_loop())  # set_mocks registers the stack on the current loop
    pulumi.runtime.set_mocks(mocks, project=project, stack=stack, preview=preview)
    secrets = [key for key in full if key in SECRET_CONFIG or key in secret_keys]
    pulumi.runtime.set_all_config(full, secrets)
    seen: dict[str, Any] = {"value": UNKNOWN, "outputs": {}}

    @pulumi.runtime.test  # type: ignore[untyped-decorator]
    def body() -> Any:
        root = pulumi.runtime.get_root_resource()
        assert isinstance(root, Stack)
        root.outputs.clear()  # the root stack outlives one mocked run
        if directory is None:
            assert callable(program)
            value = program()
        else:
            with _in_project(directory):
                runpy.run_path(str(directory / "__main__.py"), run_name="__main__")
            value = None
        exports = pulumi.Output.from_input(dict(root.outputs)).apply(lambda found: seen.update(outputs=found))
        result = pulumi.Output.from_input(value).apply(lambda found: seen.update(value=found))
        return pulumi.Output.all(exports, result)

    body()
    if directory is not None and seen["value"] is None:
        seen["value"] = seen["outputs"]
    resources = mocks.resources if isinstance(mocks, EmulatorMocks) else []
    return ProgramRun(resources, seen["value"], dict(seen["outputs"]))


def _project_name(directory: Path) -> str:
    import yaml

    manifest = yaml.safe_load((directory / "Pulumi.yaml").read_text(encoding="utf-8"))
    name = manifest.get("name") if isinstance(manifest, dict) else None
    if not isinstance(name, str):
        raise ValueError(f"{directory / 'Pulumi.yaml'} has no project name")
    return name


@contextmanager
def _in_project(directory: Path) -> Iterator[None]:
    """Run from the project directory with it on sys.path, as the Pulumi CLI runs a Python program."""
    before = Path.cwd()
    sys.path.insert(0, str(directory))
    os.chdir(directory)
    try:
        yield
    finally:
        os.chdir(before)
        sys.path.remove(str(directory))
