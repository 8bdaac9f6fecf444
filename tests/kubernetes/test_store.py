"""secretstores.kubernetes against the fake API server, through the real `kubernetes` client and a real
kubeconfig (dapr-behaviour.md §3.3; wire shapes test-infra.md §2b)."""

from __future__ import annotations

import base64
import socket
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dapr_secrets.backends.base import (
    AccessDenied,
    LastChanged,
    SecretNotFound,
    StoreContext,
    StoreError,
    StoreMisconfigured,
    StoreTimeout,
    StoreUnreachable,
)
from dapr_secrets.backends.kubernetes import NAMESPACE_MISSING, KubernetesStore
from dapr_secrets.backends.registry import load_class, lookup
from dapr_secrets.components.golang import go_json
from tests.fakes.kube_server import (
    DEFAULT_TOKEN,
    DEFAULT_USER,
    METADATA_LIST_MEDIA,
    METADATA_MEDIA,
    seed_secrets,
)
from tests.fakes.tls import make_ca

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


def test_registry_opens_this_class_for_secretstores_kubernetes():
    assert load_class(lookup("secretstores.kubernetes", "v1").target) is KubernetesStore


# --- §3.3 namespace precedence -------------------------------------------------------------------


@pytest.fixture
def three_namespaces(kube_cluster):
    for namespace in ("from-metadata", "from-env", "from-default"):
        kube_cluster.add_secret(namespace, "db", {"where": namespace})
    return kube_cluster


def test_s3_3_request_metadata_namespace_beats_env_and_default(three_namespaces, make_store, kube_env):
    store = make_store({"defaultNamespace": "from-default"}, env=kube_env | {"NAMESPACE": "from-env"})
    assert store.get_secret("db", {"namespace": "from-metadata"}) == {"where": "from-metadata"}


def test_s3_3_namespace_env_beats_default_namespace(three_namespaces, make_store, kube_env):
    store = make_store({"defaultNamespace": "from-default"}, env=kube_env | {"NAMESPACE": "from-env"})
    assert store.get_secret("db", {}) == {"where": "from-env"}
    assert store.get_secret("db", {"namespace": ""}) == {"where": "from-env"}  # empty counts as absent


def test_s3_3_default_namespace_is_the_last_resort(three_namespaces, make_store):
    store = make_store({"DefaultNamespace": "from-default"})  # field names match case-insensitively
    assert store.get_secret("db", {}) == {"where": "from-default"}
    assert store.bulk_get({}) == {"db": {"where": "from-default"}}


def test_s3_3_no_namespace_anywhere_is_daprs_error_and_sends_nothing(three_namespaces, make_store):
    store = make_store()
    with pytest.raises(StoreError) as raised:
        store.get_secret("db", {})
    assert str(raised.value) == NAMESPACE_MISSING
    assert "defaultNamespace" in raised.value.hint
    with pytest.raises(StoreError, match="namespace is missing"):
        next(iter(store.list_names()))
    assert three_namespaces.requests == []


# --- §3.3 GetSecret / BulkGetSecret -----------------------------------------------------------------


def test_s3_3_get_returns_every_data_key_decoded(kube_cluster, make_store):
    kube_cluster.add_secret("default", "db", {"user": "admin", "password": "p@ss w0rd", "empty": ""})
    kube_cluster.add_secret("default", "nothing")
    store = make_store({"defaultNamespace": "default"})
    assert store.get_secret("db", {}) == {"user": "admin", "password": "p@ss w0rd", "empty": ""}
    assert store.get_secret("nothing", {}) == {}  # a Secret without data is an empty map, not nil
    request = kube_cluster.requests[0]
    assert (request.method, request.path) == ("GET", "/api/v1/namespaces/default/secrets/db")
    assert request.headers["authorization"] == f"Bearer {DEFAULT_TOKEN}"


