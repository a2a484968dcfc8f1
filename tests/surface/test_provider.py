"""`pulumi_mms.Provider`: several regions and accounts in one program (two emulators, two keys)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pulumi
import pulumi_alicloud
import pytest

from pulumi_mms import (
    CredentialsError,
    MmsDataSource,
    Provider,
    ValidationError,
    get_mms_data_source,
    get_mms_data_source_output,
    get_mms_data_sources,
    get_mms_data_sources_output,
)
from pulumi_mms.core.settings import SETTINGS
from pulumi_mms.surface.provider import PACKAGE, PARAMETERS
from pulumi_mms.testing import MmsEmulator
from pulumi_mms.testing.programs import emulator_config, run_program

from ..dynamic_host import DynamicHost, serialized_provider

SOURCE = 2000015
PROVIDER_TYPE = "pulumi:providers:pulumi-python"
DYNAMIC = "pulumi-python:dynamic/mms:MmsDataSource"


@pytest.fixture
def beijing() -> Iterator[MmsEmulator]:
    """A second region and account: its own emulator, with its own generated key."""
    with MmsEmulator(region="cn-beijing") as emulator:
        emulator.update_data_source(SOURCE, name="beijing-orders", dstProjects=["bj_project"])
        yield emulator


def provider_for(emulator: MmsEmulator, name: str = "bj", **extra: Any) -> Provider:
    return Provider(
        name,
        region=emulator.region,
        endpoint=emulator.endpoint,
        protocol="http",
        access_key=emulator.access_key_id,
        secret_key=emulator.access_key_secret,
        **extra,
    )


def test_functions_read_through_the_provider_given_in_both_forms(
    mms_emulator: MmsEmulator, beijing: MmsEmulator
) -> None:
    def program() -> Any:
        bj = provider_for(beijing)
        via = pulumi.InvokeOptions(provider=bj)
        plain = get_mms_data_source(source_id=SOURCE, opts=via)
        output = get_mms_data_source_output(source_id=SOURCE, opts=pulumi.InvokeOutputOptions(provider=bj))
        listing = get_mms_data_sources(opts=via)
        listing_output = get_mms_data_sources_output(opts=via)
        default = get_mms_data_source_output(source_id=SOURCE)
        return pulumi.Output.all(
            plain.name, output.name, listing.names, listing_output.names, default.name, plain.dst_projects
        )

    run = run_program(program, emulator=mms_emulator)
    bj_names = ["beijing-orders"]
    assert run.value == ["beijing-orders", "beijing-orders", bj_names, bj_names, "demo", ["bj_project"]]
    # each account's key reached only its own emulator (a wrong key would have been refused there)
    assert mms_emulator.stats.requests_by_action == {"GetMmsDataSource": 1}
    assert beijing.stats.requests_by_action == {"GetMmsDataSource": 1, "ListMmsDataSources": 1}


def test_a_parents_provider_serves_functions_and_resources(
    mms_emulator: MmsEmulator, beijing: MmsEmulator
) -> None:
    class Region(pulumi.ComponentResource):
        def __init__(self, name: str, opts: pulumi.ResourceOptions) -> None:
            super().__init__("test:index:Region", name, None, opts)

    def program() -> Any:
        region = Region("bj", pulumi.ResourceOptions(providers=[provider_for(beijing)]))
        plain = get_mms_data_source(source_id=SOURCE, opts=pulumi.InvokeOptions(parent=region))
        output = get_mms_data_source_output(source_id=SOURCE, opts=pulumi.InvokeOutputOptions(parent=region))
        resource = MmsDataSource("ds", source_id=SOURCE, opts=pulumi.ResourceOptions(parent=region))
        return pulumi.Output.all(plain.name, output.name, resource.name)

    run = run_program(program, emulator=mms_emulator)
    assert run.value == ["beijing-orders", "beijing-orders", "beijing-orders"]
    assert mms_emulator.stats.requests == 0
    (resource,) = run.of_type(DYNAMIC)
    assert resource.provider.startswith("urn:pulumi:dev::test::")
    assert resource.provider.split("::")[-2] == "bj"  # the provider's name in its reference


def test_equal_lookups_through_different_providers_share_nothing(
    mms_emulator: MmsEmulator, beijing: MmsEmulator
) -> None:
    def program() -> Any:
        first = provider_for(beijing, "bj-1")
        second = provider_for(beijing, "bj-2", max_concurrency=2)  # other settings: another pool
        again = provider_for(beijing, "bj-3")  # the same settings as `first`: shares its lookups
        names = [
            get_mms_data_source_output(source_id=SOURCE, opts=pulumi.InvokeOptions(provider=p)).name
            for p in (first, second, again)
        ]
        names.append(get_mms_data_source_output(source_id=SOURCE).name)
        return pulumi.Output.all(*names)

    run = run_program(program, emulator=mms_emulator)
    assert run.value == ["beijing-orders", "beijing-orders", "beijing-orders", "demo"]
    assert beijing.stats.requests == 2
    assert mms_emulator.stats.requests == 1


def test_a_second_account_key_never_reaches_the_first_account(
    mms_emulator: MmsEmulator, beijing: MmsEmulator
) -> None:
    """A provider with the other account's key is refused by that emulator: no key is borrowed."""

    def program() -> Any:
        mixed = Provider(
            "mixed",
            region=beijing.region,
            endpoint=beijing.endpoint,
            protocol="http",
            access_key=mms_emulator.access_key_id,
            secret_key=mms_emulator.access_key_secret,
        )
        return get_mms_data_source_output(source_id=SOURCE, opts=pulumi.InvokeOptions(provider=mixed)).name

    with pytest.raises(CredentialsError):
        run_program(program, emulator=mms_emulator)
    assert mms_emulator.stats.requests == 0


