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

from collections.abc import Callable, Sequence
from typing import Any

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
from . import drift
from .generated_types import MmsDataSourceOutputs


def _not_known(value: Any) -> bool:
    return drift.is_unknown(value) or isinstance(value, pulumi.Output)


def _inputs_problems(props: dict[str, Any]) -> tuple[dict[str, Any], list[CheckFailure]]:
    """Checked inputs (normalised) and one failure per bad field; values not known yet pass through."""
    inputs: dict[str, Any] = {}
    failures: list[CheckFailure] = []
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
            failures.append(CheckFailure(field, str(error)))
    given = [inputs.get(key) is not None for key in ("source_id", "name")]
    if sum(given) != 1 and not any(f.property in ("source_id", "name") for f in failures):
        failures.append(
            CheckFailure(
                "source_id", "give exactly one of source_id (the data source's id) and name (its exact name)"
            )
        )
    if not _not_known(inputs.get("wait_for")) and not _not_known(inputs.get("wait_timeout")):
        try:
            readiness.Wait.parse(inputs["wait_for"], inputs["wait_timeout"])
        except ValidationError as error:
            failures.append(CheckFailure(error.argument, str(error)))
    return inputs, failures


def _drift_fields(value: Any) -> list[str] | None:
    if problem := drift.drift_problem(value):
        raise ValidationError("drift_fields", problem)
    return None if value is None else list(value)


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
            on_progress=pulumi.log.info,
        )
        resolved = validation.source_id(response.data.id if source_id is None else source_id)
        return {**inputs, "source_id": resolved, **drift.state_of(response.data)}

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        inputs, failures = _inputs_problems(news)
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
        inputs = _inputs_problems(outs)[0]
        wait = readiness.Wait.parse(inputs["wait_for"], inputs["wait_timeout"])
        settled = "status" in outs and (
            wait is None or readiness.CONDITIONS[wait.condition](DataSource.model_validate(outs))
        )
        return outs if settled else self._live(inputs, wait)

    def create(self, props: dict[str, Any]) -> CreateResult:
        outs = self._outputs(props)
        return CreateResult(str(validation.source_id(outs["source_id"])), outs)

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(self._outputs(news))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        # State holds both the id and the fetched name: refresh by id.
        inputs, failures = _inputs_problems(
            {**props, "source_id": props.get("source_id") or id_, "name": None}
        )
        if failures:
            raise ValidationError("source_id", "; ".join(f.reason for f in failures))
        try:
            outs = self._live(inputs)
        except DataSourceNotFound:
            return ReadResult("", {})  # gone: the engine drops it from state
        return ReadResult(id_, outs, {k: outs[k] for k in drift.INPUT_FIELDS if outs.get(k) is not None})

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        """A data source is only read: deleting the resource leaves the cloud untouched."""


MmsDataSourceProvider.__module__ = "pulumi_mms.mms_data_source"


class MmsDataSource(MmsDataSourceOutputs, pulumi.dynamic.Resource, module="mms", name="MmsDataSource"):
    """An MMS data source read as a resource: live values in previews, drift shown as a diff.

    Outputs: every field of the data source (see `DataSource`), in snake_case, as typed `pulumi.Output`s
    (`MmsDataSourceOutputs`, generated from the model), and `source_id`. It never changes anything in the
    cloud; deleting it only forgets it.
    """

    def __init__(
        self,
        resource_name: str,
        source_id: pulumi.Input[int] | None = None,
        with_config: pulumi.Input[bool] | None = None,
        lang: pulumi.Input[str] | None = None,
        drift_fields: pulumi.Input[Sequence[str]] | None = None,
        name: pulumi.Input[str] | None = None,
        wait_for: pulumi.Input[str] | None = None,
        wait_timeout: pulumi.Input[float] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """
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
        """
        plain = {
            "source_id": source_id,
            "with_config": with_config,
            "lang": lang,
            "drift_fields": drift_fields,
            "name": name,
            "wait_for": wait_for,
            "wait_timeout": wait_timeout,
        }
        _, failures = _inputs_problems(plain)  # plain values are checked now, Outputs by the provider
        if failures:
            raise ValidationError(failures[0].property, failures[0].reason)
        props: dict[str, Any] = {field: None for field in drift.STATE_FIELDS}
        props.update(plain)
        super().__init__(MmsDataSourceProvider(), resource_name, props, opts)