def test_s3_3_binary_values_pass_through_and_become_u_fffd_in_go_json(kube_cluster, make_store):
    kube_cluster.add_secret("default", "cert", {"der": b"\xff\xfe\x00ok", "text": "caf\u00e9"})
    store = make_store({"defaultNamespace": "default"})
    data = store.get_secret("cert", {})
    assert data["der"].encode("utf-8", "surrogateescape") == b"\xff\xfe\x00ok"  # the bytes are all there
    assert go_json(data) == '{"der":"\ufffd\ufffd\\u0000ok","text":"caf\u00e9"}'  # what daprd would print


def test_s3_3_not_found_is_the_api_servers_message_with_a_namespace_hint(kube_cluster, make_store):
    store = make_store({"defaultNamespace": "typo-ns"})
    with pytest.raises(SecretNotFound) as raised:
        store.get_secret("db", {})
    assert str(raised.value) == 'secrets "db" not found'
    assert "namespace may not exist" in raised.value.hint and "typo-ns" in raised.value.hint


def test_s3_3_bulk_returns_every_secret_of_the_namespace_across_pages(kube_cluster, make_store):
    names = seed_secrets(kube_cluster, "apps", 23)
    kube_cluster.add_secret(
        "apps",
        "default-token-x",
        {"token": "t0k"},
        type="kubernetes.io/service-account-token",
        annotations={"kubernetes.io/service-account.name": "default"},
    )
    kube_cluster.add_secret("other", "not-mine", {"k": "v"})
    store = make_store({"defaultNamespace": "apps"})
    store.page_size = 5
    result = store.bulk_get({})
    assert sorted(result) == sorted(names + ["default-token-x"])  # service-account tokens included, as Dapr
    assert result["secret-00007"] == {"value": "000007" + "x" * 10}
    assert len(kube_cluster.requests) == 5  # 24 secrets, 5 per page
    store.page_size = 1000
    assert store.bulk_get({}) == result  # paging does not change the answer
    assert store.bulk_get({"namespace": "other"}) == {"not-mine": {"k": "v"}}


def test_client_go_refuses_names_that_are_not_path_segments_before_sending(kube_cluster, make_store):
    store = make_store({"defaultNamespace": "default"})
    cases = {
        "": "resource name may not be empty",
        "a/b": "invalid resource name \"a/b\": [may not contain '/']",
        "50%/x": "invalid resource name \"50%/x\": [may not contain '/' may not contain '%']",
        "..": "invalid resource name \"..\": [may not be '..']",
    }
    for name, message in cases.items():
        with pytest.raises(StoreError) as raised:
            store.get_secret(name, {})
        assert str(raised.value) == message
    with pytest.raises(StoreError, match=r"^invalid namespace \"a/b\": \[may not contain '/'\]$"):
        store.bulk_get({"namespace": "a/b"})
    assert kube_cluster.requests == []


# --- listing: cheap and value-free ----------------------------------------------------------------


def test_listing_asks_for_metadata_only_and_never_receives_data(kube_cluster, make_store):
    kube_cluster.add_secret(
        "default",
        "applied",
        {"password": "hunter2"},
        labels={"app": "orders", "tier": "db"},
        annotations={LAST_APPLIED: '{"data":{"password":"aHVudGVyMg=="}}', "team": "a"},
    )
    kube_cluster.add_secret(
        "default",
        "builder-token",
        {"token": "sa-token-value"},
        type="kubernetes.io/service-account-token",
        annotations={"kubernetes.io/service-account.name": "builder"},
    )
    kube_cluster.add_secret(
        "default",
        "sh.helm.release.v1.web.v3",
        {"release": "H4sI"},
        type="helm.sh/release.v1",
        labels={"owner": "helm", "name": "web"},
    )
    store = make_store({"defaultNamespace": "default"})
    entries = {entry.name: entry for page in store.list_names() for entry in page}

    request = kube_cluster.requests[0]
    assert request.headers["accept"].startswith(METADATA_LIST_MEDIA)
    body = request.json()
    assert body["kind"] == "PartialObjectMetadataList"
    assert all("data" not in item for item in body["items"])
    assert b"hunter2" not in request.body and b"c2EtdG9rZW4tdmFsdWU" not in request.body

    applied = entries["applied"]
    assert applied.info == {"created": "2026-01-02T03:04:05Z", "labels": "app=orders, tier=db", "annotations": "2"}
    assert "aHVudGVyMg" not in repr(entries)  # annotation values (last-applied holds data) are never kept
    assert entries["builder-token"].info["type"] == "kubernetes.io/service-account-token"
    assert "service-account token" in entries["builder-token"].note
    assert entries["sh.helm.release.v1.web.v3"].info["type"] == "helm.sh/release.v1"
    assert "Helm release" in entries["sh.helm.release.v1.web.v3"].note


