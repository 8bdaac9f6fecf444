"""GET, bulk and browsing of secretstores.alicloud.parameterstore (dapr-cloud-stores.md §1, §5 L3-L6,
§8) through the real client against the local OOS."""

from __future__ import annotations

import pytest

from dapr_secrets.backends.alibaba import store as alibaba_store
from dapr_secrets.backends.base import AccessDenied, SecretNotFound, StoreError, StoreTimeout, StoreUnreachable
from tests.fakes.oos_server import OosServer
from tests.helpers.alibaba import OpenStore

# --- L3 / L4: GET -----------------------------------------------------------------------------------


def test_l4_get_is_keyed_by_the_returned_name_and_reads_the_latest_decrypted(open_store: OpenStore, oos: OosServer) -> None:
    # contrib parameterstore.go GetSecret: {*Parameter.Name: *Parameter.Value}, WithDecryption=true
    oos.add("/prod/db", "one", "two")
    oos.rename_on_read("db-alias", "/prod/db")
    store = open_store()
    assert store.get_secret("/prod/db", {}) == {"/prod/db": "two"}
    assert store.get_secret("db-alias", {}) == {"/prod/db": "two"}
    sent = oos.calls("GetSecretParameter")[0].query
    assert sent["Name"] == "/prod/db" and sent["WithDecryption"].lower() == "true" and "ParameterVersion" not in sent


@pytest.mark.parametrize("text, sent", [("1", "1"), ("+1", "1"), ("01", "1"), ("2147483647", "2147483647"), ("-1", "-1")])
def test_l3_version_id_is_a_go_int32(text: str, sent: str, open_store: OpenStore, oos: OosServer) -> None:
    # contrib parameterstore.go getVersionFromMetadata: strconv.ParseInt(s, 10, 32)
    oos.add("db", "one", "two")
    store = open_store()
    try:
        store.get_secret("db", {"version_id": text})
    except SecretNotFound:
        pass  # versions outside 1..2 do not exist: the cloud says so
    assert oos.calls("GetSecretParameter")[-1].query["ParameterVersion"] == sent


@pytest.mark.parametrize("text, reason", [
    ("v1", "invalid syntax"), (" 1", "invalid syntax"), ("1_0", "invalid syntax"), ("0x1", "invalid syntax"),
    ("1.0", "invalid syntax"), ("2147483648", "value out of range"), ("-2147483649", "value out of range"),
])
def test_l3_a_version_id_that_is_not_an_int32_is_strconvs_raw_error(text: str, reason: str, open_store: OpenStore,
                                                                     oos: OosServer) -> None:
    with pytest.raises(StoreError) as raised:
        open_store().get_secret("db", {"version_id": text})
    assert raised.value.message == f'strconv.ParseInt: parsing "{text}": {reason}'
    assert oos.requests == []  # refused before any call


def test_s1_r2_an_empty_version_id_is_absent(open_store: OpenStore, oos: OosServer) -> None:
    # contrib parameterstore.go getVersionFromMetadata: `if ok && version != ""`
    oos.add("db", "one", "two")
    assert open_store().get_secret("db", {"version_id": ""}) == {"db": "two"}
    assert "ParameterVersion" not in oos.calls("GetSecretParameter")[0].query


def test_s1_r2_request_metadata_keys_are_exact(open_store: OpenStore, oos: OosServer) -> None:
    oos.add("db", "one", "two")
    assert open_store().get_secret("db", {"Version_Id": "1", "VersionID": "1"}) == {"db": "two"}


