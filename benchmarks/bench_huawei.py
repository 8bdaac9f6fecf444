"""Huawei CSMS store benchmark, against the local HTTPS CSMS + IAM (real CsmsClient, AK/SK signatures
verified by the fake).

20 ms added to every call, 200 secrets: our bulk (values read concurrently) against a sequential loop
of the same client calls (Dapr's way: list everything, then each `latest` in turn). Identical maps;
the ratio must be at least 8.

Run: .venv/bin/python benchmarks/bench_huawei.py   (prints markdown, writes benchmarks/results/huawei.md)
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dapr_secrets.backends.base import StoreContext  # noqa: E402
from dapr_secrets.backends.huawei import store as huawei_store  # noqa: E402
from dapr_secrets.backends.huawei.store import HuaweiCsmsStore  # noqa: E402
from tests.fakes.huawei_server import HuaweiServer  # noqa: E402
from tests.fakes.tls import make_ca  # noqa: E402
from tests.helpers.huawei import ACCESS_KEY, REGION, SECRET_KEY, daprd_env, metadata  # noqa: E402

BULK_SECRETS = 200
DELAY = 0.020  # seconds added to every call
REQUIRED_RATIO = 8.0


def sequential_bulk(store: HuaweiCsmsStore) -> dict[str, dict[str, str]]:
    """csms.go BulkGetSecret, literally: every page of names first, then each latest value in turn."""
    from huaweicloudsdkcsms.v1 import ListSecretsRequest, ShowSecretVersionRequest

    names, marker = [], None
    while True:
        reply = store._client.list_secrets(ListSecretsRequest(limit="100", marker=marker))
        names += [secret.name for secret in reply.secrets]
        marker = reply.page_info.next_marker
        if marker is None:
            break
    result = {}
    for name in names:
        version = store._client.show_secret_version(ShowSecretVersionRequest(secret_name=name, version_id="latest"))
        result[name] = {name: version.version.secret_string}
    return result


def main() -> int:
    with tempfile.TemporaryDirectory() as directory, HuaweiServer(make_ca(Path(directory)), ACCESS_KEY, SECRET_KEY, REGION) as server:
        for i in range(BULK_SECRETS):
            server.add_secret(f"bulk-{i:04d}", f"value-{i:04d}")
        store = HuaweiCsmsStore("bench", metadata(), StoreContext(env=daprd_env(server), cwd=str(ROOT)))
        try:
            server.latency = DELAY
            started = time.perf_counter()
            ours = store.bulk_get({})
            concurrent = time.perf_counter() - started
            started = time.perf_counter()
            dapr_way = sequential_bulk(store)
            sequential = time.perf_counter() - started
        finally:
            store.close()
    assert ours == dapr_way, "bulk differs from the sequential loop"
    ratio = sequential / concurrent
    report = "\n".join([
        "## Huawei CSMS store",
        "",
        "Local HTTPS CSMS + IAM verifying AK/SK signatures, real CsmsClient.",
        "",
        f"### Bulk over {BULK_SECRETS} secrets, {DELAY * 1000:.0f} ms added per call",
        "",
        "| run | time | secrets returned |",
        "|---|---|---|",
        f"| sequential loop of client calls (Dapr's way) | {sequential:.2f} s | {len(dapr_way)} |",
        f"| our bulk_get ({huawei_store.BULK_WORKERS} concurrent reads) | {concurrent:.2f} s | {len(ours)} |",
        f"| **ratio** | **{ratio:.1f}x** (required: >= {REQUIRED_RATIO:g}) | identical maps: yes |",
        "",
    ])
    print(report)
    results = ROOT / "benchmarks" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / "huawei.md").write_text(report)
    return 0 if ratio >= REQUIRED_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
