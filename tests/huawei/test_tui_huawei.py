"""The TUI on a Huawei CSMS store (issue #11): the real CsmsClient, signing with AK/SK, against the local
HTTPS CSMS + IAM, which records every call."""

from __future__ import annotations

from pathlib import Path

from dapr_secrets.tui.widgets.detail import VersionTable
from dapr_secrets.tui.widgets.sidebar import Sidebar
from dapr_secrets.tui.widgets.store_view import StoreView
from tests.fakes.huawei_server import HuaweiServer
from tests.helpers.huawei import SECRET_KEY, daprd_env, metadata
from tests.helpers.tui import Resources, component_yaml, detail_info, highlight, make_app, notifications, screen_text, settle, wait_for

SIZE = (120, 40)


def store_view(app) -> StoreView:
    view = app.views["csms"]
    assert isinstance(view, StoreView)
    return view


async def test_s8_pages_through_secrets_and_reveals_a_version_with_its_stages(tmp_path: Path, csms: HuaweiServer) -> None:
    for number in range(250):
        csms.add_secret(f"app-{number:03d}", f"value-{number:03d}")
    csms.add_version("app-003", "rotated-two")
    csms.add_version("app-003", "rotated-three")
    resources = Resources(tmp_path)
    resources.write("csms.yaml", component_yaml("csms", "secretstores.huaweicloud.csms", metadata()))
    app = make_app(resources.runtime(env=daprd_env(csms)))
    async with app.run_test(size=SIZE) as pilot:
        app.query_one(Sidebar).highlight_component("csms")
        await wait_for(pilot, lambda: "csms" in app.views and store_view(app).listed, timeout=20, what="listed")
        await settle(pilot)
        assert len(store_view(app).index) == 250
        assert [r.query.get("marker", "") for r in csms.calls("ListSecrets")] == ["", "app-099", "app-199"]
        # listing reads no value (the tree's highlighted first row may be read for the detail pane)
        assert {r.path.split("/")[4] for r in csms.value_requests()} <= {"app-000"}

        tree = store_view(app).secret_tree
        assert tree is not None
        detail = await highlight(pilot, tree, "app-003")
        # Dapr's GET without version_id: the empty version segment, and the pane says so
        assert detail.values is None
        assert csms.value_requests()[-1].path.endswith("/secrets/app-003/versions/")
        info = " ".join(detail_info(app).split())
        assert "version_id=latest" in info
        versions = app.query_one(VersionTable)
        assert [row.key.value for row in versions.ordered_rows] == ["v3", "v2", "v1"]
        screen = screen_text(app)
        assert "SYSCURRENT" in screen and "SYSPREVIOUS" in screen
        assert "in project 0123456789abcdef0123456789abcdef" in info
        assert SECRET_KEY not in screen

        versions.focus()
        await pilot.press("down")  # v2: the previous version
        await wait_for(pilot, lambda: detail.version == "v2" and detail.read_done, what="version v2 read")
        assert "rotated-two" not in screen_text(app)  # masked until revealed
        await pilot.press("x")
        await pilot.pause()
        assert "rotated-two" in screen_text(app)
        assert "GET http://localhost:3500/v1.0/secrets/csms/app-003?metadata.version_id=v2" in detail_info(app)
        await pilot.press("c")
        await wait_for(pilot, lambda: app.clipboard == "rotated-two", what="version v2 copied")
        assert not any("rotated-two" in message for message in notifications(app))
        assert csms.value_requests()[-1].path.endswith("/secrets/app-003/versions/v2")
