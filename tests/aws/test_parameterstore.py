"""secretstores.aws.parameterstore against moto's real server, reached the way daprd reaches
LocalStack: AWS_ENDPOINT_URL_SSM in daprd's environment (the component has no endpoint field).
One test per rule of dapr-cloud-stores.md §3, named after it."""

from __future__ import annotations

import json

import pytest

from dapr_secrets.backends.base import LastChanged, SecretNotFound, StoreError, StoreMisconfigured
from tests.helpers.aws import KEYS, REGION


def test_s1_init_needs_no_network(open_ssm):
    # contrib parameterstore.go Init: builds the config only
    store = open_ssm({"region": REGION, **KEYS}, env={"AWS_ENDPOINT_URL_SSM": "http://127.0.0.1:9"})
    assert store.prefix == ""


def test_s1_duplicate_property_is_an_init_error(open_ssm):
    # kit metadata/utils.go DecodeMetadata
    with pytest.raises(StoreMisconfigured, match="key prefix is duplicate"):
        open_ssm({"prefix": "/a/", "Prefix": "/b/"})


def test_s2_get_decrypts_a_securestring(ssm, open_ssm):
    # contrib parameterstore.go GetSecret: GetParameter(WithDecryption=true)
    ssm.put_parameter(Name="/dev/secret", Value="secret", Type="SecureString")
    assert open_ssm().get_secret("/dev/secret", {}) == {"/dev/secret": "secret"}


def test_s2_version_id_is_appended_as_a_selector_and_a_label_works(ssm, open_ssm):
    # contrib parameterstore.go GetSecret: name + ":" + version_id
    ssm.put_parameter(Name="/app/db/pw", Value="one", Type="SecureString")
    ssm.put_parameter(Name="/app/db/pw", Value="two", Type="SecureString", Overwrite=True)
    ssm.label_parameter_version(Name="/app/db/pw", ParameterVersion=1, Labels=["old"])
    store = open_ssm()
    assert store.get_secret("/app/db/pw", {}) == {"/app/db/pw": "two"}
    assert store.get_secret("/app/db/pw", {"version_id": "1"}) == {"/app/db/pw": "one"}
    assert store.get_secret("/app/db/pw", {"version_id": "old"}) == {"/app/db/pw": "one"}


def test_s2_region_alias_awsregion_is_accepted(ssm, open_ssm):
    # ParameterStoreMetaData: `region` with mapstructurealiases awsRegion
    ssm.put_parameter(Name="p", Value="v", Type="String")
    assert open_ssm({"awsRegion": REGION, **KEYS}).get_secret("p", {}) == {"p": "v"}


def test_s3_key_is_returned_name_cut_by_prefix_length(ssm, open_ssm):
    # contrib parameterstore.go GetSecret: key = *Parameter.Name[len(prefix):]
    ssm.put_parameter(Name="/prefix/dev/secret", Value="v", Type="SecureString")
    assert open_ssm({"region": REGION, "prefix": "/prefix", **KEYS}).get_secret("/dev/secret", {"version_id": "1"}) == {
        "/dev/secret": "v"
    }


def test_s3_stringlist_is_the_comma_joined_text(ssm, open_ssm):
    ssm.put_parameter(Name="list", Value="a,b,c", Type="StringList")
    assert open_ssm().get_secret("list", {}) == {"list": "a,b,c"}


def test_s4_missing_parameter_and_missing_version_error_texts(ssm, open_ssm):
    # contrib parameterstore.go GetSecret: "couldn't get secret: %s"
    ssm.put_parameter(Name="/app/db/pw", Value="one", Type="String")
    store = open_ssm()
    with pytest.raises(SecretNotFound) as missing:
        store.get_secret("/nope", {})
    assert missing.value.message.startswith(
        "couldn't get secret: operation error SSM: GetParameter, https response error StatusCode: 400, RequestID: "
    )
    assert missing.value.message.endswith("ParameterNotFound: Parameter /nope not found.")
    with pytest.raises(SecretNotFound, match="ParameterVersionNotFound: Systems Manager could not find version 9 of /app/db/pw"):
        store.get_secret("/app/db/pw", {"version_id": "9"})


def test_s4_present_but_empty_version_id_asks_for_name_colon(ssm, open_ssm):
    # contrib parameterstore.go GetSecret: the key is present, so "name:" is requested
    ssm.put_parameter(Name="/app/db/pw", Value="one", Type="String")
    with pytest.raises(SecretNotFound, match="Parameter /app/db/pw: not found"):
        open_ssm().get_secret("/app/db/pw", {"version_id": ""})


def test_s5_bulk_with_prefix_matches_the_unit_test(ssm, open_ssm):
    # parameterstore_test.go (with /aws/ dropped: AWS reserves it): data["/dev/secret1"] == map[/aws/dev/secret1:/prefix/dev/secret1-secret]
    ssm.put_parameter(Name="/prefix/dev/secret1", Value="/prefix/dev/secret1-secret", Type="SecureString")
    ssm.put_parameter(Name="/other/x", Value="not listed", Type="String")
    result = open_ssm({"region": REGION, "prefix": "/prefix", **KEYS}).bulk_get({"version_id": "ignored"})
    assert result == {"/dev/secret1": {"/dev/secret1": "/prefix/dev/secret1-secret"}}


