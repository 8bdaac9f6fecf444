"""Vault store benchmark against a real OpenBao dev server.

1. Browsing: 5,000 secrets in 100 folders. How many HTTP calls does showing the top level take, and
   how long until the first names arrive? Baseline: the calls Dapr's bulk makes to learn the same names.
2. Bulk: 500 secrets behind a local proxy that adds 20 ms to every request (a nearby Vault). Our
   concurrent bulk_get against a sequential loop of the same hvac calls (what Dapr does), same run.
   The results must be identical and the speed-up at least 4x.

Run: .venv/bin/python benchmarks/bench_vault.py   (writes benchmarks/results/vault.md)
"""

from __future__ import annotations

import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dapr_secrets.backends.base import StoreContext  # noqa: E402
from dapr_secrets.backends.vault.store import VaultStore  # noqa: E402
from tests.fakes.vault_fault import VaultFault  # noqa: E402
from tests.vault.openbao import ROOT_TOKEN, start_bao  # noqa: E402

FOLDERS, PER_FOLDER = 100, 50  # 5,000 secrets for browsing
BULK_FOLDERS, BULK_PER_FOLDER = 10, 50  # 500 secrets for bulk
LATENCY = 0.020  # seconds added to every request by the proxy
REQUIRED_SPEEDUP = 4.0


def seed(bao, mount: str, folders: int, per_folder: int) -> None:
    client = bao.client()
    client.sys.enable_secrets_engine("kv", path=mount, options={"version": "2"})
    paths = [f"dapr/folder{f:03}/secret{s:03}" for f in range(folders) for s in range(per_folder)]
    with ThreadPoolExecutor(16) as pool:  # concurrent writes: seeding 5,500 secrets one by one is slow
        list(
            pool.map(
                lambda path: client.secrets.kv.v2.create_or_update_secret(
                    path, secret={"user": "app", "password": f"pw-{path}"}, mount_point=mount
                ),
                paths,
            )
        )


def store_for(address: str, mount: str, workdir: Path) -> VaultStore:
    properties = {"vaultAddr": address, "vaultToken": ROOT_TOKEN, "enginePath": mount}
    return VaultStore("bench", properties, StoreContext(env={}, cwd=str(workdir)))


def sequential_bulk(address: str, mount: str) -> dict[str, dict[str, str]]:
    """Dapr's BulkGetSecret as a plain loop of the same hvac calls: LIST folders depth first, then GET each."""
    import hvac.adapters

    adapter = hvac.adapters.RawAdapter(base_uri=address, token=ROOT_TOKEN, timeout=30)

    def walk(folder: str) -> list[str]:
        keys = adapter.request("LIST", f"/v1/{mount}/metadata/dapr/{folder}", raise_exception=False).json()
        found: list[str] = []
        for key in keys["data"]["keys"]:
            found += walk(folder + key) if key.endswith("/") else [folder + key]
        return found

    result = {}
    for name in walk(""):
        answer = adapter.request("GET", f"/v1/{mount}/data/dapr/{name}?version=0", raise_exception=False)
        if answer.status_code != 404:
            result[name] = answer.json()["data"]["data"]
    adapter.close()
    return result


def timed(work):
    started = time.perf_counter()
    value = work()
    return value, time.perf_counter() - started


def main() -> int:
    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        bao = start_bao(workdir)
        try:
            _, seconds = timed(
                lambda: (seed(bao, "browse", FOLDERS, PER_FOLDER), seed(bao, "bulk", BULK_FOLDERS, BULK_PER_FOLDER))
            )
            print(f"seeded {FOLDERS * PER_FOLDER + BULK_FOLDERS * BULK_PER_FOLDER} secrets in {seconds:.1f} s")
            rows += browse_rows(bao.url, workdir)
            bulk_rows, speedup = bulk_comparison(bao.url, workdir)
            rows += bulk_rows
        finally:
            bao.stop()
    table = "\n".join(["| measure | value |", "|---|---|", *(f"| {name} | {value} |" for name, value in rows)])
    report = (
        "# Vault store benchmark\n\n"
        f"Real OpenBao dev server on 127.0.0.1; {FOLDERS * PER_FOLDER:,} secrets in {FOLDERS} folders for browsing, "
        f"{BULK_FOLDERS * BULK_PER_FOLDER} secrets for bulk behind a proxy adding {LATENCY * 1000:.0f} ms per request. "
        "Produced by `.venv/bin/python benchmarks/bench_vault.py`.\n\n" + table + "\n"
    )
    print(table)
    results = ROOT / "benchmarks" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / "vault.md").write_text(report)
    if speedup < REQUIRED_SPEEDUP:
        print(f"FAIL: bulk speed-up {speedup:.1f}x is below {REQUIRED_SPEEDUP:.0f}x")
        return 1
    return 0


def browse_rows(address: str, workdir: Path) -> list[tuple[str, str]]:
    with VaultFault(upstream=address) as counter:
        store = store_for(counter.url, "browse", workdir)
        first_page, seconds = timed(lambda: next(store.list_names("")))
        top_calls = len(counter.requests)
        counter.reset()
        names, dapr_seconds = timed(lambda: sorted(store.bulk_get({})))
        dapr_calls = len(counter.requests)
        store.close()
    direct = store_for(address, "browse", workdir)
    _, direct_seconds = timed(lambda: next(direct.list_names("")))
    direct.close()
    assert len(first_page) == FOLDERS and len(names) == FOLDERS * PER_FOLDER
    return [
        ("HTTP calls to show the top level (list_names)", f"{top_calls} (target 1)"),
        ("time to first names (list_names, direct)", f"{direct_seconds * 1000:.1f} ms"),
        ("time to first names (list_names, via counting proxy)", f"{seconds * 1000:.1f} ms"),
        ("HTTP calls to learn the same names with Dapr's bulk (baseline)", f"{dapr_calls:,}"),
        ("time for those names with bulk_get (baseline)", f"{dapr_seconds:.2f} s"),
    ]


def bulk_comparison(address: str, workdir: Path) -> tuple[list[tuple[str, str]], float]:
    with VaultFault(upstream=address, delay=LATENCY) as proxy:
        store = store_for(proxy.url, "bulk", workdir)
        sequential, sequential_seconds = timed(lambda: sequential_bulk(proxy.url, "bulk"))
        concurrent, concurrent_seconds = timed(lambda: store.bulk_get({}))
        store.close()
    if concurrent != sequential or len(concurrent) != BULK_FOLDERS * BULK_PER_FOLDER:
        raise SystemExit("FAIL: concurrent bulk and the sequential loop disagree")
    speedup = sequential_seconds / concurrent_seconds
    return [
        (
            f"bulk of {len(concurrent)} secrets, {LATENCY * 1000:.0f} ms/request: sequential hvac loop (baseline)",
            f"{sequential_seconds:.2f} s",
        ),
        (
            f"bulk of {len(concurrent)} secrets, {LATENCY * 1000:.0f} ms/request: bulk_get (concurrent)",
            f"{concurrent_seconds:.2f} s",
        ),
        ("bulk speed-up (same results)", f"{speedup:.1f}x (target >= {REQUIRED_SPEEDUP:.0f}x)"),
    ], speedup


if __name__ == "__main__":
    raise SystemExit(main())
