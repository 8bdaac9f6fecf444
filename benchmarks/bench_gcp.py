"""GCP Secret Manager store benchmark, against the local TLS gRPC Secret Manager (real client,
real service-account JWTs).

1. 5,000 secrets: time to the first page of names and to all names, next to the bare client doing
   the same in this run; and proof that listing made zero AccessSecretVersion calls.
2. 20 ms added to every call, 500 secrets: our bulk (values read concurrently) against a sequential
   loop of the same client calls (Dapr's way). Identical maps; the ratio must be at least 8.

Run: .venv/bin/python benchmarks/bench_gcp.py   (prints markdown, writes benchmarks/results/gcp.md)
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dapr_secrets.backends.base import StoreContext  # noqa: E402
from dapr_secrets.backends.gcp import store as gcp_store  # noqa: E402
from dapr_secrets.backends.gcp.store import GcpSecretManagerStore, LocalEndpoint  # noqa: E402
from tests.fakes.secretmanager_server import SecretManagerServer  # noqa: E402
from tests.fakes.tls import TestCA, make_ca  # noqa: E402
from tests.helpers.gcp import PROJECT, ServiceAccountKey, make_key  # noqa: E402

LISTING_SECRETS = 5_000
BULK_SECRETS = 500
DELAY = 0.020  # seconds added to every call in the bulk comparison
REQUIRED_RATIO = 8.0
REPEATS = 3


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def open_store(server: SecretManagerServer, ca: TestCA, key: ServiceAccountKey) -> GcpSecretManagerStore:
    server.add_service_account(key.email, key.key_id, key.public_key)
    gcp_store._endpoint_for_tests = LocalEndpoint(server.address, str(ca.ca_pem))
    return GcpSecretManagerStore("bench", key.metadata(), StoreContext(env={}, cwd=str(ROOT)))


def bare_first_page(store: GcpSecretManagerStore) -> list[str]:
    pages = store._client.list_secrets(request={"parent": f"projects/{PROJECT}", "page_size": gcp_store.LIST_PAGE_SIZE})
    return [s.name for s in next(iter(pages.pages)).secrets]


def bare_all(store: GcpSecretManagerStore) -> list[str]:
    pages = store._client.list_secrets(request={"parent": f"projects/{PROJECT}", "page_size": gcp_store.LIST_PAGE_SIZE})
    return [s.name for s in pages]


def bench_listing(ca: TestCA, key: ServiceAccountKey) -> list[str]:
    with SecretManagerServer(ca) as server:
        for i in range(LISTING_SECRETS):
            server.add_secret(f"secret-{i:05d}", f"value-{i:05d}", labels={"n": str(i)})
        store = open_store(server, ca, key)
        try:
            names = [e.name for page in store.list_names() for e in page]
            value_reads = len(server.value_requests())
            first_page = bare_first = everything = bare_everything = float("inf")
            for _ in range(REPEATS):  # alternate ours and the bare client, best of REPEATS each
                first_page = min(first_page, timed(lambda: next(iter(store.list_names())))[0])
                bare_first = min(bare_first, timed(lambda: bare_first_page(store))[0])
                everything = min(everything, timed(lambda: [e.name for page in store.list_names() for e in page])[0])
                bare_everything = min(bare_everything, timed(lambda: bare_all(store))[0])
            value_reads = len(server.value_requests())  # the timed runs listed too
        finally:
            store.close()
    assert len(names) == LISTING_SECRETS, len(names)
    assert value_reads == 0, f"listing read {value_reads} values"
    page = gcp_store.LIST_PAGE_SIZE
    return [
        f"### Listing {LISTING_SECRETS:,} secrets (pages of {page}, no added delay, best of {REPEATS})",
        "",
        "| measure | ours | bare client, same run | ratio |",
        "|---|---|---|---|",
        f"| first page of names | {first_page * 1000:.1f} ms | {bare_first * 1000:.1f} ms | {first_page / bare_first:.2f} |",
        f"| all names | {everything:.2f} s | {bare_everything:.2f} s | {everything / bare_everything:.2f} |",
        f"| AccessSecretVersion calls while listing | {value_reads} | | |",
    ]


def sequential_bulk(store: GcpSecretManagerStore) -> dict[str, dict[str, str]]:
    """Dapr's BulkGetSecret, literally: ListSecrets without page_size, then each latest value in turn."""
    result = {}
    for secret in store._client.list_secrets(request={"parent": f"projects/{PROJECT}"}):
        data = store._client.access_secret_version(name=f"{secret.name}/versions/latest").payload.data
        result[secret.name] = {secret.name: data.decode("utf-8", errors="replace")}
    return result


def bench_bulk(ca: TestCA, key: ServiceAccountKey) -> tuple[list[str], float]:
    with SecretManagerServer(ca) as server:
        for i in range(BULK_SECRETS):
            server.add_secret(f"bulk-{i:04d}", f"value-{i:04d}")
        store = open_store(server, ca, key)
        try:
            store.get_secret("bulk-0001", {})  # the channel is up for both sides
            server.latency = DELAY
            ours, concurrent = timed(lambda: store.bulk_get({}))
            dapr_way, sequential = timed(lambda: sequential_bulk(store))
        finally:
            store.close()
    assert concurrent == sequential, "bulk differs from the sequential loop"
    ratio = dapr_way / ours
    lines = [
        f"### Bulk over {BULK_SECRETS} secrets, {DELAY * 1000:.0f} ms added per call",
        "",
        "| run | time | secrets returned |",
        "|---|---|---|",
        f"| sequential loop of client calls (Dapr's way) | {dapr_way:.2f} s | {len(sequential)} |",
        f"| our bulk_get ({gcp_store.BULK_WORKERS} concurrent reads) | {ours:.2f} s | {len(concurrent)} |",
        f"| **ratio** | **{ratio:.1f}x** (required: >= {REQUIRED_RATIO:g}) | identical maps: yes |",
    ]
    return lines, ratio


def main() -> int:
    key = make_key(f"bench@{PROJECT}.iam.gserviceaccount.com", "bench0000000000000000000000000000000000000")
    with tempfile.TemporaryDirectory() as directory:
        ca = make_ca(Path(directory))
        listing = bench_listing(ca, key)
        bulk, ratio = bench_bulk(ca, key)
    report = "\n".join(
        [
            "## GCP Secret Manager store",
            "",
            "Local TLS gRPC Secret Manager, real SecretManagerServiceClient signing with a service-account key.",
            "",
            *listing,
            "",
            *bulk,
            "",
        ]
    )
    print(report)
    results = ROOT / "benchmarks" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / "gcp.md").write_text(report)
    return 0 if ratio >= REQUIRED_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
