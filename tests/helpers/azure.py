"""The Azure Key Vault store's test tenant and service principal, how to point the real SDK at the
local Entra and Key Vault (both HTTPS with a throwaway CA), and its contract-suite entry."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from dapr_secrets.backends.azure_keyvault import credentials
from dapr_secrets.backends.azure_keyvault import store as key_vault_store
from dapr_secrets.backends.azure_keyvault.credentials import LocalEndpoints
from dapr_secrets.backends.azure_keyvault.store import AzureKeyVaultStore
from dapr_secrets.backends.base import StoreContext
from tests.fakes import keyvault_server
from tests.fakes.entra_server import EntraServer
from tests.fakes.keyvault_server import KeyVaultServer
from tests.fakes.tls import TestCA, make_ca
from tests.helpers.contract import PAGE, SEED, TIMEOUT, Context, Subject

TENANT = "tenant-1"
CLIENT = "app-1"
CLIENT_SECRET = "right-client-secret"
SERVICE_PRINCIPAL = {
    "vaultName": "myvault",
    "azureTenantId": TENANT,
    "azureClientId": CLIENT,
    "azureClientSecret": CLIENT_SECRET,
}


def point_at(monkeypatch: pytest.MonkeyPatch, ca: TestCA, entra: EntraServer, vault_url: str) -> None:
    """Point every store opened in the test at the local fakes; forget challenges cached per vault URL."""
    from azure.keyvault.secrets._shared import http_challenge_cache

    http_challenge_cache.clear()
    monkeypatch.setattr(credentials, "_endpoints_for_tests", LocalEndpoints(vault_url, str(ca.ca_pem), entra.authority))


OpenStore = Callable[..., AzureKeyVaultStore]  # the per-store tests' store factory fixture

@contextmanager
def local_key_vault(monkeypatch: pytest.MonkeyPatch, ca: TestCA) -> Iterator[tuple[EntraServer, KeyVaultServer]]:
    """A local Entra that knows SERVICE_PRINCIPAL and a local Key Vault, every store pointed at them."""
    entra = EntraServer(ca, TENANT)
    entra.add_client_secret(CLIENT, CLIENT_SECRET)
    with entra, KeyVaultServer(ca, TENANT, entra.client_for) as vault:
        point_at(monkeypatch, ca, entra, vault.url)
        yield entra, vault


@contextmanager
def contract_subject(ctx: Context) -> Iterator[Subject]:
    ca = make_ca(ctx.tmp_path / "ca")
    with local_key_vault(ctx.monkeypatch, ca) as (entra, vault):
        for name, value in SEED.items():
            vault.add_secret(name, value)
        ctx.monkeypatch.setattr(keyvault_server, "PAGE_LIMIT", PAGE)  # the service decides the page size
        opened: list[AzureKeyVaultStore] = []

        def open_() -> AzureKeyVaultStore:
            opened.append(AzureKeyVaultStore("akv", dict(SERVICE_PRINCIPAL), StoreContext(env={}, cwd=str(ctx.tmp_path))))
            return opened[-1]

        def denied() -> AzureKeyVaultStore:
            vault.forbidden_secrets.add(next(iter(SEED)))
            return open_()

        def open_at(port: int) -> AzureKeyVaultStore:
            for module in (credentials, key_vault_store):
                ctx.monkeypatch.setattr(module, "DEFAULT_TIMEOUT", TIMEOUT)
            point_at(ctx.monkeypatch, ca, entra, f"https://127.0.0.1:{port}")
            return open_()

        try:
            yield Subject(open_(), lambda: len(vault.value_requests()), pages=True, denied=denied, open_at=open_at,
                          attempts=key_vault_store.MAX_RETRIES + 1)
        finally:
            for store in opened:
                store.close()
