"""A key listed in help either acts or says why it cannot, in words that fit where the cursor is
(issue #14, found driving the merged on-call path as an on-call user would)."""

from __future__ import annotations

from dapr_secrets.tui.widgets.sidebar import Sidebar
from tests.helpers.tui import SIZE, component_yaml, make_app, notifications, open_store, settle


def footer_actions(app) -> set[str]:
    return {active.binding.action for active in app.screen.active_bindings.values() if active.binding.show and active.enabled}


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


async def test_x_c_y_on_a_component_without_a_written_value_say_where_its_values_are(resources):
    resources.file_store("files", {"db": {"password": "v-canary-2"}}, nestedSeparator=":")
    resources.write("orders.yaml", component_yaml("orders", "state.redis",
                                                  {"redisPassword": {"secretKeyRef": {"name": "db:password", "key": "db:password"}}},
                                                  auth="files"))
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.query_one(Sidebar).highlight_component("orders")
        await settle(pilot)
        for key in ("x", "c", "y"):  # in help, not in this view's footer: each says why, none is silent
            before = len(notifications(app))
            await pilot.press(key)
            await settle(pilot)
            said = notifications(app)[before:]
            assert said and "secretKeyRef" in said[-1] and "enter" in said[-1], (key, said)
            assert app.screen is app.main_screen
        assert not {"reveal", "copy"} & footer_actions(app)  # the footer still offers only what works


async def test_store_keys_on_a_component_say_they_work_in_a_store(resources):
    resources.file_store("files", {"db": {"password": "v-canary-3"}}, nestedSeparator=":")
    resources.write("legacy.yaml", component_yaml("legacy", "bindings.http", {"password": "plain-canary-3"}))
    app = make_app(resources.runtime())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.query_one(Sidebar).highlight_component("legacy")
        await settle(pilot)
        for key in ("equals_sign", "v", "a", "minus"):  # verify, version, age, collapse-all: a store's keys
            before = len(notifications(app))
            await pilot.press(key)
            await settle(pilot)
            said = notifications(app)[before:]
            assert said and "secret store" in said[-1], (key, said)
        await pilot.press("slash", "equals_sign", "v", "a", "minus", "x", "c", "y")  # in the filter they are typed
        await settle(pilot)
        assert app.main_screen.query_one("#filter").value == "=va-xcy"
