"""Fixtures for the Vault store: a real OpenBao TLS dev server, a reader token, the fault server, stores.
The plain OpenBao (`openbao`) is a session fixture of tests/helpers/servers.py."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from dapr_secrets.backends.base import StoreContext
from dapr_secrets.backends.vault.store import VaultStore
from tests.fakes.vault_fault import VaultFault
from tests.helpers.vault import start
from tests.vault.openbao import Bao


@pytest.fixture(scope="session")
def openbao_tls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bao]:
    bao = start(tmp_path_factory.mktemp("bao-tls"), tls=True)
    try:
        bao.client().secrets.kv.v2.create_or_update_secret("dapr/tlssecret", secret={"k": "over tls"})
        yield bao
    finally:
        bao.stop()


@pytest.fixture(scope="session")
def reader_token(openbao: Bao) -> str:
    """A token whose policy reads only secret/data/dapr/* and lists secret/metadata/dapr/*."""
    return openbao.client().auth.token.create(policies=["dapr-reader"], no_default_policy=True)["auth"]["client_token"]


StoreFactory = Callable[..., VaultStore]


@pytest.fixture
def make_store(tmp_path: Path) -> Iterator[StoreFactory]:
    """make_store(properties, env=..., options={...}) -> VaultStore, closed after the test."""
    stores: list[VaultStore] = []

    def make(properties: dict[str, str], *, env: dict[str, str] | None = None, **context: object) -> VaultStore:
        store = VaultStore("vault", properties, StoreContext(env=env or {}, cwd=str(tmp_path), **context))
        stores.append(store)
        return store

    yield make
    for store in stores:
        store.close()


@pytest.fixture
def fault_vault() -> Iterator[VaultFault]:
    secrets = {
        "dapr/db": {"user": "app", "password": "pw"},
        "dapr/folder/a": {"k": "a"},
        "dapr/folder/sub/b": {"k": "b"},
    }
    with VaultFault(secrets) as vault:
        yield vault
