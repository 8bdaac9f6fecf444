"""A key listed in help either acts or says why it cannot, in words that fit where the cursor is
(issue #14, found driving the merged on-call path as an on-call user would)."""

from __future__ import annotations

from tests.helpers.tui import SIZE, make_app, notifications, open_store, settle


async def test_v_on_a_folder_asks_for_a_secret_instead_of_blaming_the_secret(resources):
    resources.file_store("files", {"db": {"password": "v-canary-1"}}, nestedSeparator=":")
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        tree = await open_store(pilot, "files")
        tree.move_cursor(tree.root.children[0])  # the group `db:`, not a secret
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        said = notifications(app)[-1]
        assert said == "Highlight a secret (or one of its keys) first.", said
