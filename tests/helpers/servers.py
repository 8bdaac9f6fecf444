"""Server fixtures that tests in several folders share (a pytest plugin, loaded by tests/conftest.py):
one real OpenBao and one moto server per session, whoever asks first, and the fake Kubernetes API
server: `kube_cluster` is a started FakeKubeCluster whose `kubeconfig` is written; `kube_env` is a
daprd environment (KUBECONFIG, and HOME away from the real ~/.kube);
`tests.fakes.kube_server.seed_secrets(cluster, namespace, n)` adds n secrets."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.kube_server import FakeKubeCluster
from tests.fakes.tls import TestCA, make_ca
from tests.helpers import aws as aws_helpers
from tests.helpers import vault as vault_helpers
from tests.vault.openbao import Bao


@pytest.fixture(scope="session")
def openbao(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bao]:
    """A real OpenBao dev server, seeded with §3.4's conformance data (tests/helpers/vault.py)."""
    bao = vault_helpers.start(tmp_path_factory.mktemp("bao"))
    try:
        vault_helpers.seed(bao.client())
        yield bao
    finally:
        bao.stop()


@pytest.fixture(scope="session")
def moto_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """moto's server on 127.0.0.1 (a random port): a real AWS emulator."""
    pytest.importorskip("boto3", reason="the AWS extra is not installed: pip install 'dapr-secrets[aws]'")
    moto_server = pytest.importorskip("moto.server", reason="moto[server] is not installed")
    from moto.moto_api import recorder

    # moto's request recorder (see Operations) writes here rather than into the working directory
    recorder._location = str(tmp_path_factory.mktemp("moto") / "recording")
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def aws(moto_url: str) -> str:
    """The emulator, emptied: every test starts from no secrets and no parameters."""
    aws_helpers.reset(moto_url)
    return moto_url


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
