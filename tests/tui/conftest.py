"""Fixtures for the TUI tests: the test-only store types, outside tmux, a temporary resources folder.
The helpers that drive the app live in tests/helpers/tui.py."""

from __future__ import annotations

import pytest

from dapr_secrets.backends import registry
from tests.helpers.tui import Resources
from tests.tui.stores import AgedStore, FolderStore, GatedStore, MemoryStore, SlowVersionStore


@pytest.fixture(autouse=True)
def outside_tmux(monkeypatch):
    """Copies go to a named tmux buffer inside tmux (issue #13): tests run as if outside it."""
    monkeypatch.delenv("TMUX", raising=False)


@pytest.fixture(autouse=True)
def test_store_types(monkeypatch):
    for short, target in {
        "test.memory": "tests.tui.stores:MemoryStore",
        "test.gated": "tests.tui.stores:GatedStore",
        "test.down": "tests.tui.stores:DownStore",
        "test.folders": "tests.tui.stores:FolderStore",
        "test.slowversions": "tests.tui.stores:SlowVersionStore",
        "test.aged": "tests.tui.stores:AgedStore",
        "test.listedages": "tests.tui.stores:ListedAgesStore",
    }.items():
        monkeypatch.setitem(registry.SECRET_STORE_TYPES, short, target)
    monkeypatch.setattr(MemoryStore, "secrets", {})
    monkeypatch.setattr(MemoryStore, "reads", [])
    monkeypatch.setattr(MemoryStore, "page_size", 1000)
    monkeypatch.setattr(GatedStore, "gate", __import__("threading").Event())
    monkeypatch.setattr(SlowVersionStore, "version_gate", __import__("threading").Event())
    monkeypatch.setattr(FolderStore, "tree", {})
    monkeypatch.setattr(AgedStore, "changed", {})
    monkeypatch.setattr(AgedStore, "asked", [])
    monkeypatch.setattr(FolderStore, "listed", [])
    yield
    GatedStore.gate.set()  # never leave a listing thread waiting
    SlowVersionStore.version_gate.set()


@pytest.fixture
def resources(tmp_path) -> Resources:
    return Resources(tmp_path)
