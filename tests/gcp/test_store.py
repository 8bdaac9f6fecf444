"""GET, bulk, browsing and errors of secretstores.gcp.secretmanager (dapr-cloud-stores.md §1, G5-G9,
§8) with the real SecretManagerServiceClient over TLS gRPC against the local Secret Manager."""

from __future__ import annotations

import pytest

from dapr_secrets.backends.base import AccessDenied, SecretNotFound, StoreError, StoreTimeout, StoreUnreachable
from dapr_secrets.backends.gcp import store as gcp_store
from tests.fakes.secretmanager_server import DESTROYED, DISABLED, SecretManagerServer
from tests.helpers.gcp import NUMBER, PROJECT, OpenStore, ServiceAccountKey

FULL = f"projects/{NUMBER}/secrets"


# --- G5 / G6: GET ----------------------------------------------------------------------------------


def test_g5_get_is_keyed_by_the_requested_name_and_reads_latest(open_store: OpenStore, sm: SecretManagerServer) -> None:
    # contrib secretmanager.go GetSecret / getSecret: `{req.Name: string(payload.data)}`, version "latest"
    sm.add_secret("db", "one", "two")
    assert open_store().get_secret("db", {}) == {"db": "two"}
    assert sm.value_requests()[-1].message == {"name": f"projects/{PROJECT}/secrets/db/versions/latest"}


def test_g5_version_id_picks_a_version_or_alias(open_store: OpenStore, sm: SecretManagerServer) -> None:
    sm.add_secret("db", "one", "two", aliases={"prod": 1})
    store = open_store()
    assert store.get_secret("db", {"version_id": "1"}) == {"db": "one"}
    assert store.get_secret("db", {"version_id": "prod"}) == {"db": "one"}
    assert store.get_secret("db", {"Version_Id": "1"}) == {"db": "two"}  # §1 rule 2: exact-case key only


def test_g5_an_empty_version_id_is_sent_as_is_and_the_api_rejects_it(open_store: OpenStore, sm: SecretManagerServer) -> None:
    # contrib getSecret: `if v, ok := metadata["version_id"]; ok` - present but empty counts
    sm.add_secret("db", "one")
    with pytest.raises(StoreError) as raised:
        open_store().get_secret("db", {"version_id": ""})
    assert raised.value.message.startswith("failed to access secret version: rpc error: code = InvalidArgument desc = ")
    assert sm.value_requests()[-1].message == {"name": f"projects/{PROJECT}/secrets/db/versions/"}


def test_g5_an_empty_name_is_refused_before_any_call(open_store: OpenStore, sm: SecretManagerServer) -> None:
    with pytest.raises(StoreError) as raised:
        open_store().get_secret("", {})
    assert raised.value.message == "missing secret name in request"
    assert sm.requests == []


def test_g5_the_name_is_not_escaped(open_store: OpenStore, sm: SecretManagerServer) -> None:
    sm.add_secret("db", "one")
    with pytest.raises(SecretNotFound):
        open_store().get_secret("db/versions/1", {})
    assert sm.value_requests()[-1].message == {"name": f"projects/{PROJECT}/secrets/db/versions/1/versions/latest"}


def test_g5_bytes_that_are_not_utf8_become_replacement_characters(open_store: OpenStore, sm: SecretManagerServer) -> None:
    sm.add_secret("blob", b"ok\xffok")
    assert open_store().get_secret("blob", {}) == {"blob": "ok\ufffdok"}


def test_g6_errors_are_grpc_status_texts(open_store: OpenStore, sm: SecretManagerServer) -> None:
    # contrib getSecret: fmt.Errorf("failed to access secret version: %v", err) with grpc-go's status text
    sm.add_secret("empty")
    sm.add_secret("off", "x")
    sm.add_version("off", "y", DISABLED)
    store = open_store()
    with pytest.raises(SecretNotFound) as raised:
        store.get_secret("missing", {})
    assert raised.value.message == (
        f"failed to access secret version: rpc error: code = NotFound desc = Secret [{FULL}/missing] not found."
    )
    with pytest.raises(SecretNotFound) as raised:
        store.get_secret("empty", {})
    assert raised.value.message.endswith(f"desc = Secret [{FULL}/empty] not found or has no versions.")
    with pytest.raises(StoreError) as raised:
        store.get_secret("off", {})
    assert raised.value.message == (
        "failed to access secret version: rpc error: code = FailedPrecondition desc = "
        f"Secret Version [{FULL}/off/versions/2] is in DISABLED state."
    )
    assert "enable it" in raised.value.hint


