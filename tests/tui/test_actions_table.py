"""The one table of actions (tui/actions.py) drives the keys, the footer, the palette and help, and
each action runs where the table says: app-wide keys on every screen, the others on the main screen
only."""

from __future__ import annotations

from dapr_secrets.tui.actions import ACTIONS, app_bindings, help_rows, main_screen_bindings, palette_rows
from dapr_secrets.tui.app import DaprSecretsApp
from dapr_secrets.tui.commands import ActionsProvider
from dapr_secrets.tui.screens.doctor import DoctorScreen
from dapr_secrets.tui.screens.help import HelpScreen
from dapr_secrets.tui.screens.main import MainScreen
from tests.helpers.tui import component_yaml, make_app, open_store, settle
from tests.tui.stores import MemoryStore

SIZE = (120, 36)


def test_every_action_of_the_table_is_implemented_where_it_runs():
    for row in ACTIONS:
        if row.action:
            owner = DaprSecretsApp if row.app_wide else MainScreen
            assert callable(getattr(owner, f"action_{row.action}", None)), f"{owner.__name__} lacks action_{row.action}"


def test_no_key_is_bound_outside_the_table():
    table = {(row.key, row.action) for row in ACTIONS if row.key}
    main = {(b.key, b.action.removeprefix("app.")) for b in MainScreen.BINDINGS}
    app = {(b.key, b.action) for b in DaprSecretsApp.BINDINGS if b.action in {row.action for row in ACTIONS}}
    assert main == table == {(b.key, b.action.removeprefix("app.")) for b in main_screen_bindings()}
    assert app == {(b.key, b.action) for b in app_bindings()} == {(row.key, row.action) for row in ACTIONS if row.key and row.app_wide}


def test_help_and_the_palette_describe_each_key_once_from_the_table():
    keys = [key for key, _what in help_rows(kubernetes_mode=True)]
    assert len(keys) == len(set(keys)), "a key is described twice in help"
    assert {"x", "c", "=", "v", "/", "ctrl+r", "d", "?", "q / ctrl+c", "n", "e"} <= set(keys)  # e: the views' own key
    assert "n" not in [key for key, _what in help_rows(kubernetes_mode=False)]  # Kubernetes keys only there
    titles = [row.title for row in palette_rows()]
    assert len(titles) == len(set(titles))


def multi_store(resources):
    MemoryStore.secrets = {"single": {"single": "single-value"}}
    resources.write("m.yaml", component_yaml("mem", "secretstores.test.memory"))
    return make_app(resources.runtime())


async def test_app_wide_keys_work_over_the_doctor_and_main_screen_keys_do_not(resources):
    app = multi_store(resources)
    async with app.run_test(size=SIZE) as pilot:
        await open_store(pilot, "mem")
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DoctorScreen)
        await pilot.press("question_mark")  # app-wide: help opens over the doctor
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")  # (ctrl+r is app-wide too, but the live doctor takes it: it runs again)
        await settle(pilot)
        await pilot.press("slash")  # the filter is the main screen's: nothing happens here
        await settle(pilot)
        assert isinstance(app.screen, DoctorScreen) and not app.main_screen.query_one("#filter").display
        assert not app.main_screen.check_action("filter", ())


async def test_the_palette_offers_what_the_table_allows_and_runs_it(resources):
    app = multi_store(resources)
    async with app.run_test(size=SIZE) as pilot:
        await open_store(pilot, "mem")
        offered = [title for title, _help, _run in ActionsProvider(app.screen)._actions()]
        assert "Filter names" in offered and "Switch namespace…" not in offered  # not Kubernetes mode
        run = dict((title, command) for title, _help, command in ActionsProvider(app.screen)._actions())["Filter names"]
        run()
        await settle(pilot)
        assert app.main_screen.query_one("#filter").display
