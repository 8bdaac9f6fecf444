"""GET, bulk and browsing of secretstores.huaweicloud.csms (dapr-cloud-stores.md §1 rules 2, 4, 7; §6 H4-H6;
§8), with the real huaweicloudsdkcsms client signing every request to the local CSMS."""

from __future__ import annotations

import pytest

from dapr_secrets.backends.base import AccessDenied, SecretNotFound, StoreError, StoreUnreachable
from tests.fakes.huawei_server import HuaweiServer
from tests.helpers.huawei import OpenStore


def test_h4_get_is_keyed_by_the_requested_name_and_reads_version_id(open_store: OpenStore, csms: HuaweiServer) -> None:
    # contrib csms.go GetSecret: ShowSecretVersion(req.Name, md["version_id"]) -> {req.Name: SecretString}
    csms.add_secret("db", "one", "two")
    store = open_store()
    assert store.get_secret("db", {"version_id": "v1"}) == {"db": "one"}
    assert store.get_secret("db", {"version_id": "latest"}) == {"db": "two"}
    assert [r.path.rpartition("/")[2] for r in csms.value_requests()] == ["v1", "latest"]


def test_h4_without_version_id_get_sends_an_empty_version_segment(open_store: OpenStore, csms: HuaweiServer) -> None:
    # contrib csms.go GetSecret: md["version_id"] is "" when absent -> /versions/ (what every secretKeyRef sends)
    csms.add_secret("db", "v")
    store = open_store()
    with pytest.raises(StoreError) as caught:
        store.get_secret("db", {"namespace": "default"})  # secretKeyRef's only request metadata (§1 rule 3)
    assert csms.value_requests()[-1].path == f"/v1/{csms.project_id}/secrets/db/versions/"
    assert caught.value.message.startswith('{"status_code":400,"request_id":"req-')
    assert "pass metadata.version_id=latest" in caught.value.hint


def test_s1_r2_request_metadata_keys_are_exact_and_an_empty_value_counts(open_store: OpenStore, csms: HuaweiServer) -> None:
    # contrib csms.go GetSecret: a plain map lookup, case-sensitive; "" is sent as ""
    csms.add_secret("db", "v")
    store = open_store()
    for metadata in ({"Version_Id": "v1"}, {"version_id": ""}):
        with pytest.raises(StoreError):
            store.get_secret("db", metadata)
        assert csms.value_requests()[-1].path.endswith("/db/versions/")


def test_h4_errors_are_the_go_sdks_json_without_a_prefix(open_store: OpenStore, csms: HuaweiServer) -> None:
    # hw-go core/sdkerr/errors.go ServiceResponseError.Error(); csms.go returns it raw
    csms.add_secret("db", "v")
    csms.denied.add("db")
    store = open_store()
    with pytest.raises(SecretNotFound) as missing:
        store.get_secret("nope", {"version_id": "latest"})
    request_id = missing.value.message.split('"request_id":"')[1].split('"')[0]
    assert missing.value.message == (
        f'{{"status_code":404,"request_id":"{request_id}","error_code":"CSMS.0404",'
        '"error_message":"The secret nope does not exist","encoded_authorization_message":""}'
    )
    with pytest.raises(AccessDenied) as denied:
        store.get_secret("db", {"version_id": "latest"})
    assert '"status_code":403' in denied.value.message and "CSMS read permissions" in denied.value.hint


def test_h4_a_binary_only_secret_is_a_nil_dereference_in_daprd(open_store: OpenStore, csms: HuaweiServer) -> None:
    # contrib csms.go GetSecret dereferences *Version.SecretString (derived: a panic)
    csms.add_secret("blob", None)
    with pytest.raises(StoreError) as caught:
        open_store().get_secret("blob", {"version_id": "v1"})
    assert caught.value.message.startswith("daprd crashes: panic: runtime error: invalid memory address")


