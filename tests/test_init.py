"""The package's public names: every one importable, and the Pulumi surface loaded only on first use."""

from __future__ import annotations

import subprocess
import sys

import pulumi_mms


def test_every_public_name_resolves() -> None:
    for name in pulumi_mms.__all__:
        assert getattr(pulumi_mms, name) is not None, name


def test_functions_stay_functions_after_their_modules_are_imported() -> None:
    code = (
        "import pulumi_mms.surface.data_source_function, pulumi_mms.surface.data_sources_function\n"
        "from pulumi_mms import get_mms_data_source, get_mms_data_sources\n"
        "assert callable(get_mms_data_source) and callable(get_mms_data_sources)\n"
        "print('ok')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.stdout.strip() == "ok", done.stderr


def test_the_client_imports_without_pulumi() -> None:
    code = (
        "import sys, pulumi_mms\n"
        "print('pulumi' in sys.modules)\n"
        "pulumi_mms.MmsDataSource\n"
        "print('pulumi' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.stdout.split() == ["False", "True"], done.stderr
