"""Running a data-source function as Pulumi runs a generated SDK's invoke, but in the program process.

Every function of the package goes through `invoke` (the plain form) or `invoke_output` (the Output
form), given a `Function`: its schema token, how to check its arguments and how to start the lookup on
a client's settings. What they add to the lookup itself:

- the settings come from `opts.provider` or the parent's provider (`pulumi_mms.Provider`), else from the
  stack config; a provider of another package is refused;
- under Pulumi's mock runtime (`pulumi.runtime.set_mocks`), unless the settings in use set an endpoint
  (`mms:endpoint`, or the provider's `endpoint`), the call goes to `pulumi.runtime.invoke` /
  `invoke_output` with the token and camelCase arguments, so the test's `Mocks.call` answers it and no
  request can reach a real endpoint by accident;
- `opts.depends_on` behaves as `invoke_output`'s: components stand for their children, an
  `Output[Resource]` counts, a dependency still to be created (unknown id in a preview) makes the result
  unknown with no request sent, and the result carries the dependencies (and the inputs').
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Mapping
from concurrent.futures import CancelledError, Future
from inspect import isawaitable
from typing import Any, Generic, TypeVar

import attrs
import pulumi
import pulumi.runtime
import pulumi.runtime.settings
from pulumi.output import _OutputData
from pulumi.runtime import rpc
from pulumi.runtime._depends_on import _resolve_depends_on
from pulumi.runtime.mocks import MockMonitor
from pydantic import BaseModel
from pydantic.alias_generators import to_camel

from ..core.errors import MmsError, ValidationError
from ..core.settings import Settings
from . import lookups
from .provider import Provider, invoke_provider

C = TypeVar("C")  # checked arguments
T = TypeVar("T")  # what the lookup returns
R = TypeVar("R")  # the result the user gets


@attrs.frozen
class Function(Generic[C, T]):
    """One data-source function: what `invoke` / `invoke_output` need to run it.

    `check` takes the arguments by their Python names (all known, plain values) and raises
    `ValidationError` for a bad one; `start` starts the lookup on the pool for those settings
    (`lookups.submit`) and returns its future; `answer` reads what `Mocks.call` returns (a dict keyed
    as schema.json's outputs) into what the lookup would have returned.
    """

    name: str  # the plain form's Python name, e.g. get_mms_data_source
    token: str  # the schema token, e.g. mms:index:getMmsDataSource
    check: Callable[[Mapping[str, Any]], C]
    start: Callable[[Settings, C], Future[T]]
    answer: Callable[[Mapping[str, Any]], T]

    @property
    def output_name(self) -> str:
        return f"{self.name}_output"


def run_in_program(check: Callable[[], T]) -> T:
    """Run `check`, turning an `MmsError` into one Pulumi prints as a single clear message."""
    try:
        return check()
    except MmsError as error:
        raise lookups.as_program_error(error) from None


def camel_args(args: Mapping[str, Any]) -> dict[str, Any]:
    """The arguments as a generated SDK sends them: camelCase names (schema.json's); an object argument
    given as its model (a sorter) by its wire names."""
    return {
        to_camel(name): value.model_dump(mode="json", by_alias=True, exclude_none=True)
        if isinstance(value, BaseModel)
        else value
        for name, value in args.items()
    }


def _pending(value: Any) -> bool:
    """Whether an argument is an Output or awaitable, or a mapping or list holding one (Pulumi's inputs)."""
    if isinstance(value, pulumi.Output) or isawaitable(value):
        return True
    if isinstance(value, Mapping):
        return any(_pending(inner) for inner in value.values())
    if isinstance(value, list | tuple):
        return any(_pending(inner) for inner in value)
    return False


# -- where a call goes ---------------------------------------------------------------------------------


@attrs.frozen
class Target:
    """The provider serving one call (None: the stack config) and whether mocks answer it."""

    provider: Provider | None
    mocked: bool

    @classmethod
    def of(cls, opts: pulumi.InvokeOptions | pulumi.InvokeOutputOptions | None, subject: str) -> Target:
        provider = invoke_provider(opts, subject)
        if provider is None:
            lookups.program_settings()  # bad stack config fails now, even when mocks answer the call
        mocked = isinstance(pulumi.runtime.settings.SETTINGS.monitor, MockMonitor) and (
            not provider._mms_settings.endpoint_given
            if provider is not None
            else pulumi.runtime.get_config("mms:endpoint") in (None, "")
        )
        return cls(provider, mocked)

    def settings_now(self) -> Settings | None:
        """The settings, if known without waiting (always, without a provider whose inputs are Outputs)."""
        if self.provider is None:
            return lookups.program_settings()
        return self.provider._mms_settings.now

    async def settings(self) -> Settings | None:
        """The settings; None while unknown (a preview with provider inputs still to be computed)."""
        if self.provider is None:
            return lookups.program_settings()
        return await self.provider._mms_settings.resolved()

    def options(
        self, opts: pulumi.InvokeOptions | pulumi.InvokeOutputOptions | None, *, output: bool
    ) -> pulumi.InvokeOptions | pulumi.InvokeOutputOptions:
        """Options for `pulumi.runtime.invoke[_output]` naming the provider found (a fresh copy: Pulumi
        writes the parent's provider into the options it is given)."""
        parent = opts.parent if opts is not None else None
        if not output:
            return pulumi.InvokeOptions(provider=self.provider, parent=parent)
        depends_on = opts.depends_on if isinstance(opts, pulumi.InvokeOutputOptions) else None
        return pulumi.InvokeOutputOptions(provider=self.provider, parent=parent, depends_on=depends_on)


# -- the two forms -------------------------------------------------------------------------------------


def invoke(
    function: Function[C, T],
    args: Mapping[str, Any],
    opts: pulumi.InvokeOptions | None,
    *,
    result: Callable[[T], R],
) -> R:
    """The plain form: `result(what the lookup returned)`, now (the program waits for the lookup)."""
    for name, value in args.items():
        if _pending(value):
            raise lookups.as_program_error(
                ValidationError(
                    name,
                    f"{function.name} takes plain values, and {name} is an Output "
                    "(its value is not known while the program runs)",
                    hint=f"use {function.output_name}(...), which takes Outputs and returns one",
                )
            )
    target = run_in_program(lambda: Target.of(opts, function.name))
    checked = run_in_program(lambda: function.check(args))
    if target.mocked:
        answer = pulumi.runtime.invoke(
            function.token, camel_args(args), opts=target.options(opts, output=False)
        )
        return result(run_in_program(lambda: function.answer(answer.value or {})))
    settings = run_in_program(target.settings_now)
    if settings is None:  # a provider whose inputs are Outputs: wait for them, as Pulumi's invoke does
        from pulumi.runtime.sync_await import _sync_await

        settings = _sync_await(target.settings())
        if settings is None:
            raise lookups.as_program_error(
                ValidationError(
                    "provider",
                    f"{function.name} cannot run through a provider whose settings are not known yet",
                    hint=f"use {function.output_name}(...), which waits for them",
                )
            )
    return result(run_in_program(lambda: function.start(settings, checked).result()))


def invoke_output(
    function: Function[C, T],
    args: Mapping[str, Any],
    opts: pulumi.InvokeOptions | pulumi.InvokeOutputOptions | None,
    *,
    result: Callable[[T], R],
    secret: Callable[[T, R], bool] = lambda _found, _value: False,
) -> pulumi.Output[R]:
    """The Output form: one Output, straight from the lookup.

    Plain arguments are checked at once, and with nothing to wait for (no Output argument, no
    `depends_on`, known settings) the lookup starts at once too. `secret(found, result)` says whether a
    result must be secret as a whole (any secret input makes it secret too).
    """
    target = run_in_program(lambda: Target.of(opts, function.output_name))
    if target.mocked:
        answer = pulumi.runtime.invoke_output(
            function.token, camel_args(args), opts=target.options(opts, output=True)
        )
        return answer.apply(lambda value: _answered(function, value, result, secret))
    depends_on = _depends_on(opts)
    started: Future[T] | None = None
    if not any(_pending(value) for value in args.values()):
        checked = run_in_program(lambda: function.check(args))
        settings = run_in_program(target.settings_now)
        if settings is not None and not depends_on:
            started = function.start(settings, checked)
    if started is not None:
        return _straight(started, result, secret)
    return pulumi.Output._from_data(_run(function, args, depends_on, target, result, secret))


def _straight(
    started: Future[T], result: Callable[[T], R], secret: Callable[[T, R], bool]
) -> pulumi.Output[R]:
    """The Output of a lookup already running, with nothing else to wait for: a future of the event loop,
    settled when the lookup finishes. No task or coroutine per lookup: a program holds thousands of them
    until it ends, and each costs memory and turns of the loop (BENCHMARKS.md, B11)."""
    loop = asyncio.get_event_loop()
    data: asyncio.Future[_OutputData[R]] = loop.create_future()
    waiter = lookups.delivered(started, loop)
    waiter.add_done_callback(functools.partial(_settle, data, started, result, secret))
    return pulumi.Output._from_data(data)


def _settle(
    data: asyncio.Future[_OutputData[R]],
    started: Future[T],
    result: Callable[[T], R],
    secret: Callable[[T, R], bool],
    _waiter: asyncio.Future[None],
) -> None:
    if data.done():  # cancelled meanwhile
        return
    # Whatever happens is handed to the Output as a task would hand it: an Output left pending would keep
    # the program waiting for it forever.
    try:
        try:
            response = started.result()
        except MmsError as error:
            raise lookups.as_program_error(error) from None
        data.set_result(_found(response, result, secret, set(), is_secret=False))
    except (asyncio.CancelledError, CancelledError):
        data.cancel()
    except StopIteration as error:  # a future refuses it (it would end a generator): as a task does
        data.set_exception(RuntimeError(f"the lookup raised StopIteration: {error!r}"))
    except (KeyboardInterrupt, SystemExit) as error:
        data.set_exception(error)
        raise
    except BaseException as error:
        data.set_exception(error)


async def _run(
    function: Function[C, T],
    args: Mapping[str, Any],
    depends_on: Any,
    target: Target,
    result: Callable[[T], R],
    secret: Callable[[T, R], bool],
) -> _OutputData[R]:
    dependencies: set[pulumi.Resource] = set()
    is_secret = False
    try:
        dependencies = await _resolve_depends_on(depends_on) if depends_on else set()
        values: dict[str, Any] = {}
        known = True
        for name, value in args.items():
            if not _pending(value):
                values[name] = value
                continue
            output = pulumi.Output.from_input(value)
            dependencies |= await output.resources()
            known = await output.is_known() and known
            is_secret = await output.is_secret() or is_secret
            values[name] = await output.future()
        if not known or not await _created(dependencies):
            return _unknown(dependencies)
        settings = await target.settings()
        if settings is None:
            return _unknown(dependencies)
        checked = function.check(values)
        future = function.start(settings, checked)
        response = await lookups.wait(future)
    except MmsError as error:
        raise lookups.as_program_error(error) from None
    return _found(response, result, secret, dependencies, is_secret=is_secret)


def _found(
    response: T,
    result: Callable[[T], R],
    secret: Callable[[T, R], bool],
    dependencies: set[pulumi.Resource],
    *,
    is_secret: bool,
) -> _OutputData[R]:
    """The Output's data for a lookup's response (secret if an input was, or if `secret` says so)."""
    value = result(response)
    return _OutputData(
        resources=dependencies, value=value, is_known=True, is_secret=is_secret or secret(response, value)
    )


def _answered(
    function: Function[C, T], answer: Any, result: Callable[[T], R], secret: Callable[[T, R], bool]
) -> pulumi.Output[R]:
    response = run_in_program(lambda: function.answer(answer or {}))
    value = result(response)
    return pulumi.Output.secret(value) if secret(response, value) else pulumi.Output.from_input(value)


def _unknown(dependencies: set[pulumi.Resource]) -> _OutputData[Any]:
    return _OutputData(resources=dependencies, value=None, is_known=False, is_secret=False)


def _depends_on(opts: pulumi.InvokeOptions | pulumi.InvokeOutputOptions | None) -> Any:
    """`opts.depends_on` as `invoke_output` reads it (an Input of a list of Inputs); None if unset."""
    if not isinstance(opts, pulumi.InvokeOutputOptions) or opts.depends_on in (None, []):
        return None
    return opts._depends_on_list()


async def _created(dependencies: set[pulumi.Resource]) -> bool:
    """Whether every custom resource among `dependencies` (components stand for their children) exists.

    Awaiting an id waits for the resource's creation in `pulumi up`; in a preview, a resource still to be
    created has an unknown id, and so has the lookup's result (Pulumi's `invoke_output` does the same).
    """
    if not dependencies:
        return True
    expanded = await rpc._expand_dependencies(dependencies, None)
    for resource in expanded.values():
        # DependencyResources are CustomResources without an id: skip them, as Pulumi does.
        if (
            isinstance(resource, pulumi.CustomResource)
            and resource.__dict__.get("id", None)
            and not await resource.id.is_known()
        ):
            return False
    return True
