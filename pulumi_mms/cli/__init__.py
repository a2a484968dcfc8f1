"""The `pulumi-mms` command: look up a data source, run the local emulator, or run the demo.

`get` goes through `Settings.resolve` and `MmsClient`, the lookup path of the Pulumi functions, without
importing pulumi (it starts fast). Errors are one line with the fix; exit codes: 0 ok, 1 other error,
2 usage or invalid input, 3 not found, 4 credentials or permission. A traceback only with `--debug`.
Secret values (access key secret, security token) are scrubbed from anything printed, even with
`--debug`; password config values are masked unless `--show-secrets`.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import shutil
import sys
import traceback
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, NoReturn

from ..core.errors import (
    AmbiguousDataSource,
    CredentialsError,
    DataSourceNotFound,
    MmsError,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from ..core.readiness import CONDITIONS
from ..core.secrets import Scrubber
from ..core.settings import SETTINGS, Settings
from ..core.validation import LANGUAGES

if TYPE_CHECKING:
    from ..core.client import MmsClient

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_NOT_FOUND, EXIT_AUTH = 0, 1, 2, 3, 4


FIXES: tuple[tuple[type[MmsError], str], ...] = (
    (ValidationError, "correct that value (`pulumi-mms COMMAND --help` lists what each option accepts)"),
    (CredentialsError, "set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET (or a profile)"),
    (PermissionDenied, "grant the RAM user odps:GetMmsDataSource and odps:ListMmsDataSources"),
    (DataSourceNotFound, "check the id or name and --region"),
    (NotFound, "check the id: it must belong to the data source given"),
    (MmsError, "retry; if it persists, rerun with --debug and report the request id it shows"),
)
"""The fix a command-line error ends with when the error itself carries none (first matching class)."""

ARGUMENT_FLAGS = {
    "source_id": "SOURCE_ID",
    "name": "--name",
    "with_config": "--with-config",
    "lang": "--lang",
    "wait_for": "--wait",
    "wait_timeout": "--wait-timeout",
    "region": "--region",
    "endpoint": "--endpoint",
    "protocol": "--protocol",
}
"""The option a user typed for each argument name the package's errors use (`--wait-timeout`, not
`wait_timeout`). The listing filters are validated under their own flags (`--filter-region`)."""
LIST_FILTER_FLAGS = {
    "name_regex": "--name-regex",
    "type": "--type",
    "status": "--status",
    "region": "--filter-region",
}


def _flags(text: str) -> str:
    for argument, flag in ARGUMENT_FLAGS.items():
        if "_" in argument:  # a Python name; one-word names ("region") are also plain words
            text = re.sub(rf"(?<![\w-]){argument}(?![\w-])", flag, text)
    return text


def for_command_line(error: MmsError, command: str = "COMMAND") -> MmsError:
    """`error` as the command line reports it: named by the flags the user typed, ending with a fix."""
    if isinstance(error, ValidationError) and error.argument in ARGUMENT_FLAGS:
        context = error.context()
        context["hint"] = error.hint and _flags(error.hint)
        error = ValidationError(ARGUMENT_FLAGS[error.argument], _flags(error.message), **context)
    if not error.hint:
        fix = next(fix for kind, fix in FIXES if isinstance(error, kind))
        error.with_context(hint=fix.replace("COMMAND", command))
    return error


def exit_code(error: MmsError) -> int:
    if isinstance(error, (ValidationError, AmbiguousDataSource)):
        return EXIT_USAGE
    if isinstance(error, NotFound):  # a data source, or a job, table... of one
        return EXIT_NOT_FOUND
    if isinstance(error, (CredentialsError, PermissionDenied)):
        return EXIT_AUTH
    return EXIT_ERROR


class Redactor(Scrubber):
    """The scrubber of the CLI: starts with the secret settings found in the environment."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        super().__init__(environ.get(name) for spec in SETTINGS if spec.secret for name in spec.env)


