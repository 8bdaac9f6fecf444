"""The TUI on a GCP Secret Manager store (issue #10): the real SecretManagerServiceClient, signing
with a generated service-account key, against the local gRPC Secret Manager, which records every call."""

from __future__ import annotations

from pathlib import Path

import pytest

from dapr_secrets.tui.widgets.detail import VersionTable
from dapr_secrets.tui.widgets.sidebar import Sidebar
from dapr_secrets.tui.widgets.store_view import StoreView
from tests.fakes.secretmanager_server import DESTROYED, SecretManagerServer
from tests.helpers.gcp import ServiceAccountKey
from tests.helpers.tui import Resources, component_yaml, detail_info, highlight, make_app, notifications, screen_text, settle, wait_for

SIZE = (120, 40)
pytestmark = pytest.mark.usefixtures("local_gcp")


def gcp_app(tmp_path: Path, metadata: dict[str, str], env: dict[str, str] | None = None):
    resources = Resources(tmp_path)
    resources.write("gcp.yaml", component_yaml("gcpsm", "secretstores.gcp.secretmanager", metadata))
    return make_app(resources.runtime(env=env))


def store_view(app) -> StoreView:
    view = app.views["gcpsm"]
    assert isinstance(view, StoreView)
    return view


async def open_store(pilot):
    pilot.app.query_one(Sidebar).highlight_component("gcpsm")
    await wait_for(pilot, lambda: "gcpsm" in pilot.app.views and store_view(pilot.app).listed, timeout=20, what="listed")
    await settle(pilot)
    tree = store_view(pilot.app).secret_tree
    assert tree is not None
    return tree


async def test_s8_pages_through_2000_secrets_and_reveals_an_older_version(
    tmp_path: Path, sm: SecretManagerServer, reader_key: ServiceAccountKey
) -> None:
    for number in range(2000):
        sm.add_secret(f"app-{number:04d}", f"value-{number:04d}")
    sm.add_version("app-0003", "rotated-two")
    sm.add_version("app-0003", "rotated-three", DESTROYED)
    sm.add_version("app-0003", "rotated-four")
    app = gcp_app(tmp_path, reader_key.metadata())
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot)
        assert len(store_view(app).index) == 2000
        assert [r.message.get("page_token", "") for r in sm.calls("ListSecrets")] == ["", "500", "1000", "1500"]
        assert sm.value_requests() == []  # listing read no value

        detail = await highlight(pilot, tree, "app-0003")
        assert detail.values == {"app-0003": "rotated-four"}
        versions = app.query_one(VersionTable)
        assert [row.key.value for row in versions.ordered_rows] == ["4", "3", "2", "1"]
        info = detail_info(app)
        assert f"as the component's service-account key {reader_key.key_id} as {reader_key.email}" in info
        assert "bulk key" in info and "projects/123456789/secrets/app-0003" in info
        assert reader_key.private_key.splitlines()[1] not in screen_text(app)

        versions.focus()
        await pilot.press("down", "down")  # version 2: older, enabled
        await wait_for(pilot, lambda: detail.version == "2" and detail.read_done, what="version 2 read")
        assert "rotated-two" not in screen_text(app)  # masked until revealed
        await pilot.press("x")
        await pilot.pause()
        assert "rotated-two" in screen_text(app)
        assert "GET http://localhost:3500/v1.0/secrets/gcpsm/app-0003?metadata.version_id=2" in detail_info(app)
        await pilot.press("c")
        await wait_for(pilot, lambda: app.clipboard == "rotated-two", what="version 2 copied")
        assert not any("rotated-two" in message for message in notifications(app))

        await pilot.press("up", "x")  # version 3 is destroyed: not read, and the pane says why
        await pilot.pause()
        assert detail.version == "3" and detail.values is None
        assert "cannot be read: it is destroyed" in detail_info(app)
        accessed = [r.message["name"] for r in sm.value_requests()]
        assert "projects/my-project/secrets/app-0003/versions/2" in accessed
        assert "projects/my-project/secrets/app-0003/versions/3" not in accessed


async def test_g3_the_detail_pane_explains_why_adc_answers_instead_of_the_key(
    tmp_path: Path, sm: SecretManagerServer, reader_key: ServiceAccountKey, adc_key: ServiceAccountKey
) -> None:
    sm.add_secret("db", "v")
    key_file = adc_key.key_file(tmp_path / "adc.json")
    app = gcp_app(tmp_path, reader_key.metadata(private_key_id=""), env={"GOOGLE_APPLICATION_CREDENTIALS": str(key_file)})
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot)
        await highlight(pilot, tree, "db")
        info = " ".join(detail_info(app).split())
        assert f"as {adc_key.email}; private_key_id is empty, so Dapr uses Application Default Credentials" in info
        assert "ignores the component's private_key and client_email" in info
