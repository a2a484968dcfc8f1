"""`./dev wheel-smoke`: the wheel users install works on its own, away from the checkout.

1. Build the wheel (`pip wheel --no-deps`, from a copy of the working tree) and check what it carries:
   every module and data file of `pulumi_mms/` and the example the demo previews; nothing of the
   development tree (`tools/`, `tests/`, `benchmarks/`), and no shipped module imports it or tells users
   to run `./dev`.
2. Install it, with its `demo` extra, into a virtual environment of its own (kept beside the development
   one). pip resolves the wheel's declared dependencies into it; they are installed again only when that
   list changes (the key of the folder), while the package itself is uninstalled and installed from the new
   wheel every run, then `pip check` verifies the set.
3. From an empty temporary folder, with no proxy, no cloud settings and no `PYTHONPATH`: `python -c
   "import pulumi_mms"` must load the installed copy; `pulumi-mms demo` must run all its steps; and
   `pulumi-mms get` must read a data source from a `pulumi-mms emulator` started for the purpose.

Exit status 0 when every check passed; 1 with the failed check otherwise.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from email.parser import Parser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "pulumi_mms"
DEV_TREE = ("tools", "tests", "benchmarks")
EXAMPLE = f"{PACKAGE}/cli/examples/dst-project-policies/__main__.py"
SOURCE_ID = 2000015


class SmokeFailure(Exception):
    """A check failed; the message says which and shows the evidence."""


def _run(
    command: Sequence[str | Path], cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        shown = " ".join(str(part) for part in command)
        raise SmokeFailure(f"`{shown}` exited {done.returncode}:\n{done.stdout[-2000:]}{done.stderr[-3000:]}")
    return done


SNAPSHOT_SKIPS = (".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis")


def build(out: Path) -> Path:
    """The wheel of the working tree, built from a copy of it (without the virtual environment, caches and
    earlier build output): the build writes `build/` and `*.egg-info` into the tree it builds, which must
    not change under the test suite that `./dev test` runs meanwhile."""
    source = out.parent / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*SNAPSHOT_SKIPS, ".coverage*"))
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", out, source], cwd=source)
    (wheel,) = out.glob(f"{PACKAGE}-*.whl")
    return wheel


def _expected_files() -> set[str]:
    """What the wheel must carry from the source tree: modules, py.typed, the emulator's data."""
    found = {
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / PACKAGE).rglob("*")
        if path.is_file() and path.suffix in {".py", ".json", ".typed"} and "__pycache__" not in path.parts
    }
    return found | {EXAMPLE}


def _tells_to_run_dev(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and "./dev" in node.value


def check_contents(wheel: Path) -> list[str]:
    """Every expected file is in the wheel and nothing of the development tree is; returns the names."""
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        sources = {name: archive.read(name).decode() for name in names if name.endswith(".py")}
    missing = sorted(_expected_files() - set(names))
    if missing:
        raise SmokeFailure(f"the wheel lacks {', '.join(missing)} (add them to pyproject's packages/data)")
    strays = [name for name in names if name.split("/")[0] in DEV_TREE]
    if strays:
        raise SmokeFailure(f"the wheel ships development files: {', '.join(strays)}")
    for name, text in sources.items():
        if name.startswith(f"{PACKAGE}/cli/examples/"):
            continue  # the examples are Pulumi projects, not part of the package's code
        tree = ast.parse(text, name)
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
            and node.body
            and isinstance(node.body[0], ast.Expr)
        }
        for node in ast.walk(tree):
            imported: list[str] = []
            where = f"{name}:{getattr(node, 'lineno', '?')}"
            if isinstance(node, ast.Import):
                imported = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported = [node.module]
            elif _tells_to_run_dev(node) and id(node) not in docstrings:  # docstrings: for contributors
                raise SmokeFailure(f"{where} tells users to run `./dev`, absent from the wheel")
            for module in imported:
                if module.split(".")[0] in DEV_TREE:
                    raise SmokeFailure(f"{where} imports {module} (development only)")
    return names


