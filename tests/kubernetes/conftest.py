"""Fixtures for Kubernetes tests: a fake API server over HTTPS and a kubeconfig that points at it.

Reusable elsewhere (the TUI tests): `kube_cluster` is a started FakeKubeCluster whose `kubeconfig`
is written; `kube_env` is a daprd environment (KUBECONFIG, and HOME away from the real ~/.kube);
`tests.fakes.kube_server.seed_secrets(cluster, namespace, n)` adds n secrets.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import dapr_secrets.backends.kubernetes as kubernetes_backend
from dapr_secrets.backends.base import StoreContext
from dapr_secrets.backends.kubernetes import KubernetesStore
from tests.fakes.kube_server import FakeKubeCluster
from tests.fakes.tls import TestCA, make_ca


@pytest.fixture(scope="session")
def kube_ca(tmp_path_factory: pytest.TempPathFactory) -> TestCA:
    return make_ca(tmp_path_factory.mktemp("kube-ca"))


@pytest.fixture
def kube_cluster(kube_ca: TestCA, tmp_path: Path) -> Iterator[FakeKubeCluster]:
    with FakeKubeCluster(kube_ca) as cluster:
        cluster.kubeconfig = cluster.write_kubeconfig(tmp_path / "kube" / "config")
        yield cluster


@pytest.fixture
def kube_env(kube_cluster: FakeKubeCluster, tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir()
    return {"KUBECONFIG": str(kube_cluster.kubeconfig), "HOME": str(home)}


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
