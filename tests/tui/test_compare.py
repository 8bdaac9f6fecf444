"""Pilot tests of the compare screen (issue #12): palette "Compare with…", a filterable table of
value-blind rows, enter jumps; nothing on it can reveal. Canary values must never reach the screen,
a notification or the audit line."""

from __future__ import annotations

import json

from dapr_secrets.backends.audit import AuditLog
from dapr_secrets.tui.app import DaprSecretsApp, UiSettings
from dapr_secrets.tui.screens.compare import CompareScreen, CompareTarget
from dapr_secrets.tui.widgets.detail import DetailPane
from tests.helpers.tui import FakeNativeClipboard, Resources, notifications, open_store, screen_text, settle, tree_of, wait_for

SIZE = (120, 36)
LEFT = {"db:password": "left-canary-pw", "db:user": "shared-canary-user", "only-left": "left-only-canary"}
RIGHT = {"db:password": "right-canary-pw", "db:user": "shared-canary-user", "only-right": "right-only-canary"}
CANARIES = ("left-canary-pw", "right-canary-pw", "shared-canary-user", "left-only-canary", "right-only-canary")


def app_for(resources: Resources, tmp_path) -> tuple[DaprSecretsApp, object]:
    resources.file_store("staging", LEFT)
    resources.file_store("prod", RIGHT)
    path = tmp_path / "audit.jsonl"
    app = DaprSecretsApp(resources.runtime(), UiSettings(), native_clipboard=FakeNativeClipboard(), audit=AuditLog(path))
    return app, path


def assert_no_canary(app, *more: str) -> None:
    texts = [screen_text(app), *notifications(app), *more]
    for canary in CANARIES:
        assert all(canary not in text for text in texts), canary


async def wait_for_rows(pilot) -> CompareScreen:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, CompareScreen) and pilot.app.screen.result is not None,
                   timeout=10, what="compare result")
    await pilot.pause()
    return pilot.app.screen


async def test_compare_with_from_the_palette_shows_statuses_and_never_values(resources, tmp_path):
    app, audit_path = app_for(resources, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_store(pilot, "staging")
        await pilot.press("ctrl+p", *"Compare with")
        await pilot.pause(0.3)
        await pilot.press("enter")  # the action: a picker of the other stores
        await pilot.pause(0.3)
        await pilot.press(*"prod")
        await pilot.pause(0.3)
        await pilot.press("enter")
        screen = await wait_for_rows(pilot)
        text = screen_text(app)
        assert "1 same" in text and "1 different" in text and "1 only-left" in text and "1 only-right" in text
        assert "different" in text and "only-right" in text
        assert [(row.name, row.status) for row in screen.shown] == [
            ("db:password", "different"), ("only-left", "only-left"), ("only-right", "only-right")]
        assert not app.check_action("reveal", ()) and not app.check_action("copy", ()) and not app.check_action("verify", ())
        await pilot.press("x", "c")  # no effect here
        await pilot.pause()
        assert app.clipboard == ""
        entry = json.loads(audit_path.read_text().splitlines()[-1])
        assert (entry["action"], entry["store"], entry["other"], entry["outcome"]) == ("compare", "staging", "prod", "different")
        assert_no_canary(app, audit_path.read_text())


async def test_compare_filter_same_rows_and_enter_jumps(resources, tmp_path):
    app, _ = app_for(resources, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_store(pilot, "staging")
        app.compare_with(CompareTarget("prod"))
        screen = await wait_for_rows(pilot)
        await pilot.press("a")  # the same rows too
        await pilot.pause()
        assert len(screen.shown) == 4
        await pilot.press("slash", *"only")
        await pilot.pause()
        assert [row.name for row in screen.shown] == ["only-left", "only-right"]
        await pilot.press("enter")  # from the filter to the table
        await pilot.press("down", "enter")  # only-right: it is in prod, so jump there
        await settle(pilot)
        assert not isinstance(app.screen, CompareScreen)
        assert app.current == "prod" and tree_of(app, "prod").cursor_node.data.path == "only-right"
        assert app.query_one(DetailPane).revealed == set()
        assert_no_canary(app)


async def test_compare_across_folders_flags_shared_values(resources, tmp_path):
    app, _ = app_for(resources, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_store(pilot, "staging")
        # the same store name in another folder: staging there holds prod's values
        folder = tmp_path / "other"
        folder.mkdir()
        (folder / "components").mkdir()
        (folder / "staging.json").write_text(json.dumps(RIGHT))
        (folder / "components" / "staging.yaml").write_text(
            "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: staging\nspec:\n"
            f"  type: secretstores.local.file\n  version: v1\n  metadata:\n  - name: secretsFile\n    value: {folder / 'staging.json'}\n"
        )
        app.compare_with(CompareTarget("staging", resources_path=str(folder / "components")))
        screen = await wait_for_rows(pilot)
        assert ("db:user", "same") in [(row.name, row.status) for row in screen.shown]  # a shared value is listed
        assert "same in both environments" in screen_text(app)
        assert_no_canary(app)


async def test_compare_with_a_missing_store_says_why(resources, tmp_path):
    app, _ = app_for(resources, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_store(pilot, "staging")
        app.compare_with(CompareTarget("nope"))
        await wait_for(pilot, lambda: isinstance(app.screen, CompareScreen) and app.screen.error != "", what="error")
        await pilot.pause()
        assert "Cannot compare: there is no secret store named 'nope'" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, CompareScreen)
