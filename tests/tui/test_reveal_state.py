"""tui/reveal.py: one RevealState per pane that can reveal: per value, re-masked after its timeout
(restarted by each reveal), when the cursor leaves and on demand."""

from __future__ import annotations

import asyncio

from textual.app import App
from textual.widgets import Static

from dapr_secrets.tui.reveal import RevealState


class Owner(App[None]):
    def compose(self):
        yield Static(id="owner")


async def test_toggle_reveals_one_value_then_hides_it_and_says_which():
    changes: list[frozenset[str]] = []
    async with Owner().run_test() as pilot:
        state: RevealState[str] = RevealState(pilot.app.query_one("#owner"), 0, lambda: changes.append(state.shown))
        assert state.toggle("a") is True and state.toggle("b") is True
        assert state.shown == {"a", "b"} and "a" in state and bool(state)
        assert state.toggle("a") is False
        assert state.shown == {"b"}
        assert changes == [frozenset({"a"}), frozenset({"a", "b"}), frozenset({"b"})]


async def test_alone_keeps_nothing_else_revealed():
    async with Owner().run_test() as pilot:
        state: RevealState[str] = RevealState(pilot.app.query_one("#owner"), 0, lambda: None)
        state.toggle("row-1", alone=True)
        state.toggle("row-2", alone=True)
        assert state.shown == {"row-2"}
        assert state.toggle("row-2", alone=True) is False and not state


async def test_keep_only_hides_what_the_cursor_left_and_redraws_only_on_change():
    changes: list[frozenset[str]] = []
    async with Owner().run_test() as pilot:
        state: RevealState[str] = RevealState(pilot.app.query_one("#owner"), 0, lambda: changes.append(state.shown))
        state.toggle("a")
        state.toggle("b")
        state.keep_only({"b", "c"})
        state.keep_only({"b"})  # nothing to hide: no redraw
        state.mask()
        state.mask()  # nothing shown: no redraw
        assert changes[2:] == [frozenset({"b"}), frozenset()]


async def test_values_re_mask_after_the_timeout_restarted_by_each_reveal():
    async with Owner().run_test() as pilot:
        state: RevealState[str] = RevealState(pilot.app.query_one("#owner"), 0.4, lambda: None)
        state.toggle("a")
        await asyncio.sleep(0.25)
        state.toggle("b")  # restarts the timer for both
        await asyncio.sleep(0.25)
        assert state.shown == {"a", "b"}
        await asyncio.sleep(0.4)
        await pilot.pause()
        assert not state


async def test_no_timeout_keeps_values_until_masked():
    async with Owner().run_test() as pilot:
        state: RevealState[str] = RevealState(pilot.app.query_one("#owner"), 0, lambda: None)
        state.toggle("a")
        await asyncio.sleep(0.2)
        assert state.shown == {"a"}
        state.mask()
        assert not state