def test_h5_bulk_lists_every_page_then_reads_latest_keyed_by_name(open_store: OpenStore, csms: HuaweiServer) -> None:
    # contrib csms.go BulkGetSecret / getSecretNames: limit 100, next_marker until null, then "latest"
    for number in range(250):
        csms.add_secret(f"s-{number:03d}", f"old-{number}", f"value-{number}")
    csms.add_secret("off", "x", state="DISABLED")  # no state filter: listed and read
    result = open_store().bulk_get({})
    assert list(result) == [f"s-{n:03d}" for n in range(250)] + ["off"]
    assert result["s-007"] == {"s-007": "value-7"} and result["off"] == {"off": "x"}
    assert [r.query for r in csms.calls("ListSecrets")] == [
        {"limit": "100"}, {"limit": "100", "marker": "s-099"}, {"limit": "100", "marker": "s-199"}
    ]
    assert {r.path.rpartition("/")[2] for r in csms.value_requests()} == {"latest"}


def test_s1_r4_bulk_is_all_or_nothing_with_the_first_error_in_listing_order(open_store: OpenStore, csms: HuaweiServer) -> None:
    # contrib csms.go BulkGetSecret: the first GetSecret error is returned and no map
    csms.add_secret("a", "1")
    csms.add_secret("empty")  # no versions: "latest" does not exist
    csms.add_secret("blocked", "3")
    csms.denied.add("blocked")
    with pytest.raises(SecretNotFound) as caught:
        open_store().bulk_get({})
    assert "The version latest of secret empty does not exist" in caught.value.message


def test_throttling_is_reported_not_retried(open_store: OpenStore, csms: HuaweiServer) -> None:
    # the Go SDK daprd uses does not retry by default: a 429 is the GET's error
    csms.add_secret("db", "v")
    store = open_store()
    csms.throttle(1)
    with pytest.raises(StoreUnreachable) as caught:
        store.get_secret("db", {"version_id": "v1"})
    assert '"status_code":429' in caught.value.message and "APIGW.0308" in caught.value.message
    assert store.get_secret("db", {"version_id": "v1"}) == {"db": "v"}


def test_s8_listing_pages_names_and_reads_no_value(open_store: OpenStore, csms: HuaweiServer) -> None:
    for number in range(120):
        csms.add_secret(f"n-{number:03d}", "secret-value")
    csms.add_secret("gone", "v", state="PENDING_DELETE")
    pages = list(open_store().list_names())
    assert [len(page) for page in pages] == [100, 21]
    gone = pages[-1][-1]
    assert gone.name == "gone" and "pending_delete" in gone.note and "bulk reads it" in gone.note
    assert csms.value_requests() == []


def test_s8_describe_lists_versions_with_their_stages_page_by_page(
    open_store: OpenStore, csms: HuaweiServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dapr_secrets.backends.huawei import store as huawei_store

    monkeypatch.setattr(huawei_store, "VERSIONS_LIMIT", "2")
    csms.add_secret("db", "one", "two", "three")
    details = open_store().describe("db")
    assert [(v.id, v.state) for v in details.versions] == [("v3", "SYSCURRENT"), ("v2", "SYSPREVIOUS"), ("v1", "")]
    assert details.attributes["versions"] == "3" and details.attributes["state"] == "ENABLED"
    assert any("version_id=latest" in note for note in details.notes)
    assert [r.query.get("marker") for r in csms.calls("ListSecretVersions")] == [None, "v2"]
    assert csms.value_requests() == []


def test_s1_r7_no_features_and_a_doctor_warning_for_secret_key_refs(open_store: OpenStore) -> None:
    store = open_store()
    assert store.multi_valued is False
    assert [d.code for d in store.diagnostics()] == ["huawei-get-without-version"]


def test_last_changed_is_the_secrets_update_time_from_the_listing_and_describe(open_store: OpenStore, csms: HuaweiServer) -> None:
    from datetime import UTC, datetime

    from dapr_secrets.backends.base import LastChanged

    csms.add_secret("db", "one-canary", "two-canary")
    store = open_store()
    expected = LastChanged(datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), "updated")  # the fake's update_time
    (entry,) = [entry for page in store.list_names() for entry in page]
    assert entry.changed == expected == store.describe("db").last_changed
    assert csms.value_requests() == []
