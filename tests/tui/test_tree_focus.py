"""Focusing the tree shows a cursor at once, and space acts on the row the user sees."""

from __future__ import annotations

from dapr_secrets.tui.widgets.sidebar import Sidebar
from tests.helpers.tui import component_yaml, make_app, settle, wait_for
from tests.tui.stores import MemoryStore


async def test_focusing_the_tree_puts_the_cursor_on_the_first_row_and_space_toggles_it(resources):
    MemoryStore.secrets = {f"group{i}:key": {f"group{i}:key": "v"} for i in range(3)}
    resources.write("m.yaml", component_yaml("mem", "secretstores.test.memory"))
    app = make_app(resources.runtime())
    async with app.run_test() as pilot:
        app.query_one(Sidebar).highlight_component("mem")
        await settle(pilot)
        tree = app.views["mem"].secret_tree
        await wait_for(pilot, lambda: tree.last_line >= 2, what="the groups")
        tree.focus()
        await settle(pilot)
        assert tree.cursor_line == 0
        await pilot.press("space")
        await settle(pilot)
        first, last = tree.root.children[0], tree.root.children[-1]
        assert first.is_expanded and not last.is_expanded