@pytest.mark.parametrize("form", ["plain", "output", "listing", "resource"])
def test_a_provider_of_another_package_is_refused(mms_emulator: MmsEmulator, form: str) -> None:
    def program() -> Any:
        alicloud = pulumi_alicloud.Provider("ali", region="cn-beijing")
        opts = pulumi.InvokeOptions(provider=alicloud)
        if form == "plain":
            return get_mms_data_source(source_id=SOURCE, opts=opts).name
        if form == "output":
            return get_mms_data_source_output(source_id=SOURCE, opts=opts).name
        if form == "listing":
            return get_mms_data_sources_output(opts=opts).names
        return MmsDataSource("ds", source_id=SOURCE, opts=pulumi.ResourceOptions(provider=alicloud)).name

    with pytest.raises(ValidationError) as caught:
        run_program(program, emulator=mms_emulator)
    message = str(caught.value)
    assert "provider of package 'alicloud'" in message
    assert "pulumi_mms.Provider(" in message
    assert mms_emulator.stats.requests == 0


def test_a_parents_provider_of_another_package_is_not_ours_to_refuse(mms_emulator: MmsEmulator) -> None:
    class Group(pulumi.ComponentResource):
        def __init__(self, name: str, opts: pulumi.ResourceOptions) -> None:
            super().__init__("test:index:Group", name, None, opts)

    def program() -> Any:
        group = Group("g", pulumi.ResourceOptions(providers=[pulumi_alicloud.Provider("ali")]))
        return get_mms_data_source_output(source_id=SOURCE, opts=pulumi.InvokeOptions(parent=group)).name

    assert run_program(program, emulator=mms_emulator).value == "demo"


def test_provider_inputs_are_the_stack_config_keys_with_secrets_kept(beijing: MmsEmulator) -> None:
    def program() -> None:
        provider_for(beijing, security_token="sts-token-for-test", max_concurrency=4, network="public")

    run = run_program(program)
    (provider,) = run.of_type(PROVIDER_TYPE)
    inputs = provider.inputs
    assert sorted(inputs) == sorted(
        f"mms:{key}"
        for key in (
            "region",
            "endpoint",
            "protocol",
            "accessKey",
            "secretKey",
            "securityToken",
            "maxConcurrency",
            "network",
        )
    )
    assert inputs["mms:maxConcurrency"] == "4"  # text, as stack config is (protobuf would make 4 a float)
    for key in ("mms:secretKey", "mms:securityToken"):
        assert pulumi.runtime.rpc.is_rpc_secret(inputs[key])
    assert not pulumi.runtime.rpc.is_rpc_secret(inputs["mms:accessKey"])


def test_every_setting_is_a_provider_parameter() -> None:
    assert sorted(PARAMETERS.values()) == sorted(spec.key for spec in SETTINGS)


@pytest.mark.parametrize(
    ("arguments", "field", "words"),
    [
        ({"region": "cn-shangai"}, "region", "cn-shanghai"),
        ({"protocol": "ftp"}, "protocol", "https, http"),
        ({"max_concurrency": 0}, "maxConcurrency", "positive"),
        ({"secret_key": "s3cr3t-value"}, "accessKey", "without an access key id"),
        ({"no_such_setting": "x"}, "no_such_setting", "no setting"),
    ],
)
def test_provider_settings_are_checked_as_stack_config_is(
    arguments: dict[str, Any], field: str, words: str
) -> None:
    def program() -> None:
        Provider("bad", **arguments)

    with pytest.raises(ValidationError) as caught:
        run_program(program)
    assert caught.value.argument == field
    assert words in str(caught.value)
    assert "s3cr3t-value" not in str(caught.value)


def test_provider_inputs_that_are_outputs_are_waited_for(
    mms_emulator: MmsEmulator, beijing: MmsEmulator
) -> None:
    def program() -> Any:
        secret = pulumi.Output.secret(beijing.access_key_secret)
        bj = Provider(
            "bj",
            region=pulumi.Output.from_input(beijing.region),
            endpoint=beijing.endpoint,
            protocol="http",
            access_key=beijing.access_key_id,
            secret_key=secret,
        )
        output = get_mms_data_source_output(source_id=SOURCE, opts=pulumi.InvokeOptions(provider=bj))
        plain = get_mms_data_source(source_id=SOURCE, opts=pulumi.InvokeOptions(provider=bj))
        return pulumi.Output.all(output.name, plain.name)

    assert run_program(program, emulator=mms_emulator).value == ["beijing-orders", "beijing-orders"]
    assert mms_emulator.stats.requests == 0


