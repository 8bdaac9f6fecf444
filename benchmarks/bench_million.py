"""The TUI on a local.file store with 1,000,000 names (issue #16): first names, the longest
event-loop stall while they load, the filter per keystroke, and peak resident memory, next to a bare
`json.load` process of the same file in the same run.

Targets: stall <= 100 ms, first names within 1 s, filter <= 100 ms per keystroke, RSS <= 3x.
    .venv/bin/python benchmarks/bench_million.py      (prints markdown, writes results/million.md)
"""

from __future__ import annotations

import asyncio
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_tui import ROOT, SIZE, StallProbe, Unavailable, _until_loaded, filter_latency, ms, runtime, settle  # noqa: E402

NAMES = 1_000_000
RUNS = 3


def write_store(folder: Path) -> None:
    """1,000 groups of 1,000 names (`app-042:secret-0042042`)."""
    document = {f"app-{g:03d}": {f"secret-{g * 1000 + i:07d}": f"value-{i}" for i in range(1000)} for g in range(1000)}
    (folder / "big.json").write_text(json.dumps(document))
    (folder / "components").mkdir()
    (folder / "components" / "big.yaml").write_text(
        "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: big\nspec:\n"
        "  type: secretstores.local.file\n  version: v1\n  metadata:\n  - name: secretsFile\n    value: big.json\n"
    )


async def measure(folder: Path) -> dict[str, float]:
    """The big store shown as the app opens: names, stall while loading, then the filter."""
    from dapr_secrets.tui.app import DaprSecretsApp, UiSettings

    probe = StallProbe()
    probe.start()
    start = time.perf_counter()
    app = DaprSecretsApp(runtime(folder), UiSettings(), Unavailable())
    async with app.run_test(size=SIZE) as pilot:
        while "big" not in app.main_screen.views:
            await asyncio.sleep(0.001)
        first, everything = await _until_loaded(app.main_screen.views["big"], start)
        worst, _ = probe.stop()
        assert len(app.main_screen.views["big"].index) == NAMES
        await pilot.pause()
        filter_probe = StallProbe()
        filter_probe.start()
        typed = await filter_latency(app, pilot)
        filter_stall, _ = filter_probe.stop()
        await settle(app, pilot)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB -> MiB on Linux
    return {"first": first, "all": everything, "stall": worst, "filter_stall": filter_stall, "rss": rss, **typed}


BASELINE = """
import json, resource, sys, time
start = time.perf_counter()
with open(sys.argv[1], "rb") as handle:
    json.load(handle)
took = time.perf_counter() - start
print(json.dumps({"took": took, "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def child(args: list[str]) -> dict[str, float]:
    for _ in range(3):  # a child can die in the app's shutdown race (IndexError in main_screen)
        out = subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=ROOT)
        if out.returncode == 0:
            return json.loads(out.stdout.strip().splitlines()[-1])
    raise RuntimeError(out.stderr[-2000:])


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_store(folder)
        ours, base = [], []
        for _ in range(RUNS):  # interleaved, fresh processes
            base.append(child(["-c", BASELINE, str(folder / "big.json")]))
            ours.append(child([__file__, "--measure", str(folder)]))
    o = {key: statistics.median(run[key] for run in ours) for key in ours[0]}
    b = {key: statistics.median(run[key] for run in base) for key in base[0]}

    def verdict(ok: bool) -> str:
        return "met" if ok else "**not met**"

    rows = [
        ("first names visible, from creating the app (target <= 1 s)", ms(o["first"]), verdict(o["first"] <= 1.0)),
        ("all 1,000,000 loaded", ms(o["all"]), f"`json.load` alone: {ms(b['took'])}"),
        ("longest event-loop stall while loading (target <= 100 ms)", ms(o["stall"]), verdict(o["stall"] <= 0.1)),
        ("filter, per keystroke: new input to matches listed (target <= 100 ms)", ms(o["change"]), verdict(o["change"] <= 0.1)),
        ("filter: longest event-loop stall while typing", ms(o["filter_stall"]), verdict(o["filter_stall"] <= 0.1)),
        ("filter, per keystroke through Pilot: key to screen redrawn", ms(o["press"]), ""),
        ("peak resident memory (target <= 3x a bare `json.load` process)", f"{o['rss']:,.0f} MiB = **{o['rss'] / b['rss']:.1f}x**",
         f"bare `json.load`: {b['rss']:,.0f} MiB; {verdict(o['rss'] <= 3 * b['rss'])}"),
    ]
    lines = [
        "## TUI on a local.file store with 1,000,000 names (issue #16)",
        "",
        f"1,000 groups of 1,000 names, shown as the app opens; headless `run_test` at 120x36; medians of {RUNS} fresh "
        "processes, interleaved with a bare `json.load` process of the same file (same run).",
        "",
        "| measurement | ours | baseline / verdict |",
        "|---|---|---|",
        *(f"| {label} | {value} | {other} |" for label, value, other in rows),
        "",
        "What changed (issue #16): the file is decoded in steps of a few ms (backends/local_file.py "
        "`_decode_in_steps`: one `json.loads` over 40 MB held the GIL ~0.7 s), and each page of listed names is "
        "frozen out of the garbage collector as it arrives (before, full collections walked the growing index: "
        "gen-2 pauses of 100-250 ms, dozens of them, measured with gc callbacks). The floor of what is left, by "
        "cProfile of the UI thread while the 1,000,000 names arrive: merging each page into the tree "
        "(secret_tree `_merge`, `open_levels`), the index's natural sort keys (name_index `sort_key`), and "
        "Textual redrawing the screen (`_compositor._render_chops`) between pages; the filter is one pass of "
        "the index per keystroke (name_index: names folded a page at a time and joined in runs of 1,000, so a "
        "narrowing query skips the runs without a match; a broad one, the first letters typed, stops counting "
        "past 10,000 matches and says `… and 9,800+ more`: counting all 1,000,000 on each keystroke was most of "
        "the stall while typing, 100 ms before).",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    (ROOT / "benchmarks" / "results").mkdir(exist_ok=True)
    (ROOT / "benchmarks" / "results" / "million.md").write_text(text)
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--measure"]:
        print(json.dumps(asyncio.run(measure(Path(sys.argv[2])))))
    else:
        raise SystemExit(main())
