"""`MmsDataSource`: a read-only dynamic resource whose values are known in `pulumi preview`.

The provider runs in Pulumi's dynamic-provider host (`python -m pulumi.dynamic`). That host does not
support provider previews, so during `pulumi preview` the engine shows the *checked inputs* as the new
state. `check` therefore fetches the live data source and returns its fields with the inputs: the preview
shows live values, and drift shows as a property-level diff. `create`/`update` return exactly what was
checked, so what the preview showed is what gets applied, unless `wait_for` asks them to wait until the
data source is ready (a preview never waits). Nothing in the cloud is ever changed.

The provider instance holds nothing when pickled into state (`__provider`): settings and credentials are
read in the host by `configure`, from the stack config and the host's environment.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, TypeVar, overload

import pulumi
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)

from ..core import readiness, reading, validation
from ..core.client import MmsClient, shared_client
from ..core.errors import DataSourceNotFound, MmsError, NotReady, ValidationError
from ..core.model import DataSource
from ..core.settings import Settings
from . import drift, host_log, lookups
from .generated_types import MmsDataSourceArgs, MmsDataSourceOutputs
from .provider import check_resource_options

_T = TypeVar("_T")


def _not_known(value: Any) -> bool:
    return drift.is_unknown(value) or isinstance(value, pulumi.Output)


def _checked_inputs(
    props: Mapping[str, Any], *, by_id: bool = False
) -> tuple[dict[str, Any], list[ValidationError]]:
    """Checked inputs (normalised) and one error per bad field; values not known yet pass through.

    `by_id`: the resource is read by the id of its `ResourceOptions` and needs no source_id or name.
    """
    inputs: dict[str, Any] = {}
    errors: list[ValidationError] = []
    checks: dict[str, Callable[[Any], Any]] = {
        "source_id": lambda v: None if v is None else validation.source_id(v),
        "name": lambda v: None if v is None else validation.name(v),
        "with_config": validation.with_config,
        "lang": validation.lang,
        "drift_fields": _drift_fields,
        "wait_for": lambda v: v,  # checked with wait_timeout below
        "wait_timeout": lambda v: v,
    }
    for field, check in checks.items():
        value = props.get(field)
        if _not_known(value):
            inputs[field] = value
            continue
        try:
            inputs[field] = check(value)
        except ValidationError as error:
            errors.append(error)
    if not by_id and not any(error.argument in ("source_id", "name") for error in errors):
        try:
            reading.exactly_one(inputs["source_id"], inputs["name"])
        except ValidationError as error:
            errors.append(error)
    if not _not_known(inputs["wait_for"]) and not _not_known(inputs["wait_timeout"]):
        try:
            readiness.Wait.parse(inputs["wait_for"], inputs["wait_timeout"])
        except ValidationError as error:
            errors.append(error)
    return inputs, errors


def _drift_fields(value: Any) -> list[str] | None:
    if problem := drift.drift_problem(value):
        raise ValidationError("drift_fields", problem)
    return None if value is None else list(value)


OPTIONS: tuple[str, ...] = ("with_config", "lang", "drift_fields", "wait_for", "wait_timeout")
"""Inputs that only shape a read: a stored value a later release refuses can be dropped from state."""


def _stored_inputs(props: Mapping[str, Any]) -> dict[str, Any]:
    """The inputs kept in state (by this or an earlier release), for a refresh by id.

    An option this release no longer accepts (say a `drift_fields` entry for a field that was removed)
    must not stop refresh and destroy: it is dropped with a warning naming it, and the next `pulumi up`
    stores what the program says. A bad id is still an error, labelled `source_id`.
    """
    inputs, errors = _checked_inputs(props)
    dropped: dict[str, Any] = {}
    subject = f"MmsDataSource {validation.show(drift.normalise(props.get('source_id')))}"
    while stale := [error for error in errors if error.argument in OPTIONS and error.argument not in dropped]:
        for error in stale:
            dropped[error.argument] = props.get(error.argument)
            host_log.warn(
                f"{subject}: ignoring the {error.argument} "
                f"stored in state, which this release of pulumi-mms does not accept ({error}). "
                f"Fix: give a valid {error.argument} in the program and run `pulumi up`"
            )
            inputs[error.argument] = None
        inputs, errors = _checked_inputs({**props, **inputs, **dict.fromkeys(dropped)})
    if errors:
        raise errors[0]
    return inputs


def _one_line(method: Callable[..., _T]) -> Callable[..., _T]:
    """Report an `MmsError` from the host as one line: the message with its fix, and a short traceback.

    The host prints the traceback of whatever a provider method raises; its last line is
    `<error class>: <message>`. Dropping our own frames keeps the traceback to the host's, and folding
    the message onto one line (a service's errMsg may hold newlines) keeps the fix on that last line.
    """

    @functools.wraps(method)
    def wrapper(*args: Any) -> _T:
        try:
            return method(*args)
        except MmsError as error:
            error.args = (" ".join(str(error).split()),)
            raise error.with_traceback(None) from None

    return wrapper


class MmsDataSourceProvider(ResourceProvider):
    """The dynamic provider behind `MmsDataSource`.

    Pickled into state by reference under its stable path `pulumi_mms.mms_data_source` (set below), so
    that this module can move without breaking the refresh and destroy of existing stacks.
    """

    serialize_as_secret_always = False  # the pickled provider holds no secret; keep state readable

    def configure(self, req: ConfigureRequest) -> None:
        # Runs in the host after unpickling: whatever is set here never reaches state.
        try:
            self._settings = Settings.resolve(config=req.config.get)
        except ValidationError as error:  # bad stack config: check reports it as a failure, not a traceback
            self._config_error = error

    def _client(self) -> MmsClient:
        config_error: ValidationError | None = getattr(self, "_config_error", None)
        if config_error is not None:
            raise config_error
        settings: Settings | None = getattr(self, "_settings", None)
        if settings is None:  # an engine that never called Configure: environment only
            settings = self._settings = Settings.resolve()
        return shared_client(settings)

    def _live(
        self, inputs: dict[str, Any], wait: readiness.Wait | None = None, *, is_preview: bool = False
    ) -> dict[str, Any]:
        """The inputs plus the data source's current fields (after waiting for `wait`, unless a preview)."""
        source_id = inputs.get("source_id")
        response = reading.read(
            self._client(),
            source_id=source_id,
            name=inputs.get("name") if source_id is None else None,  # state holds both: read by id
            with_config=inputs.get("with_config"),
            lang=inputs.get("lang"),
            wait=wait,
            is_preview=is_preview,
            on_progress=host_log.info,
        )
        resolved = validation.source_id(response.data.id if source_id is None else source_id)
        return {**inputs, "source_id": resolved, **drift.state_of(response.data)}

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        inputs, errors = _checked_inputs(news)
        failures = [CheckFailure(error.argument, str(error)) for error in errors]
        config_error: ValidationError | None = getattr(self, "_config_error", None)
        if config_error is not None:
            failures.append(CheckFailure(config_error.argument, f"invalid stack config: {config_error}"))
        if failures or drift.is_unknown(inputs):
            return CheckResult(inputs, failures)
        wait = readiness.Wait.parse(inputs["wait_for"], inputs["wait_timeout"])
        try:
            # The engine shows what check returns as the preview: never block here.
            return CheckResult(self._live(inputs, wait, is_preview=True), [])
        except NotReady as error:
            return CheckResult(inputs, [CheckFailure("wait_for", str(error))])
        except MmsError as error:
            subject = "name" if inputs["source_id"] is None else "source_id"
            return CheckResult(inputs, [CheckFailure(subject, f"cannot read MMS data source: {error}")])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = drift.changed_fields(olds, news, drift.INPUT_FIELDS)
        fields = news.get("drift_fields")
        watched = fields if isinstance(fields, list) else drift.DEFAULT_DRIFT_FIELDS
        changed += [f for f in drift.changed_fields(olds, news, watched) if f not in changed]
        replaces = [f for f in changed if f == "source_id"]
        return DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=False)

    def _outputs(self, props: dict[str, Any]) -> dict[str, Any]:
        """What check returned, unless it could not fetch or the data source must still be waited for."""
        outs = {k: v for k, v in props.items() if not k.startswith("__")}
        # Checked inputs hold the fetched name beside the id: read by id.
        by_id = outs.get("source_id") is not None
        inputs, errors = _checked_inputs({**outs, "name": None} if by_id else outs)
        if errors:  # check refused these inputs already; an engine would not get this far
            raise errors[0]
        wait = readiness.Wait.parse(inputs["wait_for"], inputs["wait_timeout"])
        settled = "status" in outs and (
            wait is None or readiness.CONDITIONS[wait.condition](DataSource.model_validate(outs))
        )
        return outs if settled else self._live(inputs, wait)

    @_one_line
    def create(self, props: dict[str, Any]) -> CreateResult:
        outs = self._outputs(props)
        return CreateResult(str(validation.source_id(outs["source_id"])), outs)

    @_one_line
    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(self._outputs(news))

    @_one_line
    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """A refresh (props are the state's outputs) or `MmsDataSource.get` (props hold no fetched field).

        Either way the data source is read by id. A refresh of a data source that is gone drops it from
        state; a `get` of an id that does not exist is an error saying so.
        """
        refresh = any(props.get(field) is not None for field in drift.STATE_FIELDS)
        source_id = props.get("source_id")
        inputs = _stored_inputs(
            {**props, "source_id": validation.source_id(id_, "id") if source_id is None else source_id}
            | {"name": None}
        )
        try:
            outs = self._live(inputs)
        except DataSourceNotFound:
            if refresh:
                return ReadResult("", {})  # gone: the engine drops it from state
            raise
        return ReadResult(id_, outs, {k: outs[k] for k in drift.INPUT_FIELDS if outs.get(k) is not None})

    @_one_line
    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        """A data source is only read: deleting the resource leaves the cloud untouched."""


