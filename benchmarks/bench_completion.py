"""Shell completion on the demo (issue #17): every TAB runs `dapr-secrets __complete ...` as a whole
process, so its cost is the CLI's start-up plus reading the components (and listing one local store).
Measured against `dapr-secrets --version` (the CLI's start-up alone) and a bare `python -c pass`,
interleaved in the same run. Also checks that completing imported no UI and no store SDK.

Target: completing secret names <= 1.5x `--version`. Run: .venv/bin/python benchmarks/bench_completion.py
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ROUNDS = 15
DEMO = ["--resources-path", "examples/components", "--config", "examples/config.yaml", "--app-id", "orders"]
ENTRY = "import sys; from dapr_secrets.tui.cli import main; sys.argv[0] = 'dapr-secrets'; raise SystemExit(main(sys.argv[1:]))"
CASES = {
    "baseline: `python -c pass`": ["-c", "pass"],
    "`dapr-secrets --version` (start-up alone)": ["-c", ENTRY, "--version"],
    "complete a command (`dapr-secrets d<TAB>`)": ["-c", ENTRY, "__complete", "--", "d"],
    "complete a store name (`get <TAB>` on the demo)": ["-c", ENTRY, "__complete", "get", *DEMO, "--", ""],
    "complete a secret name (`get demo-file <TAB>`)": ["-c", ENTRY, "__complete", "get", *DEMO, "demo-file", "--", ""],
}


def timed(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, *argv], cwd=ROOT, capture_output=True, check=True)
    return time.perf_counter() - start


def imports_while_completing() -> set[str]:
    code = (f"from dapr_secrets.tui import completion; completion.complete(['get', *{DEMO!r}, 'demo-file'], ''); "
            "import sys, json; print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout)) & {"textual", "rich", "hvac", "kubernetes", "azure", "requests"}


def main() -> int:
    samples: dict[str, list[float]] = {name: [] for name in CASES}
    for _ in range(ROUNDS):  # interleaved, so load changes hit every case alike
        for name, argv in CASES.items():
            samples[name].append(timed(argv))
    medians = {name: statistics.median(values) for name, values in samples.items()}
    names = list(CASES)
    ratio = medians[names[4]] / medians[names[1]]
    heavy = imports_while_completing()
    lines = [
        "## Shell completion on the demo (issue #17)",
        "",
        "Each TAB is a whole `dapr-secrets __complete` process; interleaved, same run.",
        "",
        f"| measurement (median of {ROUNDS}, same run) | seconds |",
        "|---|---|",
        *(f"| {name} | {medians[name]:.3f} |" for name in names),
        f"| **ratio** secret names / `--version` (target <= 1.5) | **{ratio:.2f}** |",
        "",
        f"UI or store SDK imported while completing: {', '.join(sorted(heavy)) or 'none'}.",
    ]
    (ROOT / "benchmarks" / "results" / "completion.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0 if ratio <= 1.5 and not heavy else 1


if __name__ == "__main__":
    raise SystemExit(main())