def test_listing_5000_secrets_arrives_in_pages_with_continue_tokens(kube_cluster, make_store):
    names = seed_secrets(kube_cluster, "big", 5000)
    store = make_store({"defaultNamespace": "big"})
    pages = list(store.list_names())
    assert [len(page) for page in pages] == [500] * 10
    assert [entry.name for page in pages for entry in page] == names
    queries = [request.query for request in kube_cluster.requests]
    assert all(query["limit"] == ["500"] for query in queries)
    assert "continue" not in queries[0] and all("continue" in query for query in queries[1:])
    assert kube_cluster.requests[0].json()["metadata"]["remainingItemCount"] == 4500
    assert all(b'"data"' not in request.body for request in kube_cluster.requests)


def test_listing_can_stop_after_the_first_page(kube_cluster, make_store):
    seed_secrets(kube_cluster, "big", 1200)
    store = make_store({"defaultNamespace": "big"})
    first = next(iter(store.list_names()))
    assert len(first) == 500 and len(kube_cluster.requests) == 1


def test_describe_gives_type_labels_and_key_sizes_never_values(kube_cluster, make_store):
    kube_cluster.add_secret(
        "default",
        "tls",
        {"tls.crt": "-----BEGIN CERTIFICATE-----", "tls.key": b"\x30\x82\xff"},
        type="kubernetes.io/tls",
        labels={"app": "web"},
        annotations={LAST_APPLIED: "{...}"},
    )
    store = make_store({"defaultNamespace": "default"})
    details = store.describe("tls")
    assert details.attributes == {
        "type": "kubernetes.io/tls",
        "namespace": "default",
        "created": "2026-01-02T03:04:05Z",
        "labels": "app=web",
        "annotations": "1",
        "data.tls.crt": "27 bytes",
        "data.tls.key": "3 bytes (binary)",
    }
    assert any("tls.key is not UTF-8" in note for note in details.notes)
    assert "BEGIN" not in repr(details)
    assert len(kube_cluster.requests) == 1


# --- errors for people ----------------------------------------------------------------------------


def test_rbac_403_names_the_verb_resource_namespace_and_user(kube_cluster, make_store):
    kube_cluster.add_secret("prod", "db", {"k": "v"})
    kube_cluster.deny("list", "secrets", "prod")
    kube_cluster.deny("get", "secrets", "prod")
    store = make_store({"defaultNamespace": "prod"})
    with pytest.raises(AccessDenied) as listed:
        next(iter(store.list_names()))
    assert str(listed.value) == (
        f'secrets is forbidden: User "{DEFAULT_USER}" cannot list resource "secrets" in API group "" in the namespace "prod"'
    )
    assert listed.value.hint.startswith(f'RBAC denies `list secrets` in namespace "prod" for {DEFAULT_USER}')
    with pytest.raises(AccessDenied) as got:
        store.get_secret("db", {})
    assert str(got.value).startswith('secrets "db" is forbidden')  # daprd's text: client-go's Status message
    assert "`get secrets`" in got.value.hint
    assert kube_cluster.requests[-1].status == 403


