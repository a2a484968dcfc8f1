"""`MmsDataSource`: a read-only dynamic resource whose values are known in `pulumi preview`.

The provider runs in Pulumi's dynamic-provider host (`python -m pulumi.dynamic`). That host does not
support provider previews, so during `pulumi preview` the engine shows the *checked inputs* as the new
state. `check` therefore fetches the live data source and returns its fields with the inputs: the preview
shows live values, and drift shows as a property-level diff. `create`/`update` return exactly what was
checked, so what the preview showed is what gets applied. Nothing in the cloud is ever changed.

The provider instance holds nothing when pickled into state (`__provider`): settings and credentials are
read in the host by `configure`, from the stack config and the host's environment.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Optional

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

from . import drift, validation
from .client import shared_client
from .errors import DataSourceNotFound, MmsError, ValidationError
from .model import DataSource
from .settings import Settings

PROVIDER_KEY = "__provider"


def _inputs_problems(props: dict[str, Any]) -> tuple[dict[str, Any], list[CheckFailure]]:
    """Checked inputs (normalised) and one failure per bad field; unknown values pass through."""
    inputs: dict[str, Any] = {}
    failures: list[CheckFailure] = []
    checks = {
        "source_id": validation.source_id,
        "with_config": validation.with_config,
        "lang": validation.lang,
    }
    for field, check in checks.items():
        value = props.get(field)
        if drift.is_unknown(value) or isinstance(value, pulumi.Output):
            inputs[field] = value
            continue
        if field == "source_id" and value is None:
            failures.append(CheckFailure("source_id", "source_id is required: the id of the MMS data source"))
            continue
        try:
            inputs[field] = check(value)
        except ValidationError as error:
            failures.append(CheckFailure(field, str(error)))
    fields = props.get("drift_fields")
    if drift.is_unknown(fields) or isinstance(fields, pulumi.Output):
        inputs["drift_fields"] = fields
    elif problem := drift.drift_problem(fields):
        failures.append(CheckFailure("drift_fields", problem))
    else:
        inputs["drift_fields"] = list(fields) if fields is not None else None
    return inputs, failures


class MmsDataSourceProvider(ResourceProvider):
    """The dynamic provider behind `MmsDataSource` (pickled by reference: it lives in this module)."""

    serialize_as_secret_always = False  # the pickled provider holds no secret; keep state readable

    def configure(self, req: ConfigureRequest) -> None:
        # Runs in the host after unpickling: whatever is set here never reaches state.
        self._settings = Settings.resolve(config=req.config.get)

    def _client_settings(self) -> Settings:
        settings: Settings | None = getattr(self, "_settings", None)
        if settings is None:  # an engine that never called Configure: environment only
            settings = self._settings = Settings.resolve()
        return settings

    def _fetch(self, inputs: dict[str, Any]) -> DataSource:
        client = shared_client(self._client_settings())
        return client.get_data_source(
            inputs["source_id"], with_config=inputs.get("with_config"), lang=inputs.get("lang")
        ).data

    def _live(self, inputs: dict[str, Any]) -> dict[str, Any]:
        return {**inputs, **drift.state_of(self._fetch(inputs))}

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        inputs, failures = _inputs_problems(news)
        if failures or drift.is_unknown(inputs):
            return CheckResult(inputs, failures)
        try:
            return CheckResult(self._live(inputs), [])
        except MmsError as error:
            return CheckResult(inputs, [CheckFailure("source_id", f"cannot read MMS data source: {error}")])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = drift.changed_fields(olds, news, drift.INPUT_FIELDS)
        fields = news.get("drift_fields")
        watched = fields if isinstance(fields, list) else drift.DEFAULT_DRIFT_FIELDS
        changed += [f for f in drift.changed_fields(olds, news, watched) if f not in changed]
        replaces = [f for f in changed if f == "source_id"]
        return DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=False)

    def _outputs(self, props: dict[str, Any]) -> dict[str, Any]:
        outs = {k: v for k, v in props.items() if not k.startswith("__")}
        if "status" not in outs:  # check could not fetch (e.g. inputs were unknown then): fetch now
            outs = self._live(_inputs_problems(outs)[0])
        return outs

    def create(self, props: dict[str, Any]) -> CreateResult:
        outs = self._outputs(props)
        return CreateResult(str(validation.source_id(outs["source_id"])), outs)

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(self._outputs(news))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        inputs, failures = _inputs_problems({"source_id": id_, **props})
        if failures:
            raise ValidationError("source_id", "; ".join(f.reason for f in failures))
        try:
            outs = self._live(inputs)
        except DataSourceNotFound:
            return ReadResult("", {})  # gone: the engine drops it from state
        return ReadResult(id_, outs, inputs)

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        """A data source is only read: deleting the resource leaves the cloud untouched."""


class MmsDataSource(pulumi.dynamic.Resource, module="mms", name="MmsDataSource"):
    """An MMS data source read as a resource: live values in previews, drift shown as a diff.

    Outputs: every field of the data source (see `DataSource`), in snake_case, as `pulumi.Output`s, and
    `source_id`. It never changes anything in the cloud; deleting it only forgets it.
    """

    def __init__(
        self,
        resource_name: str,
        source_id: pulumi.Input[int],
        with_config: pulumi.Input[bool] | None = None,
        lang: pulumi.Input[str] | None = None,
        drift_fields: pulumi.Input[Sequence[str]] | None = None,
        opts: Optional[pulumi.ResourceOptions] = None,
    ) -> None:
        """
        :param resource_name: The Pulumi name of the resource.
        :param source_id: The data source ID.
        :param with_config: Whether to read the configuration items too.
        :param lang: The language of configuration item descriptions: `zh_CN` or `en_US`.
        :param drift_fields: The fields whose change counts as drift (default: all but progress
               counters, totals and scan times, i.e. `DEFAULT_DRIFT_FIELDS`).
        """
        plain = {"source_id": source_id, "with_config": with_config, "lang": lang, "drift_fields": drift_fields}
        _, failures = _inputs_problems(plain)  # plain values are checked now, Outputs by the provider
        if failures:
            raise ValidationError(failures[0].property, failures[0].reason)
        props: dict[str, Any] = dict(plain)
        props.update({field: None for field in drift.STATE_FIELDS})
        super().__init__(MmsDataSourceProvider(), resource_name, props, opts)

    if TYPE_CHECKING:

        def __getattr__(self, name: str) -> pulumi.Output[Any]: ...


def _int_outputs() -> dict[str, Any]:
    """`Output[int]` annotations for the integer fields, derived from the model.

    Pulumi reads a resource class's annotations to turn the engine's floats back into ints.
    """
    annotations: dict[str, Any] = {"source_id": pulumi.Output[int]}
    for name in drift.STATE_FIELDS:
        if DataSource.model_fields[name].annotation == (int | None):
            annotations[name] = pulumi.Output[int]
    return annotations


MmsDataSource.__annotations__ = _int_outputs()
