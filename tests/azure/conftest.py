"""Fixtures for the Azure Key Vault store: a local Entra token endpoint and a local Key Vault, both
HTTPS with a throwaway CA, and a factory that opens stores pointed at them through the test seam."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from dapr_secrets.backends.azure_keyvault.store import AzureKeyVaultStore
from dapr_secrets.backends.base import StoreContext
from tests.fakes.entra_server import EntraServer
from tests.fakes.keyvault_server import KeyVaultServer
from tests.fakes.tls import TestCA, make_ca
from tests.helpers.azure import CLIENT, CLIENT_SECRET, SERVICE_PRINCIPAL, TENANT, OpenStore, point_at


@pytest.fixture(scope="session")
def ca(tmp_path_factory: pytest.TempPathFactory) -> TestCA:
    return make_ca(tmp_path_factory.mktemp("azure-ca"))


@pytest.fixture
def entra(ca: TestCA) -> Iterator[EntraServer]:
    server = EntraServer(ca, TENANT)
    server.add_client_secret(CLIENT, CLIENT_SECRET)
    with server:
        yield server


@pytest.fixture
def vault(ca: TestCA, entra: EntraServer) -> Iterator[KeyVaultServer]:
    with KeyVaultServer(ca, TENANT, entra.client_for) as server:
        yield server


@pytest.fixture
def local_azure(monkeypatch: pytest.MonkeyPatch, ca: TestCA, entra: EntraServer, vault: KeyVaultServer) -> None:
    """Point every store opened in the test at the local fakes; forget challenges cached per vault URL."""
    point_at(monkeypatch, ca, entra, vault.url)


@pytest.fixture
def open_store(tmp_path: Path) -> Iterator[OpenStore]:
    """Open stores like daprd's Init (no network); closed at the end of the test."""
    opened: list[AzureKeyVaultStore] = []

    def open_(
        properties: Mapping[str, str] = SERVICE_PRINCIPAL, env: Mapping[str, str] | None = None
    ) -> AzureKeyVaultStore:
        store = AzureKeyVaultStore("akv", dict(properties), StoreContext(env=env or {}, cwd=str(tmp_path)))
        opened.append(store)
        return store

    yield open_
    for store in opened:
        store.close()