def test_401_says_the_token_expired_or_is_invalid(kube_cluster, make_store, tmp_path, kube_env):
    stale = kube_cluster.write_kubeconfig(tmp_path / "stale", contexts={"test": "expired-token"})
    store = make_store({"defaultNamespace": "default"}, env=kube_env | {"KUBECONFIG": str(stale)})
    with pytest.raises(AccessDenied) as raised:
        store.get_secret("db", {})
    assert str(raised.value) == "Unauthorized"
    assert raised.value.hint.startswith("token expired or invalid: refresh your kubeconfig credentials")
    assert "context test" in raised.value.hint


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_connection_refused_names_the_server_and_context(kube_cluster, make_store, tmp_path, kube_env):
    server = f"https://127.0.0.1:{_closed_port()}"
    dead = kube_cluster.write_kubeconfig(
        tmp_path / "dead", contexts={"staging": DEFAULT_TOKEN}, current="staging", server=server
    )
    store = make_store({"defaultNamespace": "default"}, env=kube_env | {"KUBECONFIG": str(dead)})
    with pytest.raises(StoreUnreachable) as raised:
        store.get_secret("db", {})
    assert server in str(raised.value) and "context staging" in str(raised.value)
    assert "refused" in str(raised.value).lower()


def test_every_call_has_a_timeout(kube_cluster, make_store):
    kube_cluster.delay = 1.0
    store = make_store({"defaultNamespace": "default"})
    store.api.timeout = 0.2
    with pytest.raises(StoreTimeout) as raised:
        store.get_secret("db", {})
    assert "did not answer within 0.2 s" in str(raised.value)


def test_untrusted_server_certificate_is_refused(kube_cluster, make_store, tmp_path, kube_env):
    other_ca = make_ca(tmp_path / "other-ca")
    wrong = kube_cluster.write_kubeconfig(tmp_path / "wrong-ca", trust=other_ca.ca_pem)
    store = make_store({"defaultNamespace": "default"}, env=kube_env | {"KUBECONFIG": str(wrong)})
    with pytest.raises(StoreUnreachable) as raised:
        store.get_secret("db", {})
    assert "TLS" in str(raised.value) and "CA" in raised.value.hint


# --- §3.3 which client configuration wins ------------------------------------------------------


def test_s3_3_in_cluster_config_wins_over_kubeconfig(kube_cluster, make_store, kube_env, service_account, tmp_path):
    kube_cluster.add_secret("prod", "db", {"k": "v"})
    broken = kube_cluster.write_kubeconfig(tmp_path / "broken", contexts={"test": "wrong"})
    env = kube_env | service_account | {"KUBECONFIG": str(broken), "NAMESPACE": "prod"}
    store = make_store({"kubeconfigPath": str(broken)}, env=env)
    assert store.get_secret("db", {}) == {"k": "v"}
    assert kube_cluster.requests[0].headers["authorization"].lower() == "bearer pod-token"
    assert "in-cluster" in store.identity()


def test_s3_3_without_service_host_env_the_kubeconfig_is_used(kube_cluster, make_store, kube_env, service_account):
    env = kube_env | {"KUBERNETES_SERVICE_PORT": service_account["KUBERNETES_SERVICE_PORT"]}  # host missing
    store = make_store({"defaultNamespace": "default"}, env=env)
    kube_cluster.add_secret("default", "db", {"k": "v"})
    store.get_secret("db", {})
    assert kube_cluster.requests[0].headers["authorization"] == f"Bearer {DEFAULT_TOKEN}"


def test_s3_3_kubeconfig_path_beats_KUBECONFIG_and_is_relative_to_daprds_cwd(
    kube_cluster, make_store, kube_env, tmp_path
):
    kube_cluster.write_kubeconfig(tmp_path / "configs" / "good", contexts={"good": DEFAULT_TOKEN}, current="good")
    broken = kube_cluster.write_kubeconfig(tmp_path / "broken", contexts={"test": "wrong"})
    kube_cluster.add_secret("default", "db", {"k": "v"})
    store = make_store(
        {"kubeconfigPath": "configs/good", "defaultNamespace": "default"}, env=kube_env | {"KUBECONFIG": str(broken)}
    )
    assert store.get_secret("db", {}) == {"k": "v"}
    assert "context good" in store.identity()


def test_s3_3_home_kube_config_is_the_fallback(kube_cluster, make_store, kube_env):
    home_config = Path(kube_env["HOME"]) / ".kube" / "config"
    kube_cluster.write_kubeconfig(home_config, contexts={"home": DEFAULT_TOKEN}, current="home")
    store = make_store({"defaultNamespace": "default"}, env={"HOME": kube_env["HOME"]})
    assert str(home_config) in store.identity() and "context home" in store.identity()


