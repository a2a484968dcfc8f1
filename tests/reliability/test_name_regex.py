"""A user's `name_regex` cannot freeze the program: RE2 matching, linear in the name's length.

With Python's backtracking `re`, `(a+)+$` against a name of 64 a's and a `!` takes ~2^64 steps, holding
the GIL (Ctrl-C included). The adversarial cases run in a child process with a bound, so that a
regression fails the test instead of freezing the suite.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pulumi_mms import ValidationError, get_mms_data_sources
from pulumi_mms.core.discovery import check_filters
from pulumi_mms.testing import MmsEmulator, generate_data_sources

ROOT = Path(__file__).resolve().parents[2]
BOUND_S = 60.0  # RE2 takes microseconds; the bound only tells "finished" from "frozen"
EVIL = "(a+)+$"
VICTIM = "a" * 64 + "!"

LISTING = """
import sys
from pulumi_mms import MmsClient
from pulumi_mms.core.discovery import list_matching

client = MmsClient()  # from the environment: the emulator
for pattern in sys.argv[1:]:
    print(pattern, sorted(item.name for item in list_matching(client, name_regex=pattern)), flush=True)
"""


def test_a_catastrophic_pattern_is_matched_in_linear_time() -> None:
    code = (
        "from pulumi_mms.core.discovery import check_filters as c; "
        f"print(c({EVIL!r}).name_regex.search({VICTIM!r}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=BOUND_S, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "None"


def test_a_listing_with_catastrophic_patterns_against_long_names_finishes() -> None:
    records = generate_data_sources(3, seed=8)
    records[0]["name"], records[1]["name"] = VICTIM, "a" * 64
    with MmsEmulator(records) as emu:
        done = subprocess.run(
            [sys.executable, "-c", LISTING, EVIL, "(a|aa)+$", "(a*)*b", "^a+!$"],
            cwd=ROOT,
            env={**os.environ, **emu.env()},
            capture_output=True,
            text=True,
            timeout=BOUND_S,
            check=False,
        )
    assert done.returncode == 0, done.stderr
    found = dict(line.split(" ", 1) for line in done.stdout.splitlines())
    assert found == {
        EVIL: repr(["a" * 64]),  # RE2 agrees with Python's semantics where both finish
        "(a|aa)+$": repr(["a" * 64]),
        "(a*)*b": "[]",
        "^a+!$": repr([VICTIM]),
    }


@pytest.mark.parametrize("pattern", [r"(?=orders)", r"(?<!x)y", r"(a)\1", "("])
def test_a_pattern_re2_refuses_is_a_validation_error_before_any_request(pattern: str) -> None:
    with MmsEmulator() as emu, pytest.MonkeyPatch.context() as env:
        for name, value in emu.env().items():
            env.setenv(name, value)
        with pytest.raises(ValidationError) as caught:
            get_mms_data_sources(name_regex=pattern)
        assert emu.stats.requests == 0
    assert caught.value.argument == "name_regex"
    assert "RE2 syntax" in str(caught.value)
    with pytest.raises(ValidationError):
        check_filters(pattern)


def test_ordinary_patterns_keep_their_meaning() -> None:
    for pattern, name, found in [
        (r"^orders-\d+$", "orders-17", True),
        (r"^orders-\d+$", "orders-x", False),
        (r"(?i)HIVE", "my-hive-source", True),
        (r"prod|staging", "eu-staging-1", True),
        (r"\bsales\b", "sales-eu", True),
        (r"[^a-z]", "lowercase", False),
    ]:
        compiled = check_filters(pattern).name_regex
        assert compiled is not None
        assert (compiled.search(name) is not None) is found, (pattern, name)