def test_permission_denied_names_the_account_and_the_permission(
    open_store: OpenStore, sm: SecretManagerServer, reader_key: ServiceAccountKey
) -> None:
    sm.add_secret("db", "v")
    sm.deny(reader_key.email, "secretmanager.versions.access", "db")
    with pytest.raises(AccessDenied) as raised:
        open_store().get_secret("db", {})
    assert raised.value.message == (
        "failed to access secret version: rpc error: code = PermissionDenied desc = Permission "
        f"'secretmanager.versions.access' denied for resource '{FULL}/db/versions/latest' (or it may not exist)."
    )
    assert raised.value.hint == (
        f"{reader_key.email} lacks secretmanager.versions.access on projects/{PROJECT}/secrets/db/versions/latest: "
        "grant it roles/secretmanager.secretAccessor (or check project_id)"
    )


def test_an_unknown_key_is_unauthenticated(open_store: OpenStore, sm: SecretManagerServer, reader_key: ServiceAccountKey) -> None:
    sm.add_secret("db", "v")
    sm.public_keys.clear()  # the key was deleted in IAM
    with pytest.raises(AccessDenied) as raised:
        open_store().get_secret("db", {})
    assert "code = Unauthenticated" in raised.value.message
    assert f"refused the credential of {reader_key.email}" in raised.value.hint


def test_api_not_enabled_says_how_to_enable_it(open_store: OpenStore, sm: SecretManagerServer) -> None:
    sm.api_enabled = False
    with pytest.raises(AccessDenied) as raised:
        list(open_store().list_names())
    assert raised.value.message.startswith(
        "failed to list secrets: rpc error: code = PermissionDenied desc = Secret Manager API has not been used"
    )
    assert raised.value.hint == (
        f"the Secret Manager API is not enabled in project '{PROJECT}': "
        f"gcloud services enable secretmanager.googleapis.com --project {PROJECT}"
    )


def test_an_unknown_project_says_check_project_id(open_store: OpenStore, sm: SecretManagerServer, reader_key: ServiceAccountKey) -> None:
    with pytest.raises(SecretNotFound) as raised:
        open_store(reader_key.metadata(project_id="other")).bulk_get({})
    assert raised.value.message == (
        "failed to list secrets: rpc error: code = NotFound desc = Project 'projects/other' not found or deleted."
    )
    assert raised.value.hint == "project 'other' was not found: check project_id"


