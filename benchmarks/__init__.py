"""Benchmarks of pulumi-mms against the official SDK and the physical bound (issue 5).

Run them with `./dev bench` or `python -m benchmarks [--quick] [--only B1,B3] [--json FILE]`; the
figures and what they mean are in BENCHMARKS.md. Every comparison is measured side by side in one run and
reported as a ratio. Each scenario is one small module; `core` holds the shared helpers, `remote` the
emulator process, `program` the mock Pulumi runtime and `sdk` the official SDK baseline.
"""

from .core import Options, Result

__all__ = ["Options", "Result"]
