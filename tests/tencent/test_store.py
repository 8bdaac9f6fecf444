"""GET, bulk and browsing of secretstores.tencentcloud.ssm against the local SSM, through the real
tencentcloud-sdk-python-ssm client (contrib secretstores/tencentcloud/ssm/ssm.go; dapr-cloud-stores.md
§1 rules 2, 4 and 7, §7 T2-T7, §8)."""

from __future__ import annotations

import base64
import re

import pytest

from dapr_secrets.backends.base import AccessDenied, SecretNotFound, StoreError, StoreUnreachable
from tests.fakes.tencent_server import TencentSsmServer
from tests.helpers.tencent import OpenStore, metadata

REQUEST_ID = re.compile(r"^[0-9a-f-]{36}$")


def test_t5_get_answers_the_three_key_map_with_the_returned_name(open_store: OpenStore, ssm: TencentSsmServer) -> None:
    # contrib ssm.go GetSecret: Data[SecretValueType], Data[*SecretName], Data[RequestID]
    ssm.add_secret("db", ("v1", "one"), ("v2", "two"))
    answer = open_store().get_secret("db", {"VersionID": "v2"})
    assert answer.keys() == {"db", "SecretValueType", "RequestID"}
    assert (answer["db"], answer["SecretValueType"]) == ("two", "10")
    assert REQUEST_ID.match(answer["RequestID"])
    assert ssm.value_requests()[-1].body == {"SecretName": "db", "VersionId": "v2"}


def test_t5_the_request_id_changes_on_every_call(open_store: OpenStore, ssm: TencentSsmServer) -> None:
    ssm.add_secret("db", ("v1", "one"))
    store = open_store()
    assert store.get_secret("db", {"VersionID": "v1"})["RequestID"] != store.get_secret("db", {"VersionID": "v1"})["RequestID"]


def test_t5_a_binary_secret_is_type_20_with_the_base64_text_as_returned(open_store: OpenStore, ssm: TencentSsmServer) -> None:
    # contrib ssm.go GetSecret: SecretBinary is checked first; its base64 text is the value
    encoded = base64.b64encode(b"\x00\xffbinary").decode()
    ssm.add_secret("cert", ("v1", encoded), binary=True)
    answer = open_store().get_secret("cert", {"VersionID": "v1"})
    assert (answer["cert"], answer["SecretValueType"]) == (encoded, "20")


@pytest.mark.parametrize("name", ["SecretValueType", "RequestID"])
def test_t5_a_secret_named_like_an_extra_key_loses_to_the_later_assignment(
    name: str, open_store: OpenStore, ssm: TencentSsmServer
) -> None:
    # contrib ssm.go GetSecret assigns ValueType, then the name, then RequestID: the later one wins
    ssm.add_secret(name, ("v1", "mine"))
    answer = open_store().get_secret(name, {"VersionID": "v1"})
    assert answer == ({"SecretValueType": "mine", "RequestID": answer["RequestID"]} if name == "SecretValueType"
                      else {"SecretValueType": "10", "RequestID": answer["RequestID"]})
    assert answer["RequestID"] != "mine"


def test_t2_the_version_key_is_case_sensitive_version_id_is_ignored(open_store: OpenStore, ssm: TencentSsmServer) -> None:
    # contrib ssm.go: req.Metadata[VersionID] with VersionID = "VersionID", an exact map lookup
    ssm.add_secret("db", ("v1", "one"))
    store = open_store()
    for ignored in ({"version_id": "v1"}, {"versionid": "v1"}, {"VersionId": "v1"}):
        with pytest.raises(StoreError, match="Code=MissingParameter"):
            store.get_secret("db", ignored)
    assert [r.body["VersionId"] for r in ssm.value_requests()] == ["", "", ""]


def test_t4_no_version_sends_an_empty_version_id_and_tencent_refuses_it(open_store: OpenStore, ssm: TencentSsmServer) -> None:
    # contrib ssm.go GetSecret: versionID := req.Metadata[VersionID] ("" when absent) is always sent
    ssm.add_secret("db", ("v1", "one"))
    with pytest.raises(StoreError) as raised:
        open_store().get_secret("db", {"namespace": "default"})  # what secretKeyRef sends (§1 rule 3)
    assert raised.value.message.startswith(
        "[TencentCloudSDKError] Code=MissingParameter, Message=The request is missing a required parameter `VersionId`., RequestId="
    )
    assert "metadata.VersionID" in raised.value.hint
    assert ssm.value_requests()[0].body == {"SecretName": "db", "VersionId": ""}


def test_t3_an_empty_name_is_refused_before_any_call(open_store: OpenStore, ssm: TencentSsmServer) -> None:
    with pytest.raises(StoreError, match="^secret name is empty$"):
        open_store().get_secret("", {"VersionID": "v1"})
    assert ssm.requests == []


