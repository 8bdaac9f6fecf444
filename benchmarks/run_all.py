"""Run every benchmark, one after another (they share 2 cores), then rebuild benchmarks/README.md
from the intro below and each script's results/<name>.md."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = (
    "bench_cli_list", "bench_completion", "bench_tui", "bench_million", "bench_vault", "bench_kubernetes", "bench_azure",
    "bench_aws", "bench_gcp", "bench_diff", "bench_huawei", "bench_tencent", "bench_crawl", "bench_quit",
)

INTRO = """# Benchmarks

Every figure is measured against a baseline run in the same process or the same run, because these
machines are noisy: read the ratios, not the absolute times. Tests never assert timings.

Re-run everything with `make benchmarks` (several minutes), or one script with
`.venv/bin/python benchmarks/<script>.py`. Each script writes `results/<name>.md`; this page is
rebuilt from them.
"""


def main() -> int:
    failed = []
    for script in SCRIPTS:
        path = HERE / f"{script}.py"
        if not path.exists():
            continue
        print(f"== {script}", flush=True)
        if subprocess.run([sys.executable, str(path)], cwd=HERE.parent).returncode != 0:
            failed.append(script)
    write_readme()
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


def write_readme() -> None:
    sections = [INTRO]
    for result in sorted((HERE / "results").glob("*.md")):
        text = result.read_text().strip()
        if text.startswith("# "):  # one level below this page's title
            text = "#" + text
        sections.append(f"<!-- from results/{result.name} -->\n{text}\n")
    (HERE / "README.md").write_text("\n".join(sections))


if __name__ == "__main__":
    if sys.argv[1:] == ["--readme-only"]:
        write_readme()
    else:
        raise SystemExit(main())