MmsDataSourceProvider.__module__ = "pulumi_mms.mms_data_source"


class MmsDataSource(MmsDataSourceOutputs, pulumi.dynamic.Resource, module="mms", name="MmsDataSource"):
    """An MMS data source read as a resource: live values in previews, drift shown as a diff.

    Outputs: every field of the data source (see `DataSource`), in snake_case, as typed `pulumi.Output`s
    (`MmsDataSourceOutputs`, generated from the model), and `source_id`. It never changes anything in the
    cloud; deleting it only forgets it.
    """

    @overload
    def __init__(
        self, resource_name: str, args: MmsDataSourceArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None: ...

    @overload
    def __init__(
        self,
        resource_name: str,
        source_id: pulumi.Input[int] | None = None,
        with_config: pulumi.Input[bool] | None = None,
        lang: pulumi.Input[str] | None = None,
        drift_fields: pulumi.Input[Sequence[pulumi.Input[str]]] | None = None,
        name: pulumi.Input[str] | None = None,
        wait_for: pulumi.Input[str] | None = None,
        wait_timeout: pulumi.Input[float] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None: ...

    # mypy cannot see that the first overload's `args`, given by position, lands in `source_id` here
    # (generated SDKs take `*args, **kwargs` instead, and lose the types).
    def __init__(  # type: ignore[misc]
        self,
        resource_name: str,
        source_id: pulumi.Input[int] | MmsDataSourceArgs | None = None,
        with_config: pulumi.Input[bool] | pulumi.ResourceOptions | None = None,
        lang: pulumi.Input[str] | None = None,
        drift_fields: pulumi.Input[Sequence[pulumi.Input[str]]] | None = None,
        name: pulumi.Input[str] | None = None,
        wait_for: pulumi.Input[str] | None = None,
        wait_timeout: pulumi.Input[float] | None = None,
        opts: pulumi.ResourceOptions | None = None,
        args: MmsDataSourceArgs | None = None,
    ) -> None:
        """
        Either `MmsDataSource(resource_name, MmsDataSourceArgs(...), opts)`, as generated SDKs take it, or
        the arguments as keywords:

        :param resource_name: The Pulumi name of the resource.
        :param source_id: The data source ID (give this or `name`).
        :param with_config: Whether to read the configuration items too.
        :param lang: The language of configuration item descriptions: `zh_CN` or `en_US`.
        :param drift_fields: The fields whose change counts as drift (default: all but progress
               counters, totals and scan times, i.e. `DEFAULT_DRIFT_FIELDS`).
        :param name: The data source's exact name (instead of `source_id`).
        :param wait_for: On create and update, wait until the data source is `started`, `ready` or
               `scanned` (see `pulumi_mms.readiness`); a failed data source fails the preview already.
        :param wait_timeout: How long to wait, in seconds (default 600).
        :param opts: Options for the resource.
        :param args: The arguments as one `MmsDataSourceArgs` (instead of the keywords).
        """
        if isinstance(source_id, MmsDataSourceArgs):  # MmsDataSource(name, MmsDataSourceArgs(...), opts)
            args, source_id = source_id, None
            if isinstance(with_config, pulumi.ResourceOptions):
                opts, with_config = with_config, None
        if isinstance(with_config, pulumi.ResourceOptions):
            raise TypeError("MmsDataSource: pass opts by keyword (opts=...) or after MmsDataSourceArgs")
        plain: dict[str, Any] = {
            "source_id": source_id,
            "with_config": with_config,
            "lang": lang,
            "drift_fields": drift_fields,
            "name": name,
            "wait_for": wait_for,
            "wait_timeout": wait_timeout,
        }
        if args is not None:
            both = [key for key, value in plain.items() if value is not None]
            if both:
                raise TypeError(f"MmsDataSource: {', '.join(both)} given both in args and as keywords")
            plain = {key: pulumi.get(args, key) for key in plain}
        check_resource_options(opts, f"MmsDataSource {resource_name!r}")
        by_id = opts is not None and opts.id is not None  # `MmsDataSource.get`, or a read by `opts.id`
        _, errors = _checked_inputs(plain, by_id=by_id)  # plain values are checked now, Outputs later
        if errors:
            raise lookups.as_program_error(errors[0])  # printed by Pulumi as one line, no traceback
        props: dict[str, Any] = {field: None for field in drift.STATE_FIELDS}
        props.update(plain)
        super().__init__(MmsDataSourceProvider(), resource_name, props, opts)

    @staticmethod
    def get(
        resource_name: str, id: pulumi.Input[str], opts: pulumi.ResourceOptions | None = None
    ) -> MmsDataSource:
        """Read an existing data source into a resource by its id, as a generated resource's `get` does.

        The read runs in the provider host, in previews too; an id that does not exist is an error.

        :param resource_name: The Pulumi name of the resulting resource.
        :param id: The data source ID (e.g. `"2000015"`).
        :param opts: Options for the resource.
        """
        if not isinstance(id, (pulumi.Output, Awaitable)):
            try:  # a plain id is checked now, an Output by the host
                id = str(validation.source_id(id, "id"))
            except ValidationError as error:
                raise lookups.as_program_error(error) from None
        return MmsDataSource(
            resource_name, opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=id))
        )