def _requirements(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        (metadata,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        message = Parser().parsestr(archive.read(metadata).decode())
    return sorted(message.get_all("Requires-Dist") or [])


def environment(wheel: Path, home: Path) -> Path:
    """The smoke venv with the wheel's dependencies (demo extra included); created when they change."""
    key = json.dumps([sys.version_info[:2], _requirements(wheel)])
    venv = home / f"wheel-smoke-{hashlib.sha256(key.encode()).hexdigest()[:12]}"
    python = venv / "bin" / "python"
    # Without PYTHONPATH: CI points it at a checkout whose build left pulumi_mms.egg-info there, which pip
    # would take for an installed pulumi-mms and so skip installing the wheel.
    env = {name: value for name, value in os.environ.items() if not name.startswith("PYTHON")}
    if not (venv / ".complete").exists():
        for stale in home.glob("wheel-smoke-*"):
            shutil.rmtree(stale)
        _run([sys.executable, "-m", "venv", venv], env=env)
        _run([python, "-m", "pip", "install", "--quiet", f"{wheel}[demo]"], env=env)
        (venv / ".complete").touch()
    _run([python, "-m", "pip", "uninstall", "--quiet", "--yes", "pulumi-mms"], env=env)
    _run([python, "-m", "pip", "install", "--quiet", "--no-deps", wheel], env=env)
    _run([python, "-m", "pip", "check"], env=env)
    return venv


def clean_env(venv: Path) -> dict[str, str]:
    """The caller's environment without proxies, cloud settings, PYTHONPATH or the development venv."""
    dropped = ("ALIBABA_CLOUD_", "ALICLOUD_", "MMS_", "PULUMI_", "PYTHON", "VIRTUAL_ENV")
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(dropped) and "proxy" not in name.lower()
    }
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["ALIBABA_CLOUD_ECS_METADATA_DISABLED"] = "true"
    return env


@contextmanager
def emulator(venv: Path, where: Path, env: dict[str, str]) -> Iterator[dict[str, str]]:
    """`pulumi-mms emulator` running; yields the environment it prints for clients."""
    process = subprocess.Popen(
        [str(venv / "bin" / "pulumi-mms"), "emulator", "--port", "0"],
        cwd=where,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        exports: dict[str, str] = {}
        for line in process.stdout:
            if match := re.match(r"^export (\w+)=(.*)$", line.strip()):
                exports[match[1]] = match[2]
            if line.startswith("Press Ctrl-C"):
                break
        if "MMS_ENDPOINT" not in exports:
            process.kill()
            raise SmokeFailure(f"`pulumi-mms emulator` did not start:\n{process.communicate()[1][-3000:]}")
        yield exports
    finally:
        process.terminate()
        process.wait(timeout=30)


def exercise(venv: Path, where: Path) -> list[str]:
    """Run the installed package from `where`, outside the checkout; returns what was proven."""
    env = clean_env(venv)
    python, script = venv / "bin" / "python", venv / "bin" / "pulumi-mms"
    where_from = _run(
        [python, "-c", "import pulumi_mms; print(pulumi_mms.__file__)"],
        cwd=where,
        env=env,
    ).stdout.splitlines()[0]
    if not Path(where_from).is_relative_to(venv):
        raise SmokeFailure(f"`import pulumi_mms` loaded {where_from}, not the installed wheel in {venv}")
    demo = _run([script, "demo"], cwd=where, env=env).stdout
    for expected in ("== 1.", "+ alicloud:maxcompute/role:Role  mms_test1-migration", "== 3.", "(drift)"):
        if expected not in demo or "skipped" in demo:
            raise SmokeFailure(f"`pulumi-mms demo` output lacks {expected!r}:\n{demo[-3000:]}")
    with emulator(venv, where, env) as exports:
        got = _run([script, "get", str(SOURCE_ID), "-o", "json"], cwd=where, env={**env, **exports}).stdout
    if json.loads(got)["data"]["id"] != SOURCE_ID:
        raise SmokeFailure(f"`pulumi-mms get {SOURCE_ID}` printed another data source:\n{got}")
    return [
        f"import pulumi_mms -> {where_from}",
        "pulumi-mms demo: lookup, example preview and drift",
        f"pulumi-mms get {SOURCE_ID} against pulumi-mms emulator",
    ]


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    home = Path(args[0]) if args else Path(sys.prefix)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="pulumi-mms-wheel-") as scratch:
        try:
            wheel = build(Path(scratch) / "dist")
            files = check_contents(wheel)
            venv = environment(wheel, home)
            where = Path(scratch) / "elsewhere"
            where.mkdir()
            proven = exercise(venv, where)
        except SmokeFailure as failure:
            print(f"wheel smoke test FAILED: {failure}", file=sys.stderr)
            return 1
    lines = [f"{wheel.name}: {len(files)} files, no development files", *proven]
    print(f"wheel smoke test passed in {time.perf_counter() - started:.0f} s: " + "; ".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
