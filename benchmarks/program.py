"""The benchmarks run programs with the package's own runner (`pulumi_mms.testing.programs`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pulumi_mms.testing.programs import UNKNOWN, ProgramRun
from pulumi_mms.testing.programs import run_program as _run_program


def run_program(
    program: Callable[[], Any], *, config: dict[str, str], preview: bool = True
) -> tuple[Any, ProgramRun]:
    """Run `program` to completion as `pulumi preview` would; its resolved value (None while unknown)
    and the run (`.resources`: what it registered). Each call is a new program run."""
    run = _run_program(program, config=config, preview=preview, project="bench")
    return (None if run.value is UNKNOWN else run.value), run
