"""Fixtures for the Vault store: a real OpenBao dev server (plain and TLS), the fault server, stores."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from dapr_secrets.backends.base import StoreContext
from dapr_secrets.backends.vault.store import VaultStore
from tests.fakes.vault_fault import VaultFault
from tests.vault.openbao import Bao, start_bao


def _start(tmp: Path, tls: bool = False) -> Bao:
    try:
        return start_bao(tmp, tls)
    except FileNotFoundError as missing:
        pytest.skip(str(missing))


def seed(client) -> None:
    """§3.4's conformance and certification data, plus what the browser-only features need."""
    kv2 = client.secrets.kv.v2
    for mount in ("customSecretsPath", "tree", "types", "empty", "hidden"):
        client.sys.enable_secrets_engine("kv", path=mount, options={"version": "2"})
    client.sys.enable_secrets_engine("kv", path="kv1", options={"version": "1"})
    secrets = {
        ("secret", "dapr/conftestsecret"): {"conftestsecret": "abcd"},
        ("secret", "dapr/secondsecret"): {"secondsecret": "efgh"},
        ("secret", "dapr/multiplekeyvaluessecret"): {"first": "1", "second": "2", "third": "3"},
        ("secret", "secretWithNoPrefix"): {"noPrefixKey": "noProblem"},
        ("secret", "alternativePrefix/secretUnderAlternativePrefix"): {"altPrefixKey": "altPrefixValue"},
        ("customSecretsPath", "dapr/secretUnderCustomPath"): {"the": "trick", "was": "the", "path": "parameter"},
        ("tree", "dapr/top"): {"k": "top"},
        ("tree", "dapr/folder/a"): {"k": "a"},
        ("tree", "dapr/folder/sub/b"): {"k": "b"},
        ("tree", "dapr/deleted"): {"k": "gone"},
        ("tree", "dapr/nulls"): {"a": None, "b": "x"},
        ("tree", "dapr/emptydata"): {},
        ("types", "dapr/numbers"): {"s": "s3cr3t-string", "n": 1},
        ("types", "dapr/bools"): {"flag": True},
        ("types", "dapr/objects"): {"o": {"x": "y"}},
        ("types", "dapr/arrays"): {"l": [1]},
        ("types", "dapr/fine"): {"s": "ok"},
        ("types", "dapr/ordered"): {"b": "<x>", "a": "é", "n": 1},
        ("hidden", "atroot"): {"k": "v"},
        ("hidden", "other/x"): {"k": "v"},
    }
    for (mount, path), data in secrets.items():
        kv2.create_or_update_secret(path, secret=data, mount_point=mount)
    for value in ("initialVersion", "secondVersion", "v3", "v4", "latestValue"):
        kv2.create_or_update_secret("versioning/versionedKey", secret={"versionedKey": value}, mount_point="secret")
    kv2.create_or_update_secret("dapr/twoversions", secret={"k": "one"}, mount_point="tree")
    kv2.create_or_update_secret("dapr/twoversions", secret={"k": "two"}, mount_point="tree")
    kv2.delete_latest_version_of_secret("dapr/deleted", mount_point="tree")
    client.secrets.kv.v1.create_or_update_secret("dapr/v1secret", secret={"k": "v"}, mount_point="kv1")
    client.sys.create_or_update_policy(
        "dapr-reader",
        'path "secret/data/dapr/*" { capabilities = ["read"] }\n'
        'path "secret/metadata/dapr/*" { capabilities = ["list"] }',
    )


@pytest.fixture(scope="session")
def openbao(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bao]:
    bao = _start(tmp_path_factory.mktemp("bao"))
    try:
        seed(bao.client())
        yield bao
    finally:
        bao.stop()


@pytest.fixture(scope="session")
def openbao_tls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bao]:
    bao = _start(tmp_path_factory.mktemp("bao-tls"), tls=True)
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
