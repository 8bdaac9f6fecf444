"""secretstores.aws.secretmanager against moto's real server, driven by the real boto3 through the
component's own `endpoint` metadata (dapr-cloud-stores.md §2). One test per rule, named after it."""

from __future__ import annotations

import json
from datetime import UTC

import pytest

from dapr_secrets.backends.aws.secretsmanager import format_secret
from dapr_secrets.backends.base import AccessDenied, LastChanged, SecretNotFound, StoreError, StoreMisconfigured
from tests.helpers.aws import KEYS, REGION

MULTI = {"multipleKeyValuesPerSecret": "true"}


def props(aws: str, **extra: str) -> dict[str, str]:
    return {"region": REGION, "endpoint": aws, **KEYS, **extra}


# --- A6 / A7 / A8: GetSecret --------------------------------------------------------------------


def test_a6_get_reads_the_current_version(sm, open_sm):
    # contrib secretmanager.go GetSecret: GetSecretValue(SecretId=name), AWSCURRENT by default
    sm.create_secret(Name="/aws/secret/testing", SecretString="secret")
    assert open_sm().get_secret("/aws/secret/testing", {}) == {"/aws/secret/testing": "secret"}


def test_a6_version_id_and_version_stage_select_a_version(sm, open_sm):
    # contrib secretmanager.go GetSecret: VersionId / VersionStage set when the keys are present
    first = sm.create_secret(Name="db", SecretString="one")["VersionId"]
    second = sm.put_secret_value(SecretId="db", SecretString="two")["VersionId"]
    sm.update_secret_version_stage(SecretId="db", VersionStage="blue", MoveToVersionId=first)
    store = open_sm()
    assert store.get_secret("db", {}) == {"db": "two"}
    assert store.get_secret("db", {"version_id": first}) == {"db": "one"}
    assert store.get_secret("db", {"version_stage": "AWSPREVIOUS"}) == {"db": "one"}
    assert store.get_secret("db", {"version_stage": "blue"}) == {"db": "one"}
    assert store.get_secret("db", {"version_id": second, "version_stage": "AWSCURRENT"}) == {"db": "two"}


def test_a6_version_id_and_stage_that_disagree_fail_as_aws_answers(sm, open_sm):
    # contrib secretmanager.go GetSecret sends both; AWS (moto) refuses a mismatch
    first = sm.create_secret(Name="db", SecretString="one")["VersionId"]
    sm.put_secret_value(SecretId="db", SecretString="two")
    with pytest.raises(StoreError) as error:
        open_sm().get_secret("db", {"version_id": first, "version_stage": "AWSCURRENT"})
    assert error.value.message.startswith("couldn't get secret: operation error Secrets Manager: GetSecretValue, ")
    assert "InvalidRequestException: You provided a VersionStage that is not associated to the provided VersionId." in error.value.message


def test_a6_present_but_empty_version_id_is_an_error_not_the_current_version(sm, open_sm):
    # contrib secretmanager.go GetSecret: an empty version_id is still sent (as "")
    sm.create_secret(Name="db", SecretString="one")
    with pytest.raises(StoreError, match="couldn't get secret: .*VersionId is empty"):
        open_sm().get_secret("db", {"version_id": ""})


def test_a7_get_by_arn_is_keyed_by_the_returned_name(sm, open_sm):
    # contrib secretmanager.go formatSecret: the map key is the Name AWS returns
    arn = sm.create_secret(Name="multi", SecretString="v")["ARN"]
    assert open_sm().get_secret(arn, {}) == {"multi": "v"}


def test_a8_binary_secret_gives_an_empty_map_and_is_explained(sm, open_sm):
    # contrib secretmanager.go formatSecret: no SecretString -> empty map (SecretBinary never read)
    sm.create_secret(Name="bin", SecretBinary=b"\x00\x01")
    store = open_sm()
    assert store.get_secret("bin", {}) == {}
    assert any("binary secret" in note and "{}" in note for note in store.describe("bin").notes)


