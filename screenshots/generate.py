"""Render the main screens of the demo to SVG (and PNG when rsvg-convert is installed).

    .venv/bin/python screenshots/generate.py      (what `make screenshots` runs)

The scenes are the ones the snapshot tests check (tests/tui/scenes.py). Only `revealed` shows a
value: a demo value, on purpose.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "screenshots"


async def render(name: str) -> Path:
    from tests.helpers.tui import demo_runtime, make_app
    from tests.tui.scenes import SCENES, SIZE

    app = make_app(demo_runtime())
    async with app.run_test(size=SIZE) as pilot:
        await SCENES[name](pilot)
        svg = app.export_screenshot(title=f"dapr-secrets — {name}")
    path = OUT / f"{name}.svg"
    path.write_text(svg)
    return path


async def render_drift() -> Path:
    """The prediction-vs-sidecar view against a local sidecar that has drifted from the demo."""
    from dapr_secrets.backends.runtime import RuntimeOptions
    from dapr_secrets.backends.sidecar import SidecarClient, SidecarRuntime
    from tests.fakes.daprd_server import demo_sidecar
    from tests.helpers.tui import make_app
    from tests.tui.scenes import SIZE, drift

    with demo_sidecar(port=3500) as daprd:
        options = RuntimeOptions(resources_paths=("examples/components",), config_files=("examples/config.yaml",), app_id="orders")
        app = make_app(SidecarRuntime(options, SidecarClient(daprd.url)))
        async with app.run_test(size=SIZE) as pilot:
            await drift(pilot)
            svg = app.export_screenshot(title="dapr-secrets — drift")
    path = OUT / "drift.svg"
    path.write_text(svg)
    return path


def to_png(svg: Path) -> Path | None:
    """rsvg-convert drops leading spaces of text runs unless told to preserve them."""
    converter = shutil.which("rsvg-convert")
    if converter is None:
        return None
    preserved = svg.with_suffix(".tmp.svg")
    preserved.write_text(svg.read_text().replace("<svg ", '<svg xml:space="preserve" ', 1))
    png = svg.with_suffix(".png")
    try:
        subprocess.run([converter, "-w", "1400", "-o", str(png), str(preserved)], check=True)
    finally:
        preserved.unlink()
    return png


def main() -> int:
    os.chdir(ROOT)  # the demo's paths are relative to the repository root, as for daprd
    sys.path.insert(0, str(ROOT))
    from tests.tui.scenes import SCENES

    made_png = False
    renders = [lambda name=name: render(name) for name in SCENES] + [render_drift]
    for make in renders:
        svg = asyncio.run(make())
        png = to_png(svg)
        made_png = made_png or png is not None
        print(f"{svg.relative_to(ROOT)}" + (f"  {png.relative_to(ROOT)}" if png else ""))
    if not made_png:
        print("rsvg-convert not found: SVG only (apt-get install librsvg2-bin for PNG)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
