"""Settings resolve from arguments, stack config (mms:, then alicloud:) and the environment."""

from __future__ import annotations

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
