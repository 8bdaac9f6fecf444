"""The main screens of the app on the demo folder, as `run_before` coroutines.

Shared by the snapshot tests and screenshots/generate.py, so the README shows exactly what the
tests check. Only one scene reveals a value, on purpose: `revealed` (a demo value).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from textual.pilot import Pilot

from dapr_secrets.tui.widgets.detail import DetailPane
from dapr_secrets.tui.widgets.sidebar import Sidebar
from dapr_secrets.tui.widgets.store_view import StoreView

SIZE = (120, 36)
REVEALED_ON_PURPOSE = {"api:settings": '{"retries": 3, "region": "demo-1"}'}  # shown by `revealed`


async def _until(pilot: Pilot, condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the demo did not reach the expected state")
        await asyncio.sleep(0.02)
        await pilot.pause()


async def _quiet(pilot: Pilot) -> None:
    """Every worker done, every result drawn, no toast (they depend on timing)."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    pilot.app.clear_notifications()
    await pilot.pause()


async def _until_stable(pilot: Pilot, measure: Callable[[], object], rounds: int = 5) -> None:
    """Until `measure()` has not changed for `rounds` pauses in a row (results stream in)."""
    last, same = object(), 0
    while same < rounds:
        await asyncio.sleep(0.1)
        await pilot.pause()
        current = measure()
        same = same + 1 if current == last else 0
        last = current


async def _open_secret(pilot: Pilot, store: str, name: str) -> None:
    app = pilot.app
    app.query_one(Sidebar).highlight_component(store)
    await _until(pilot, lambda: store in app.main_screen.views and app.main_screen.views[store].listed)
    view = app.main_screen.views[store]
    assert isinstance(view, StoreView) and view.secret_tree is not None
    view.secret_tree.focus()
    await view.secret_tree.select_secret(name)
    detail = app.query_one(DetailPane)
    await _until(pilot, lambda: detail.target is not None and detail.target.name == name and detail.values is not None)
    await _quiet(pilot)


async def main(pilot: Pilot) -> None:
    """demo-file open, `redis:password` highlighted: masked value, scope decision, references."""
    await _open_secret(pilot, "demo-file", "redis:password")


async def revealed(pilot: Pilot) -> None:
    """A demo JSON value revealed: pretty-printed below the table."""
    await _open_secret(pilot, "demo-file", "api:settings")
    await pilot.press("x")
    await _quiet(pilot)


async def references(pilot: Pilot) -> None:
    """demo-multi `webhook`: one working and one broken reference, the table focused."""
    await _open_secret(pilot, "demo-multi", "webhook")
    pilot.app.query_one("#refs").focus()
    await _quiet(pilot)


async def component(pilot: Pilot) -> None:
    """legacy-hook: its metadata and a reference that does not resolve."""
    await _quiet(pilot)
    pilot.app.main_screen.jump_to_component("legacy-hook")
    await _quiet(pilot)


async def doctor(pilot: Pilot) -> None:
    await _quiet(pilot)
    await pilot.press("d")
    await _until(pilot, lambda: bool(getattr(pilot.app.screen, "diagnostics", None)))
    await _quiet(pilot)


async def help_screen(pilot: Pilot) -> None:
    await _quiet(pilot)
    await pilot.press("question_mark")
    await _quiet(pilot)


async def palette(pilot: Pilot) -> None:
    """ctrl+p with "redis": secrets of every loaded store, components and actions."""
    await _open_secret(pilot, "demo-multi", "redis")
    await _open_secret(pilot, "demo-file", "redis:password")
    app = pilot.app
    app.main_screen.search.index_ready_stores()  # what opening the palette starts: done first, so the hits are final
    await _until(pilot, lambda: not app.main_screen.search.progress()[0])
    await _quiet(pilot)
    await pilot.press("ctrl+p", *"redis")
    await _until_stable(pilot, lambda: app.screen.query("OptionList").first().option_count)
    await _quiet(pilot)


async def drift(pilot: Pilot) -> None:
    """The prediction-vs-sidecar view (needs an app attached to a sidecar: not one of SCENES)."""
    from dapr_secrets.tui.screens.drift import DriftScreen

    await _quiet(pilot)
    pilot.app.action_drift()
    await _until(pilot, lambda: isinstance(pilot.app.screen, DriftScreen) and bool(pilot.app.screen.rows))
    await _quiet(pilot)


async def verify(pilot: Pilot) -> None:
    """`=` on redis:password with a candidate typed: masked, the answer not given yet."""
    await _open_secret(pilot, "demo-file", "redis:password")
    await pilot.press("equals_sign")
    await _until(pilot, lambda: type(pilot.app.screen).__name__ == "VerifyScreen")
    await pilot.press(*"not-the-password")
    await _quiet(pilot)


async def compare(pilot: Pilot) -> None:
    """Palette "Compare with…": demo-file against demo-multi, every row (`a`)."""
    from dapr_secrets.tui.screens.compare import CompareTarget

    await _open_secret(pilot, "demo-file", "redis:password")
    pilot.app.main_screen.compare_with(CompareTarget("demo-multi"))
    await _until(pilot, lambda: getattr(pilot.app.screen, "result", None) is not None)
    await pilot.press("a")
    await _quiet(pilot)


async def scopes(pilot: Pilot) -> None:
    """`S`: the secret-scope rules of examples/config.yaml, demo-env (deny, with a denied list) highlighted."""
    await _quiet(pilot)
    await pilot.press("S")
    await _until(pilot, lambda: bool(getattr(pilot.app.screen, "rows", None)))
    await pilot.press("j")
    await _quiet(pilot)


async def ages(pilot: Pilot) -> None:
    """`a` on demo-file: how long ago each secret changed (the secrets file's modification time, which
    the tests fix, as they fix "now"), newest first."""
    await _open_secret(pilot, "demo-file", "redis:password")
    await pilot.press("a")
    tree = pilot.app.main_screen.views["demo-file"].secret_tree
    await _until(pilot, lambda: "…" not in "".join(node.label.plain for node in tree.root.children))
    await _quiet(pilot)


async def legend(pilot: Pilot) -> None:
    """`?` scrolled to its end: the legend of every status mark."""
    await help_screen(pilot)
    await pilot.press("end")
    await _quiet(pilot)


SCENES: dict[str, Callable[[Pilot], Awaitable[None]]] = {
    "main": main,
    "revealed": revealed,
    "references": references,
    "component": component,
    "doctor": doctor,
    "help": help_screen,
    "palette": palette,
    "verify": verify,
    "compare": compare,
    "scopes": scopes,
    "ages": ages,
}

# The same screens on a small (80x24) and a large (160x45) terminal: the layout must hold at both.
SIZES = {"80x24": (80, 24), "160x45": (160, 45)}
SIZED_SCENES: dict[str, tuple[Callable[[Pilot], Awaitable[None]], tuple[int, int]]] = {
    f"{name}-{label}": (scene, size)
    for name, scene in {"main": main, "doctor": doctor, "scopes": scopes, "legend": legend}.items()
    for label, size in SIZES.items()
}
