"""Issue #13: a revealed value never stays visible behind another screen or modal, nor when the
terminal loses focus (it used to wait for the reveal timeout); nor when the filter, which takes the
secret's place, closes again (#14)."""

from __future__ import annotations

import pytest
from textual import events

from tests.helpers.tui import SIZE, component_yaml, cursor_to, make_app, open_store, screen_text, settle
from tests.tui.stores import MemoryStore

VALUE = "remask-canary-value"


@pytest.fixture
def app(resources):
    MemoryStore.secrets = {"db": {"db": VALUE}}
    resources.write("m.yaml", component_yaml("mem", "secretstores.test.memory"))
    return make_app(resources.runtime(), reveal_timeout=600)


async def reveal(pilot) -> None:
    tree = await open_store(pilot, "mem")
    await cursor_to(pilot, tree, "db")
    await pilot.press("x")
    await pilot.pause()
    assert VALUE in screen_text(pilot.app)


@pytest.mark.parametrize("key", ["question_mark", "ctrl+p", "d", "y", "S", "slash"],
                         ids=["help", "palette", "doctor", "copy-menu", "scopes", "filter"])
async def test_another_screen_or_modal_re_masks(app, key):
    async with app.run_test(size=SIZE) as pilot:
        await reveal(pilot)
        await pilot.press(key)
        await settle(pilot)
        assert VALUE not in screen_text(app)  # not behind the modal either
        await pilot.press("escape")
        await settle(pilot)
        assert VALUE not in screen_text(app)  # and still hidden when it closes


async def test_losing_focus_re_masks(app):
    async with app.run_test(size=SIZE) as pilot:
        await reveal(pilot)
        app.post_message(events.AppBlur())
        await settle(pilot)
        assert VALUE not in screen_text(app)
