"""Background indexing of a Vault store (issue #16): every name of 100,000 secrets in 1,000 folders,
listed by the crawler (backends/crawl.py, up to 16 LISTs at once) against Dapr's sequential
recursive LIST (listKeysUnderPath, our VaultStore._list_recursive), both through the real store
code and hvac, behind a server that adds 20 ms to every request. Same run, same server.

While the crawler runs in a thread (as the UI's worker would), an asyncio loop in the main thread
measures how late a 5 ms timer fires: the stall a UI would feel. Then the same through the real app
(issue #14): `/` opened, the store's folders crawled by its store view into the name index the
filter searches, the app's event loop probed the same way until the store is complete.

The server is tests/fakes/vault_fault.py (Vault's wire shape) with its listing answered from a
folder index: its own LIST scans every secret, which at 100,000 secrets would measure the fake.

Run: .venv/bin/python benchmarks/bench_crawl.py   (writes benchmarks/results/crawl.md)
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_tui import SIZE, StallProbe, Unavailable, runtime  # noqa: E402

from dapr_secrets.backends.base import StoreContext  # noqa: E402
from dapr_secrets.backends.crawl import CRAWL_WORKERS, crawl_names  # noqa: E402
from dapr_secrets.backends.vault.store import VaultStore  # noqa: E402
from tests.fakes.vault_fault import VaultFault  # noqa: E402

FOLDERS, PER_FOLDER = 1_000, 100
LATENCY = 0.020  # seconds added to every request
REQUIRED_SPEEDUP = 6.0
PROBE_INTERVAL = 0.005


class IndexedVault(VaultFault):
    """The fault server, its LIST answered from a precomputed {folder: keys} map."""

    def __init__(self, secrets: dict[str, dict], **options: object) -> None:
        super().__init__(secrets, **options)  # type: ignore[arg-type]
        self.folders: dict[str, list[str]] = {}
        for name in secrets:
            parts = name.split("/")
            for depth in range(len(parts)):
                folder = "/".join(parts[:depth])
                key = parts[depth] + ("/" if depth < len(parts) - 1 else "")
                self.folders.setdefault(folder, [])
                if key not in self.folders[folder][-1:]:
                    self.folders[folder].append(key)

    def _list(self, folder: str) -> tuple[int, dict]:
        keys = self.folders.get(folder)
        return (200, {"data": {"keys": sorted(keys)}}) if keys else (404, {"errors": []})


def idle_lateness(seconds: float) -> float:
    """The same probe with nothing else running: what the machine's load alone costs."""

    async def probe() -> float:
        loop, worst, end = asyncio.get_running_loop(), 0.0, time.perf_counter() + seconds
        while time.perf_counter() < end:
            start = loop.time()
            await asyncio.sleep(PROBE_INTERVAL)
            worst = max(worst, loop.time() - start - PROBE_INTERVAL)
        return worst

    return asyncio.run(probe())


def crawled_with_probe(store: VaultStore) -> tuple[list[str], float, float]:
    """The crawl in a worker thread; the main thread's event loop measures its lateness."""
    names: list[str] = []
    done = threading.Event()

    def work() -> None:
        for page in crawl_names(store, CRAWL_WORKERS):
            names.extend(page)
        done.set()

    async def probe() -> float:
        loop = asyncio.get_running_loop()
        worst = 0.0
        while not done.is_set():
            start = loop.time()
            await asyncio.sleep(PROBE_INTERVAL)
            worst = max(worst, loop.time() - start - PROBE_INTERVAL)
        return worst

    started = time.perf_counter()
    threading.Thread(target=work, daemon=True).start()
    worst = asyncio.run(probe())
    return names, time.perf_counter() - started, worst


