"""Settings resolve from arguments, stack config (mms:, then alicloud:) and the environment."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pulumi_mms.core.errors import ValidationError
from pulumi_mms.core.settings import SETTINGS, Settings


def config(values: dict[str, str]):  # type: ignore[no-untyped-def]
    return values.get


def test_defaults() -> None:
    settings = Settings.resolve(environ={})
    assert settings.protocol == "https"
    assert settings.retry.max_attempts == 4
    assert settings.max_concurrency == 16
    assert settings.credentials is None


def test_mms_config_wins_over_alicloud_config_over_env() -> None:
    env = {"ALIBABA_CLOUD_REGION_ID": "cn-beijing"}
    assert Settings.resolve(environ=env).region == "cn-beijing"
    assert Settings.resolve(config({"alicloud:region": "cn-hangzhou"}), env).region == "cn-hangzhou"
    both = config({"alicloud:region": "cn-hangzhou", "mms:region": "cn-shanghai"})
    assert Settings.resolve(both, env).region == "cn-shanghai"
    assert Settings.resolve(both, env, region="eu-central-1").region == "eu-central-1"


def test_alibaba_cloud_env_names_win_over_terraform_names() -> None:
    env = {
        "ALICLOUD_ACCESS_KEY": "tf-id",
        "ALICLOUD_SECRET_KEY": "tf-secret",
        "ALIBABA_CLOUD_ACCESS_KEY_ID": "ac-id",
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "ac-secret",
    }
    creds = Settings.resolve(environ=env).credentials
    assert creds is not None
    assert (creds.access_key_id, creds.source) == ("ac-id", "env ALIBABA_CLOUD_ACCESS_KEY_ID")
    del env["ALIBABA_CLOUD_ACCESS_KEY_ID"], env["ALIBABA_CLOUD_ACCESS_KEY_SECRET"]
    creds = Settings.resolve(environ=env).credentials
    assert creds is not None
    assert creds.access_key_id == "tf-id"


def test_config_credentials_come_as_a_group() -> None:
    cfg = config(
        {
            "alicloud:accessKey": "a",
            "alicloud:secretKey": "b",
            "mms:accessKey": "c",
            "mms:secretKey": "d",
            "mms:securityToken": "t",
        }
    )
    creds = Settings.resolve(
        cfg, {"ALIBABA_CLOUD_ACCESS_KEY_ID": "e", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "f"}
    ).credentials
    assert creds is not None
    assert (creds.access_key_id, creds.access_key_secret, creds.security_token) == ("c", "d", "t")


def test_secrets_never_in_repr() -> None:
    settings = Settings.resolve(
        config({"mms:accessKey": "AKID", "mms:secretKey": "S3CRET-xyz", "mms:securityToken": "TOKEN-xyz"}), {}
    )
    text = repr(settings) + str(settings)
    assert "AKID" in text
    assert "S3CRET-xyz" not in text
    assert "TOKEN-xyz" not in text


@pytest.mark.parametrize(
    ("values", "argument", "fragment"),
    [
        ({"mms:region": "cn-shangai"}, "region", "did you mean 'cn-shanghai'"),
        ({"mms:endpoint": "https://maxcompute.aliyuncs.com"}, "endpoint", "has a scheme"),
        ({"mms:endpoint": "maxcompute.aliyuncs.com/api"}, "endpoint", "has a path"),
        ({"mms:readTimeout": "ten"}, "readTimeout", "whole number"),
        ({"mms:maxConcurrency": "0"}, "maxConcurrency", "positive"),
        ({"mms:secretKey": "only-secret"}, "accessKey", "without an access key id"),
        ({"mms:accessKey": "only-id"}, "secretKey", "without its secret"),
        ({"mms:protocol": "ftp"}, "protocol", "https, http"),
    ],
)
def test_bad_config_is_a_clear_error(values: dict[str, str], argument: str, fragment: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Settings.resolve(config(values), {})
    assert caught.value.argument == argument
    assert fragment in str(caught.value)
    assert "only-secret" not in str(caught.value)


def test_unknown_region_shape_is_accepted_for_new_regions() -> None:
    assert Settings.resolve(config({"mms:region": "ap-newplace-7"}), {}).region == "ap-newplace-7"


def test_every_setting_has_a_description_and_secret_ones_are_marked() -> None:
    assert all(spec.description for spec in SETTINGS)
    assert {spec.key for spec in SETTINGS if spec.secret} == {"secretKey", "securityToken"}


# -- one place for defaults --------------------------------------------------------------------------


def test_defaults_are_declared_once_in_the_settings_table() -> None:
    from pulumi_mms.core.settings import SPECS

    resolved, built = Settings.resolve(environ={}), Settings()
    assert resolved == built  # resolve() and the class agree, because both read SETTINGS
    assert built.protocol == SPECS["protocol"].default
    assert built.network == SPECS["network"].default
    assert built.connect_timeout_ms == SPECS["connectTimeout"].default
    assert built.read_timeout_ms == SPECS["readTimeout"].default
    assert built.retry.max_attempts == SPECS["maxRetries"].default + 1
    assert built.retry.deadline_s * 1000 == SPECS["totalTimeout"].default
    assert built.max_concurrency == SPECS["maxConcurrency"].default
    assert built.max_response_bytes == SPECS["maxResponseBytes"].default
    assert built.skip_region_validation is SPECS["skipRegionValidation"].default is False
    for spec in SETTINGS:
        if spec.type == "integer":
            assert spec.minimum is not None
            assert spec.maximum is not None
            assert spec.minimum <= spec.default <= spec.maximum
            assert str(spec.default) not in spec.description  # the default is stated once, not in prose


# -- maxResponseBytes --------------------------------------------------------------------------------


def test_max_response_bytes_is_a_few_mib_by_default_and_configurable() -> None:
    assert Settings.resolve(environ={}).max_response_bytes == 8 * 1024 * 1024
    assert Settings.resolve(config({"mms:maxResponseBytes": "65536"}), {}).max_response_bytes == 65536
    assert Settings.resolve(environ={}, maxResponseBytes=2048).max_response_bytes == 2048
    for bad, fragment in (("0", "at least 1024 bytes"), ("lots", "whole number"), ("9" * 12, "at most")):
        with pytest.raises(ValidationError) as caught:
            Settings.resolve(config({"mms:maxResponseBytes": bad}), {})
        assert caught.value.argument == "maxResponseBytes"
        assert fragment in str(caught.value)
        assert "(from config mms:maxResponseBytes)" in str(caught.value)


# -- profiles and the shared credentials file ----------------------------------------------------------


def write_cli_config(path: Any, current: str, **profiles: dict[str, Any]) -> str:
    path.write_text(
        json.dumps({"current": current, "profiles": [{"name": n, **p} for n, p in profiles.items()]})
    )
    return str(path)


AK = {"mode": "AK", "access_key_id": "LTAIprofile", "access_key_secret": "profile-secret"}


def test_region_comes_from_the_cli_profile_when_nothing_else_sets_one(tmp_path: Any) -> None:
    home = tmp_path / "home"
    (home / ".aliyun").mkdir(parents=True)
    write_cli_config(
        home / ".aliyun" / "config.json",
        "work",
        work={**AK, "region_id": "cn-beijing"},
        other={**AK, "region_id": "eu-central-1"},
    )
    env = {"HOME": str(home)}
    assert Settings.resolve(environ=env).region == "cn-beijing"  # the current profile
    assert Settings.resolve(environ={**env, "ALICLOUD_PROFILE": "other"}).region == "eu-central-1"
    assert Settings.resolve(config({"alicloud:profile": "other"}), env).region == "eu-central-1"
    assert Settings.resolve(environ={**env, "ALICLOUD_REGION": "cn-hangzhou"}).region == "cn-hangzhou"
    shared = write_cli_config(tmp_path / "elsewhere.json", "x", x={**AK, "region_id": "ap-northeast-2"})
    assert (
        Settings.resolve(config({"alicloud:sharedCredentialsFile": shared}), env).region == "ap-northeast-2"
    )
    assert Settings.resolve(environ={"HOME": str(tmp_path / "nobody")}).region is None


def test_a_profile_in_config_wins_over_keys_in_the_environment_not_over_keys_in_config() -> None:
    env_keys = {"ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAIenv", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "env-secret"}
    chosen = Settings.resolve(config({"mms:profile": "work"}), env_keys)
    assert (chosen.profile, chosen.credentials) == ("work", None)
    keys = config({"mms:accessKey": "LTAIcfg", "mms:secretKey": "cfg-secret", "alicloud:profile": "work"})
    chosen = Settings.resolve(keys, env_keys)
    assert chosen.credentials is not None
    assert chosen.credentials.access_key_id == "LTAIcfg"
    # Both in the environment: the keys win, as in Alibaba Cloud's own chain.
    chosen = Settings.resolve(environ={**env_keys, "ALICLOUD_PROFILE": "work"})
    assert chosen.credentials is not None
    assert chosen.credentials.access_key_id == "LTAIenv"


# -- assumeRole ------------------------------------------------------------------------------------------

ROLE = "acs:ram::123456789012:role/reader"


@pytest.mark.parametrize(
    "value",
    [
        {"roleArn": ROLE, "sessionName": "ci", "externalId": "ext-1", "sessionExpiration": 1800},
        json.dumps(
            {"roleArn": ROLE, "sessionName": "ci", "externalId": "ext-1", "sessionExpiration": "1800"}
        ),
        {"role_arn": ROLE, "session_name": "ci", "external_id": "ext-1", "session_expiration": 1800.0},
    ],
)
def test_assume_role_is_a_mapping_or_its_json_text(value: Any) -> None:
    from pulumi_mms.core.settings import AssumeRole

    expected = AssumeRole(ROLE, "ci", "ext-1", None, 1800)
    assert Settings.resolve(environ={}, assumeRole=value).assume_role == expected
    text = value if isinstance(value, str) else json.dumps(value)
    assert Settings.resolve(config({"mms:assumeRole": text}), {}).assume_role == expected
    assert Settings.resolve(config({"alicloud:assumeRole": text}), {}).assume_role == expected


def test_assume_role_from_pulumi_alicloud_variables_and_defaults() -> None:
    from pulumi_mms.core.settings import AssumeRole

    role = Settings.resolve(environ={"ALICLOUD_ASSUME_ROLE_ARN": ROLE}).assume_role
    assert role == AssumeRole(ROLE)
    assert (role.session_name, role.session_expiration_s) == ("pulumi-mms", None)
    env = {
        "ALICLOUD_ASSUME_ROLE_ARN": ROLE,
        "ALICLOUD_ASSUME_ROLE_SESSION_NAME": "nightly",
        "ALICLOUD_ASSUME_ROLE_SESSION_EXPIRATION": "900",
    }
    assert Settings.resolve(environ=env).assume_role == AssumeRole(ROLE, "nightly", session_expiration_s=900)
    mms = json.dumps({"roleArn": ROLE.replace("reader", "mms")})
    chosen = Settings.resolve(
        config({"mms:assumeRole": mms, "alicloud:assumeRole": json.dumps({"roleArn": ROLE})}), env
    )
    assert chosen.assume_role is not None
    assert chosen.assume_role.role_arn.endswith("role/mms")


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ({"roleArn": ROLE, "duration": 900}, "unknown property 'duration'"),
        ({"roleArn": ROLE, "sourceIp": "1.2.3.4", "x": 1}, "unknown properties 'sourceIp', 'x'"),
        ({"sessionName": "ci"}, "assumeRole.roleArn must be a RAM role ARN"),
        ({"roleArn": "reader"}, "assumeRole.roleArn must be a RAM role ARN"),
        (
            {"roleArn": ROLE, "sessionExpiration": 60},
            "assumeRole.sessionExpiration must be from 900 to 43200",
        ),
        ({"roleArn": ROLE, "sessionName": "a b"}, "assumeRole.sessionName must be 2 to 64"),
        ({"roleArn": ROLE, "policy": "{not json"}, "assumeRole.policy must be a RAM policy document"),
        ("{not json", "assumeRole must be an object"),
        ("[1, 2]", "assumeRole must be an object"),
    ],
)
def test_bad_assume_role_is_an_error_naming_the_property(value: Any, fragment: str) -> None:
    text = value if isinstance(value, str) else json.dumps(value)
    with pytest.raises(ValidationError) as caught:
        Settings.resolve(config({"alicloud:assumeRole": text}), {})
    assert caught.value.argument == "assumeRole"
    assert fragment in str(caught.value)
    assert "config alicloud:assumeRole" in str(caught.value)


def test_pulumi_alicloud_endpoints_give_the_maxcompute_and_sts_endpoints() -> None:
    endpoints = json.dumps([{"sts": "sts-vpc.cn-shanghai.aliyuncs.com"}, {"maxcompute": "mc.internal:8443"}])
    chosen = Settings.resolve(config({"alicloud:endpoints": endpoints}), {})
    assert (chosen.endpoint, chosen.sts_endpoint) == ("mc.internal:8443", "sts-vpc.cn-shanghai.aliyuncs.com")
    both = config({"alicloud:endpoints": endpoints, "mms:endpoint": "127.0.0.1:9"})
    assert Settings.resolve(both, {}).endpoint == "127.0.0.1:9"
    assert Settings.resolve(config({"alicloud:endpoints": json.dumps([{"ecs": "x"}])}), {}).endpoint is None
    for bad in ("not json", json.dumps(["sts.aliyuncs.com"])):
        with pytest.raises(ValidationError) as caught:
            Settings.resolve(config({"alicloud:endpoints": bad}), {})
        assert caught.value.argument == "endpoint"
        assert "(from config alicloud:endpoints)" in str(caught.value)
