"""The fake API server speaks the protocol the real `kubernetes` client expects (test-infra.md §2b)."""

from __future__ import annotations

import base64

import pytest

from dapr_secrets.backends.kubernetes import kubeconfig_api
from tests.fakes.kube_server import seed_secrets


@pytest.fixture
def core(kube_cluster):
    from kubernetes.client import CoreV1Api

    api = kubeconfig_api(str(kube_cluster.kubeconfig), None)
    yield CoreV1Api(api.api_client)
    api.close()


def test_typed_client_reads_secrets_and_lists_with_label_selectors(kube_cluster, core):
    seed_secrets(kube_cluster, "apps", 20)
    secret = core.read_namespaced_secret("secret-00003", "apps")
    assert secret.type == "Opaque" and base64.b64decode(secret.data["value"]) == b"000003" + b"x" * 10
    selected = core.list_namespaced_secret("apps", label_selector="batch=3")
    assert [s.metadata.name for s in selected.items] == ["secret-00003", "secret-00013"]
    not_three = core.list_namespaced_secret("apps", label_selector="batch!=3,batch")
    assert len(not_three.items) == 18
    assert core.list_namespaced_secret("apps", label_selector="!batch").items == []


def test_typed_client_pages_with_continue_and_remaining_item_count(kube_cluster, core):
    names = seed_secrets(kube_cluster, "apps", 7)
    first = core.list_namespaced_secret("apps", limit=3)
    assert first.metadata.remaining_item_count == 4
    second = core.list_namespaced_secret("apps", limit=3, _continue=first.metadata._continue)
    third = core.list_namespaced_secret("apps", limit=3, _continue=second.metadata._continue)
    assert [s.metadata.name for page in (first, second, third) for s in page.items] == names
    assert third.metadata._continue is None


def test_full_lists_carry_data_and_metadata_lists_do_not(kube_cluster, core):
    seed_secrets(kube_cluster, "apps", 2, value_size=1000)
    core.list_namespaced_secret("apps")
    core.api_client.call_api(
        "/api/v1/namespaces/apps/secrets",
        "GET",
        header_params={"Accept": "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1"},
        auth_settings=["BearerToken"],
        _preload_content=False,
    ).release_conn()
    full, partial = kube_cluster.requests
    assert full.json()["kind"] == "SecretList" and "data" in full.json()["items"][0]
    assert "kind" not in full.json()["items"][0]  # built-in list items carry no kind, as the real server
    assert partial.json()["kind"] == "PartialObjectMetadataList" and partial.response_bytes < full.response_bytes
    assert all(set(item) == {"kind", "apiVersion", "metadata"} for item in partial.json()["items"])


def test_the_fake_is_read_only_and_answers_status_objects(kube_cluster, core):
    from kubernetes.client import V1ObjectMeta, V1Secret
    from kubernetes.client.exceptions import ApiException

    with pytest.raises(ApiException) as refused:
        core.create_namespaced_secret("apps", V1Secret(metadata=V1ObjectMeta(name="x")))
    assert refused.value.status == 405
    with pytest.raises(ApiException) as missing:
        core.read_namespaced_secret("nope", "apps")
    assert missing.value.status == 404 and '"reason": "NotFound"' in missing.value.body
    assert kube_cluster.requests[-1].path == "/api/v1/namespaces/apps/secrets/nope"
