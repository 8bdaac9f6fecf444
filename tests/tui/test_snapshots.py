"""Snapshots of the main screens on the demo (pytest-textual-snapshot), and the check that no
committed SVG (snapshots here, screenshots/ for the README) shows a value it should not."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from tests.helpers.tui import DEMO_COMPONENTS, DEMO_ENV, ROOT, demo_runtime, make_app
from tests.tui.scenes import REVEALED_ON_PURPOSE, SCENES, SIZE, SIZED_SCENES

SNAPSHOTS = Path(__file__).parent / "__snapshots__"


@pytest.fixture(autouse=True)
def at_the_repository_root(monkeypatch):
    monkeypatch.chdir(ROOT)


@pytest.mark.parametrize("scene", sorted(SCENES))
def test_screen(scene, snap_compare):
    assert snap_compare(make_app(demo_runtime()), terminal_size=SIZE, run_before=SCENES[scene])


@pytest.mark.parametrize("scene", sorted(SIZED_SCENES))
def test_screen_at_size(scene, snap_compare):
    run_before, size = SIZED_SCENES[scene]
    assert snap_compare(make_app(demo_runtime()), terminal_size=size, run_before=run_before)


def demo_values() -> dict[str, str]:
    """Every value of the demo (secret name -> value), and the strings inside JSON-looking ones."""
    values: dict[str, str] = {}

    def walk(prefix: str, node: object) -> None:
        if isinstance(node, dict):
            for key, child in node.items():
                walk(f"{prefix}:{key}" if prefix else key, child)
        elif isinstance(node, list):
            for index, child in enumerate(node):
                walk(f"{prefix}:{index}", child)
        elif isinstance(node, str):
            values[prefix] = node

    for path in (DEMO_COMPONENTS / "secrets").glob("*.json"):
        walk("", json.loads(path.read_text()))
    values.update({name.removeprefix("DEMO_"): value for name, value in DEMO_ENV.items()})
    for name, value in list(values.items()):
        if value.startswith("{"):
            for key, inner in json.loads(value).items():
                values[f"{name} -> {key}"] = str(inner)
        if "\n" in value:  # a multi-line value leaks line by line
            for number, line in enumerate(value.splitlines()):
                values[f"{name} line {number}"] = line
    return {name: value for name, value in values.items() if len(value) >= 5}


def svg_text(path: Path) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", path.read_text())).replace("\xa0", " ")


def committed_svgs() -> list[Path]:
    return sorted(SNAPSHOTS.rglob("*.svg")) + sorted((ROOT / "screenshots").glob("*.svg"))


def test_there_are_snapshots_and_screenshots_to_check():
    names = [path.name for path in committed_svgs()]
    assert any("revealed" in name for name in names) and len(names) >= len(SCENES)


@pytest.mark.parametrize("path", committed_svgs(), ids=lambda path: f"{path.parent.name}/{path.name}")
def test_no_committed_image_shows_a_value_unless_revealed_on_purpose(path):
    text = svg_text(path)
    allowed = set()
    if "revealed" in path.name:
        allowed = {name for name in demo_values() if name.split(" ")[0] in REVEALED_ON_PURPOSE}
    leaked = [name for name, value in demo_values().items() if value in text and name not in allowed]
    assert not leaked, f"{path.name} shows the value of {leaked}"
    if "revealed" in path.name:
        assert "demo-1" in text  # the scene really shows what it claims to