def test_s5_bulk_without_prefix_pages_through_everything(ssm, open_ssm):
    # contrib parameterstore.go BulkGetSecret: DescribeParameters until NextToken is nil
    for i in range(23):  # moto pages DescribeParameters by 10
        ssm.put_parameter(Name=f"/p/{i:02}", Value=f"v{i}", Type="SecureString")
    result = open_ssm().bulk_get({})
    assert len(result) == 23 and result["/p/22"] == {"/p/22": "v22"}


def test_s6_bulk_list_error_is_couldnt_list_secrets(open_ssm):
    store = open_ssm({"region": REGION, **KEYS}, env={"AWS_ENDPOINT_URL_SSM": "http://127.0.0.1:9"})
    with pytest.raises(StoreError, match="^couldn't list secrets: operation error SSM: DescribeParameters, "):
        store.bulk_get({})


def test_s7_prefix_without_slash_cuts_names_by_length(ssm, open_ssm):
    # contrib parameterstore.go BulkGetSecret: BeginsWith is a string prefix; key cut by len(prefix)
    ssm.put_parameter(Name="/app/db/pw", Value="a", Type="String")
    ssm.put_parameter(Name="/application/x", Value="b", Type="String")
    store = open_ssm({"region": REGION, "prefix": "/app", **KEYS})
    assert store.bulk_get({}) == {"/db/pw": {"/db/pw": "a"}, "lication/x": {"lication/x": "b"}}
    entries = {e.name: e for page in store.list_names() for e in page}
    assert entries["lication/x"].note and entries["lication/x"].info["AWS name"] == "/application/x"
    assert entries["/db/pw"].note == ""
    codes = [f.code for f in store.diagnostics()]
    assert "aws-ssm-prefix-no-slash" in codes and "aws-ssm-prefix-cuts-name" in codes


def test_s7_moto_matches_a_prefix_without_leading_slash(ssm, open_ssm):
    # reference S7 (checked on moto): prefix "app" lists /app/..., key = name[3:]
    ssm.put_parameter(Name="/app/db/pw", Value="a", Type="String")
    store = open_ssm({"region": REGION, "prefix": "app", **KEYS})
    assert store.bulk_get({}) == {"p/db/pw": {"p/db/pw": "a"}}
    assert "does not start with prefix" in next(iter(store.list_names()))[0].note


def test_s8_no_features(open_ssm):
    assert open_ssm().multi_valued is False


def test_no_endpoint_field_metadata_endpoint_is_ignored_and_flagged(ssm, aws, open_ssm):
    # ParameterStoreMetaData has no Endpoint: only AWS_ENDPOINT_URL_SSM / AWS_ENDPOINT_URL move it
    ssm.put_parameter(Name="p", Value="v", Type="String")
    store = open_ssm({"region": REGION, "endpoint": "http://127.0.0.1:9", **KEYS}, env={"AWS_ENDPOINT_URL": aws})
    assert store.get_secret("p", {}) == {"p": "v"}
    assert "aws-ssm-endpoint-ignored" in [f.code for f in store.diagnostics()]


def test_listing_uses_describe_parameters_and_never_a_value(ssm, open_ssm):
    for i in range(25):
        ssm.put_parameter(Name=f"/svc/{i:02}", Value=f"value-{i}", Type="SecureString")
    store = open_ssm()
    pages = list(store.list_names())
    assert [len(p) for p in pages] == [10, 10, 5]
    flat = json.dumps([[e.name, dict(e.info), e.note] for p in pages for e in p])
    assert "value-" not in flat
    assert pages[0][0].info["type"] == "SecureString"


def test_describe_gives_history_with_labels_but_never_values(ssm, open_ssm):
    ssm.put_parameter(
        Name="/app/pw", Value="first-value", Type="SecureString", Description="db password", Tags=[{"Key": "team", "Value": "a"}]
    )
    ssm.put_parameter(Name="/app/pw", Value="second-value", Type="SecureString", Overwrite=True)
    ssm.label_parameter_version(Name="/app/pw", ParameterVersion=1, Labels=["old"])
    details = open_ssm().describe("/app/pw")
    text = json.dumps([details.attributes, [v.__dict__ for v in details.versions], details.notes])
    assert "first-value" not in text and "second-value" not in text
    assert [(v.id, v.state) for v in details.versions] == [("2", "current"), ("1", "labels old")]
    assert details.attributes["type"] == "SecureString" and details.attributes["tags"] == "team=a"
    assert details.attributes["description"] == "db password"


def test_last_changed_is_last_modified_date_from_describe_parameters_never_a_value(ssm, open_ssm):
    ssm.put_parameter(Name="/app/pw", Value="first-canary", Type="SecureString")
    ssm.put_parameter(Name="/app/pw", Value="second-canary", Type="SecureString", Overwrite=True)
    (described,) = ssm.describe_parameters()["Parameters"]
    expected = LastChanged.at(described["LastModifiedDate"], "last modified")
    store = open_ssm()
    (entry,) = [entry for page in store.list_names() for entry in page]
    assert expected is not None and entry.changed == expected
    assert store.describe("/app/pw").last_changed == expected == store.last_changed("/app/pw")
