"""The TUI on an Azure Key Vault store (issue #6): the real SecretClient and ClientSecretCredential
against the local Key Vault and Entra servers of conftest.py, which record every request."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from dapr_secrets.tui.widgets.detail import VersionTable
from dapr_secrets.tui.widgets.secret_tree import SecretTree
from dapr_secrets.tui.widgets.sidebar import Sidebar
from dapr_secrets.tui.widgets.store_view import StoreView
from tests.fakes.keyvault_server import KeyVaultServer
from tests.helpers.azure import SERVICE_PRINCIPAL
from tests.helpers.tui import (
    Resources,
    component_yaml,
    detail_info,
    highlight,
    make_app,
    notifications,
    screen_text,
    settle,
    wait_for,
)

SIZE = (120, 40)
pytestmark = pytest.mark.usefixtures("local_azure")


def akv_app(tmp_path: Path):
    resources = Resources(tmp_path)
    resources.write("akv.yaml", component_yaml("akv", "secretstores.azure.keyvault", SERVICE_PRINCIPAL))
    return make_app(resources.runtime())


def store_view(app) -> StoreView:
    view = app.views["akv"]
    assert isinstance(view, StoreView)
    return view


async def open_store(pilot) -> SecretTree:
    pilot.app.query_one(Sidebar).highlight_component("akv")
    await wait_for(pilot, lambda: "akv" in pilot.app.views and store_view(pilot.app).listed, what="akv listed")
    await settle(pilot)
    tree = store_view(pilot.app).secret_tree
    assert tree is not None
    return tree


def labels(node) -> list[str]:
    return [child.label.plain for child in node.children]


def list_pages(vault: KeyVaultServer) -> list[str]:
    """Authenticated listing requests: one per page."""
    return [r.query.get("$skiptoken", "0") for r in vault.requests if r.authorization and r.path == "/secrets"]


async def test_names_arrive_page_by_page_and_no_value_is_requested_while_listing(tmp_path, vault):
    """§6: browsing pages through "list secret properties" (no values); names show as pages arrive."""
    for number in range(60):
        vault.add_secret(f"app-{number:02d}", f"value-{number:02d}")
    gate = vault.later_pages_gate = threading.Event()  # pages 2 and 3 wait until the test opens it
    app = akv_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        app.query_one(Sidebar).highlight_component("akv")
        await wait_for(pilot, lambda: "akv" in app.views and store_view(app).index is not None
                       and len(store_view(app).index) == 25, what="the first page")
        await pilot.pause()
        assert store_view(app).listing  # the other pages are still on their way...
        tree = store_view(app).secret_tree
        assert tree is not None
        await wait_for(pilot, lambda: "app-24" in labels(tree.root), what="the first page in the tree")
        assert "app-25" not in labels(tree.root)  # ...and the first one is already shown
        gate.set()
        tree = await open_store(pilot)
        assert [label for label in labels(tree.root) if label.startswith("app-")] == [f"app-{n:02d}" for n in range(60)]
        assert list_pages(vault) == ["0", "25", "50"]
        assert vault.value_requests() == []


async def test_s3_5_a_disabled_secret_is_marked_in_the_list_and_its_get_failure_explained(tmp_path, vault):
    vault.add_secret("active", "active-value")
    vault.add_secret("switched-off", "switched-off-value", enabled=False)
    app = akv_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot)
        assert labels(tree.root) == ["active", "switched-off  disabled: hidden from Dapr bulk; GET fails"]
        assert vault.value_requests() == []
        await highlight(pilot, tree, "switched-off")
        text = detail_info(app)
        assert "could not read it: secret 'switched-off' is disabled, so Key Vault refuses to read it" in text
        assert "⚠ note: disabled: hidden from Dapr bulk; GET fails" in text
        assert "switched-off-value" not in screen_text(app)


async def test_s3_5_version_id_any_version_can_be_revealed_or_copied_and_a_disabled_one_says_why(tmp_path, vault):
    oldest = vault.add_secret("rotated", "rotated-one", expires=1_700_000_100)  # expired: still readable
    disabled = vault.add_secret("rotated", "rotated-two", enabled=False)
    latest = vault.add_secret("rotated", "rotated-three")
    app = akv_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot)
        detail = await highlight(pilot, tree, "rotated")
        assert detail.values == {"rotated": "rotated-three"}
        assert [row.key.value for row in app.query_one(VersionTable).ordered_rows] == [latest, disabled, oldest]
        assert "as client secret of app app-1 in tenant tenant-1 (answered)" in detail_info(app)

        app.query_one(VersionTable).focus()
        await pilot.press("down", "down", "c")  # copy the oldest at once: it is copied when it arrives
        await wait_for(pilot, lambda: app.clipboard == "rotated-one", what="the oldest version copied")
        assert detail.version == oldest
        assert f"GET http://localhost:3500/v1.0/secrets/akv/rotated?metadata.version_id={oldest}" in detail_info(app)
        assert not any("rotated-one" in message for message in notifications(app))
        assert "rotated-one" not in screen_text(app)
        await pilot.press("x")
        await pilot.pause()
        assert "rotated-one" in screen_text(app)

        await pilot.press("up", "x")  # the disabled version: not read, and the user is told why
        await pilot.pause()
        assert detail.version == disabled and detail.values is None
        assert "rotated-one" not in screen_text(app)
        assert "cannot be read: it is disabled" in detail_info(app)
        value_paths = [r.path for r in vault.value_requests()]
        assert f"/secrets/rotated/{oldest}" in value_paths
        assert f"/secrets/rotated/{disabled}" not in value_paths

        vault.forbidden_secrets.add("rotated")  # RBAC now refuses every read of it
        await pilot.press("down", "c")  # the oldest again: its read fails, so nothing (else) is copied
        await wait_for(pilot, lambda: detail.version == oldest and detail.read_done, what="the refused read")
        await pilot.pause()
        assert app.clipboard == "rotated-one"
        assert notifications(app)[-1] == f"Nothing to copy: version {oldest} could not be read."
        assert "could not read it: Key Vault refused the client secret of app app-1" in detail_info(app)