def searched_in_the_app(vault_url: str, folder: Path) -> tuple[int, float, float, float]:
    """The real app: `/` opens search, which crawls the store; (names indexed, seconds until the
    store is complete, longest and 95th-percentile lateness of the app's event loop meanwhile)."""
    from dapr_secrets.tui.app import DaprSecretsApp, UiSettings
    from dapr_secrets.tui.widgets.store_view import StoreView

    (folder / "components").mkdir()
    (folder / "components" / "vault.yaml").write_text(
        "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: vault\nspec:\n"
        "  type: secretstores.hashicorp.vault\n  version: v1\n  metadata:\n"
        f"  - name: vaultAddr\n    value: {vault_url}\n  - name: vaultToken\n    value: root\n"
    )

    async def run() -> tuple[int, float, float, float]:
        app = DaprSecretsApp(runtime(folder), UiSettings(), Unavailable())
        async with app.run_test(size=SIZE) as pilot:
            while not isinstance(view := app.main_screen.views.get("vault"), StoreView) or not view.listed:
                await asyncio.sleep(0.01)
            await pilot.pause()
            probe = StallProbe()
            probe.start()
            started = time.perf_counter()
            await pilot.press("slash")
            while not view.complete:
                await asyncio.sleep(0.01)
            took = time.perf_counter() - started
            worst, p95 = probe.stop()
            assert view.index is not None
            return len(view.index), took, worst, p95

    return asyncio.run(run())


def main() -> int:
    secrets = {f"dapr/team{f:04}/secret{s:03}": {"k": "v"} for f in range(FOLDERS) for s in range(PER_FOLDER)}
    with tempfile.TemporaryDirectory() as tmp, IndexedVault(secrets, delay=LATENCY) as vault:
        store = VaultStore("bench", {"vaultAddr": vault.url, "vaultToken": "root"}, StoreContext(env={}, cwd=tmp))
        store.timeout = 60.0
        store._list_recursive("team0000/")  # warm the connection pool and the mount check
        vault.reset()
        started = time.perf_counter()
        sequential = store._list_recursive("")
        sequential_seconds = time.perf_counter() - started
        sequential_calls = len(vault.requests)
        vault.reset()
        crawled, crawl_seconds, worst_stall = crawled_with_probe(store)
        crawl_calls, in_flight = len(vault.requests), vault.max_in_flight
        idle = idle_lateness(crawl_seconds)
        app_names, app_seconds, app_worst, app_p95 = searched_in_the_app(vault.url, Path(tmp))
        store.close()
    same = sorted(crawled) == sorted(sequential) and len(crawled) == FOLDERS * PER_FOLDER
    speedup = sequential_seconds / crawl_seconds
    verdict = "met" if speedup >= REQUIRED_SPEEDUP and same else "not met"
    rows = [
        ("sequential recursive LIST (Dapr's listKeysUnderPath)", sequential_seconds, sequential_calls, len(sequential)),
        (f"crawler, up to {CRAWL_WORKERS} LISTs at once (most in flight: {in_flight})", crawl_seconds, crawl_calls, len(crawled)),
    ]
    table = "".join(f"| {label} | {seconds:.2f} s | {calls:,} | {count:,} |\n" for label, seconds, calls, count in rows)
    text = (
        "## Vault: background indexing of 100,000 secrets in 1,000 folders (issue #16)\n\n"
        f"Real VaultStore + hvac; tests/fakes/vault_fault.py (listing from a folder index) adding {LATENCY * 1000:.0f} ms "
        "to every request; one run each, same server (it runs in this process: its threads share the GIL).\n\n"
        f"| run | time | LIST calls | names |\n|---|---|---|---|\n{table}"
        f"| **speed-up** | **{speedup:.1f}x** (target >= {REQUIRED_SPEEDUP:.0f}x: {verdict}) | | "
        f"same names: {'yes' if same else 'NO'} |\n\n"
        f"Longest lateness of a {PROBE_INTERVAL * 1000:.0f} ms asyncio timer in the main thread while the crawl ran "
        f"in a worker thread: {worst_stall * 1000:.1f} ms (target <= 50 ms); the same probe with nothing running, "
        f"as long, same run: {idle * 1000:.1f} ms.\n\n"
        f"Through the real app (issue #14): `/` pressed, the store view crawls every folder into the index the "
        f"filter searches: {app_names:,} names in {app_seconds:.2f} s; the app's event loop meanwhile: longest "
        f"lateness {app_worst * 1000:.0f} ms, 95th percentile {app_p95 * 1000:.0f} ms.\n"
    )
    print(text)
    (ROOT / "benchmarks" / "results").mkdir(exist_ok=True)
    (ROOT / "benchmarks" / "results" / "crawl.md").write_text(text)
    return 0 if verdict == "met" else 1


if __name__ == "__main__":
    raise SystemExit(main())