class _RedactingFormatter(logging.Formatter):
    def __init__(self, redact: Redactor) -> None:
        super().__init__("%(name)s: %(message)s")
        self._redact = redact

    def format(self, record: logging.LogRecord) -> str:
        return self._redact(super().format(record))


def _write(text: str, redact: Redactor, stream: str = "stdout") -> None:
    (sys.stdout if stream == "stdout" else sys.stderr).write(redact(text))


# -- commands --------------------------------------------------------------------------------------------


def _client(args: argparse.Namespace, redact: Redactor) -> MmsClient:
    from ..core.client import MmsClient

    settings = Settings.resolve(
        environ=os.environ,
        region=args.region,
        endpoint=args.endpoint,
        protocol=args.protocol,
        profile=args.profile,
    )
    if settings.credentials is not None:
        redact.add(settings.credentials.access_key_secret, settings.credentials.security_token)
    return MmsClient(settings)


def _print(text: str, redact: Redactor) -> int:
    # Credentials are scrubbed even with --show-secrets (which only shows password config values).
    sys.stdout.write(redact(text))
    return EXIT_OK


def _get(args: argparse.Namespace, redact: Redactor) -> int:
    from ..core import readiness, reading, validation
    from . import render

    reading.exactly_one(args.source_id, args.name, id_argument="SOURCE_ID", name_argument="--name")
    source_id = None if args.source_id is None else validation.source_id(args.source_id, "SOURCE_ID")
    wait = readiness.Wait.parse(args.wait, args.wait_timeout)
    response = reading.read(
        _client(args, redact),
        source_id=source_id,
        name=args.name,
        with_config=True if args.with_config else None,
        lang=args.lang,
        wait=wait,
        on_progress=_progress,
    )
    if args.output == "table":
        text = render.table(response.data, show_secrets=args.show_secrets)
    else:
        text = _serialise(render.dump(response, show_secrets=args.show_secrets), args.output)
    return _print(text, redact)


def _progress(message: str) -> None:
    sys.stderr.write(message + "\n")


def _list(args: argparse.Namespace, redact: Redactor) -> int:
    from ..core import discovery
    from . import render

    filters = {"name_regex": args.name_regex, "type": args.type, "status": args.status}
    filters["region"] = args.filter_region
    discovery.check_filters(**filters, arguments=LIST_FILTER_FLAGS)  # before any request, named by flag
    items = discovery.list_matching(_client(args, redact), **filters, arguments=LIST_FILTER_FLAGS)
    if args.output != "table":
        body = render.dump_list(items, show_secrets=args.show_secrets)
        return _print(_serialise(body, args.output), redact)
    width = None if args.wide else shutil.get_terminal_size().columns
    return _print(render.listing(items, width=width), redact)


def _serialise(body: object, output: str) -> str:
    from . import render

    return render.to_json(body) if output == "json" else render.to_yaml(body)


def _emulator(args: argparse.Namespace, _redact: Redactor) -> int:
    from ..testing.__main__ import serve

    return serve(args.args, prog="pulumi-mms emulator")


def _demo(args: argparse.Namespace, _redact: Redactor) -> int:
    from .demo import run

    return run()


# -- parsing and running ---------------------------------------------------------------------------------


def _connection_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("--region", help="region id, e.g. cn-shanghai")
    command.add_argument("--endpoint", metavar="HOST[:PORT]", help="endpoint override")
    command.add_argument("--protocol", choices=("http", "https"), help="default https")
    command.add_argument(
        "--profile",
        metavar="NAME",
        help="credentials profile (aliyun CLI config or credentials file); gives the region too",
    )
    command.add_argument("--output", "-o", choices=("table", "json", "yaml"), default="table")