def test_t5_errors_are_the_sdks_text_raw(open_store: OpenStore, ssm: TencentSsmServer) -> None:
    # contrib returns the SDK error as is: [TencentCloudSDKError] Code=..., Message=..., RequestId=...
    ssm.add_secret("db", ("v1", "one"))
    ssm.add_secret("off", ("v1", "x"), status="Disabled")
    store = open_store()
    expected = r"^\[TencentCloudSDKError\] Code=ResourceNotFound, Message=凭据 db 的版本 v9 不存在。, RequestId=[0-9a-f-]{36}$"
    with pytest.raises(SecretNotFound, match=expected):
        store.get_secret("db", {"VersionID": "v9"})
    with pytest.raises(StoreError, match="Code=ResourceUnavailable.ResourceDisabled") as raised:
        store.get_secret("off", {"VersionID": "v1"})
    assert "enable it" in raised.value.hint


@pytest.mark.parametrize(
    ("properties", "code", "hint"),
    [
        (metadata(secretKey="wrong-key"), "AuthFailure.SignatureFailure", "secretKey does not belong to secretId"),
        (metadata(secretId="AKIDunknown"), "AuthFailure.SecretIdNotFound", "check secretId"),
    ],
)
def test_the_fake_verifies_the_tc3_signature_like_the_cloud(
    properties: dict[str, str], code: str, hint: str, open_store: OpenStore, ssm: TencentSsmServer
) -> None:
    ssm.add_secret("db", ("v1", "one"))
    with pytest.raises(AccessDenied) as raised:
        open_store(properties).get_secret("db", {"VersionID": "v1"})
    assert f"Code={code}" in raised.value.message and hint in raised.value.hint
    assert "wrong-key" not in raised.value.message + raised.value.hint
    assert ssm.requests == []  # refused before any action ran


def test_a_cam_denial_names_the_action_to_grant(open_store: OpenStore, ssm: TencentSsmServer) -> None:
    from tests.helpers.tencent import SECRET_ID

    ssm.add_secret("db", ("v1", "one"))
    ssm.deny(SECRET_ID, "GetSecretValue", "db")
    with pytest.raises(AccessDenied) as raised:
        open_store().get_secret("db", {"VersionID": "v1"})
    assert "Code=AuthFailure.UnauthorizedOperation" in raised.value.message
    assert "may not call ssm:GetSecretValue on secret 'db'" in raised.value.hint


def test_throttling_is_not_retried_like_the_go_client(open_store: OpenStore, ssm: TencentSsmServer) -> None:
    # tc-go profile.NewClientProfile: RateLimitExceededMaxRetries 0
    ssm.add_secret("db", ("v1", "one"))
    ssm.throttle_next = 1
    store = open_store()
    with pytest.raises(StoreUnreachable, match="Code=RequestLimitExceeded") as raised:
        store.get_secret("db", {"VersionID": "v1"})
    assert "throttled" in raised.value.hint
    assert store.get_secret("db", {"VersionID": "v1"})["db"] == "one"


def test_an_unreachable_endpoint_is_said_so(open_store: OpenStore, ssm: TencentSsmServer, monkeypatch) -> None:
    from dapr_secrets.backends.tencent import store as tencent_store

    monkeypatch.setattr(tencent_store, "_endpoint_for_tests", "127.0.0.1:9")
    with pytest.raises(StoreUnreachable, match=r"^\[TencentCloudSDKError\] Code=ClientError.NetworkError") as raised:
        open_store().get_secret("db", {"VersionID": "v1"})
    assert "cannot reach 127.0.0.1:9" in raised.value.hint


# --- bulk ------------------------------------------------------------------------------------------


def test_t6_bulk_lists_enabled_secrets_only_and_keys_by_the_listed_name(open_store: OpenStore, ssm: TencentSsmServer) -> None:
    # contrib ssm.go getSecretNames: ListSecrets(Offset, Limit=100, State=1)
    ssm.add_secret("db", ("v1", "one"))
    ssm.add_secret("off", ("v1", "x"), status="Disabled")
    ssm.add_secret("api", ("v1", "k"))
    bulk = open_store().bulk_get({"VersionID": "v1"})
    assert list(bulk) == ["db", "api"]
    assert {name: {k: v for k, v in inner.items() if k != "RequestID"} for name, inner in bulk.items()} == {
        "db": {"db": "one", "SecretValueType": "10"}, "api": {"api": "k", "SecretValueType": "10"}
    }
    assert all(REQUEST_ID.match(inner["RequestID"]) for inner in bulk.values())
    assert [r.body for r in ssm.calls("ListSecrets")] == [{"Offset": 0, "Limit": 100, "State": 1}]


def test_t6_bulk_uses_the_same_version_id_for_every_secret(open_store: OpenStore, ssm: TencentSsmServer) -> None:
    ssm.add_secret("a", ("v1", "a1"), ("v2", "a2"))
    ssm.add_secret("b", ("v1", "b1"))
    store = open_store()
    assert store.bulk_get({"VersionID": "v1"})["b"]["b"] == "b1"
    with pytest.raises(SecretNotFound, match="凭据 b 的版本 v2 不存在"):  # b has no v2: all-or-nothing
        store.bulk_get({"VersionID": "v2"})
    assert {r.body["VersionId"] for r in ssm.value_requests()} == {"v1", "v2"}