def test_a9_missing_secret_error_text_is_the_go_sdk_text(aws, open_sm):
    # contrib secretmanager.go GetSecret: "couldn't get secret: %s" with the SDK's operation error
    with pytest.raises(SecretNotFound) as error:
        open_sm().get_secret("nope", {})
    message = error.value.message
    assert message.startswith("couldn't get secret: operation error Secrets Manager: GetSecretValue, https response error StatusCode: ")
    assert "RequestID: " in message
    assert message.endswith("ResourceNotFoundException: Secrets Manager can't find the specified secret.")
    assert "region" in error.value.hint


def test_a9_secret_without_a_value_names_the_awscurrent_stage(sm, open_sm):
    # contrib secretmanager.go GetSecret: the AWS error passes through
    sm.create_secret(Name="empty")
    with pytest.raises(SecretNotFound, match="staging label: AWSCURRENT"):
        open_sm().get_secret("empty", {})


def test_a9_secret_pending_deletion_is_refused(sm, open_sm):
    sm.create_secret(Name="gone", SecretString="v")
    sm.delete_secret(SecretId="gone", RecoveryWindowInDays=7)
    with pytest.raises(StoreError, match="InvalidRequestException"):
        open_sm().get_secret("gone", {})


# --- A10 / A11: multipleKeyValuesPerSecret ---------------------------------------------------------


def test_a10_option_off_keeps_the_whole_json(sm, open_sm):
    # contrib secretmanager.go formatSecret: option off -> {Name: SecretString}
    sm.create_secret(Name="j", SecretString='{"key1":"value1"}')
    assert open_sm().get_secret("j", {}) == {"j": '{"key1":"value1"}'}


def test_a10_option_on_splits_an_object_into_members(sm, aws, open_sm):
    # contrib secretmanager.go formatSecret + convertMapAnyToString (secretmanager_test.go multi-key case)
    sm.create_secret(Name="j", SecretString='{"key1":"value1","key2":"value2","key3":{"nested":"value3"}}')
    result = open_sm(props(aws, **MULTI)).get_secret("j", {})
    assert result == {"key1": "value1", "key2": "value2", "key3": '{"nested":"value3"}'}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("not json", {"s": "not json"}),
        ("[1,2]", {"s": "[1,2]"}),
        ('"str"', {"s": '"str"'}),
        ("12", {"s": "12"}),
        ('{"a":1} x', {"s": '{"a":1} x'}),
        ('{"a":NaN}', {"s": '{"a":NaN}'}),
        ("null", {}),
        ("{}", {}),
        (' {"a":"1","a":"2"} ', {"a": "2"}),
    ],
)
def test_a10_what_go_json_unmarshal_accepts_and_refuses(text, expected):
    # contrib secretmanager.go formatSecret: json.Unmarshal into map[string]any; error -> whole string
    assert format_secret("s", text, multiple=True) == expected


@pytest.mark.parametrize(
    ("member", "value"),
    [
        ("123", "123"), ("100.0", "100"), ("1.5", "1.5"), ("-0.0", "-0"),
        ("1e20", "100000000000000000000"), ("1e21", "1e+21"),
        ("0.000001", "0.000001"), ("0.00001", "0.00001"), ("1e-7", "1e-7"), ("2.5e-8", "2.5e-8"),
        ("12345678901234567890", "12345678901234567000"),
        ("true", "true"), ("null", "null"),
        ('{"z":1,"a":"<x>&"}', '{"a":"\\u003cx\\u003e\\u0026","z":1}'),
        ('[1,"two",null]', '[1,"two",null]'),
    ],
)
def test_a11_members_are_reencoded_as_go_json(member, value):
    # contrib secretmanager.go convertMapAnyToString: json.Marshal of float64-decoded values
    assert format_secret("s", '{"k":' + member + "}", multiple=True) == {"k": value}


def test_a11_multi_key_through_moto_matches_the_unit_test_bulk(sm, aws, open_sm):
    # secretmanager_test.go: bulk with multi-key
    sm.create_secret(Name="testing1", SecretString='{"key1":"value1","key2":"value2"}')
    sm.create_secret(Name="testing2", SecretString='{"key3":"value3","key4":{"nested":"value4"}}')
    store = open_sm(props(aws, **MULTI))
    assert store.bulk_get({}) == {
        "testing1": {"key1": "value1", "key2": "value2"},
        "testing2": {"key3": "value3", "key4": '{"nested":"value4"}'},
    }
    assert store.multi_valued


