"""Fixtures for the GCP Secret Manager store: a local TLS gRPC Secret Manager (tests/fakes), a
generated service-account key it trusts, and a factory that opens stores pointed at it through the
module-level test seam. The real SecretManagerServiceClient signs its own JWTs with the key."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from dapr_secrets.backends.base import StoreContext
from dapr_secrets.backends.gcp import store as gcp_store
from dapr_secrets.backends.gcp.store import GcpSecretManagerStore, LocalEndpoint
from tests.fakes.secretmanager_server import SecretManagerServer
from tests.fakes.tls import TestCA, make_ca
from tests.helpers import gcp as gcp_helpers
from tests.helpers.gcp import NUMBER, PROJECT, OpenStore, ServiceAccountKey


@pytest.fixture(scope="session")
def ca(tmp_path_factory: pytest.TempPathFactory) -> TestCA:
    return make_ca(tmp_path_factory.mktemp("gcp-ca"))


@pytest.fixture(scope="session")
def reader_key() -> ServiceAccountKey:
    return gcp_helpers.reader_key()


@pytest.fixture(scope="session")
def adc_key() -> ServiceAccountKey:
    return gcp_helpers.adc_key()


@pytest.fixture
def sm(ca: TestCA, reader_key: ServiceAccountKey, adc_key: ServiceAccountKey) -> Iterator[SecretManagerServer]:
    with SecretManagerServer(ca, PROJECT, NUMBER) as server:
        server.add_service_account(reader_key.email, reader_key.key_id, reader_key.public_key)
        server.add_service_account(adc_key.email, adc_key.key_id, adc_key.public_key)
        yield server


@pytest.fixture
def local_gcp(monkeypatch: pytest.MonkeyPatch, ca: TestCA, sm: SecretManagerServer) -> None:
    """Point every GCP store opened in the test at the local server."""
    monkeypatch.setattr(gcp_store, "_endpoint_for_tests", LocalEndpoint(sm.address, str(ca.ca_pem)))


@pytest.fixture
def open_store(tmp_path: Path, local_gcp: None, reader_key: ServiceAccountKey) -> Iterator[OpenStore]:
    """Open stores like daprd's Init (no network); closed at the end of the test."""
    opened: list[GcpSecretManagerStore] = []

    def open_(properties: Mapping[str, str] | None = None, env: Mapping[str, str] | None = None) -> GcpSecretManagerStore:
        props = reader_key.metadata() if properties is None else dict(properties)
        store = GcpSecretManagerStore("gcpsm", props, StoreContext(env=env or {}, cwd=str(tmp_path)))
        opened.append(store)
        return store

    yield open_
    for store in opened:
        store.close()
