"""The emulator's STS AssumeRole: verified like STS, answered as the credentials library expects."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import pytest
from alibabacloud_credentials.provider import RamRoleArnCredentialsProvider, StaticAKCredentialsProvider

from pulumi_mms.testing import MmsEmulator
from pulumi_mms.testing.sts import StsError, StsService, sign, string_to_sign

ROLE = "acs:ram::1234567890123456:role/reader"


@pytest.fixture
def sts(mms_emulator: MmsEmulator) -> Iterator[StsService]:
    with StsService(mms_emulator.backend) as service:
        service.add_role(ROLE)
        yield service


def library_provider(
    sts: StsService, key_id: str, secret: str, **extra: object
) -> RamRoleArnCredentialsProvider:
    return RamRoleArnCredentialsProvider(
        credentials_provider=StaticAKCredentialsProvider(access_key_id=key_id, access_key_secret=secret),
        role_arn=ROLE,
        role_session_name="tests",
        sts_endpoint=sts.endpoint,
        **extra,
    )


def signed(key_id: str, secret: str, **params: str) -> dict[str, str]:
    query = {
        "Action": "AssumeRole",
        "Version": "2015-04-01",
        "Format": "JSON",
        "AccessKeyId": key_id,
        "SignatureMethod": "HMAC-SHA1",
        "SignatureVersion": "1.0",
        "SignatureNonce": str(uuid.uuid4()),
        "Timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "RoleArn": ROLE,
        "RoleSessionName": "tests",
        "DurationSeconds": "3600",
        **params,
    }
    query["Signature"] = sign(secret, string_to_sign("GET", query))
    return query


def test_the_credentials_library_gets_temporary_credentials_the_mms_emulator_accepts(
    mms_emulator: MmsEmulator, sts: StsService
) -> None:
    credentials = library_provider(
        sts, mms_emulator.access_key_id, mms_emulator.access_key_secret
    ).get_credentials()
    issued = mms_emulator.backend.credential(credentials.get_access_key_id())
    assert issued is not None
    assert issued.is_sts
    assert issued.security_token == credentials.get_security_token()
    assert issued.access_key_secret == credentials.get_access_key_secret()
    assert issued.expires_at is not None
    assert 3500 < issued.expires_at - time.time() <= 3600


def test_a_wrong_secret_is_refused_by_signature(mms_emulator: MmsEmulator, sts: StsService) -> None:
    with pytest.raises(Exception, match="SignatureDoesNotMatch"):
        library_provider(sts, mms_emulator.access_key_id, "not-the-secret").get_credentials()
    assert sts.calls == []


def test_signature_nonce_replay_unknown_keys_and_sts_callers(
    mms_emulator: MmsEmulator, sts: StsService
) -> None:
    key_id, secret = mms_emulator.access_key_id, mms_emulator.access_key_secret
    request = signed(key_id, secret)
    assert "Credentials" in sts.assume_role("GET", request)
    with pytest.raises(StsError, match="SignatureNonceUsed"):
        sts.assume_role("GET", request)
    with pytest.raises(StsError, match=r"InvalidAccessKeyId\.NotFound"):
        sts.assume_role("GET", signed("LTAI5tUnknown", secret))
    tampered = signed(key_id, secret)
    tampered["RoleSessionName"] = "other"
    with pytest.raises(StsError, match="SignatureDoesNotMatch"):
        sts.assume_role("GET", tampered)
    mms_emulator.add_sts_token("STS.Caller", "caller-secret", "caller-token")
    with pytest.raises(StsError, match=r"InvalidSecurityToken\.Mismatch"):
        sts.assume_role("GET", signed("STS.Caller", "caller-secret"))
    assert "Credentials" in sts.assume_role(
        "GET", signed("STS.Caller", "caller-secret", SecurityToken="caller-token")
    )
    stale = signed(key_id, secret, Timestamp="2020-01-01T00:00:00Z")
    with pytest.raises(StsError, match=r"InvalidTimeStamp\.Expired"):
        sts.assume_role("GET", stale)


def test_trust_external_id_and_duration(mms_emulator: MmsEmulator, sts: StsService) -> None:
    key_id, secret = mms_emulator.access_key_id, mms_emulator.access_key_secret
    sts.add_role(ROLE, external_id="ext", trusted_access_keys=["LTAI5tSomeoneElse"], max_session_s=1800)
    with pytest.raises(StsError, match="not authorized"):
        sts.assume_role("GET", signed(key_id, secret, ExternalId="ext"))
    sts.add_role(ROLE, external_id="ext", max_session_s=1800)
    with pytest.raises(StsError, match="ExternalId"):
        sts.assume_role("GET", signed(key_id, secret))
    with pytest.raises(StsError, match="DurationSeconds"):
        sts.assume_role("GET", signed(key_id, secret, ExternalId="ext"))
    answer = sts.assume_role("GET", signed(key_id, secret, ExternalId="ext", DurationSeconds="900"))
    assert answer["AssumedRoleUser"]["Arn"] == "acs:ram::1234567890123456:assumed-role/reader/tests"
    assert [call.duration_s for call in sts.calls] == [900]
