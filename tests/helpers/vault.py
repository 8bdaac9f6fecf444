"""The Vault store's OpenBao data and its contract-suite entry: a real OpenBao dev server (the session
fixture `openbao`, tests/helpers/servers.py) behind the recording proxy of tests/fakes/vault_fault.py."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from dapr_secrets.backends.base import StoreContext
from dapr_secrets.backends.vault.store import VaultStore
from tests.fakes.vault_fault import VaultFault
from tests.helpers.contract import SEED, TIMEOUT, Context, Subject
from tests.vault.openbao import Bao, start_bao


def start(tmp: Path, tls: bool = False) -> Bao:
    """A started OpenBao dev server; the test is skipped when the binary is missing."""
    try:
        return start_bao(tmp, tls)
    except FileNotFoundError as missing:
        pytest.skip(str(missing))


def seed(client: Any) -> None:
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


CONTRACT_MOUNT = "contract"  # a KV v2 mount of the session's OpenBao that holds SEED and nothing else


def _seed_contract(client: Any) -> None:
    if f"{CONTRACT_MOUNT}/" in client.sys.list_mounted_secrets_engines()["data"]:
        return  # the session's OpenBao was seeded by an earlier test
    client.sys.enable_secrets_engine("kv", path=CONTRACT_MOUNT, options={"version": "2"})
    for name, value in SEED.items():
        client.secrets.kv.v2.create_or_update_secret(f"dapr/{name}", secret={"value": value}, mount_point=CONTRACT_MOUNT)
    denied = next(iter(SEED))
    client.sys.create_or_update_policy(
        "contract-reader",
        f'path "{CONTRACT_MOUNT}/data/dapr/*" {{ capabilities = ["read"] }}\n'
        f'path "{CONTRACT_MOUNT}/metadata/dapr/*" {{ capabilities = ["list", "read"] }}\n'
        f'path "{CONTRACT_MOUNT}/data/dapr/{denied}" {{ capabilities = ["deny"] }}',
    )


@contextmanager
def contract_subject(ctx: Context) -> Iterator[Subject]:
    openbao: Bao = ctx.request.getfixturevalue("openbao")
    client = openbao.client()
    _seed_contract(client)
    with VaultFault(upstream=openbao.url) as proxy:
        opened: list[VaultStore] = []

        def open_(address: str = proxy.url, token: str = "root") -> VaultStore:
            properties = {"vaultAddr": address, "vaultToken": token, "enginePath": CONTRACT_MOUNT}
            opened.append(VaultStore("vault", properties, StoreContext(env={}, cwd=str(ctx.tmp_path))))
            return opened[-1]

        def denied() -> VaultStore:
            token = client.auth.token.create(policies=["contract-reader"], no_default_policy=True)["auth"]["client_token"]
            return open_(token=token)

        def open_at(port: int) -> VaultStore:
            ctx.monkeypatch.setattr(VaultStore, "timeout", TIMEOUT)
            return open_(address=f"http://127.0.0.1:{port}")

        def value_reads() -> int:
            return sum(r.method == "GET" and f"/v1/{CONTRACT_MOUNT}/data/" in r.path for r in proxy.requests)

        try:
            yield Subject(open_(), value_reads, pages=False, denied=denied, open_at=open_at, keyed=True,
                          no_paging_because="Vault's LIST answers every key of a folder at once (no paging in its API)")
        finally:
            for store in opened:
                store.close()
