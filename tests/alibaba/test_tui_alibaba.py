"""The TUI on an Alibaba OOS store: the real alibabacloud-oos20190601 client, signing with an access
key, against the local OOS, which records every call (dapr-cloud-stores.md §8)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dapr_secrets.tui.widgets.detail import VersionTable
from dapr_secrets.tui.widgets.sidebar import Sidebar
from dapr_secrets.tui.widgets.store_view import StoreView
from tests.fakes.oos_server import OosServer
from tests.helpers.alibaba import ACCESS_KEY_SECRET, metadata
from tests.helpers.tui import Resources, component_yaml, detail_info, highlight, make_app, notifications, screen_text, settle, wait_for

SIZE = (120, 40)
pytestmark = pytest.mark.usefixtures("local_oos")


def store_view(app) -> StoreView:
    view = app.views["oos"]
    assert isinstance(view, StoreView)
    return view


async def test_s8_pages_through_250_parameters_and_reveals_an_older_version(tmp_path: Path, oos: OosServer) -> None:
    for number in range(250):
        oos.add(f"/app/p{number:03d}", f"value-{number:03d}")
    oos.add("/app/p003", "rotated-one", "rotated-two", "rotated-three")
    resources = Resources(tmp_path)
    resources.write("oos.yaml", component_yaml("oos", "secretstores.alicloud.parameterstore", metadata()))
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        app.query_one(Sidebar).highlight_component("oos")
        await wait_for(pilot, lambda: "oos" in app.views and store_view(app).listed, timeout=20, what="listed")
        await settle(pilot)
        tree = store_view(app).secret_tree
        assert tree is not None
        assert len(store_view(app).index) == 250
        assert [r.query.get("NextToken") for r in oos.calls("ListSecretParameters")] == [None, "100", "200"]
        assert oos.value_requests() == []  # listing read no value

        detail = await highlight(pilot, tree, "/app/p003")
        assert detail.values == {"/app/p003": "rotated-three"}
        versions = app.query_one(VersionTable)
        assert [row.key.value for row in versions.ordered_rows] == ["3", "2", "1"]
        info = detail_info(app)
        assert "access key ID" in info and "region cn-hangzhou" in info
        assert ACCESS_KEY_SECRET not in screen_text(app)

        versions.focus()
        await pilot.press("down", "down")  # version 1
        await wait_for(pilot, lambda: detail.version == "1" and detail.read_done, what="version 1 read")
        assert "rotated-one" not in screen_text(app)  # masked until revealed
        await pilot.press("x")
        await pilot.pause()
        assert "rotated-one" in screen_text(app)
        assert "metadata.version_id=1" in detail_info(app)
        await pilot.press("c")
        await wait_for(pilot, lambda: app.clipboard == "rotated-one", what="version 1 copied")
        assert not any("rotated-one" in message for message in notifications(app))
        read = [r.query.get("ParameterVersion") for r in oos.calls("GetSecretParameter") if r.query["Name"] == "/app/p003"]
        assert "1" in read
        assert all(r.query["Name"] == "/app/p003" for r in oos.value_requests())  # only the browsed one was read