def test_l4_errors_are_teas_sdk_error_text(open_store: OpenStore, oos: OosServer) -> None:
    # contrib GetSecret: fmt.Errorf("couldn't get secret: %w", err); tea SDKError.Error()
    with pytest.raises(SecretNotFound) as raised:
        open_store().get_secret("nope", {})
    request_id = "0000-000001"
    assert raised.value.message == (
        "couldn't get secret: SDKError:\n   StatusCode: 404\n   Code: EntityNotExists.Parameter\n"
        f"   Message: code: 404, The Parameter (nope) does not exist. request id: {request_id}\n"
        '   Data: {"Code":"EntityNotExists.Parameter","HostId":"oos.cn-hangzhou.aliyuncs.com",'
        f'"Message":"The Parameter (nope) does not exist.","RequestId":"{request_id}","statusCode":404}}\n'
    )


def test_a_ram_denial_names_the_policy_to_grant(open_store: OpenStore, oos: OosServer) -> None:
    oos.add("db", "v")
    oos.deny("GetSecretParameter", "db")
    with pytest.raises(AccessDenied) as raised:
        open_store().get_secret("db", {})
    assert "Code: Forbidden.RAM" in raised.value.message
    assert "oos:GetSecretParameter" in raised.value.hint and "kms:Decrypt" in raised.value.hint


def test_throttling_is_the_clouds_error_with_a_hint(open_store: OpenStore, oos: OosServer) -> None:
    oos.add("db", "v")
    oos.throttle(1)
    store = open_store()
    with pytest.raises(StoreUnreachable) as raised:
        store.get_secret("db", {})
    assert "Code: Throttling.User" in raised.value.message and "throttled" in raised.value.hint
    assert store.get_secret("db", {}) == {"db": "v"}  # no SDK retry, the next call goes through


def test_a_call_past_its_deadline_is_a_timeout(open_store: OpenStore, oos: OosServer, monkeypatch: pytest.MonkeyPatch) -> None:
    oos.add("db", "v")
    oos.latency = 1.5
    monkeypatch.setattr(alibaba_store, "DEFAULT_TIMEOUT", 0.3)
    with pytest.raises(StoreTimeout) as raised:
        open_store().get_secret("db", {})
    assert raised.value.message.startswith("couldn't get secret: ")


def test_an_unreachable_server_is_said_so(open_store: OpenStore, oos: OosServer) -> None:
    store = open_store()
    oos.__exit__()
    with pytest.raises(StoreUnreachable) as raised:
        store.get_secret("db", {})
    assert raised.value.message.startswith("couldn't get secret: ")
    assert "oos.cn-hangzhou.aliyuncs.com:443" in raised.value.hint


# --- L5: bulk ------------------------------------------------------------------------------------------


def test_l5_bulk_is_recursive_from_root_keyed_by_full_names_with_values_from_the_listing(
    open_store: OpenStore, oos: OosServer
) -> None:
    # contrib parameterstore.go BulkGetSecret: GetSecretParametersByPath(path, Recursive, WithDecryption)
    oos.add("/prod/db", "old", "new")
    oos.add("/prod/app/api", "k")
    oos.add("/dev/db", "d")
    assert open_store().bulk_get({}) == {
        "/dev/db": {"/dev/db": "d"},
        "/prod/app/api": {"/prod/app/api": "k"},
        "/prod/db": {"/prod/db": "new"},
    }
    sent = oos.calls("GetSecretParametersByPath")[0].query
    assert sent["Path"] == "/" and sent["Recursive"].lower() == "true" and sent["WithDecryption"].lower() == "true"
    assert "MaxResults" not in sent  # Dapr sends none: the service default (10) applies
    assert [r.action for r in oos.requests] == ["GetSecretParametersByPath"]  # one call per page, no GETs


def test_l5_request_metadata_path_selects_the_subtree_with_full_names(open_store: OpenStore, oos: OosServer) -> None:
    oos.add("/prod/db", "p")
    oos.add("/prod/app/api", "k")
    oos.add("/dev/db", "d")
    assert open_store().bulk_get({"path": "/prod/"}) == {"/prod/app/api": {"/prod/app/api": "k"}, "/prod/db": {"/prod/db": "p"}}


