"""Helpers for the TUI tests: real runtimes over temporary resources folders (or the demo), a fake
native clipboard, and functions that drive the app and wait for it to settle."""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from dapr_secrets.backends.audit import AuditLog
from dapr_secrets.backends.runtime import Runtime, RuntimeOptions
from dapr_secrets.tui.app import DaprSecretsApp, UiSettings
from dapr_secrets.tui.clipboard import ClipboardUnavailable
from dapr_secrets.tui.widgets.detail import DetailPane
from dapr_secrets.tui.widgets.secret_tree import SecretTree
from dapr_secrets.tui.widgets.sidebar import Sidebar
from dapr_secrets.tui.widgets.store_view import StoreView
from tests.tui.stores import MemoryStore

ROOT = Path(__file__).resolve().parents[2]


DEMO_COMPONENTS = ROOT / "examples" / "components"


DEMO_CONFIG = ROOT / "examples" / "config.yaml"


DEMO_ENV = {"DEMO_API_TOKEN": "demo-token-not-real", "DEMO_ADMIN_TOKEN": "demo-admin-token-not-real"}


# "Now" for every app of the tests, and when the demo's secrets files changed: ages on screen
# ("3h ago") never depend on the day the tests run or on when the files were checked out.
NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
DEMO_FILES_CHANGED = NOW - timedelta(hours=3)
SIZE = (120, 36)


class FakeNativeClipboard:
    """The operating system's clipboard, as pyperclip would see it (the OS is not ours to run)."""

    def __init__(self, works: bool = True) -> None:
        self.works = works
        self.content = ""
        self.copies: list[str] = []

    def copy(self, text: str) -> None:
        if not self.works:
            raise ClipboardUnavailable("no clipboard program found (install xclip, xsel or wl-clipboard)")
        self.content = text
        self.copies.append(text)

    def paste(self) -> str:
        if not self.works:
            raise ClipboardUnavailable("no clipboard program found")
        return self.content


def component_yaml(name: str, type_: str, metadata: dict[str, object] | None = None, auth: str = "", extra: str = "") -> str:
    """One Component document; metadata values are plain values, or {"secretKeyRef": {...}}."""
    lines = [
        "apiVersion: dapr.io/v1alpha1", "kind: Component", "metadata:", f"  name: {name}", "spec:", f"  type: {type_}", "  version: v1"
    ]
    if metadata:
        lines.append("  metadata:")
        for field, value in metadata.items():
            lines.append(f"  - name: {field}")
            if isinstance(value, dict):  # e.g. {"secretKeyRef": {...}}: flow mappings are YAML too
                lines += [f"    {key}: {json.dumps(item)}" for key, item in value.items()]
            else:
                lines.append(f"    value: {json.dumps(value)}")
    if auth:
        lines += ["auth:", f"  secretStore: {auth}"]
    return "\n".join(lines) + "\n" + extra


class Resources:
    """A temporary resources folder and daprd working directory."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.components = root / "components"
        self.components.mkdir()

    def write(self, filename: str, text: str) -> Path:
        path = self.components / filename
        path.write_text(text)
        return path

    def secrets_file(self, filename: str, document: object) -> str:
        (self.root / filename).write_text(json.dumps(document))
        return filename  # relative to the working directory, like daprd

    def file_store(self, name: str, document: object, **metadata: object) -> None:
        path = self.secrets_file(f"{name}.json", document)
        self.write(f"{name}.yaml", component_yaml(name, "secretstores.local.file", {"secretsFile": path, **metadata}))

    def runtime(self, env: dict[str, str] | None = None, **options: object) -> Runtime:
        return Runtime.load(
            RuntimeOptions(resources_paths=(str(self.components),), env=env or {}, cwd=str(self.root), **options)
        )


def demo_runtime(app_id: str | None = "orders") -> Runtime:
    """The demo as `make run` opens it: relative paths, so screens look the same in every clone.
    The caller's working directory must be the repository root (as for daprd)."""
    for path in (DEMO_COMPONENTS / "secrets").glob("*.json"):
        os.utime(path, (DEMO_FILES_CHANGED.timestamp(), DEMO_FILES_CHANGED.timestamp()))
    return Runtime.load(
        RuntimeOptions(
            resources_paths=("examples/components",),
            config_files=("examples/config.yaml",),
            app_id=app_id,
            env=DEMO_ENV,
            cwd=".",
        )
    )


def make_app(runtime: Runtime, native: FakeNativeClipboard | None = None, **settings: object) -> DaprSecretsApp:
    return DaprSecretsApp(runtime, UiSettings(**settings), native_clipboard=native or FakeNativeClipboard(works=False),
                          clock=lambda: NOW)


async def settle(pilot, rounds: int = 3) -> None:
    """Let workers finish and their results reach the screen (workers start more workers)."""
    for _ in range(rounds):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def wait_for(pilot, condition: Callable[[], bool], timeout: float = 5.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)
        await pilot.pause()


def screen_text(app) -> str:
    """Everything on screen as plain text (the SVG export, tags stripped), for leak checks."""
    import html
    import re

    svg = app.export_screenshot()
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


def notifications(app) -> list[str]:
    """Every notification's text so far (tests assert none carries a value)."""
    return [n.message for n in app._notifications]


def detail_info(app) -> str:
    """The detail pane's information block, as plain text."""
    return str(app.query_one("#detail-info").render())


async def highlight(pilot, tree, name: str):
    """Put the tree cursor on a secret and wait until the detail pane has read it."""
    tree.focus()
    assert await tree.select_secret(name)
    detail = pilot.app.query_one(DetailPane)
    await wait_for(pilot, lambda: detail.target is not None and detail.target.name == name and detail.read_done,
                   what=f"{name} read")
    await settle(pilot)
    return detail


def tree_of(app, store: str) -> SecretTree:
    view = app.main_screen.views[store]
    assert isinstance(view, StoreView) and view.secret_tree is not None
    return view.secret_tree


def labels(node) -> list[str]:
    return [child.label.plain for child in node.children]


async def open_store(pilot, store: str) -> SecretTree:
    """Highlight a store in the sidebar, wait for its names, focus its tree."""
    pilot.app.query_one(Sidebar).highlight_component(store)
    views = pilot.app.main_screen.views
    await wait_for(pilot, lambda: store in views and views[store].listed, what=f"{store} listed")
    await settle(pilot)
    tree = tree_of(pilot.app, store)
    tree.focus()
    await pilot.pause()
    return tree


async def cursor_to(pilot, tree: SecretTree, name: str, key: str | None = None) -> None:
    """Move the tree cursor to a secret (or key) and wait until the detail pane has read it."""
    await tree.select_secret(name, key)
    detail = pilot.app.query_one(DetailPane)
    await wait_for(
        pilot,
        lambda: detail.target is not None and detail.target.name == name and (detail.values is not None or detail.error),
        what=f"{name} read",
    )
    await pilot.pause()


def audited_app(resources, tmp_path, audit_path=None):
    MemoryStore.secrets = {
        "db:password": {"db:password": VALUE},
        "multi": {"username": "user-canary-1", "password": "pass-canary-2"},
    }
    resources.write("m.yaml", component_yaml("mem", "secretstores.test.memory", {"separator": ":"}))
    path = audit_path or tmp_path / "audit" / "audit.jsonl"
    app = DaprSecretsApp(resources.runtime(), UiSettings(), native_clipboard=FakeNativeClipboard(), audit=AuditLog(path),
                         clock=lambda: NOW)
    return app, path


VALUE = "stored-canary-5d1e"