def test_resource_exhausted_is_retried_a_bounded_number_of_times(open_store: OpenStore, sm: SecretManagerServer,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    sm.add_secret("db", "v")
    sm.exhausted_calls = 2
    store = open_store()
    assert store.get_secret("db", {}) == {"db": "v"}
    assert len(sm.value_requests()) == 3
    monkeypatch.setattr(gcp_store, "RETRY_SECONDS", 1.0)
    sm.exhausted_calls = 1000
    with pytest.raises(StoreUnreachable) as raised:
        store.get_secret("db", {})
    assert "code = ResourceExhausted desc = Quota exceeded" in raised.value.message
    assert "quota is exhausted" in raised.value.hint
    assert 4 <= len(sm.value_requests()) < 20


def test_a_call_past_its_deadline_is_a_timeout(open_store: OpenStore, sm: SecretManagerServer,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    sm.add_secret("db", "v")
    sm.hang = 2.0
    monkeypatch.setattr(gcp_store, "DEFAULT_TIMEOUT", 0.5)
    with pytest.raises(StoreTimeout) as raised:
        open_store().get_secret("db", {})
    assert raised.value.message.startswith("failed to access secret version: rpc error: code = DeadlineExceeded")


def test_an_unreachable_server_is_said_so(open_store: OpenStore, sm: SecretManagerServer,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gcp_store, "RETRY_SECONDS", 1.0)
    store = open_store()
    sm.__exit__()
    with pytest.raises(StoreUnreachable) as raised:
        store.get_secret("db", {})
    assert raised.value.message.startswith("failed to access secret version: rpc error: code = Unavailable desc = ")
    assert "cannot reach secretmanager.googleapis.com:443" in raised.value.hint


# --- G7 / G8: bulk ---------------------------------------------------------------------------------


def test_g7_bulk_is_keyed_by_the_full_name_with_the_project_number(open_store: OpenStore, sm: SecretManagerServer) -> None:
    # contrib secretmanager.go BulkGetSecret: `{secret.Name: {secret.Name: value}}` (dapr/dapr #6998)
    sm.add_secret("db", "one", "two")
    sm.add_secret("api", "k")
    assert open_store().bulk_get({"version_id": "1"}) == {  # version_id is ignored in bulk
        f"{FULL}/db": {f"{FULL}/db": "two"},
        f"{FULL}/api": {f"{FULL}/api": "k"},
    }
    assert sorted(r.message["name"] for r in sm.value_requests()) == [
        f"{FULL}/api/versions/latest", f"{FULL}/db/versions/latest"
    ]


def test_g7_bulk_lists_without_page_size_and_follows_every_page(open_store: OpenStore, sm: SecretManagerServer) -> None:
    # contrib BulkGetSecret: ListSecretsRequest{Parent} only; the iterator follows next_page_token
    sm.default_page_size = 7
    for number in range(20):
        sm.add_secret(f"s{number:02d}", f"v{number}")
    result = open_store().bulk_get({})
    assert list(result) == [f"{FULL}/s{n:02d}" for n in range(20)]
    assert [r.message for r in sm.calls("ListSecrets")] == [
        {"parent": f"projects/{PROJECT}"},
        {"parent": f"projects/{PROJECT}", "page_token": "7"},
        {"parent": f"projects/{PROJECT}", "page_token": "14"},
    ]


@pytest.mark.parametrize("breaker", ["no versions", "disabled", "destroyed", "denied"])
def test_g8_bulk_is_all_or_nothing(open_store: OpenStore, sm: SecretManagerServer, reader_key: ServiceAccountKey,
                                   breaker: str) -> None:
    # contrib BulkGetSecret returns the first getSecret error; no partial map
    sm.add_secret("a", "1")
    if breaker == "no versions":
        sm.add_secret("b")
    else:
        sm.add_secret("b", "old")
        if breaker in ("disabled", "destroyed"):
            sm.add_version("b", "new", DISABLED if breaker == "disabled" else DESTROYED)
        else:
            sm.deny(reader_key.email, "secretmanager.versions.access", "b")
    sm.add_secret("c", "3")
    with pytest.raises(StoreError) as raised:
        open_store().bulk_get({})
    assert raised.value.message.startswith("failed to access secret version: rpc error: code = ")
    assert f"{FULL}/b" in raised.value.message


def test_g8_the_first_failing_secret_in_listing_order_is_reported(open_store: OpenStore, sm: SecretManagerServer,
                                                                  reader_key: ServiceAccountKey) -> None:
    for name in ("a", "b", "c", "d"):
        sm.add_secret(name, "v")
    sm.deny(reader_key.email, "secretmanager.versions.access", "b")
    sm.deny(reader_key.email, "secretmanager.versions.access", "d")
    for _ in range(5):  # concurrency must not change which error wins
        with pytest.raises(AccessDenied) as raised:
            open_store().bulk_get({})
        assert f"'{FULL}/b/versions/latest'" in raised.value.message


def test_g8_bulk_list_errors_are_prefixed(open_store: OpenStore, sm: SecretManagerServer, reader_key: ServiceAccountKey) -> None:
    sm.deny(reader_key.email, "secretmanager.secrets.list")
    with pytest.raises(AccessDenied) as raised:
        open_store().bulk_get({})
    assert raised.value.message.startswith("failed to list secrets: rpc error: code = PermissionDenied desc = ")
    assert "secretmanager.secrets.list" in raised.value.hint


def test_bulk_reads_values_concurrently(open_store: OpenStore, sm: SecretManagerServer) -> None:
    for number in range(32):
        sm.add_secret(f"s{number:02d}", "v")
    sm.latency = 0.05
    store = open_store()
    result = store.bulk_get({})
    assert len(result) == 32
    assert len(sm.value_requests()) == 32
    assert sm.peak_in_flight >= 8  # Dapr reads one at a time


def test_g9_features_are_none(open_store: OpenStore) -> None:
    store = open_store()
    assert store.multi_valued is False


# --- §8: browsing without values ------------------------------------------------------------------


def test_s8_listing_pages_through_list_secrets_and_reads_no_value(open_store: OpenStore, sm: SecretManagerServer) -> None:
    for number in range(1200):
        sm.add_secret(f"s{number:04d}", "v", labels={"team": "a"} if number == 0 else {})
    pages = list(open_store().list_names())
    assert [len(page) for page in pages] == [500, 500, 200]
    assert pages[0][0].name == "s0000"
    assert pages[0][0].info["bulk key"] == f"{FULL}/s0000"
    assert pages[0][0].info["labels"] == "team=a"
    assert [r.message.get("page_token", "") for r in sm.calls("ListSecrets")] == ["", "500", "1000"]
    assert {r.message["page_size"] for r in sm.calls("ListSecrets")} == {500}
    assert sm.value_requests() == []


def test_s8_describe_shows_metadata_and_versions_with_state_and_aliases(open_store: OpenStore, sm: SecretManagerServer) -> None:
    from datetime import UTC, datetime, timedelta

    sm.add_secret(
        "db", "one", labels={"env": "prod"}, annotations={"owner": "payments"},
        locations=("us-east1", "europe-west1"), expire_time=datetime(2030, 1, 1, tzinfo=UTC),
        next_rotation=datetime(2027, 6, 1, tzinfo=UTC), rotation_period=timedelta(days=30), aliases={"stable": 1},
    )
    sm.add_version("db", "two", DISABLED)
    sm.add_version("db", "three", DESTROYED)
    sm.add_version("db", "four")
    details = open_store().describe("db")
    assert details.attributes == {
        "bulk key": f"{FULL}/db",
        "created": "2026-01-02 03:04:05Z",
        "labels": "env=prod",
        "annotations": "owner=payments",
        "replication": "user-managed: us-east1, europe-west1",
        "expires": "2030-01-01 00:00:00Z",
        "next rotation": "2027-06-01 00:00:00Z",
        "rotation period": "30 d",
        "version aliases": "stable=1",
        "versions": "4",
        "older versions": "Dapr's GET reads one with metadata.version_id; bulk reads the latest",
    }
    assert [(v.id, v.state) for v in details.versions] == [
        ("4", "current, enabled"), ("3", "destroyed"), ("2", "disabled"), ("1", "enabled, alias stable")
    ]
    assert details.notes == ()
    assert sm.value_requests() == []


def test_g8_a_secret_without_an_enabled_latest_version_is_marked_breaks_bulk(
    open_store: OpenStore, sm: SecretManagerServer
) -> None:
    sm.add_secret("fine", "v")
    sm.add_secret("empty")
    sm.add_secret("off", "v")
    sm.add_version("off", "w", DISABLED)
    store = open_store()
    assert store.describe("off").notes == (
        "latest version 2 is disabled: Dapr's GET without version_id fails and it breaks Dapr's bulk (all-or-nothing)",
    )
    assert store.describe("empty").notes == (
        "no versions: Dapr's GET fails and it breaks Dapr's bulk (all-or-nothing)",
    )
    findings = [(d.code, d.secret) for d in store.diagnostics()]
    assert findings == [("gcp-breaks-bulk", "empty"), ("gcp-breaks-bulk", "off")]
    assert sm.value_requests() == []


def test_describe_errors_name_the_view_permission(open_store: OpenStore, sm: SecretManagerServer,
                                                  reader_key: ServiceAccountKey) -> None:
    sm.add_secret("db", "v")
    sm.deny(reader_key.email, "secretmanager.versions.list", "db")
    with pytest.raises(AccessDenied) as raised:
        open_store().describe("db")
    assert "secretmanager.versions.list" in raised.value.hint
    with pytest.raises(SecretNotFound):
        open_store().describe("missing")


def test_last_changed_is_the_newest_versions_creation_value_blind(open_store: OpenStore, sm: SecretManagerServer) -> None:
    """A Secret Manager secret changes by getting a new version: its newest version's create_time."""
    from datetime import UTC, datetime

    from dapr_secrets.backends.base import LastChanged

    sm.add_secret("db", "one-canary")
    sm.add_version("db", "two-canary")
    store = open_store()
    newest = LastChanged(datetime(2026, 1, 2, 3, 5, 5, tzinfo=UTC), "newest version created")
    assert store.describe("db").last_changed == newest == store.last_changed("db")
    assert sm.value_requests() == []
