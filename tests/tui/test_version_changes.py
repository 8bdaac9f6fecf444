"""Issue #12 in the TUI: opening a secret's versions list says what each version changed (key names
only), reading old versions only then."""

from __future__ import annotations

from tests.helpers.tui import audited_app, cursor_to, detail_info, open_store, screen_text, wait_for
from tests.tui.stores import MemoryStore

SIZE = (120, 40)


async def test_opening_the_versions_says_which_keys_each_version_changed(resources, tmp_path):
    app, _ = audited_app(resources, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot, "mem")
        await cursor_to(pilot, tree, "multi")
        detail = app.query_one("DetailPane")
        await wait_for(pilot, lambda: detail.details is not None, what="versions listed")
        assert detail.changes is None  # nothing old read while the versions stay closed
        app.query_one("#versions").focus()
        await wait_for(pilot, lambda: bool(detail.changes), what="changes")
        await pilot.pause()
        info = detail_info(app)
        # MemoryStore's version N holds every value with a "-vN" suffix: both keys changed.
        assert "what each version changed (keys only):" in info
        lines = [line.split() for line in info.splitlines()]
        assert ["2", "changed", "password,", "username"] in lines and ["1", "keys", "password,", "username"] in lines
        for value in ("user-canary-1", "pass-canary-2"):
            assert value not in screen_text(app) and value not in info
        assert MemoryStore.secrets["multi"]  # the store itself is untouched
