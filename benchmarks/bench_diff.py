"""`dapr-secrets diff` of two local.file stores of 100,000 names each (issue #12), against reading
both stores' bulk (what `dapr-secrets bulk` does for each, without printing) in the same run.

Each round loads fresh runtimes (so both measurements open and parse both files), interleaved so
machine noise hits both alike. Target: ratio <= 1.5. Then the TUI's compare screen on the same two
stores: how late a 5 ms timer fires while the comparison runs (target: never more than 100 ms).
Run: .venv/bin/python benchmarks/bench_diff.py
"""

from __future__ import annotations

import asyncio
import gc
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dapr_secrets.backends.compare import compare  # noqa: E402
from dapr_secrets.backends.runtime import Runtime, RuntimeOptions  # noqa: E402
from dapr_secrets.tui.app import DaprSecretsApp, UiSettings  # noqa: E402
from dapr_secrets.tui.screens.compare import CompareScreen, CompareTarget  # noqa: E402
from dapr_secrets.tui.widgets.sidebar import Sidebar  # noqa: E402

PROBE_INTERVAL = 0.005

NAMES = 100_000
ROUNDS = 5


def write_store(directory: Path, changed_every: int) -> Path:
    """1,000 groups of 100 keys, flattened by local.file into 100,000 names ("service1:key2")."""
    secrets = {
        f"service{i // 100}": {
            f"key{j}": f"value-{i + j}" + ("-changed" if changed_every and (i + j) % changed_every == 0 else "")
            for j in range(100)
        }
        for i in range(0, NAMES, 100)
    }
    (directory / "secrets.json").write_text(json.dumps(secrets))
    components = directory / "components"
    components.mkdir()
    (components / "big.yaml").write_text(
        "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: big\nspec:\n"
        "  type: secretstores.local.file\n  version: v1\n  metadata:\n"
        f"  - name: secretsFile\n    value: {directory / 'secrets.json'}\n"
    )
    return components


def runtime(components: Path) -> Runtime:
    return Runtime.load(RuntimeOptions(resources_paths=(str(components),), env={}, cwd=str(components)))


def read_both(left: Path, right: Path) -> float:
    start = time.perf_counter()
    for components in (left, right):
        response = runtime(components).api_bulk("big")
        assert response.ok and len(response.body) == NAMES
    return time.perf_counter() - start


def diff(left: Path, right: Path) -> float:
    start = time.perf_counter()
    result = compare(runtime(left), "big", runtime(right), "big", across_environments=True)
    elapsed = time.perf_counter() - start
    assert len(result.rows) == NAMES and result.counts()["different"] == NAMES // 97 + 1, result.counts()
    return elapsed


async def compare_screen_stall(left: Path, right: Path) -> tuple[float, float, float]:
    """The compare screen of `big` against the other folder: (longest lateness, 95th percentile,
    seconds until its rows are shown), with the store already open, as a user would start it."""
    app = DaprSecretsApp(runtime(left), UiSettings(clipboard_mode="off"))
    async with app.run_test(size=(120, 36)) as pilot:
        app.query_one(Sidebar).highlight_component("big")
        views = app.main_screen.views
        while not ("big" in views and views["big"].listed):
            await asyncio.sleep(0.01)
        await app.workers.wait_for_complete()
        await pilot.pause()
        loop, lateness = asyncio.get_running_loop(), []
        done = False

        async def probe() -> None:
            while not done:
                start = loop.time()
                await asyncio.sleep(PROBE_INTERVAL)
                lateness.append(loop.time() - start - PROBE_INTERVAL)

        task = loop.create_task(probe())
        start = time.perf_counter()
        app.main_screen.compare_with(CompareTarget("big", resources_path=str(right)))
        while not (isinstance(app.screen, CompareScreen) and app.screen.result is not None):
            await asyncio.sleep(0.005)
        await app.workers.wait_for_complete()  # the rows are filled in steps
        await pilot.pause()
        took = time.perf_counter() - start
        done = True
        await task
        ordered = sorted(lateness)
        return ordered[-1], ordered[int(len(ordered) * 0.95)], took


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "left").mkdir()
        (Path(tmp) / "right").mkdir()
        left, right = write_store(Path(tmp) / "left", 0), write_store(Path(tmp) / "right", 97)
        base_times, diff_times = [], []
        for _ in range(ROUNDS):
            gc.collect()
            base_times.append(read_both(left, right))
            gc.collect()
            diff_times.append(diff(left, right))
        stalls = [asyncio.run(compare_screen_stall(left, right)) for _ in range(3)]
    longest, p95, took = (statistics.median(values) for values in zip(*stalls, strict=True))
    base, mine = statistics.median(base_times), statistics.median(diff_times)
    table = (
        "## `diff` of two local.file stores (issue #12)\n\n"
        f"Two secrets files of {NAMES:,} names each (about 1 in 97 values differs); in one process, "
        "fresh runtimes every round, interleaved, same run.\n\n"
        f"| measurement (median of {ROUNDS}, same run) | seconds |\n|---|---|\n"
        f"| baseline: open both stores and read their bulk (`api_bulk`) | {base:.3f} |\n"
        f"| `diff`: open both, read both, compare {NAMES:,} keys in constant time | {mine:.3f} |\n"
        f"| **ratio** (target <= 1.5) | **{mine / base:.2f}** |\n\n"
        "### The TUI while a compare runs (median of 3 runs)\n\n"
        "The compare screen of the open store against the other folder (\"Compare with…\"), headless at "
        "120x36; a stall is how late a 5 ms timer fires while the comparison runs in its worker thread.\n\n"
        "| measurement | value |\n|---|---|\n"
        f"| longest event-loop stall (target <= 100 ms) | {longest * 1000:.0f} ms |\n"
        f"| 95th percentile stall | {p95 * 1000:.0f} ms |\n"
        f"| compare started to its rows shown | {took:.2f} s |\n"
    )
    print(table)
    (ROOT / "benchmarks" / "results").mkdir(exist_ok=True)
    (ROOT / "benchmarks" / "results" / "diff.md").write_text(table)


if __name__ == "__main__":
    main()
