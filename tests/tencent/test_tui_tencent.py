"""The TUI on a Tencent SSM store (issue #11): the real tencentcloud-sdk-python-ssm client, signing with
TC3-HMAC-SHA256, against the local SSM, which records every call."""

from __future__ import annotations

from pathlib import Path

import pytest

from dapr_secrets.tui.widgets.detail import VersionTable
from dapr_secrets.tui.widgets.sidebar import Sidebar
from dapr_secrets.tui.widgets.store_view import StoreView
from tests.fakes.tencent_server import TencentSsmServer
from tests.helpers.tencent import SECRET_KEY, metadata
from tests.helpers.tui import Resources, component_yaml, detail_info, highlight, make_app, notifications, screen_text, settle, wait_for

SIZE = (120, 40)
pytestmark = pytest.mark.usefixtures("local_tencent")


def store_view(app) -> StoreView:
    view = app.views["tencentssm"]
    assert isinstance(view, StoreView)
    return view


async def test_s8_pages_through_250_secrets_and_reveals_a_version_with_version_id(
    tmp_path: Path, ssm: TencentSsmServer
) -> None:
    for number in range(250):
        ssm.add_secret(f"app-{number:03d}", ("v1", f"value-{number:03d}"))
    ssm.add_secret("app-003", ("v1", "first"), ("v2", "second"), ("v3", "third"))
    resources = Resources(tmp_path)
    resources.write("ssm.yaml", component_yaml("tencentssm", "secretstores.tencentcloud.ssm", metadata()))
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        app.query_one(Sidebar).highlight_component("tencentssm")
        await wait_for(pilot, lambda: "tencentssm" in app.views and store_view(app).listed, timeout=20, what="listed")
        await settle(pilot)
        tree = store_view(app).secret_tree
        assert tree is not None
        assert len(store_view(app).index) == 250
        assert [r.body["Offset"] for r in ssm.calls("ListSecrets")] == [0, 100, 200]
        highlighted = {r.body["SecretName"] for r in ssm.value_requests()}
        assert highlighted <= {"app-000"}  # listing read no value (the focused first row may be read)

        detail = await highlight(pilot, tree, "app-003")
        # No VersionID: Dapr sends an empty VersionId and Tencent refuses it; the pane says so.
        assert detail.values is None and "Code=MissingParameter" in detail.error
        versions = app.query_one(VersionTable)
        assert [row.key.value for row in versions.ordered_rows] == ["v3", "v2", "v1"]
        info = detail_info(app)
        assert "as SecretId AKIDexam…0000, region ap-guangzhou" in info
        assert SECRET_KEY not in screen_text(app)

        versions.focus()
        await pilot.press("down")  # v2
        await wait_for(pilot, lambda: detail.version == "v2" and detail.read_done, what="version v2 read")
        assert "second" not in screen_text(app)  # masked until revealed
        await pilot.press("x")
        await pilot.pause()
        assert "second" in screen_text(app)
        assert "GET http://localhost:3500/v1.0/secrets/tencentssm/app-003?metadata.VersionID=v2" in detail_info(app)
        await pilot.press("c")
        await wait_for(pilot, lambda: app.clipboard == "second", what="version v2 copied")
        assert not any("second" in message for message in notifications(app))
        assert {"SecretName": "app-003", "VersionId": "v2"} in [r.body for r in ssm.value_requests()]