# --- A12 / A13 / A14: bulk and features -------------------------------------------------------------


def test_a12_bulk_lists_every_page_and_reads_current_values(sm, open_sm):
    # contrib secretmanager.go BulkGetSecret: ListSecrets until NextToken is nil, then each value
    for i in range(105):  # more than one ListSecrets page (100)
        sm.create_secret(Name=f"s{i:03}", SecretString=f"v{i}")
    result = open_sm().bulk_get({"version_id": "ignored"})
    assert len(result) == 105
    assert result["s104"] == {"s104": "v104"}


def test_a12_bulk_leaves_out_secrets_pending_deletion(sm, open_sm):
    # contrib secretmanager.go BulkGetSecret: no IncludePlannedDeletion
    sm.create_secret(Name="keep", SecretString="k")
    sm.create_secret(Name="gone", SecretString="g")
    sm.delete_secret(SecretId="gone", RecoveryWindowInDays=7)
    assert open_sm().bulk_get({}) == {"keep": {"keep": "k"}}


def test_a12_bulk_binary_secret_is_an_empty_inner_map(sm, open_sm):
    sm.create_secret(Name="bin", SecretBinary=b"\x00")
    assert open_sm().bulk_get({}) == {"bin": {}}


def test_a13_one_unreadable_secret_fails_the_whole_bulk_naming_it_only(sm, open_sm):
    # contrib secretmanager.go BulkGetSecret: "couldn't get secret: <name>", AWS text dropped
    sm.create_secret(Name="a", SecretString="ok")
    sm.create_secret(Name="novalue")
    with pytest.raises(StoreError) as error:
        open_sm().bulk_get({})
    assert error.value.message == "couldn't get secret: novalue"
    assert "AWSCURRENT" in error.value.hint  # the reason is kept for people, not in daprd's text


def test_a13_list_failure_is_couldnt_list_secrets(aws, open_sm):
    # contrib secretmanager.go BulkGetSecret: "couldn't list secrets: %s"
    store = open_sm({"region": REGION, "endpoint": "http://127.0.0.1:9", **KEYS})
    with pytest.raises(StoreError, match="^couldn't list secrets: operation error Secrets Manager: ListSecrets, "):
        store.bulk_get({})


@pytest.mark.parametrize(("value", "multi"), [("true", True), ("1", True), (" Yes ", True), ("false", False), ("nope", False)])
def test_a14_features_follow_the_truthy_option(aws, open_sm, value, multi):
    # contrib secretmanager.go Features + kit's IsTruthy
    assert open_sm(props(aws, multipleKeyValuesPerSecret=value)).multi_valued is multi


# --- §1 rule 1: metadata decoding ----------------------------------------------------------------


def test_rule1_duplicate_property_names_fail_init(aws, open_sm):
    # kit metadata/utils.go DecodeMetadata -> resolveAliases
    with pytest.raises(StoreMisconfigured, match="failed to resolve aliases: key region is duplicate in the metadata"):
        open_sm({"region": REGION, "Region": "eu-west-1"})


def test_rule1_property_names_match_case_insensitively(sm, aws, open_sm):
    sm.create_secret(Name="x", SecretString="y")
    store = open_sm({"REGION": REGION, "Endpoint": aws, "AccessKey": KEYS["accessKey"], "SECRETKEY": KEYS["secretKey"]})
    assert store.get_secret("x", {}) == {"x": "y"}


# --- browsing (§8): names page by page, never a value ------------------------------------------------


def test_listing_pages_names_without_reading_values(sm, open_sm):
    for i in range(230):
        sm.create_secret(Name=f"app/s{i:03}", SecretString="v")
    store = open_sm()
    pages = list(store.list_names())
    assert [len(page) for page in pages] == [100, 100, 30]
    assert all(not entry.is_folder and "v" not in entry.info.values() for page in pages for entry in page)
    assert store.name_separator == "/"