def test_s1_r2_an_empty_path_is_sent_as_empty_not_root(open_store: OpenStore, oos: OosServer) -> None:
    # contrib getPathFromMetadata: `if path, ok := metadata["path"]; ok` (Corrections list)
    open_store().bulk_get({"path": ""})
    assert oos.calls("GetSecretParametersByPath")[0].query["Path"] == ""


def test_l5_bulk_follows_next_token_until_it_is_absent(open_store: OpenStore, oos: OosServer) -> None:
    for number in range(25):
        oos.add(f"/p/{number:02d}", str(number))
    result = open_store().bulk_get({})
    assert len(result) == 25 and result["/p/24"] == {"/p/24": "24"}
    assert [r.query.get("NextToken") for r in oos.calls("GetSecretParametersByPath")] == [None, "10", "20"]


def test_s1_r4_bulk_is_all_or_nothing(open_store: OpenStore, oos: OosServer) -> None:
    for number in range(15):
        oos.add(f"/p/{number:02d}", str(number))
    store = open_store()
    original = oos._answer

    def fail_second_page(action: str, query: dict[str, str]):
        if action == "GetSecretParametersByPath" and query.get("NextToken") == "10":
            return 403, {"Code": "Forbidden.RAM", "Message": "denied"}
        return original(action, query)

    oos._answer = fail_second_page  # type: ignore[method-assign]
    with pytest.raises(AccessDenied) as raised:
        store.bulk_get({})  # the first page's 10 values are not returned
    assert raised.value.message.startswith("couldn't get secrets: SDKError:\n   StatusCode: 403\n   Code: Forbidden.RAM")


def test_s1_r7_no_feature_is_reported(open_store: OpenStore) -> None:
    assert open_store().multi_valued is False


# --- §8: browsing ----------------------------------------------------------------------------------------


def test_s8_listing_pages_through_list_secret_parameters_and_reads_no_value(open_store: OpenStore, oos: OosServer) -> None:
    for number in range(250):
        oos.add(f"/app/{number:03d}", "v")
    pages = list(open_store().list_names())
    assert [len(page) for page in pages] == [100, 100, 50]
    assert pages[0][0].name == "/app/000" and pages[0][0].info["bulk key"] == "/app/000"
    sent = oos.calls("ListSecretParameters")
    assert [r.query.get("NextToken") for r in sent] == [None, "100", "200"]
    assert sent[0].query["Path"] == "/" and sent[0].query["Recursive"].lower() == "true"
    assert oos.value_requests() == []


def test_s8_describe_lists_versions_newest_first_without_values(open_store: OpenStore, oos: OosServer) -> None:
    oos.add("db", "one", "two", "three", description="the database")
    details = open_store().describe("db")
    assert [(v.id, v.state) for v in details.versions] == [("3", "current"), ("2", ""), ("1", "")]
    assert details.attributes["description"] == "the database" and details.attributes["versions"] == "3"
    assert oos.calls("ListSecretParameterVersions")[0].query["WithDecryption"].lower() == "false"
    assert oos.value_requests() == []


def test_describe_errors_name_the_list_policy(open_store: OpenStore, oos: OosServer) -> None:
    oos.add("db", "v")
    oos.deny("ListSecretParameterVersions")
    with pytest.raises(AccessDenied) as raised:
        open_store().describe("db")
    assert "oos:ListSecretParameterVersions" in raised.value.hint


def test_last_changed_is_the_updated_date_from_the_listing_and_the_versions(open_store: OpenStore, oos: OosServer) -> None:
    from datetime import UTC, datetime

    from dapr_secrets.backends.base import LastChanged

    oos.add("db", "one-canary", "two-canary")
    store = open_store()
    (entry,) = [entry for page in store.list_names() for entry in page]
    assert entry.changed == LastChanged(datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), "updated")
    assert store.describe("db").last_changed == LastChanged(datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), "newest version")
    assert oos.value_requests() == []
