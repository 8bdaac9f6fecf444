"""When each secret last changed (issue #12): the Secret pane says it, the tree shows an age
column sorted newest first on `a` ("what was rotated today" in one keystroke), and back to names
on `a` again. Ages are read only for the secrets shown, never with their values. "Now" is the
tests' fixed clock (conftest.NOW), so no assertion depends on the day the tests run."""

from __future__ import annotations

import os
from datetime import timedelta

from dapr_secrets.backends.base import LastChanged
from dapr_secrets.tui.ages import age
from dapr_secrets.tui.widgets.detail import DetailPane
from dapr_secrets.tui.widgets.sidebar import Sidebar
from tests.helpers.tui import NOW, SIZE, component_yaml, detail_info, labels, make_app, open_store, settle, tree_of, wait_for
from tests.tui.stores import AgedStore, MemoryStore


def changed(**ago: float) -> LastChanged:
    return LastChanged(NOW - timedelta(**ago), "updated")


def test_ages_read_in_the_largest_whole_unit_at_most_four_characters():
    assert [age(NOW - timedelta(seconds=s), NOW) for s in (0, 59, 60, 3599, 3600, 47 * 3600, 48 * 3600, 999 * 86400)] == [
        "0s", "59s", "1m", "59m", "1h", "47h", "2d", "999d"]
    assert age(NOW - timedelta(days=3650), NOW) == "10y"
    assert age(NOW + timedelta(hours=1), NOW) == "0s"  # a clock ahead of ours is not "-1h"


def aged_store(resources, separator: str = "") -> None:
    metadata = {"separator": separator} if separator else None
    resources.write("aged.yaml", component_yaml("aged", "secretstores.test.aged", metadata))


async def show_store(pilot, store: str):
    """Show a store without focusing its tree: no cursor, so the detail pane reads no value."""
    pilot.app.query_one(Sidebar).highlight_component(store)
    views = pilot.app.main_screen.views
    await wait_for(pilot, lambda: store in views and views[store].listed, what=f"{store} listed")
    await settle(pilot)
    return tree_of(pilot.app, store)


async def test_a_shows_ages_newest_first_and_a_again_goes_back_to_names(resources):
    MemoryStore.secrets = {name: {"k": f"{name}-value-canary"} for name in ("alpha", "bravo", "charlie", "delta")}
    AgedStore.changed = {"alpha": changed(days=12), "bravo": changed(hours=3), "delta": changed(minutes=40)}  # charlie: unknown
    resources.write("aged.yaml", component_yaml("aged", "secretstores.test.aged"))
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        tree = await show_store(pilot, "aged")
        assert labels(tree.root) == ["alpha", "bravo", "charlie", "delta"]
        assert AgedStore.asked == []  # no age is read until asked for
        await pilot.press("a")
        await wait_for(pilot, lambda: "…" not in "".join(labels(tree.root)), what="ages")
        await settle(pilot)
        assert labels(tree.root) == [" 40m delta", "  3h bravo", " 12d alpha", "   - charlie"]
        assert "newest first" in str(app.main_screen.views["aged"].border_title)
        assert sorted(AgedStore.asked) == ["alpha", "bravo", "charlie", "delta"]  # once each
        assert MemoryStore.reads == []  # ages never read a value
        await pilot.press("a")
        await settle(pilot)
        assert labels(tree.root) == ["alpha", "bravo", "charlie", "delta"]
        assert "newest first" not in str(app.main_screen.views["aged"].border_title)
        assert "value-canary" not in app.export_screenshot()


async def test_ages_are_read_only_for_the_secrets_shown(resources):
    """A closed group's secrets are not asked for until it is opened (one call each on Vault)."""
    MemoryStore.secrets = {name: {"k": "v"} for name in ("top", "db:user", "db:password")}
    AgedStore.changed = {"top": changed(days=2), "db:user": changed(hours=1), "db:password": changed(minutes=5)}
    aged_store(resources, ":")
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        tree = await show_store(pilot, "aged")
        await pilot.press("a")
        await wait_for(pilot, lambda: AgedStore.asked == ["top"], what="top's age")
        await settle(pilot)
        assert AgedStore.asked == ["top"]
        assert labels(tree.root) == ["db: (2)", "  2d top"]  # folders first, as they were
        tree.root.children[0].expand()
        await wait_for(pilot, lambda: len(AgedStore.asked) == 3, what="the group's ages")
        await settle(pilot)
        assert labels(tree.root.children[0]) == ["  5m password", "  1h user"]


async def test_the_cursor_stays_on_its_secret_when_the_order_changes(resources):
    MemoryStore.secrets = {name: {"k": "v"} for name in ("alpha", "bravo", "charlie")}
    AgedStore.changed = {"alpha": changed(days=30), "bravo": changed(days=1), "charlie": changed(hours=1)}
    resources.write("aged.yaml", component_yaml("aged", "secretstores.test.aged"))
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot, "aged")
        assert tree.cursor_node is not None and tree.cursor_node.data.path == "alpha"
        await pilot.press("a")
        await wait_for(pilot, lambda: labels(tree.root)[0].endswith("charlie"), what="the new order")
        await settle(pilot)
        assert tree.cursor_node.data.path == "alpha" and tree.cursor_line == 2
        assert app.query_one(DetailPane).target.name == "alpha"


async def test_a_file_store_says_its_files_modification_time_as_such(resources):
    resources.file_store("files", {"db-password": "file-value-canary", "api-key": "other-canary"})
    changed_at = (NOW - timedelta(hours=5)).timestamp()
    os.utime(resources.root / "files.json", (changed_at, changed_at))
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot, "files")
        await tree.select_secret("db-password")
        detail = app.query_one(DetailPane)
        await wait_for(pilot, lambda: detail.read_done and detail.target.name == "db-password", what="the read")
        await settle(pilot)
        assert "last changed 2026-12-04 07:00Z (5h ago; file modified)" in detail_info(app)
        await pilot.press("a")
        await settle(pilot)
        assert labels(tree.root) == ["  5h api-key", "  5h db-password"]  # one file, one time: names break the tie
        text = app.export_screenshot()
        assert "file-value-canary" not in text and "other-canary" not in text


async def test_a_store_that_cannot_date_a_secret_shows_no_time_and_no_error(resources):
    MemoryStore.secrets = {"plain": {"k": "v"}}
    resources.write("m.yaml", component_yaml("mem", "secretstores.test.memory"))  # says nothing of dates
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        tree = await show_store(pilot, "mem")
        await pilot.press("a")
        await wait_for(pilot, lambda: labels(tree.root) == ["   - plain"], what="no age")
        assert not app._notifications


async def test_ages_the_listing_gave_need_no_call_per_secret(resources):
    MemoryStore.secrets = {name: {"k": "v"} for name in ("old", "new")}
    AgedStore.changed = {"old": changed(days=1200), "new": changed(seconds=30)}
    resources.write("l.yaml", component_yaml("listed", "secretstores.test.listedages"))
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        tree = await show_store(pilot, "listed")
        await pilot.press("a")
        await wait_for(pilot, lambda: labels(tree.root) == [" 30s new", "  3y old"], what="ages from the listing")
        assert AgedStore.asked == []