@pytest.mark.parametrize("preview", [True, False])
def test_mms_data_source_through_a_provider_shows_that_accounts_values(
    mms_emulator: MmsEmulator, beijing: MmsEmulator, preview: bool
) -> None:
    def program() -> Any:
        bj = provider_for(beijing)
        resource = MmsDataSource("ds", source_id=SOURCE, opts=pulumi.ResourceOptions(provider=bj))
        return pulumi.Output.all(resource.name, resource.dst_projects)

    run = run_program(program, emulator=mms_emulator, preview=preview)
    assert run.value == ["beijing-orders", ["bj_project"]]
    assert mms_emulator.stats.requests == 0
    assert beijing.stats.requests >= 1


def test_the_dynamic_host_configured_by_a_provider_reads_that_account(
    mms_emulator: MmsEmulator, beijing: MmsEmulator
) -> None:
    """The engine configures the host with the provider's inputs (secrets kept): do exactly that."""
    run = run_program(lambda: provider_for(beijing).urn)
    (provider,) = run.of_type(PROVIDER_TYPE)
    host = DynamicHost()
    try:
        host.configure(provider.inputs)
        checked, failures = host.check({}, {"__provider": serialized_provider(), "source_id": SOURCE})
        assert failures == []
        assert checked["name"] == "beijing-orders"
        outs = host.create(checked)[1]
        assert outs["dst_projects"] == ["bj_project"]
    finally:
        stderr = host.close()
    assert beijing.access_key_secret not in stderr
    assert mms_emulator.stats.requests == 0
    assert beijing.stats.requests == 1


def test_without_a_provider_the_stack_config_is_used(mms_emulator: MmsEmulator) -> None:
    run = run_program(
        lambda: get_mms_data_source_output(source_id=SOURCE).name, config=emulator_config(mms_emulator)
    )
    assert run.value == "demo"


def test_object_and_flag_settings_reach_the_provider_as_stack_config_text(beijing: MmsEmulator) -> None:
    """`assume_role` (an object) and `skip_region_validation` (a flag) travel as stack config holds them."""
    role = {"roleArn": "acs:ram::1234567890123456:role/reader", "sessionName": "mms-test"}

    def program() -> Any:
        provider = Provider("role", region="cn-beijing", assume_role=role, skip_region_validation=True)
        return provider._mms_settings.now

    run = run_program(program)
    (provider,) = run.of_type(PROVIDER_TYPE)
    assert json.loads(provider.inputs["mms:assumeRole"]) == role
    assert provider.inputs["mms:skipRegionValidation"] == "true"
    settings = run.value
    assert settings.assume_role.role_arn == role["roleArn"]
    assert settings.assume_role.session_name == "mms-test"
    assert settings.skip_region_validation is True


def test_migration_functions_go_through_the_same_provider_and_mocks(beijing: MmsEmulator) -> None:
    """The migration read functions share the runner: a provider chooses the account, mocks answer."""
    from pulumi_mms.surface import migration_functions as fns

    beijing.update_data_source(SOURCE, name="demo")

    def program() -> Any:
        bj = provider_for(beijing)
        return pulumi.Output.all(
            fns.get_mms_job(source_id=SOURCE, job_id=3, opts=pulumi.InvokeOptions(provider=bj)).name,
            fns.get_mms_jobs_output(source_id=SOURCE, opts=pulumi.InvokeOptions(provider=bj)).names,
        )

    name, names = run_program(program).value  # no stack config at all: only the provider's settings
    assert name == "mig_hr"
    assert "mig_hr" in names
    assert beijing.stats.requests >= 2


@pytest.mark.parametrize("where", ["provider", "providers", "parent"])
def test_a_dynamic_provider_that_is_not_ours_is_refused_for_the_resource(where: str) -> None:
    class Group(pulumi.ComponentResource):
        def __init__(self, name: str, opts: pulumi.ResourceOptions) -> None:
            super().__init__("test:index:Group", name, None, opts)

    def program() -> Any:
        other = pulumi.ProviderResource(PACKAGE, "someone-elses", {"app:key": "value"})
        opts = {
            "provider": lambda: pulumi.ResourceOptions(provider=other),
            "providers": lambda: pulumi.ResourceOptions(providers=[other]),
            "parent": lambda: pulumi.ResourceOptions(
                parent=Group("g", pulumi.ResourceOptions(providers=[other]))
            ),
        }[where]()
        return MmsDataSource("ds", source_id=SOURCE, opts=opts).urn

    with pytest.raises(ValidationError, match=r"pulumi_mms\.Provider"):
        run_program(program)


def test_a_provider_in_the_resources_providers_list_serves_it(
    mms_emulator: MmsEmulator, beijing: MmsEmulator
) -> None:
    def program() -> Any:
        resource = MmsDataSource(
            "ds", source_id=SOURCE, opts=pulumi.ResourceOptions(providers=[provider_for(beijing)])
        )
        return resource.name

    assert run_program(program, emulator=mms_emulator).value == "beijing-orders"
    assert mms_emulator.stats.requests == 0
