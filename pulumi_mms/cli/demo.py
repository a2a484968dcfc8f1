"""`pulumi-mms demo`: the package end to end on this machine, in seconds, against the embedded emulator.

1. a real signed GetMmsDataSource through `MmsClient`, shown as `pulumi-mms get` shows it;
2. `examples/dst-project-policies` previewed under Pulumi's mock runtime: the resources it would create;
3. the data source changes in the emulator (a new destination project, a restart, moved counters): the
   resources a new preview would add, and the drift `MmsDataSource`'s provider reports (check, diff).
Nothing leaves 127.0.0.1; no Pulumi CLI or cloud account is needed.

The example ships in the wheel (pyproject maps the repository's `examples/` to `pulumi_mms/cli/examples`);
in a checkout it is read from `examples/`. It uses pulumi-alicloud (`pip install 'pulumi-mms[demo]'`);
without it, step 2 is skipped with that fix and steps 1 and 3 still run.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from ..core.errors import MmsError
from ..core.settings import Settings
from ..testing import MmsEmulator
from . import render

EXAMPLE = "dst-project-policies"
EXAMPLE_SOURCES = (
    Path(__file__).resolve().parent / "examples",  # an installed wheel
    Path(__file__).resolve().parents[2] / "examples",  # a checkout
)
SOURCE_ID = 2000015


class DemoError(MmsError):
    """The demo cannot run here (its example is missing from the installation)."""


def example_dir(sources: tuple[Path, ...] = EXAMPLE_SOURCES) -> Path:
    """The example project the demo previews: the first of `sources` that has it."""
    for base in sources:
        if (base / EXAMPLE / "__main__.py").is_file():
            return base / EXAMPLE
    raise DemoError(
        f"the example {EXAMPLE} is missing from this installation (looked in "
        f"{', '.join(str(base) for base in sources)})",
        hint="reinstall pulumi-mms (its wheel carries the example)",
    )


DEMO_EXTRA_HINT = "pip install 'pulumi-mms[demo]' (or pulumi-alicloud) for the whole demo"


def have_alicloud() -> bool:
    return importlib.util.find_spec("pulumi_alicloud") is not None


@attrs.frozen
class Planned:
    """A resource a preview would create."""

    type: str
    name: str
    inputs: Mapping[str, Any]

    def describe(self, width: int = 60) -> str:
        shown = []
        for key, value in sorted(self.inputs.items()):
            if key.startswith("__") or value is None:
                continue
            text = str(value)
            shown.append(f"{key}={text if len(text) <= width else f'<{len(text)} chars>'}")
        return f"{self.type}  {self.name}  " + " ".join(shown)


def preview(project_dir: Path, config: Mapping[str, str]) -> tuple[list[Planned], dict[str, Any]]:
    """Run a Pulumi program as `pulumi preview` would, under the mock runtime: its resources and exports.

    Unqualified config keys belong to the project (named in its Pulumi.yaml).
    """
    from ..testing.programs import run_program

    run = run_program(project_dir, config=config, preview=True, stack="demo")
    return [Planned(r.type, r.name, r.inputs) for r in run.resources], run.outputs


def _outputs(exports: Mapping[str, Any]) -> list[str]:
    return ["Stack outputs:", *(f"  {name}: {render.show(value)}" for name, value in exports.items())]


def _drift(provider: Any, olds: Mapping[str, Any], news: Mapping[str, Any]) -> list[str]:
    from ..surface import drift

    diff = provider.diff(str(SOURCE_ID), dict(olds), dict(news))
    lines = [f"MmsDataSource diff: {'update' if diff.changes else 'no change'}"]
    for label, fields in (
        ("drift", drift.DEFAULT_DRIFT_FIELDS),
        ("not drift by default", drift.VOLATILE_FIELDS),
    ):
        for field in drift.changed_fields(olds, news, fields):
            lines.append(
                f"  ~ {field}: {render.show(olds.get(field))} -> {render.show(news.get(field))}  ({label})"
            )
    return lines


def _no_proxy_for_loopback() -> None:
    """tea would send loopback requests through HTTP(S)_PROXY; our session honours NO_PROXY."""
    hosts = {h for name in ("NO_PROXY", "no_proxy") for h in os.environ.get(name, "").split(",") if h}
    value = ",".join(sorted(hosts | {"127.0.0.1", "localhost"}))
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = value


def run(out: Any = None) -> int:
    """Run the demo, printing to `out` (default stdout)."""
    import sys

    from pulumi.dynamic import ConfigureRequest
    from pulumi.dynamic.config import Config

    from ..core.client import MmsClient
    from ..surface.resource import MmsDataSourceProvider

    stream = out or sys.stdout

    def say(*lines: str) -> None:
        stream.write("".join(f"{line}\n" for line in lines))
        stream.flush()

    project_dir = example_dir()
    previews = have_alicloud()
    _no_proxy_for_loopback()
    with MmsEmulator() as emulator:
        config = {
            "mms:region": emulator.region,
            "mms:endpoint": emulator.endpoint,
            "mms:protocol": "http",
            "mms:accessKey": emulator.access_key_id,
            "mms:secretKey": emulator.access_key_secret,
        }
        say(f"== 1. Signed GetMmsDataSource {SOURCE_ID} against the local emulator ({emulator.url})", "")
        settings = Settings.resolve(config=config.get, environ={})
        response = MmsClient(settings).get_data_source(SOURCE_ID, with_config=True)
        say(render.table(response.data), f"request id: {response.request_id}", "")

        account = emulator.account_id
        program_config = {
            **config,
            "sourceId": str(SOURCE_ID),
            "migrationRamRole": f"RAM${account}:role/mms-migration",
        }
        say(f"== 2. pulumi preview of examples/{EXAMPLE} (mock runtime): resources it would create", "")
        if previews:
            before, exports = preview(project_dir, program_config)
            say(*(f"  + {resource.describe()}" for resource in before), "", *_outputs(exports), "")
        else:
            say(f"  skipped: the example uses pulumi-alicloud. Fix: {DEMO_EXTRA_HINT}", "")

        provider = MmsDataSourceProvider()
        provider.configure(ConfigureRequest(Config(config, "demo")))
        olds = provider.check({}, {"source_id": SOURCE_ID}).inputs

        data = emulator.data_source(SOURCE_ID)
        projects = [*data.get("dstProjects", []), "mms_test2"]
        change = {
            "dstProjects": projects,
            "status": "STARTING",
            "agentIsOnline": False,
            "tablesDoneNum": (data.get("tablesDoneNum") or 0) + 24,
        }
        emulator.update_data_source(SOURCE_ID, **change)
        shown = "; ".join(f"{key}={render.show(value)}" for key, value in change.items())
        say(f"== 3. The data source changes in the emulator: {shown}", "")
        if previews:
            after, exports = preview(project_dir, program_config)
            known = {(r.type, r.name) for r in before}
            added = [r for r in after if (r.type, r.name) not in known]
            removed = [r for r in before if (r.type, r.name) not in {(a.type, a.name) for a in after}]
            say("A new preview of the example would add:", *(f"  + {r.describe()}" for r in added))
            say(*(f"  - {r.type}  {r.name}" for r in removed), "", *_outputs(exports), "")
        news = provider.check(olds, {"source_id": SOURCE_ID}).inputs
        say(*_drift(provider, olds, news), "")
        say("Next: `pulumi-mms get --help`, `pulumi-mms emulator --help`; the README of pulumi-mms.")
    return 0
