"""Listing a namespace of 5,000 Secrets of 10 KB each on the fake API server (issue #5):
our metadata-only paged listing (`KubernetesStore.list_names`) against a plain
`CoreV1Api.list_namespaced_secret` of the same namespace, in the same run.

Measured: bytes the client received, time until the first names are usable, total time.
Prints a markdown table and writes benchmarks/results/kubernetes.md.
Run: .venv/bin/python benchmarks/bench_kubernetes.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dapr_secrets.backends.base import StoreContext
from dapr_secrets.backends.kubernetes import KubernetesStore, kubeconfig_api
from tests.fakes.kube_server import FakeKubeCluster, seed_secrets
from tests.fakes.tls import make_ca

SECRETS = 5_000
VALUE_SIZE = 10 * 1024
NAMESPACE = "bench"
ROUNDS = 3


def ours(cluster: FakeKubeCluster, store: KubernetesStore) -> tuple[float, float, int, int]:
    """(seconds to first page, seconds in all, bytes received, names)."""
    cluster.clear_requests()
    start = time.perf_counter()
    first = None
    names = 0
    for page in store.list_names():
        first = first or time.perf_counter() - start
        names += len(page)
    total = time.perf_counter() - start
    return first or total, total, sum(r.response_bytes for r in cluster.requests), names


def plain(cluster: FakeKubeCluster, kubeconfig: Path) -> tuple[float, float, int, int]:
    """The obvious client code: one list call, names only once every Secret has been deserialised."""
    from kubernetes.client import CoreV1Api

    api = kubeconfig_api(str(kubeconfig), None)
    try:
        cluster.clear_requests()
        start = time.perf_counter()
        secrets = CoreV1Api(api.api_client).list_namespaced_secret(NAMESPACE, _request_timeout=60)
        names = len([secret.metadata.name for secret in secrets.items])
        total = time.perf_counter() - start
    finally:
        api.close()
    return total, total, sum(r.response_bytes for r in cluster.requests), names


def table(rows: list[tuple[str, float, float, int]]) -> str:
    baseline = rows[-1]
    lines = [
        (
            f"Namespace of {SECRETS:,} Secrets x {VALUE_SIZE // 1024} KB, fake API server over HTTPS, "
            f"median of {ROUNDS} rounds, same process."
        ),
        "",
        "| method | bytes received | time to first names | total time | bytes vs plain | first names vs plain |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, first, total, received in rows:
        lines.append(
            f"| {name} | {received:,} | {first * 1000:.0f} ms | {total * 1000:.0f} ms "
            f"| {received / baseline[3]:.4f} | {first / baseline[1]:.3f} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        with FakeKubeCluster(make_ca(directory / "ca"), record_bodies=False) as cluster:
            seed_secrets(cluster, NAMESPACE, SECRETS, value_size=VALUE_SIZE)
            kubeconfig = cluster.write_kubeconfig(directory / "kubeconfig")
            context = StoreContext(env={"KUBECONFIG": str(kubeconfig), "NAMESPACE": NAMESPACE}, cwd=tmp)
            store = KubernetesStore("kubernetes", {}, context)
            store.api.timeout = 60
            try:
                runs_ours = [ours(cluster, store) for _ in range(ROUNDS)]
            finally:
                store.close()
            runs_plain = [plain(cluster, kubeconfig) for _ in range(ROUNDS)]
    assert all(run[3] == SECRETS for run in runs_ours + runs_plain)
    rows = []
    for name, runs in (("metadata-only pages of 500 (ours)", runs_ours), ("plain list_namespaced_secret", runs_plain)):
        rows.append((name, statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs), runs[0][2]))
    report = "# Kubernetes: listing secret names\n\n" + table(rows)
    print(report)
    results = ROOT / "benchmarks" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / "kubernetes.md").write_text(report)


if __name__ == "__main__":
    main()
