"""Signatures and clocks: refusals by the emulator's real verification surface with a hint, never retried."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone

import pytest
from alibabacloud_tea_openapi.utils import Utils

from pulumi_mms import CredentialsError, MmsClient, MmsError, PermissionDenied, StaticCredentials
from pulumi_mms.core.settings import Settings
from pulumi_mms.testing import MmsEmulator

from . import SOURCE, FakeClock, settings_for

STS_KEY = "STS.NQx6hR9aKdZ8yLw"
STS_SECRET = "sts-secret-for-signature-tests"
STS_TOKEN = "CAIS-token-for-signature-tests"


def skew_clock(monkeypatch: pytest.MonkeyPatch, minutes: int) -> None:
    """Make tea stamp x-acs-date `minutes` off (tea signs whatever Utils.get_timestamp returns)."""
    shifted = datetime.now(timezone.utc) + timedelta(minutes=minutes)
    monkeypatch.setattr(Utils, "get_timestamp", staticmethod(lambda: shifted.strftime("%Y-%m-%dT%H:%M:%SZ")))


Arrange = Callable[[MmsEmulator, pytest.MonkeyPatch], Settings]


def wrong_secret(emu: MmsEmulator, _mp: pytest.MonkeyPatch) -> Settings:
    return settings_for(emu, credentials=StaticCredentials(emu.access_key_id, "not-the-right-secret"))


def unknown_key(emu: MmsEmulator, _mp: pytest.MonkeyPatch) -> Settings:
    return settings_for(emu, credentials=StaticCredentials("LTAI5tNobodyKnowsMe", "whatever"))


def expired_token(emu: MmsEmulator, _mp: pytest.MonkeyPatch) -> Settings:
    emu.add_sts_token(
        STS_KEY, STS_SECRET, STS_TOKEN, expires_at=datetime.now(timezone.utc) - timedelta(hours=1)
    )
    return settings_for(emu, credentials=StaticCredentials(STS_KEY, STS_SECRET, STS_TOKEN))


def wrong_token(emu: MmsEmulator, _mp: pytest.MonkeyPatch) -> Settings:
    emu.add_sts_token(STS_KEY, STS_SECRET, STS_TOKEN)
    return settings_for(emu, credentials=StaticCredentials(STS_KEY, STS_SECRET, "CAIS-some-other-token"))


def missing_token(emu: MmsEmulator, _mp: pytest.MonkeyPatch) -> Settings:
    emu.add_sts_token(STS_KEY, STS_SECRET, STS_TOKEN)
    return settings_for(emu, credentials=StaticCredentials(STS_KEY, STS_SECRET))


def clock_ahead(emu: MmsEmulator, mp: pytest.MonkeyPatch) -> Settings:
    skew_clock(mp, +20)
    return settings_for(emu)


def clock_behind(emu: MmsEmulator, mp: pytest.MonkeyPatch) -> Settings:
    skew_clock(mp, -20)
    return settings_for(emu)


def ram_denied(emu: MmsEmulator, _mp: pytest.MonkeyPatch) -> Settings:
    emu.deny(emu.access_key_id)
    return settings_for(emu)


@pytest.mark.parametrize(
    ("arrange", "cls", "code", "hint"),
    [
        pytest.param(wrong_secret, CredentialsError, "SignatureDoesNotMatch", "secret", id="wrong secret"),
        pytest.param(
            unknown_key, CredentialsError, "InvalidAccessKeyId.NotFound", "access key id", id="unknown key"
        ),
        pytest.param(
            expired_token, CredentialsError, "InvalidSecurityToken.Expired", "STS token", id="expired STS"
        ),
        pytest.param(
            wrong_token, CredentialsError, "InvalidSecurityToken.Mismatch", "STS token", id="wrong STS"
        ),
        pytest.param(
            missing_token, CredentialsError, "InvalidSecurityToken.Mismatch", "STS token", id="no STS"
        ),
        pytest.param(clock_ahead, CredentialsError, "InvalidTimeStamp.Expired", "clock", id="clock +20 min"),
        pytest.param(clock_behind, CredentialsError, "InvalidTimeStamp.Expired", "clock", id="clock -20 min"),
        pytest.param(ram_denied, PermissionDenied, "Forbidden.RAM", "odps:GetMmsDataSource", id="RAM denied"),
    ],
)
def test_refused_requests_surface_with_a_hint_and_are_not_retried(
    mms_emulator: MmsEmulator,
    monkeypatch: pytest.MonkeyPatch,
    arrange: Arrange,
    cls: type[MmsError],
    code: str,
    hint: str,
) -> None:
    settings = arrange(mms_emulator, monkeypatch)
    clock = FakeClock()
    with pytest.raises(MmsError) as caught:
        MmsClient(settings, sleep=clock.sleep, clock=clock).get_data_source(SOURCE)
    error = caught.value
    [record] = mms_emulator.request_log  # the emulator saw (and refused) exactly one request
    assert record.status == 403
    assert type(error) is cls
    assert error.code == code
    assert error.status_code == 403
    assert error.request_id == record.request_id
    assert error.hint is not None
    assert hint in error.hint
    assert clock.sleeps == []
    for secret in (STS_SECRET, STS_TOKEN, "not-the-right-secret", mms_emulator.access_key_secret):
        assert secret not in str(error)


def test_a_small_clock_error_is_tolerated(mms_emulator: MmsEmulator, monkeypatch: pytest.MonkeyPatch) -> None:
    skew_clock(monkeypatch, +2)
    assert MmsClient(settings_for(mms_emulator)).get_data_source(SOURCE).data.id == SOURCE


def test_a_valid_sts_token_is_accepted(mms_emulator: MmsEmulator) -> None:
    expiry = datetime.now(timezone.utc) + timedelta(hours=1)
    mms_emulator.add_sts_token(STS_KEY, STS_SECRET, STS_TOKEN, expires_at=expiry)
    creds = StaticCredentials(STS_KEY, STS_SECRET, STS_TOKEN)
    response = MmsClient(settings_for(mms_emulator, credentials=creds)).get_data_source(SOURCE)
    assert response.data.id == SOURCE
