"""`dapr-secrets list` on a local.file store with 100,000 leaves, as a whole process, against a bare
`python -c "import json; json.load(open(F))"` on the same file, in the same run (issue #2).

Target (issue #16): ratio <= 1.5. Also times, as whole processes in the same run, the parts of the
floor that a listing cannot skip (the interpreter, YAML for the component file, argparse, every import
of the listing path), and profiles one listing in-process.
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


# Whole processes that show the floor: what every listing pays before it reads a byte of the store.
FLOOR = (
    ("`python -c pass` (the interpreter alone)", "pass"),
    ("`import yaml` (component files are YAML)", "import yaml"),
    ("`import argparse, json`", "import argparse, json"),
    ("every import of the listing path (`import dapr_secrets.tui.cli, dapr_secrets.backends.local_file`)",
     "import dapr_secrets.tui.cli, dapr_secrets.backends.local_file"),
)


def floor_of_the_file(secrets: Path) -> tuple[str, str]:
    """What no listing can skip, as one process: the interpreter, PyYAML (daprd reads YAML) and the JSON decode."""
    return ("`import yaml` + `json.load` of the file (what a listing cannot skip)", f"import yaml, json; json.load(open({str(secrets)!r}))")


def stages(components: Path) -> list[tuple[str, float]]:
    """One listing in this process, stage by stage (imports are already done here)."""
    import io
    from contextlib import redirect_stdout

    sys.path.insert(0, str(ROOT))
    from dapr_secrets.backends.local_file import decode_document, plain_names
    from dapr_secrets.backends.runtime import Runtime
    from dapr_secrets.tui import cli

    marks = [time.perf_counter()]
    args = cli.build_parser(only="list").parse_args(["list", "big", "--resources-path", str(components)])
    marks.append(time.perf_counter())
    runtime = Runtime.load(cli.options_from_args(args))
    marks.append(time.perf_counter())
    data = (components.parent / "secrets.json").read_bytes()
    document = decode_document(data)
    marks.append(time.perf_counter())
    plain = plain_names(document, ":")
    marks.append(time.perf_counter())
    runtime.open("big")
    marks.append(time.perf_counter())
    with redirect_stdout(io.StringIO()) as out:
        cli._list(runtime, args)
    marks.append(time.perf_counter())
    assert plain is not None and plain.count == out.getvalue().count("\n") == LEAVES
    labels = (
        "build the argument parser (the `list` command's options only), parse",
        "load the resources folder (YAML, scopes)",
        "read + decode the JSON as Go does",
        "the names in flatten's order, as groups (no string per name; no {name: value} map until a get)",
        "open the store through the runtime (decode + names again)",
        "`list` once the store is open (join group by group, check, write)",
    )
    return [(label, end - start) for label, start, end in zip(labels, marks[:-1], marks[1:], strict=True)]


def import_profile() -> list[tuple[str, float]]:
    """What the listing path's imports cost, each part alone after the ones before it, in a fresh process
    (best of 5): the rest of the floor."""
    code = (
        "import time, json\n"
        "parts = ('argparse', 'datetime', 'yaml', 'dapr_secrets.components.model', "
        "'dapr_secrets.backends.base', 'dapr_secrets.backends.runtime', 'dapr_secrets.components.config', "
        "'dapr_secrets.tui.cli', 'dapr_secrets.backends.local_file')\n"
        "times = []\n"
        "for name in parts:\n"
        "    start = time.perf_counter(); __import__(name); times.append((name, time.perf_counter() - start))\n"
        "print(json.dumps(times))\n"
    )
    runs = [json.loads(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=ROOT).stdout)
            for _ in range(5)]
    return [(name, min(run[i][1] for run in runs)) for i, (name, _) in enumerate(runs[0])]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        components = write_store(directory)
        ours = [sys.executable, "-m", "dapr_secrets.tui.cli", "list", "big", "--resources-path", str(components)]
        baseline = [sys.executable, "-c", f"import json; json.load(open({str(directory / 'secrets.json')!r}))"]
        # Installed packages have bytecode; this machine sets PYTHONDONTWRITEBYTECODE, so write it once.
        subprocess.run([sys.executable, "-m", "compileall", "-q", "components", "backends", "tui"], cwd=ROOT, check=True)
        listed = subprocess.run(ours, check=True, capture_output=True, text=True, cwd=ROOT).stdout.count("\n")
        assert listed == LEAVES, listed
        floor = (*FLOOR, floor_of_the_file(directory / "secrets.json"))
        floor_commands = [[sys.executable, "-c", code] for _, code in floor]
        ours_times, base_times = [], []
        floor_times: list[list[float]] = [[] for _ in floor]
        for _ in range(ROUNDS):  # interleaved so machine noise hits both alike
            base_times.append(timed(baseline))
            ours_times.append(timed(ours))
            for times, command in zip(floor_times, floor_commands, strict=True):
                times.append(timed(command))
        profile = [min(runs) for runs in zip(*(stages(components) for _ in range(3)), strict=True)]
        imports = import_profile()
    base, mine = statistics.median(base_times), statistics.median(ours_times)
    floor_rows = "".join(
        f"| {label} | {statistics.median(times):.3f} | {statistics.median(times) / base:.2f} |\n"
        for (label, _), times in zip(floor, floor_times, strict=True)
    )
    stage_rows = "".join(f"| {label} | {seconds * 1000:.1f} ms |\n" for label, seconds in profile)
    import_rows = "".join(f"| `import {name}` | {seconds * 1000:.1f} ms |\n" for name, seconds in imports)
    verdict = "met" if mine / base <= 1.5 else "not met"
    table = (
        "## Headless `list` on a local.file store (issues #2, #16)\n\n"
        f"A {LEAVES:,}-leaf secrets file; whole processes, interleaved, same run.\n\n"
        f"| measurement (median of {ROUNDS}, same run) | seconds | / baseline |\n|---|---|---|\n"
        f"| baseline: `python -c json.load` on the file | {base:.3f} | 1.00 |\n"
        f"| `dapr-secrets list big` ({LEAVES:,} names) | {mine:.3f} | **{mine / base:.2f}** (target <= 1.5: {verdict}) |\n"
        f"{floor_rows}\n"
        "The floor: the rows below the listing are whole processes that do only that part; the interpreter "
        "and the imports are paid before the store is read. In-process profile of one listing, stage by "
        "stage (best of 3, imports done):\n\n"
        f"| stage | time |\n|---|---|\n{stage_rows}\n"
        "The imports of the listing path in a fresh process, each after the ones above it (best of 5):\n\n"
        f"| import | time |\n|---|---|\n{import_rows}\n"
        "Why the target is out of reach (issue #16): the last floor row is a process that only starts Python, "
        "imports PyYAML (component files are YAML; only libyaml's parser is used, but the package's "
        "`__init__` imports every part, the C binding included needs them, and `yaml.reader` compiles a "
        "character-class regex at import, ~5 ms) and decodes the file; it alone is most of the 1.5x budget. "
        "Above it: argparse (its import, gettext and locale, building the `list` command's parser) and our "
        "modules' own code. What was cut: the ~25 dataclasses of the resource model, the store contract and "
        "the runtime are `Record` classes (components/record.py: methods written once, not compiled per class "
        "at import; a test compares each with its dataclass), so neither `dataclasses` nor `inspect` is "
        "imported; argparse's help width is read without `shutil` (and its zlib, bz2, lzma); the names of a "
        "file of strings and objects whose keys hold no separator are kept as groups and printed one join per "
        "object; only the `list` command's options are built when the command comes first; no `tomllib` "
        "without a user config file, no `typing`; the command ends without the interpreter's teardown "
        "(tui/cli.py `entry`); tests/test_import_hygiene.py pins every module the listing may import.\n"
    )
    print(table)
    (ROOT / "benchmarks" / "results").mkdir(exist_ok=True)
    (ROOT / "benchmarks" / "results" / "cli_list.md").write_text(table)


if __name__ == "__main__":
    main()
