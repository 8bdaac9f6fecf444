"""ctrl+r reads the files and stores again "keeping what is open" (issue #14, found driving the
merged app): a component's view is built anew from the files read again, with the field under the
cursor and the focus where they were."""

from __future__ import annotations

from dapr_secrets.tui.widgets.component_view import MetadataTable
from dapr_secrets.tui.widgets.sidebar import Sidebar
from tests.helpers.tui import SIZE, component_yaml, make_app, settle, wait_for


async def test_refresh_keeps_the_highlighted_field_of_a_component_and_its_focus(resources):
    resources.write("legacy.yaml", component_yaml("legacy", "bindings.http",
                                                  {"url": "https://x", "user": "u", "password": "plain-canary-5d"}))
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        app.query_one(Sidebar).highlight_component("legacy")
        await settle(pilot)
        old = app.main_screen.views["legacy"]
        table = old.query_one(MetadataTable)
        table.focus()
        table.move_cursor(row=2)
        await pilot.pause()
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: app.main_screen.views.get("legacy") not in (None, old), what="the view built anew")
        await settle(pilot)
        table = app.main_screen.views["legacy"].query_one(MetadataTable)
        assert table.has_focus and table.cursor_row == 2  # the password row, as before
        await pilot.press("x")  # the key acts on that row at once
        await settle(pilot)
        assert "plain-canary-5d" in str(table.get_row_at(2))
