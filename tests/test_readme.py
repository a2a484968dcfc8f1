"""Every ```python block of README.md runs, as what it is: a Pulumi program, a pytest file, or a script.

A block's kind is the HTML comment on the line before it: `<!-- readme: program -->` (the default: run
under Pulumi's mock runtime, as `pulumi preview` would, with the stack config pointing at an emulator),
`<!-- readme: pytest -->` (written to a test file and run by pytest in a subprocess, with the installed
plugin's fixtures), or `<!-- readme: not run (why) -->` for a block that cannot run here. Every program
block reads from the emulator, whose data sources include the names the README uses.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import attrs
import pytest

from pulumi_mms.testing import MmsEmulator, sample_data

from .clients import stack_config
from .programs import run_program

README = Path(__file__).resolve().parents[1] / "README.md"
_FENCE = re.compile(r"^```python\n(?P<code>.*?)^```$", re.M | re.S)
_KIND = re.compile(r"<!-- readme: (?P<kind>program|pytest|not run \(.+?\)) -->\s*$")


@attrs.frozen
class Block:
    line: int
    kind: str
    code: str

    @property
    def id(self) -> str:
        return f"README.md:{self.line}"


def blocks(text: str) -> list[Block]:
    found = []
    for match in _FENCE.finditer(text):
        before = text[: match.start()].rstrip("\n").rsplit("\n", 1)[-1]
        kind = _KIND.search(before)
        line = text.count("\n", 0, match.start()) + 1
        found.append(Block(line, kind["kind"] if kind else "program", match["code"]))
    return found


BLOCKS = blocks(README.read_text(encoding="utf-8"))


def readme_data_sources() -> list[dict[str, object]]:
    """The sample data source, plus the ones the README looks up by name and lists."""
    sample = sample_data()
    orders = {**sample, "id": 2000101, "name": "orders-hive", "type": "HIVE", "status": "STARTED"}
    return [sample, orders, {**orders, "id": 2000102, "name": "orders-hive-eu", "region": "eu-central-1"}]


def run_as_program(block: Block, emulator: MmsEmulator) -> None:
    code = compile(block.code, block.id, "exec")

    def program() -> None:
        exec(code, {"__name__": "__main__"})  # noqa: S102 - the README's own code

    run_program(program, preview=True, config=stack_config(emulator))


def test_the_readme_has_python_blocks_of_every_kind() -> None:
    kinds = {block.kind.split(" (")[0] for block in BLOCKS}
    assert {"program", "pytest"} <= kinds
    assert len(BLOCKS) >= 4


@pytest.mark.parametrize("block", [b for b in BLOCKS if b.kind == "program"], ids=lambda b: b.id)
def test_program_block_runs(block: Block, mms_emulator: MmsEmulator) -> None:
    mms_emulator.put_data_sources(readme_data_sources())
    run_as_program(block, mms_emulator)
    if "get_mms_" in block.code:
        assert mms_emulator.stats.requests > 0  # it really read from the emulator


def test_a_block_missing_an_import_fails(mms_emulator: MmsEmulator) -> None:
    """The harness catches what it is for: the by-name snippet once lacked `import pulumi`."""
    broken = Block(0, "program", "from pulumi_mms import get_mms_data_source_output\npulumi.export('x', 1)\n")
    with pytest.raises(NameError, match="pulumi"):
        run_as_program(broken, mms_emulator)


@pytest.mark.parametrize("block", [b for b in BLOCKS if b.kind == "pytest"], ids=lambda b: b.id)
def test_pytest_block_passes(block: Block, tmp_path: Path) -> None:
    import json

    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    (tmp_path / "my-data-sources.json").write_text(json.dumps(readme_data_sources()), encoding="utf-8")
    (tmp_path / "test_readme_block.py").write_text(block.code, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_readme_block.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert re.search(r"\b[1-9]\d* passed", done.stdout)
