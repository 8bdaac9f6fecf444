"""The user config applied to a running app: key overrides, the theme (and remembering the one
picked in the palette), and saying what in the file was wrong. The app calls `apply_user_config`
once, when it mounts."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from textual.binding import BindingsMap

from dapr_secrets.tui.escape import escape_control
from dapr_secrets.tui.user_config import UserConfig, remember_theme, remembered_theme

if TYPE_CHECKING:
    from collections.abc import Mapping

    from textual.app import App

KEYMAP_PREFIX = "dapr-secrets."  # binding ids given to the app's bindings that a user rebinds


def apply_key_overrides(app: App[object], overrides: Mapping[str, str]) -> list[str]:
    """Bind each action of `overrides` ({"doctor": "D", "reveal": "r,space"}) to its keys instead of
    the app's; returns what could not be applied. The one hook into the app's bindings: today they
    come from App.BINDINGS (priority bindings such as ctrl+c stay as they are)."""
    bindings = [binding for group in app._bindings.key_to_bindings.values() for binding in group]
    actions = sorted({binding.action for binding in bindings if not binding.priority})
    problems = [
        f"[keys] {escape_control(action)}: there is no such action (actions: {', '.join(actions)})"
        for action in overrides if action not in actions
    ]
    wanted = {action: keys for action, keys in overrides.items() if action in actions}
    if wanted:
        app._bindings = BindingsMap(
            replace(binding, id=KEYMAP_PREFIX + binding.action) if binding.action in wanted and not binding.priority else binding
            for binding in bindings
        )
        app.update_keymap({KEYMAP_PREFIX + action: keys for action, keys in wanted.items()})
    return problems


def apply_user_config(app: App[object], user: UserConfig) -> None:
    """Keys, theme and the file's problems (as one notification), then remember palette picks."""
    problems = list(user.problems) + apply_key_overrides(app, user.keys)
    theme = remembered_theme(user.theme) or user.theme
    if theme:
        if theme in app.available_themes:
            app.theme = theme
        elif theme == user.theme:
            problems.append(f"{user.path}: theme {theme!r} does not exist: it was ignored (the palette's \"Change theme\" lists them)")
    if problems:
        app.notify("Your config file:\n" + "\n".join(escape_control(p) for p in problems), severity="warning", markup=False, timeout=15)
    told = False

    def remember(theme: object) -> None:  # a theme picked from now on (the palette's "Change theme")
        nonlocal told
        name = getattr(theme, "name", None)
        if isinstance(name, str) and not remember_theme(name, user.theme) and not told:
            told = True
            app.notify("Could not remember the theme (the state folder cannot be written).", severity="warning", markup=False)

    app.theme_changed_signal.subscribe(app, remember)
