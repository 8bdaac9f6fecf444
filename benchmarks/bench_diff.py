"""`dapr-secrets diff` of two local.file stores of 100,000 names each (issue #12), against reading
both stores' bulk (what `dapr-secrets bulk` does for each, without printing) in the same run.

Each round loads fresh runtimes (so both measurements open and parse both files), interleaved so
machine noise hits both alike. Target: ratio <= 1.5.
Run: .venv/bin/python benchmarks/bench_diff.py
"""

from __future__ import annotations

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
    base, mine = statistics.median(base_times), statistics.median(diff_times)
    table = (
        "## `diff` of two local.file stores (issue #12)\n\n"
        f"Two secrets files of {NAMES:,} names each (about 1 in 97 values differs); in one process, "
        "fresh runtimes every round, interleaved, same run.\n\n"
        f"| measurement (median of {ROUNDS}, same run) | seconds |\n|---|---|\n"
        f"| baseline: open both stores and read their bulk (`api_bulk`) | {base:.3f} |\n"
        f"| `diff`: open both, read both, compare {NAMES:,} keys in constant time | {mine:.3f} |\n"
        f"| **ratio** (target <= 1.5) | **{mine / base:.2f}** |\n"
    )
    print(table)
    (ROOT / "benchmarks" / "results").mkdir(exist_ok=True)
    (ROOT / "benchmarks" / "results" / "diff.md").write_text(table)


if __name__ == "__main__":
    main()
