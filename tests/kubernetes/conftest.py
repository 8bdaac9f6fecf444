"""Fixtures for Kubernetes tests: stores on the fake API server (`kube_cluster` and `kube_env` are
fixtures of tests/helpers/servers.py, shared with the CLI and TUI tests), and a pod's service account."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import dapr_secrets.backends.kubernetes as kubernetes_backend
from dapr_secrets.backends.base import StoreContext
from dapr_secrets.backends.kubernetes import KubernetesStore


@pytest.fixture
def make_store(kube_env: dict[str, str], tmp_path: Path) -> Iterator[Callable[..., KubernetesStore]]:
    """make_store(properties={}, env=None (kube_env), kube_context=None) -> an opened KubernetesStore."""
    opened: list[KubernetesStore] = []

    def make(
        properties: dict[str, str] | None = None, env: dict[str, str] | None = None, kube_context: str | None = None
    ) -> KubernetesStore:
        context = StoreContext(env=kube_env if env is None else env, cwd=str(tmp_path), kube_context=kube_context)
        store = KubernetesStore("kubernetes", properties or {}, context)
        opened.append(store)
        return store

    yield make
    for store in opened:
        store.close()


@pytest.fixture
def service_account(kube_cluster, tmp_path, monkeypatch):
    """A pod's service-account files pointing at the fake, with a token of their own."""
    directory = tmp_path / "serviceaccount"
    directory.mkdir()
    (directory / "token").write_text("pod-token")
    (directory / "ca.crt").write_bytes(kube_cluster.ca.ca_pem.read_bytes())
    kube_cluster.tokens["pod-token"] = "system:serviceaccount:prod:orders"
    monkeypatch.setattr(kubernetes_backend, "SERVICE_ACCOUNT_DIR", str(directory))
    return {"KUBERNETES_SERVICE_HOST": "127.0.0.1", "KUBERNETES_SERVICE_PORT": str(kube_cluster.port)}