def test_s3_3_KUBECONFIG_is_one_file_not_a_list(kube_cluster, make_store, kube_env):
    # §7 marks this as inferred: client-go's explicit path is a single file, so a list fails Init.
    listed = f"{kube_cluster.kubeconfig}:{kube_cluster.kubeconfig}"
    with pytest.raises(StoreMisconfigured) as raised:
        make_store({"defaultNamespace": "default"}, env=kube_env | {"KUBECONFIG": listed})
    assert str(raised.value) == f"stat {listed}: no such file or directory"
    assert "not a list" in raised.value.hint


def test_missing_kubeconfig_is_an_init_error_with_daprs_text(make_store, tmp_path):
    with pytest.raises(StoreMisconfigured, match=r"^stat .*/nowhere: no such file or directory$"):
        make_store({"kubeconfigPath": str(tmp_path / "nowhere")})
    with pytest.raises(StoreMisconfigured, match="no configuration has been provided"):
        make_store(env={})


def test_context_option_selects_a_kubeconfig_context(kube_cluster, make_store, kube_env, tmp_path):
    two = kube_cluster.write_kubeconfig(
        tmp_path / "two", contexts={"old": "expired", "new": DEFAULT_TOKEN}, current="old"
    )
    kube_cluster.add_secret("default", "db", {"k": "v"})
    env = kube_env | {"KUBECONFIG": str(two)}
    assert make_store({"defaultNamespace": "default"}, env=env, kube_context="new").get_secret("db", {}) == {"k": "v"}
    with pytest.raises(AccessDenied):
        make_store({"defaultNamespace": "default"}, env=env).get_secret("db", {})
    with pytest.raises(StoreMisconfigured) as raised:
        make_store(env=env, kube_context="prod")
    assert str(raised.value) == f"context prod is not in kubeconfig {two}"
    assert raised.value.hint == "contexts there: new, old"


def test_duplicate_metadata_names_differing_by_case_fail_init(kube_env, tmp_path):
    context = StoreContext(env=kube_env, cwd=str(tmp_path))
    with pytest.raises(StoreMisconfigured, match="key defaultnamespace is duplicate"):
        KubernetesStore("k", {"defaultNamespace": "a", "DEFAULTNAMESPACE": "b"}, context)


def test_identity_names_user_server_and_context_without_the_token(kube_cluster, make_store):
    identity = make_store().identity()
    assert kube_cluster.url in identity and "context test" in identity and "test-user" in identity
    assert DEFAULT_TOKEN not in identity


def test_last_changed_is_the_newest_managed_fields_time_from_metadata_only(kube_cluster, make_store):
    """A Secret has no "updated" field; the API server's managedFields record each write's time.
    The listing carries it (metadata-only list), and last_changed asks for one secret's metadata only."""
    kube_cluster.add_secret("default", "rotated", {"password": "rotated-canary"}, updated="2026-11-30T08:00:00Z")
    kube_cluster.add_secret("default", "untouched", {"password": "untouched-canary"})
    store = make_store({"defaultNamespace": "default"})
    entries = {entry.name: entry for page in store.list_names() for entry in page}
    assert entries["rotated"].changed == LastChanged(datetime(2026, 11, 30, 8, 0, tzinfo=UTC), "updated")
    assert entries["untouched"].changed == LastChanged(datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), "updated")
    kube_cluster.clear_requests()
    assert store.last_changed("rotated") == entries["rotated"].changed
    (request,) = kube_cluster.requests
    assert request.headers["accept"].startswith(METADATA_MEDIA)
    assert b"rotated-canary" not in request.body and base64.b64encode(b"rotated-canary") not in request.body
    assert store.describe("rotated").last_changed == entries["rotated"].changed
    with pytest.raises(SecretNotFound):
        store.last_changed("missing")


def test_last_changed_without_managed_fields_is_the_creation_time_said_as_such():
    from dapr_secrets.backends.kubernetes import _last_changed

    assert _last_changed({"creationTimestamp": "2026-01-02T03:04:05Z"}) == LastChanged(
        datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), "created")
    assert _last_changed({}) is None