def test_t6_bulk_without_version_id_sends_empty_ids_and_fails(open_store: OpenStore, ssm: TencentSsmServer) -> None:
    ssm.add_secret("a", ("v1", "a1"))
    with pytest.raises(StoreError, match="Code=MissingParameter"):
        open_store().bulk_get({})


def test_t6_paging_adds_the_page_length_and_a_multiple_of_100_costs_one_empty_call(
    open_store: OpenStore, ssm: TencentSsmServer
) -> None:
    for number in range(200):
        ssm.add_secret(f"s{number:03d}", ("v1", str(number)))
    bulk = open_store().bulk_get({"VersionID": "v1"})
    assert len(bulk) == 200 and bulk["s150"]["s150"] == "150"
    assert [r.body["Offset"] for r in ssm.calls("ListSecrets")] == [0, 100, 200]


def test_s1_r4_bulk_is_all_or_nothing_and_a_list_error_reads_no_value(open_store: OpenStore, ssm: TencentSsmServer) -> None:
    from tests.helpers.tencent import SECRET_ID

    ssm.add_secret("a", ("v1", "a1"))
    ssm.add_secret("b", ("v1", "b1"))
    ssm.add_secret("c", ("v1", "c1"))
    ssm.deny(SECRET_ID, "GetSecretValue", "b")
    ssm.deny(SECRET_ID, "GetSecretValue", "c")
    with pytest.raises(AccessDenied, match="ssm:GetSecretValue.*secret/creatorUin/100000000001/b\\)"):
        open_store().bulk_get({"VersionID": "v1"})  # the first failing secret in listing order
    ssm.requests.clear()
    ssm.deny(SECRET_ID, "ListSecrets")
    with pytest.raises(AccessDenied, match="ssm:ListSecrets"):
        open_store().bulk_get({"VersionID": "v1"})
    assert ssm.value_requests() == []


def test_bulk_reads_values_concurrently(open_store: OpenStore, ssm: TencentSsmServer) -> None:
    import time

    for number in range(32):
        ssm.add_secret(f"s{number:02d}", ("v1", str(number)))
    ssm.latency = 0.05
    started = time.monotonic()
    assert len(open_store().bulk_get({"VersionID": "v1"})) == 32
    assert time.monotonic() - started < 32 * 0.05  # not one after the other


def test_t7_features_are_none(open_store: OpenStore) -> None:
    store = open_store()
    assert store.multi_valued is False


# --- browsing --------------------------------------------------------------------------------------


def test_s8_listing_pages_by_offset_and_reads_no_value(open_store: OpenStore, ssm: TencentSsmServer) -> None:
    for number in range(250):
        ssm.add_secret(f"s{number:03d}", ("v1", "x"), description="a note" if number == 0 else "")
    ssm.add_secret("off", ("v1", "x"), status="Disabled")
    pages = list(open_store().list_names())
    assert [len(page) for page in pages] == [100, 100, 50]
    assert pages[0][0].name == "s000" and pages[0][0].info["description"] == "a note"
    assert "off" not in {entry.name for page in pages for entry in page}  # what Dapr's bulk lists
    assert ssm.value_requests() == []


def test_s8_describe_lists_version_ids_newest_first_and_reads_no_value(open_store: OpenStore, ssm: TencentSsmServer) -> None:
    ssm.add_secret("db", ("v1", "one"), ("v2", "two"), ("v3", "three"))
    details = open_store().describe("db")
    assert [v.id for v in details.versions] == ["v3", "v2", "v1"]
    assert details.versions[0].created == "2026-01-02 03:04:07Z"
    assert details.attributes["versions"] == "3" and "VersionID" in details.attributes["version key"]
    assert any("no 'latest'" in note for note in details.notes)
    assert ssm.value_requests() == []
    assert [r.action for r in ssm.requests] == ["DescribeSecret", "ListSecretVersionIds"]


def test_doctor_warns_that_dapr_has_no_default_version(open_store: OpenStore, ssm: TencentSsmServer) -> None:
    findings = open_store().diagnostics()
    assert [f.code for f in findings] == ["tencent-no-default-version"]
    assert ssm.value_requests() == []


def test_last_changed_is_the_newest_versions_creation_read_without_a_value(open_store: OpenStore, ssm: TencentSsmServer) -> None:
    from datetime import UTC, datetime

    from dapr_secrets.backends.base import LastChanged

    ssm.add_secret("db", ("v1", "one-canary"), ("v2", "two-canary"))
    store = open_store()
    newest = LastChanged(datetime(2026, 1, 2, 3, 4, 6, tzinfo=UTC), "newest version created")
    assert store.last_changed("db") == newest
    assert ssm.value_requests() == []