def test_describe_shows_versions_stages_and_metadata_without_values(sm, open_sm):
    first = sm.create_secret(Name="db", SecretString="one-value", Description="the db", Tags=[{"Key": "team", "Value": "a"}])["VersionId"]
    second = sm.put_secret_value(SecretId="db", SecretString="two-value")["VersionId"]
    sm.update_secret_version_stage(SecretId="db", VersionStage="blue", MoveToVersionId=second)
    details = open_sm().describe("db")
    text = json.dumps([details.attributes, [v.__dict__ for v in details.versions], details.notes])
    assert "one-value" not in text and "two-value" not in text
    assert details.attributes["ARN"].startswith("arn:aws:secretsmanager:us-east-1:")
    assert details.attributes["description"] == "the db" and details.attributes["tags"] == "team=a"
    assert details.attributes["rotation"] == "disabled"
    states = {v.id: v.state for v in details.versions}
    assert states[second].split(", ")[0] == "current" and "blue" in states[second]
    assert "AWSPREVIOUS" in states[first]


def test_doctor_finds_a_secret_that_breaks_bulk_and_an_ignored_awsregion(sm, aws, open_sm):
    # secretmanager.go SecretManagerMetaData has `region` only: awsRegion does nothing
    sm.create_secret(Name="novalue")
    findings = open_sm({"awsRegion": "eu-west-1", "endpoint": aws, **KEYS}, env={"AWS_REGION": REGION}).diagnostics()
    codes = {f.code for f in findings}
    assert {"aws-sm-no-current-version", "aws-sm-awsregion-ignored"} <= codes


def test_a4_no_region_anywhere_fails_at_the_first_call_not_at_init(aws, open_sm):
    # contrib common/aws/config.go NewConfig: Init never contacts AWS (A5); the request then fails
    store = open_sm({"endpoint": aws, **KEYS})
    with pytest.raises(StoreMisconfigured, match="Missing Region") as error:
        store.get_secret("x", {})
    assert "AWS_REGION" in error.value.hint


def test_access_denied_names_the_credential_and_the_action(aws, open_sm, enforced_iam):
    keys = {"accessKey": enforced_iam["AccessKeyId"], "secretKey": enforced_iam["SecretAccessKey"]}
    store = open_sm({"region": REGION, "endpoint": aws, **keys})
    with pytest.raises(AccessDenied) as error:
        store.get_secret("db", {})
    assert "AccessDenied" in error.value.message and "reader" in error.value.message  # AWS names the user
    assert "secretsmanager:GetSecretValue" in error.value.hint
    assert "static keys from the component's accessKey/secretKey" in error.value.hint
    assert enforced_iam["SecretAccessKey"] not in error.value.message + error.value.hint + store.identity()


def test_unknown_access_key_is_refused_with_a_hint(aws, open_sm, enforced_iam):
    with pytest.raises(AccessDenied) as error:
        open_sm().get_secret("db", {})
    assert "check the access key" in error.value.hint


def test_unreachable_endpoint_says_where_it_dialled(aws, open_sm):
    from dapr_secrets.backends.base import StoreUnreachable

    store = open_sm({"region": REGION, "endpoint": "http://127.0.0.1:9", **KEYS})
    with pytest.raises(StoreUnreachable) as error:
        store.get_secret("db", {})
    assert "http://127.0.0.1:9" in error.value.hint


def test_last_changed_is_last_changed_date_from_the_listing_and_describe_secret_only(sm, open_sm, operations):
    """ListSecrets dates every secret (no call per secret); last_changed is one DescribeSecret,
    never GetSecretValue."""
    sm.create_secret(Name="db", SecretString="one-canary")
    sm.put_secret_value(SecretId="db", SecretString="two-canary")
    expected = LastChanged.at(sm.describe_secret(SecretId="db")["LastChangedDate"], "last changed")
    store = open_sm()
    operations.start()
    (entry,) = [entry for page in store.list_names() for entry in page]
    assert entry.changed == expected and expected is not None and expected.when.tzinfo == UTC
    assert operations.names() == ["ListSecrets"]
    assert store.last_changed("db") == expected
    assert operations.names() == ["ListSecrets", "DescribeSecret"]
    assert store.describe("db").last_changed == expected
    assert "GetSecretValue" not in operations.names()
