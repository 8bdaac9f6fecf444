"""The palette's view of the app (`commands.PaletteHost`): a narrow facade over the app and its main
screen, so the providers never reach into either. What the palette may do is listed here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from dapr_secrets.tui.actions import ACTIONS_BY_NAME, Action, palette_rows

if TYPE_CHECKING:
    from dapr_secrets.backends.kubernetes_resources import KubeContext
    from dapr_secrets.backends.runtime import RuntimeOptions
    from dapr_secrets.components.model import Component
    from dapr_secrets.tui.app import DaprSecretsApp
    from dapr_secrets.tui.search import SearchService


class AppPaletteHost:
    def __init__(self, app: DaprSecretsApp) -> None:
        self._app = app

    @property
    def search(self) -> SearchService:
        return self._app.main_screen.search

    @property
    def components(self) -> Sequence[Component]:
        return self._app.runtime.components

    @property
    def options(self) -> RuntimeOptions:
        return self._app.runtime.options

    @property
    def current_context(self) -> str | None:
        return self._app.current_context

    async def jump_to_secret(self, store: str, name: str, key: str | None = None) -> None:
        await self._app.main_screen.jump_to_secret(store, name, key)

    def jump_to_component(self, name: str) -> None:
        self._app.main_screen.jump_to_component(name)

    def available_actions(self) -> list[Action]:
        """The table's palette actions that can work on what is shown (the footer's rule too)."""
        main = self._app.main_screen
        return [row for row in palette_rows() if main.can(row.action)]

    @property
    def keymap(self) -> Mapping[str, str]:
        """The user's key overrides (binding id -> keys): the palette names a key as bound, as help does."""
        return self._app._keymap

    def run_named_action(self, name: str) -> object:
        """Run an action of the table directly (the palette has closed by then)."""
        target = self._app if ACTIONS_BY_NAME[name].app_wide else self._app.main_screen
        return getattr(target, f"action_{name}")()

    def switch_namespace(self, namespace: str) -> None:
        self._app.switch_namespace(namespace)

    def switch_context(self, context: KubeContext) -> None:
        self._app.switch_context(context)
