"""The background crawl of a Vault store (backends/crawl.py): every folder listed through the store's
own LIST, several at once, the same names as Dapr's sequential walk."""

from __future__ import annotations

import pytest

from dapr_secrets.backends.base import StoreError
from dapr_secrets.backends.crawl import crawl, crawl_names
from tests.fakes.vault_fault import VaultFault
from tests.vault.openbao import ROOT_TOKEN


def test_crawl_finds_the_names_of_dapr_walk_on_openbao(openbao, make_store) -> None:
    # contrib:secretstores/hashicorp/vault/vault.go listKeysUnderPath: bulk walks every folder
    # depth first; the crawl overlaps the same LISTs and must find exactly the same names.
    store = make_store({"vaultAddr": openbao.url, "vaultToken": ROOT_TOKEN, "enginePath": "tree"})
    crawled = [name for page in crawl_names(store, workers=4) for name in page]
    assert sorted(crawled) == sorted(store._list_recursive(""))
    assert {"top", "folder/a", "folder/sub/b"} <= set(crawled)
    assert len(crawled) == len(set(crawled))


def _folders(count: int, per_folder: int) -> dict[str, dict]:
    return {f"dapr/f{f:02}/s{s}": {"k": "v"} for f in range(count) for s in range(per_folder)}


def test_crawl_lists_folders_at_once_within_its_bound(make_store) -> None:
    with VaultFault(_folders(12, 2), delay=0.05) as vault:
        store = make_store({"vaultAddr": vault.url, "vaultToken": "root"})
        listed = list(crawl(store, workers=4))
    assert [folder for folder, _ in listed][0] == ""
    assert sorted(folder for folder, _ in listed[1:]) == [f"f{f:02}/" for f in range(12)]
    names = sorted(entry.name for _, entries in listed for entry in entries if not entry.is_folder)
    assert names == sorted(f"f{f:02}/s{s}" for f in range(12) for s in range(2))
    assert 1 < vault.max_in_flight <= 4
    assert [r.method for r in vault.requests].count("LIST") == 13  # one per folder, nothing read
    assert all(r.method == "LIST" or "/mounts/" in r.path for r in vault.requests)


def test_crawl_raises_the_first_failing_list(make_store) -> None:
    with VaultFault(_folders(3, 1)) as vault:
        vault.fail(403, ["permission denied"], method="LIST", path_contains="f01")
        store = make_store({"vaultAddr": vault.url, "vaultToken": "root"})
        with pytest.raises(StoreError, match="403"):
            list(crawl_names(store, workers=2))


def test_crawl_stopped_early_does_not_wait_for_lists_in_flight(make_store) -> None:
    with VaultFault(_folders(20, 1)) as vault:
        vault.slow(5.0, method="LIST", path_contains="f1")  # ten slow folders
        store = make_store({"vaultAddr": vault.url, "vaultToken": "root"})
        pages = crawl(store, workers=4)
        assert next(pages)[0] == ""
        pages.close()  # the consumer moved on: returns at once, the daemon workers finish alone
        assert pages.gi_frame is None


def test_crawl_for_search_reports_a_failing_folder_and_lists_the_others(make_store) -> None:
    # Search (the UI) wants every folder it can get: a policy denying one branch must not hide the rest.
    with VaultFault(_folders(3, 1) | {"dapr/f01/deeper/s": {"k": "v"}}) as vault:
        vault.fail(403, ["permission denied"], method="LIST", path_contains="f01")
        store = make_store({"vaultAddr": vault.url, "vaultToken": "root"})
        failures: list[tuple[str, str]] = []
        names = [name for _, entries in crawl(store, workers=2, failed=lambda folder, error: failures.append((folder, error.message)))
                 for name in (entry.name for entry in entries) if not name.endswith("/")]
    assert sorted(names) == ["f00/s0", "f02/s0"]
    assert [folder for folder, _ in failures] == ["f01/"] and "403" in failures[0][1]