class _Parser(argparse.ArgumentParser):
    """Usage errors end with the fix, like every other error of the command."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"error: {message}. Fix: see `{self.prog} --help`\n")


def parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    common.add_argument("--debug", action="store_true", help="log requests and show tracebacks")
    top = _Parser(
        prog="pulumi-mms",
        description="Read MaxCompute Migration Assist (MMS) data sources; run a local emulator or the demo.",
    )
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)

    get = commands.add_parser(
        "get",
        parents=[common],
        help="look up one data source (GetMmsDataSource)",
        description="Look up one data source, with the settings a Pulumi program would use "
        "(env: ALIBABA_CLOUD_REGION_ID, ALIBABA_CLOUD_ACCESS_KEY_ID/_SECRET, MMS_ENDPOINT, ...).",
    )
    get.add_argument("source_id", metavar="SOURCE_ID", nargs="?", help="the data source id, e.g. 2000015")
    get.add_argument("--name", help="look the data source up by its exact name instead of SOURCE_ID")
    get.add_argument("--with-config", action="store_true", help="include the configuration items")
    get.add_argument("--lang", choices=LANGUAGES, help="language of configuration item descriptions")
    get.add_argument("--wait", choices=tuple(CONDITIONS), help="poll until the data source is in this state")
    get.add_argument("--wait-timeout", type=float, metavar="SECONDS", help="how long --wait waits (600)")
    get.add_argument("--show-secrets", action="store_true", help="show password config values")
    _connection_arguments(get)
    get.set_defaults(run=_get)

    listing = commands.add_parser(
        "list",
        parents=[common],
        help="list data sources (ListMmsDataSources, every page) with filters",
        description="List the data sources matching every given filter, ordered by id.",
    )
    listing.add_argument("--name-regex", metavar="REGEX", help="a regular expression searched in the name")
    listing.add_argument("--type", help="HIVE, BIGQUERY, MAXCOMPUTE, ... (any case)")
    listing.add_argument("--status", help="STARTED, STOPPED, START_FAILED, ... (any case)")
    listing.add_argument(
        "--filter-region", metavar="REGION", help="the data sources' region, e.g. cn-shanghai"
    )
    listing.add_argument(
        "--wide",
        action="store_true",
        help="every column, however wide (default: as many as the terminal fits)",
    )
    listing.add_argument(
        "--show-secrets", action="store_true", help="show password config values in -o json|yaml"
    )
    _connection_arguments(listing)
    listing.set_defaults(run=_list)

    from .migration import register

    register(commands, common, _connection_arguments)

    emulator = commands.add_parser(
        "emulator",
        add_help=False,  # its options and --help are the emulator's own (pulumi_mms.testing)
        help="run the local MMS API emulator [--port N] [--data FILE] (see `pulumi-mms emulator --help`)",
    )
    emulator.set_defaults(run=_emulator, debug=False, passthrough=True)

    demo = commands.add_parser(
        "demo", parents=[common], help="lookup, example preview and drift against the embedded emulator"
    )
    demo.set_defaults(run=_demo)
    return top


def _configure_logging(debug: bool, redact: Redactor) -> None:
    if not debug:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_RedactingFormatter(redact))
    logger = logging.getLogger("pulumi_mms")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)


def _fail(message: str, redact: Redactor) -> None:
    _write(f"error: {message}\n", redact, "stderr")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    top = parser()
    args, extra = top.parse_known_args(argv)
    if extra and not getattr(args, "passthrough", False):
        top.error(f"unrecognized arguments: {' '.join(extra)}")
    args.args = extra
    redact = Redactor(os.environ)
    _configure_logging(args.debug, redact)
    run: Callable[[argparse.Namespace, Redactor], int] = args.run
    try:
        return run(args, redact)
    except MmsError as error:
        if args.debug:
            _write(traceback.format_exc(), redact, "stderr")
        _fail(str(for_command_line(error, args.command)), redact)
        return exit_code(error)
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        if args.debug:
            _write(traceback.format_exc(), redact, "stderr")
        fix = (
            "report this bug with the traceback above"
            if args.debug
            else "rerun with --debug for the traceback"
        )
        _fail(f"unexpected {type(error).__name__}: {error}. Fix: {fix}", redact)
        return EXIT_ERROR


if __name__ == "__main__":
    raise SystemExit(main())
