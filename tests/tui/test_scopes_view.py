"""The Scopes view (#14): every secret store with what the secrets API gives the app, the lists and
the file:line of each entry; hostile store names escaped; `enter` closes it with the store."""

from __future__ import annotations

import pytest

from dapr_secrets.backends.runtime import Runtime, RuntimeOptions
from dapr_secrets.tui.screens.scopes import ScopesScreen
from tests.helpers.tui import ROOT, demo_runtime, make_app, screen_text, settle


@pytest.fixture(autouse=True)
def at_the_repository_root(monkeypatch):
    monkeypatch.chdir(ROOT)


async def test_the_demo_scopes_say_what_each_store_gives_and_where_the_rule_is_written():
    app = make_app(demo_runtime())
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        app.push_screen(ScopesScreen(app.runtime))
        await settle(pilot)
        text = screen_text(app)
        assert "examples/config.yaml" in text
        assert "only the 2 allowed secrets" in text  # demo-file
        assert "no secret (defaultAccess deny)" in text  # demo-env
        assert "every secret (no scope for this store)" in text  # demo-multi has no entry
        assert "examples/config.yaml:11" in text  # the demo-file entry's line
        await pilot.press("j")
        await settle(pilot)
        # demo-env's deniedSecrets takes no part: defaultAccess deny already refuses every name
        assert "deniedSecrets adds nothing" in screen_text(app)


async def test_enter_closes_the_view_with_the_highlighted_store():
    app = make_app(demo_runtime())
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        chosen: list[str | None] = []
        view = ScopesScreen(app.runtime)
        app.push_screen(view, chosen.append)
        await settle(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)
        assert chosen == [view.rows[1].store] and view.rows[1].store_loaded
        assert not isinstance(app.screen, ScopesScreen)


async def test_hostile_store_names_are_escaped(tmp_path):
    hostile = "evil\x1b]0;pwned\x07"
    config = tmp_path / "config.yaml"
    config.write_text(
        "apiVersion: dapr.io/v1alpha1\nkind: Configuration\nmetadata: {name: c}\nspec:\n  secrets:\n    scopes:\n"
        f'    - storeName: "{hostile.encode("unicode_escape").decode()}"\n      defaultAccess: deny\n'
    )
    (tmp_path / "components").mkdir()
    runtime = Runtime.load(RuntimeOptions(resources_paths=(str(tmp_path / "components"),), config_files=(str(config),), env={}))
    app = make_app(runtime)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        app.push_screen(ScopesScreen(runtime))
        await settle(pilot)
        text = screen_text(app)
        assert "\x1b" not in text and "\x07" not in text
        assert "evil\\e]0;pwned\\x07" in text
        assert "no secret store of this name is loaded" in text


async def test_s_opens_the_view_and_enter_selects_the_store_in_the_sidebar():
    app = make_app(demo_runtime())
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("S")
        await settle(pilot)
        assert isinstance(app.screen, ScopesScreen)
        store = app.screen.rows[1].store
        await pilot.press("j", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, ScopesScreen)
        assert app.main_screen.current == store


async def test_s_again_closes_the_view_as_the_other_views_close_with_their_key():
    app = make_app(demo_runtime())
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        for key, screen in (("S", "ScopesScreen"), ("d", "DoctorScreen"), ("question_mark", "HelpScreen")):
            await pilot.press(key)
            await settle(pilot)
            assert type(app.screen).__name__ == screen
            await pilot.press(key)  # the key that opened it closes it (none of them did nothing)
            await settle(pilot)
            assert app.screen is app.main_screen, key
